"""Reports per congress: congress B's staff never see congress A's figures or rows (dashboard, exports, search)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suggestions.reporting import scope
from tests.congress_worlds import carry, world

DASHBOARD = reverse("reports:dashboard")
SUMMARY = reverse("reports:export_summary")
OFFICES = reverse("reports:export_offices")


@pytest.fixture
def two(db):
    a, b = world("甲", first=True), world("乙")
    a.suggestions = [carry(a, "关于甲地老旧小区改造的建议", reply=True), carry(a, "关于甲地停车难的建议")]
    b.suggestions = [carry(b, "关于乙地老旧小区改造的建议")]
    return a, b


def _cells(response):
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)


def test_the_dashboard_shows_only_the_congress_acted_in(client, two):
    a, b = two
    client.force_login(b.staff)
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert page.context["session"] == b.session
    assert [s.pk for s in page.context["sessions"]] == [b.session.pk]
    assert page.context["counts"]["assigned"] == 1 and page.context["counts"]["replied"] == 0
    offices = {r["office__name"] for r in page.context["offices"]}
    assert offices == {"乙住建局"}
    assert "甲住建局" not in page.content.decode()
    # A's staff, the same page: A's figures.
    client.force_login(a.staff)
    page = client.get(DASHBOARD)
    assert page.context["counts"]["assigned"] == 2 and page.context["counts"]["replied"] == 1
    assert {r["office__name"] for r in page.context["offices"]} == {"甲住建局"}


def test_another_congress_session_is_not_found_on_the_dashboard_or_the_office_export(client, two):
    a, b = two
    client.force_login(b.staff)
    assert client.get(DASHBOARD, {"session": a.session.pk}).status_code == 404
    assert client.get(OFFICES, {"session": a.session.pk}).status_code == 404


def test_the_summary_export_and_its_search_hold_only_the_congress_rows(client, two):
    a, b = two
    client.force_login(b.staff)
    text = _cells(client.get(SUMMARY))
    assert "关于乙地老旧小区改造的建议" in text
    assert "甲地" not in text
    # A search that matches both congresses' titles, and a session filter naming A's session.
    text = _cells(client.get(SUMMARY, {"q": "老旧小区"}))
    assert "乙地" in text and "甲地" not in text
    text = _cells(client.get(SUMMARY, {"session": a.session.pk}))
    assert "甲地" not in text
    client.force_login(a.staff)
    text = _cells(client.get(SUMMARY, {"q": "老旧小区"}))
    assert "甲地" in text and "乙地" not in text


def test_the_office_export_counts_only_the_congress_offices(client, two):
    a, b = two
    client.force_login(b.staff)
    text = _cells(client.get(OFFICES))
    assert "乙住建局" in text and "甲住建局" not in text


def test_status_totals_over_every_session_sum_one_congress_only(two):
    a, b = two
    assert sum(scope.status_totals(a.congress.pk).values()) == 2
    assert scope.status_totals(b.congress.pk) == {"assigned": 1}


def test_the_track_list_status_counts_never_sum_another_congress_tallies(two):
    from suggestions.models import Suggestion
    from suggestions.queries.staff_selectors import status_counts

    a, b = two
    mine = Suggestion.objects.filter(congress=b.congress)
    for counts in (
        status_counts(mine, everything=True, congress_id=b.congress.pk),
        status_counts(mine, everything=True),
    ):
        assert {value: n for value, _label, n in counts if n} == {"assigned": 1}
