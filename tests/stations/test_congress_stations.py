"""Stations per congress: a station belongs to one congress; its pages, opinions, forwarding, dashboard and the
API's station endpoints keep to it, and residents' pages show the station's congress."""

import pytest
from django.urls import reverse

from stations import actions, queries
from stations.web.forms import ForwardForm, StationForm
from suggestions.errors import InvalidInput
from tests.api.conftest import bearer, resident_opinion
from tests.congress_worlds import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(db):
    a, b = world("甲", first=True), world("乙")
    for w, mobile in ((a, "13800138001"), (b, "13800138002")):
        w.station = actions.station_save(
            actor=w.staff,
            name=f"{w.tag}地联络站",
            address=f"{w.tag}地清溪路1号",
            hours="每周三 9:00–12:00",
            allow_anonymous=True,
            delegates=[w.delegate],
            staff_users=[],
        )
        w.opinion = resident_opinion(w.station, mobile=mobile, topic=f"{w.tag}地路灯不亮")
    return a, b


def test_station_pages_lists_and_dashboard_keep_to_the_congress(client, two):
    a, b = two
    client.force_login(b.staff)
    assert [s.pk for s in client.get(reverse("stations:list")).context["stations"]] == [b.station.pk]
    for name, pk in (
        ("stations:detail", a.station.pk),
        ("stations:edit", a.station.pk),
        ("stations:poster", a.station.pk),
        ("stations:opinion", a.opinion.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("stations:detail", args=[b.station.pk])).status_code == 200
    dashboard = client.get(reverse("stations:dashboard"))
    assert [row["station"].pk for row in dashboard.context["stations"]] == [b.station.pk]
    assert "甲地" not in dashboard.content.decode()


def test_forwarding_offers_and_accepts_only_the_station_congress_offices(client, two):
    a, b = two
    offered = set(ForwardForm(opinion=b.opinion).fields["office"].queryset)
    assert offered == {b.office, b.other_office}
    with pytest.raises(InvalidInput):
        actions.opinion_forward(opinion=b.opinion, actor=b.delegate.user, office=a.office)
    b.opinion.refresh_from_db()
    assert b.opinion.forwarded_office_id is None
    client.force_login(b.delegate.user)  # the station's delegate handles its opinions
    client.post(reverse("stations:forward", args=[b.opinion.pk]), {"office": a.office.pk})
    b.opinion.refresh_from_db()
    assert b.opinion.forwarded_office_id is None
    client.post(reverse("stations:forward", args=[b.opinion.pk]), {"office": b.office.pk})
    b.opinion.refresh_from_db()
    assert b.opinion.forwarded_office_id == b.office.pk
    # The office's clerk sees it; A's clerk does not.
    assert list(queries.office_opinions(actor=b.clerk)) == [b.opinion]
    assert list(queries.office_opinions(actor=a.clerk)) == []


def test_the_station_form_offers_only_the_congress_delegates(two):
    a, b = two
    form = StationForm.for_station(b.station)
    assert set(form.fields["delegates"].queryset) == {b.delegate}
    people = set(form.fields["staff_users"].queryset)
    assert b.staff in people and b.clerk in people
    assert a.staff not in people and a.clerk not in people and a.delegate.user not in people


def test_the_api_station_endpoints_keep_to_the_congress(two):
    a, b = two
    api = bearer(b.staff)
    rows = api.get("/api/v1/opinions/").json()["results"]
    assert {r["id"] for r in rows} == {b.opinion.pk}
    assert api.get(f"/api/v1/opinions/{a.opinion.pk}/").status_code == 404
    answer = bearer(b.delegate.user).post(
        f"/api/v1/opinions/{b.opinion.pk}/forward/",
        {"office": a.office.pk, "note": ""},
        content_type="application/json",
    )
    assert answer.status_code == 400
    b.opinion.refresh_from_db()
    assert b.opinion.forwarded_office_id is None
    stations = {s["name"]: s["congress"] for s in api.get("/api/v1/public/stations/").json()["results"]}
    assert stations == {"甲地联络站": "花溪区人大", "乙地联络站": "乙人大"}


def test_resident_pages_reached_by_code_show_the_station_congress(client, two):
    from suggestions.reminders import sms

    a, b = two
    assert any(m.phone == "13800138002" and m.text.startswith("【乙人大】您的意见已收到") for m in sms.outbox)
    page = client.get(reverse("residents:scan", args=[b.station.code]))
    assert page.status_code == 200
    assert "乙人大" in page.content.decode()
    page = client.get(reverse("stations:public", args=[a.station.pk]))
    assert "花溪区人民代表大会" in page.content.decode()
    assert "乙人大" in client.get(reverse("residents:track", args=[b.opinion.tracking_code])).content.decode()


def test_the_one_time_code_is_signed_with_the_station_congress(client, two, django_capture_on_commit_callbacks):
    from suggestions.reminders import sms

    a, b = two
    for world_, mobile in ((b, "13900139002"), (a, "13900139001")):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("residents:scan", args=[world_.station.code]), {"mobile": mobile})
    texts = {m.phone: m.text for m in sms.outbox}
    assert texts["13900139002"].startswith("【乙人大】您的验证码是")
    assert texts["13900139001"].startswith("【花溪人大】您的验证码是")


def test_an_office_handles_only_its_own_congress_forwarded_opinions_and_figures_keep_to_it(client, two):
    import datetime

    from stations import figures
    from stations import office as office_actions

    a, b = two
    for w in (a, b):
        actions.opinion_forward(opinion=w.opinion, actor=w.delegate.user, office=w.office)
        office_actions.opinion_office_sign(opinion=w.opinion, actor=w.clerk)
        w.opinion.refresh_from_db()
    client.force_login(b.clerk)
    inbox = client.get(reverse("offices:inbox"))
    assert [o.pk for o in inbox.context["station_opinions"].object_list] == [b.opinion.pk]
    assert "甲地路灯不亮" not in inbox.content.decode()
    until = (a.opinion.answer_due + datetime.timedelta(days=3)).isoformat()
    for name, data in (
        ("stations:office_sign", {}),
        ("stations:extension_request", {"until": until, "reason": "x"}),
        ("stations:extension_decide", {"decision": "approve"}),
    ):
        assert client.post(reverse(name, args=[a.opinion.pk]), data).status_code == 404, name
    api = bearer(b.staff)
    for path, data in (
        ("sign/", None),
        ("extension-request/", {"until": until, "reason": "x"}),
        ("extension-decision/", {"approve": True}),
    ):
        url = f"/api/v1/opinions/{a.opinion.pk}/{path}"
        response = api.post(url, data, content_type="application/json") if data else api.post(url)
        assert response.status_code == 404, path
    assert not a.opinion.extensions.exists()
    summary = figures.dashboard_summary(congress_id=b.congress.pk)
    assert [row["station"].pk for row in summary["stations"]] == [b.station.pk]
    client.force_login(b.staff)
    assert "甲地联络站" not in client.get(reverse("reports:dashboard")).content.decode()


def test_a_resident_sending_through_the_api_at_a_code_reaches_that_station(two, settings):
    from django.test import Client

    from stations.models import ResidentOpinion

    a, b = two
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    resident = Client(REMOTE_ADDR="10.55.0.1")
    assert resident.get(f"/api/v1/residents/{b.station.code}/").json()["station"]["name"] == "乙地联络站"
    sent = resident.post(
        f"/api/v1/residents/{b.station.code}/opinions/", {"topic": "噪音", "text": "夜间施工", "anonymous": "true"}
    )
    assert sent.status_code == 201
    assert ResidentOpinion.objects.get(tracking_code=sent.json()["tracking_code"]).station == b.station
