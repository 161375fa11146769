"""An office handles a forwarded opinion beside its assignments: it signs (签收), may ask for more time (申请延期,
decided by the station's handlers or NPC staff), answers; reminders before and after the (extended) deadline;
the office inbox's section of forwarded opinions, paged, at a fixed query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stations import actions, queries, reminders
from stations import office as office_actions
from stations.models import OpinionExtension, ResidentOpinion, StationAudit
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.models import Notification
from suggestions.workdays import work_calendar

OS = ResidentOpinion.Status


@pytest.fixture
def forwarded(station, send_opinion, station_clerk, office):
    opinion = send_opinion(station)
    return actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office, note="请处理")


def _refresh(opinion):
    opinion.refresh_from_db()
    return opinion


def test_the_office_signs_once_and_only_its_own_forwarded_opinion(forwarded, clerk, other_clerk, staff):
    with pytest.raises(NotPermitted):
        office_actions.opinion_office_sign(opinion=forwarded, actor=other_clerk)
    with pytest.raises(NotPermitted):
        office_actions.opinion_office_sign(opinion=forwarded, actor=staff)
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)  # twice: nothing more
    opinion = _refresh(forwarded)
    assert opinion.office_signed_at and opinion.office_signed_by == clerk
    assert StationAudit.objects.filter(opinion=opinion, action="opinion_office_sign").count() == 1
    assert opinion.entries.filter(text__contains="已签收").count() == 1


def test_an_opinion_not_forwarded_cannot_be_signed(station, send_opinion, clerk):
    opinion = send_opinion(station)
    with pytest.raises(NotPermitted):
        office_actions.opinion_office_sign(opinion=opinion, actor=clerk)


def test_the_office_answers_only_after_signing(forwarded, clerk):
    with pytest.raises(TransitionNotAllowed, match="请先签收"):
        actions.opinion_office_answer(opinion=forwarded, actor=clerk, text="已修好。")
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    actions.opinion_office_answer(opinion=forwarded, actor=clerk, text="已修好。")
    assert _refresh(forwarded).status == OS.ANSWERED
    with pytest.raises(TransitionNotAllowed, match="尚未答复"):
        office_actions.opinion_extension_request(
            opinion=forwarded, actor=clerk, reason="x", until=forwarded.answer_due + datetime.timedelta(days=1)
        )


def test_an_extension_is_asked_after_signing_within_bounds_one_at_a_time(forwarded, clerk):
    due = forwarded.answer_due
    with pytest.raises(TransitionNotAllowed, match="已签收"):
        office_actions.opinion_extension_request(opinion=forwarded, actor=clerk, reason="需要协调", until=due)
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    with pytest.raises(InvalidInput, match="晚于当前期限"):
        office_actions.opinion_extension_request(opinion=forwarded, actor=clerk, reason="需要协调", until=due)
    with pytest.raises(InvalidInput, match="延期最长至"):
        office_actions.opinion_extension_request(
            opinion=forwarded, actor=clerk, reason="需要协调", until=due + datetime.timedelta(days=365)
        )
    with pytest.raises(InvalidInput, match="延期理由"):
        office_actions.opinion_extension_request(
            opinion=forwarded, actor=clerk, reason="  ", until=due + datetime.timedelta(days=3)
        )
    assert not OpinionExtension.objects.exists()  # nothing half-saved
    office_actions.opinion_extension_request(
        opinion=forwarded, actor=clerk, reason="需要协调供电公司", until=due + datetime.timedelta(days=7)
    )
    with pytest.raises(TransitionNotAllowed, match="正在审核"):
        office_actions.opinion_extension_request(
            opinion=forwarded, actor=clerk, reason="再延", until=due + datetime.timedelta(days=8)
        )


def test_the_station_approves_the_extension_and_the_deadline_moves(forwarded, clerk, station_clerk, other_clerk):
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    until = forwarded.answer_due + datetime.timedelta(days=7)
    office_actions.opinion_extension_request(opinion=forwarded, actor=clerk, reason="需要协调", until=until)
    assert Notification.objects.filter(user=station_clerk, title__contains="申请延期").exists()
    for someone in (clerk, other_clerk):
        with pytest.raises(NotPermitted):
            office_actions.opinion_extension_decide(opinion=forwarded, actor=someone, approve=True)
    office_actions.opinion_extension_decide(opinion=forwarded, actor=station_clerk, approve=True)
    opinion = _refresh(forwarded)
    assert opinion.extended_answer_due == until and opinion.effective_answer_due == until
    assert OpinionExtension.objects.get().status == OpinionExtension.Status.APPROVED
    assert Notification.objects.filter(user=clerk, title__contains="延期申请已同意").exists()
    assert StationAudit.objects.filter(opinion=opinion, action="opinion_extension_approve").exists()
    with pytest.raises(TransitionNotAllowed, match="没有待审核"):
        office_actions.opinion_extension_decide(opinion=forwarded, actor=station_clerk, approve=True)


def test_npc_staff_refuse_an_extension_with_a_reason(forwarded, clerk, staff):
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    office_actions.opinion_extension_request(
        opinion=forwarded, actor=clerk, reason="需要协调", until=forwarded.answer_due + datetime.timedelta(days=3)
    )
    with pytest.raises(InvalidInput, match="审核意见"):
        office_actions.opinion_extension_decide(opinion=forwarded, actor=staff, approve=False)
    office_actions.opinion_extension_decide(opinion=forwarded, actor=staff, approve=False, note="请按期答复")
    opinion = _refresh(forwarded)
    assert opinion.extended_answer_due is None
    assert OpinionExtension.objects.get().status == OpinionExtension.Status.REFUSED


def test_reminders_of_a_forwarded_opinion_sign_soon_overdue_and_after_an_extension(
    forwarded, clerk, station_clerk, staff
):
    calendar = work_calendar()
    reminders.opinions_remind(today=calendar.add_workdays(timezone.localdate(), 3))
    assert Notification.objects.filter(user=clerk, dedupe_key=f"stations:forwarded:{forwarded.pk}:sign:{clerk.pk}")
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    soon = calendar.add_workdays(forwarded.answer_due, -1)
    reminders.opinions_remind(today=soon)
    reminders.opinions_remind(today=soon)
    key = f"stations:forwarded:{forwarded.pk}:soon:{forwarded.answer_due.isoformat()}"
    assert Notification.objects.filter(user=clerk, dedupe_key__startswith=key).count() == 1
    assert not Notification.objects.filter(user=station_clerk, dedupe_key__startswith=key).exists()
    # An approved extension: the office is reminded again before the new deadline, not overdue on the old one.
    until = calendar.add_workdays(forwarded.answer_due, 5)
    office_actions.opinion_extension_request(opinion=forwarded, actor=clerk, reason="需要协调", until=until)
    office_actions.opinion_extension_decide(opinion=forwarded, actor=staff, approve=True)
    late = forwarded.answer_due + datetime.timedelta(days=1)
    reminders.opinions_remind(today=late)
    assert not Notification.objects.filter(dedupe_key__contains=f"{forwarded.pk}:overdue").exists()
    reminders.opinions_remind(today=calendar.add_workdays(until, -1))
    assert Notification.objects.filter(
        user=clerk, dedupe_key__startswith=f"stations:forwarded:{forwarded.pk}:soon:{until.isoformat()}"
    ).exists()
    # Overdue: the office and, escalated, the station's handlers.
    reminders.opinions_remind(today=until + datetime.timedelta(days=3))
    overdue = f"stations:forwarded:{forwarded.pk}:overdue:{until.isoformat()}"
    assert Notification.objects.filter(user=clerk, dedupe_key__startswith=overdue).exists()
    assert Notification.objects.filter(user=station_clerk, dedupe_key__startswith=overdue).exists()


# --------------------------------------------------------------------------- pages


def test_the_office_inbox_lists_forwarded_opinions_and_signs_from_there(client, forwarded, clerk, other_clerk):
    client.force_login(clerk)
    inbox = reverse("offices:inbox")
    page = client.get(inbox).content.decode()
    assert 'id="station-opinions"' in page and forwarded.topic in page and "待签收" in page
    response = client.post(reverse("stations:office_sign", args=[forwarded.pk]), {"next": inbox + "#station-opinions"})
    assert response.status_code == 302 and response["Location"] == inbox + "#station-opinions"
    assert _refresh(forwarded).office_signed_at
    assert "已签收" in client.get(inbox).content.decode()
    client.force_login(other_clerk)
    assert forwarded.topic not in client.get(inbox).content.decode()
    assert client.post(reverse("stations:office_sign", args=[forwarded.pk])).status_code == 404


def test_a_step_never_redirects_to_another_site(client, forwarded, clerk):
    client.force_login(clerk)
    response = client.post(reverse("stations:office_sign", args=[forwarded.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == forwarded.get_absolute_url()


def test_extension_pages_request_and_decide_with_clear_messages(client, forwarded, clerk, station_clerk):
    office_actions.opinion_office_sign(opinion=forwarded, actor=clerk)
    client.force_login(clerk)
    detail = client.get(forwarded.get_absolute_url()).content.decode()
    assert "申请延期" in detail and "提交答复" in detail
    url = reverse("stations:extension_request", args=[forwarded.pk])
    for bad in ({"until": "not a date", "reason": "x"}, {"until": "2026-01-01", "reason": "x"}, {}):
        response = client.post(url, bad, follow=True)
        assert response.status_code == 200 and not OpinionExtension.objects.exists()
    until = (forwarded.answer_due + datetime.timedelta(days=5)).isoformat()
    client.post(url, {"until": until, "reason": "需要协调"})
    assert OpinionExtension.objects.filter(status="pending").exists()
    decide = reverse("stations:extension_decide", args=[forwarded.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403  # the office does not decide
    client.force_login(station_clerk)
    assert "审核延期申请" in client.get(forwarded.get_absolute_url()).content.decode()
    client.post(decide, {"decision": "approve", "until": "", "note": ""})
    assert _refresh(forwarded).extended_answer_due.isoformat() == until


def test_the_inbox_section_pages_and_keeps_its_query_count(
    client, station, send_opinion, station_clerk, office, clerk, settings
):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "opinions_per_address_day": 1000}
    sent = []

    def forward(n):
        for _ in range(n):
            opinion = send_opinion(station, mobile=f"1380000{len(sent):04d}", address=f"10.1.{len(sent)}.1")
            sent.append(actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("offices:inbox")).status_code == 200
        return len(ctx.captured_queries)

    forward(2)
    client.force_login(clerk)
    few = count()
    forward(queries.OFFICE_PER_PAGE)
    assert count() == few
    page = client.get(reverse("offices:inbox")).content.decode()
    assert page.count("data-opinion=") == queries.OFFICE_PER_PAGE and "opage=2" in page
    second = client.get(reverse("offices:inbox") + "?opage=2").content.decode()
    assert second.count("data-opinion=") == 2
    assert client.get(reverse("offices:inbox") + "?opage=x").status_code == 200
    assert client.get(reverse("stations:office_inbox") + "?page=99").status_code == 200
