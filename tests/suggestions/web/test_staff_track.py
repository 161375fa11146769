"""The track list: django-filter filters, sorting, counts per status, a fixed query count."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congresses.models import first_congress
from suggestions import actions
from suggestions.models import Assignment, Category, Suggestion
from suggestions.queries.filters import SuggestionFilter
from suggestions.reporting import stats
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def _filed(session, delegate, title, **extra):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, **extra)
    return actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)


def _titles(data, queryset=None):
    """The titles the first congress's staff find (the filter reads the congress of the request's actor)."""
    request = RequestFactory().get("/")
    request.user = factories.StaffFactory()
    return {s.title for s in SuggestionFilter(data, queryset=queryset, request=request).qs}


@pytest.fixture
def world(session, delegate, other_delegate, staff, office, co_office, other_office, clerk, leader):
    """A handful of suggestions in different states."""
    waiting = _filed(session, delegate, "关于增设花溪公园停车场的建议")
    actions.suggestion_register(
        suggestion=_filed(
            session, other_delegate, "关于整治河道污染的建议", category=Category.objects.get(name="生态环境")
        ),
        actor=staff,
    )
    handled = actions.suggestion_register(suggestion=_filed(session, delegate, "关于修缮老旧小区的建议"), actor=staff)
    actions.suggestion_assign(
        suggestion=handled, actor=staff, lead_office=office, co_offices=[co_office], is_key=True, leader=leader
    )
    late = actions.suggestion_register(
        suggestion=_filed(session, other_delegate, "关于改善农村道路的建议"), actor=staff
    )
    actions.suggestion_assign(suggestion=late, actor=staff, lead_office=other_office)
    Assignment.objects.filter(suggestion=late).update(due_date=datetime.date(2020, 1, 1))  # long overdue
    answered = actions.suggestion_register(suggestion=_filed(session, delegate, "关于增加学位供给的建议"), actor=staff)
    actions.suggestion_assign(suggestion=answered, actor=staff, lead_office=office)
    reply = carry_to_reply(answered, answered.assignments.get(), clerk, code="B")
    actions.rating_submit(reply=reply, actor=delegate.user, value="basic")
    factories.SuggestionFactory(session=session, lead_delegate=delegate, title="一份草稿")
    return {"waiting": waiting, "handled": handled, "late": late, "answered": answered}


def test_drafts_are_never_tracked(world):
    assert "一份草稿" not in _titles({})
    assert len(_titles({})) == 5


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"status": "submitted"}, {"关于增设花溪公园停车场的建议"}),
        ({"category": "生态环境"}, {"关于整治河道污染的建议"}),
        ({"role": "co"}, {"关于修缮老旧小区的建议"}),
        ({"is_key": "1"}, {"关于修缮老旧小区的建议"}),
        ({"overdue": "1"}, {"关于改善农村道路的建议"}),
        ({"result_class": "B"}, {"关于增加学位供给的建议"}),
        ({"rating": "basic"}, {"关于增加学位供给的建议"}),
        ({"q": "老旧 小区"}, {"关于修缮老旧小区的建议"}),
        ({"q": "河道"}, {"关于整治河道污染的建议"}),
    ],
)
def test_each_filter_narrows_the_list(world, data, expected):
    if data.get("category"):
        data = {"category": Category.objects.get(name=data["category"]).pk}
    if data.get("result_class"):
        from suggestions.models import ResultClass

        data = {"result_class": ResultClass.objects.get(code="B").pk}
    assert _titles(data) == expected


def test_filter_by_office_and_role_together(world, co_office, office):
    assert _titles({"office": co_office.pk}) == {"关于修缮老旧小区的建议"}
    assert _titles({"office": co_office.pk, "role": "lead"}) == set()
    assert _titles({"office": office.pk, "role": "lead"}) == {"关于修缮老旧小区的建议", "关于增加学位供给的建议"}


def test_filter_by_delegate_name_includes_confirmed_cosigners(world, delegate, other_delegate, staff):
    assert _titles({"delegate": other_delegate.name}) == {"关于整治河道污染的建议", "关于改善农村道路的建议"}


def test_due_within_n_days_finds_open_assignments_due_soon(world):
    assert _titles({"due_within": "400"}) == {"关于修缮老旧小区的建议"}
    assert _titles({"due_within": "1"}) == set()


def test_the_filter_takes_a_queryset_for_the_export(world, session):
    only_registered = Suggestion.objects.filter(status=S.REGISTERED)
    assert _titles({"q": "河道"}, queryset=only_registered) == {"关于整治河道污染的建议"}
    assert _titles({"q": "老旧"}, queryset=only_registered) == set()


def test_sorting_by_due_date_puts_the_earliest_first(world):
    qs = SuggestionFilter({"ordering": "due"}, congress_id=first_congress().pk).qs
    assert qs[0].title == "关于改善农村道路的建议"


def test_an_invalid_filter_value_shows_a_message_not_an_error(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("staff:track"), {"status": "nonsense", "due_within": "abc"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_the_page_shows_counts_per_status_under_the_other_filters(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("staff:track"), {"status": "submitted"})
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts["submitted"] == 1 and counts["registered"] == 1 and counts["assigned"] == 2
    assert counts["closed"] == 1 and "draft" not in counts
    assert response.context["total"] == 5
    assert response.context["page"].paginator.count == 1


def test_sort_links_flip_direction_and_keep_the_filters(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("staff:track"), {"q": "建议", "ordering": "number"})
    link = response.context["sort_links"]["number"]
    assert link["state"] == "ascending" and "ordering=-number" in link["url"] and "q=" in link["url"]


def test_the_track_list_holds_a_fixed_query_count(client, staff, session, delegate, office, co_office):
    def make(n):
        for i in range(n):
            suggestion = actions.suggestion_register(
                suggestion=_filed(session, delegate, f"关于第{i}件事的建议"), actor=staff
            )
            actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office, co_offices=[co_office])

    client.force_login(staff)
    make(2)
    client.get(reverse("staff:track"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:track"), {"ordering": "due"})
    make(12)
    stats.catch_up()  # the status counts' tallies take in the changes (a fixed cost: test_stats.py)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:track"), {"ordering": "due"})
    assert len(response.context["page"].object_list) == 14
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 20


def test_unfiltered_counts_and_pages_come_from_the_tallies_and_match_a_count(
    client, staff, session, delegate, office, co_office
):
    from suggestions.models import Suggestion

    for i in range(3):
        suggestion = actions.suggestion_register(
            suggestion=_filed(session, delegate, f"关于第{i}号的建议"), actor=staff
        )
        if i:
            actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    _filed(session, delegate, "尚未审查的建议")
    client.force_login(staff)
    for params in ({}, {"status": "assigned"}, {"status": "submitted", "ordering": "due"}, {"q": "第1号"}):
        response = client.get(reverse("staff:track"), params)
        tracked = Suggestion.objects.exclude(status="draft")
        counts = {value: n for value, _label, n in response.context["counts"]}
        if "q" not in params:
            assert counts == {v: tracked.filter(status=v).count() for v in counts}, params
        expected = tracked.filter(status=params["status"]) if "status" in params else tracked
        if "q" in params:
            expected = tracked.filter(title__contains=params["q"])
        assert response.context["page"].paginator.count == expected.count(), params
