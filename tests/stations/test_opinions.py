"""The residents' loop through the actions: send, triage, forward, answer, rate, publish; and the refusals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stations import actions, queries, reminders, residents
from stations import office as office_actions
from stations.models import ResidentOpinion, StationAudit
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.models import Notification
from suggestions.reminders import sms
from tests import factories
from tests.stations.conftest import last_code

pytestmark = pytest.mark.django_db
OS = ResidentOpinion.Status


def test_an_opinion_sent_with_the_sms_code_gets_deadlines_a_tracking_code_and_an_sms(station, send_opinion):
    opinion = send_opinion(station)
    assert opinion.status == OS.RECEIVED
    assert len(opinion.tracking_code) == 10
    assert opinion.first_response_due > timezone.localdate()
    assert opinion.answer_due > opinion.first_response_due
    assert any(opinion.tracking_code in text for _phone, text in [(m.phone, m.text) for m in sms.outbox])
    assert StationAudit.objects.filter(opinion=opinion, action="opinion_submit").exists()


def test_a_wrong_code_is_refused_and_counts_as_an_attempt(station, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification = residents.verification_send(mobile="13900139000", address="10.0.0.2")
    with pytest.raises(InvalidInput, match="验证码不正确"):
        residents.opinion_submit(
            station=station,
            topic="t",
            text="x",
            name="李四",
            mobile="13900139000",
            verification_id=verification.pk,
            code="000000" if last_code("13900139000") != "000000" else "111111",
        )
    verification.refresh_from_db()
    assert verification.attempts == 1
    assert not ResidentOpinion.objects.exists()


def test_a_code_cannot_be_used_twice(station, send_opinion):
    send_opinion(station)
    verification = residents.PhoneVerification.objects.get()
    with pytest.raises(InvalidInput, match="失效"):
        residents.opinion_submit(
            station=station,
            topic="t",
            text="x",
            name="李四",
            mobile="13800138000",
            verification_id=verification.pk,
            code="123456",
        )


@pytest.mark.parametrize("mobile", ["12345", "2380013800a", "<script>", "1380013800011"])
def test_a_malformed_mobile_number_gets_a_chinese_message(mobile):
    with pytest.raises(InvalidInput, match="手机号码"):
        residents.verification_send(mobile=mobile, address="10.0.0.1")


def test_codes_are_limited_per_number_and_per_address(db, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "otp_per_mobile_hour": 2, "otp_per_address_hour": 3}
    residents.verification_send(mobile="13800000001", address="10.9.9.9")
    residents.verification_send(mobile="13800000001", address="10.9.9.9")
    with pytest.raises(InvalidInput, match="该手机号码获取验证码过于频繁"):
        residents.verification_send(mobile="13800000001", address="10.9.9.9")
    residents.verification_send(mobile="13800000002", address="10.9.9.9")
    with pytest.raises(InvalidInput, match="您所在网络"):
        residents.verification_send(mobile="13800000003", address="10.9.9.9")


def test_a_second_code_within_a_minute_is_refused(db):
    residents.verification_send(mobile="13800000009", address="10.1.1.1")
    with pytest.raises(InvalidInput, match="秒后再试"):
        residents.verification_send(mobile="13800000009", address="10.1.1.1")


def test_opinions_are_limited_per_number_per_day(station, send_opinion, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "opinions_per_mobile_day": 1}
    send_opinion(station)
    with pytest.raises(InvalidInput, match="今天提交的意见已达上限"):
        send_opinion(station, address="10.0.0.7")


def test_opinions_are_limited_per_address_per_day(station, send_opinion, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "opinions_per_address_day": 1}
    send_opinion(station, mobile="13800000011")
    with pytest.raises(InvalidInput, match="您所在网络今天提交的意见过多"):
        send_opinion(station, mobile="13800000012")


def test_photos_are_checked_by_content_and_lose_their_exif_location(station, send_opinion):
    from PIL import Image

    photo = SimpleUploadedFile("p.jpg", factories.photo_bytes(), content_type="image/jpeg")
    with Image.open(SimpleUploadedFile("q.jpg", factories.photo_bytes())) as original:
        assert original.getexif().get(0x8825)  # the phone's photo carries a position
    opinion = send_opinion(station, photos=[photo])
    stored = opinion.photos.get()
    with stored.image.open("rb") as f, Image.open(f) as image:
        assert not image.getexif()
        assert image.format == "JPEG"


@pytest.mark.parametrize(
    "name,content",
    [("evil.jpg", b"<?php system($_GET['c']); ?>"), ("x.png", b"\x89PNG\r\n\x1a\nbroken"), ("a.pdf", b"%PDF-1.4 x")],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(station, send_opinion, name, content):
    with pytest.raises(InvalidInput, match="照片"):
        send_opinion(station, photos=[SimpleUploadedFile(name, content)])
    assert not ResidentOpinion.objects.exists()


def test_more_than_four_photos_are_refused(station, send_opinion):
    photos = [SimpleUploadedFile(f"{i}.png", factories.photo_bytes(fmt="PNG")) for i in range(5)]
    with pytest.raises(InvalidInput, match="最多上传4张"):
        send_opinion(station, photos=photos)


def test_an_oversized_photo_is_refused(station, send_opinion, settings):
    settings.STATIONS_LIMITS = {"photo_bytes": 100}
    with pytest.raises(InvalidInput, match="超过"):
        send_opinion(station, photos=[SimpleUploadedFile("big.jpg", factories.photo_bytes())])


def test_anonymous_opinions_only_where_the_station_allows_them(station, staff):
    opinion = residents.opinion_submit(station=station, topic="噪音", text="夜间施工噪音", anonymous=True)
    assert opinion.resident_mobile == "" and opinion.anonymous
    station.allow_anonymous = False
    station.save()
    with pytest.raises(InvalidInput, match="不接收匿名意见"):
        residents.opinion_submit(station=station, topic="噪音", text="夜间施工噪音", anonymous=True)


def test_too_long_text_is_refused(station):
    with pytest.raises(InvalidInput, match="内容不能超过"):
        residents.opinion_submit(station=station, topic="t", text="长" * 2001, anonymous=True)


def test_the_delegate_forwards_the_office_answers_the_resident_rates_and_the_station_publishes(
    station, send_opinion, station_delegate, office, clerk, staff, django_capture_on_commit_callbacks
):
    opinion = send_opinion(station, text="清溪小区路灯坏了，联系电话13800138000。")
    actions.opinion_forward(opinion=opinion, actor=station_delegate.user, office=office, note="请尽快修复")
    assert Notification.objects.filter(user=clerk, url=opinion.get_absolute_url()).exists()
    with pytest.raises(NotPermitted):
        actions.opinion_office_answer(opinion=opinion, actor=staff, text="x")
    with pytest.raises(TransitionNotAllowed, match="请先签收"):
        actions.opinion_office_answer(opinion=opinion, actor=clerk, text="x")
    office_actions.opinion_office_sign(opinion=opinion, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.opinion_office_answer(opinion=opinion, actor=clerk, text="已安排维修，三天内修好。")
    opinion.refresh_from_db()
    assert opinion.status == OS.ANSWERED and opinion.first_responded_at
    with pytest.raises(InvalidInput, match="评价意见"):
        residents.opinion_rate(opinion=opinion, value="unsatisfied")
    residents.opinion_rate(opinion=opinion, value="satisfied")
    opinion.refresh_from_db()
    assert opinion.status == OS.CLOSED
    with pytest.raises(TransitionNotAllowed):
        residents.opinion_rate(opinion=opinion, value="satisfied")
    with pytest.raises(InvalidInput, match="个人信息"):
        actions.opinion_publish(
            opinion=opinion, actor=station_delegate.user, public_text=opinion.text, public_answer="好"
        )
    actions.opinion_publish(
        opinion=opinion, actor=station_delegate.user, public_text="清溪小区路灯坏了。", public_answer="已安排维修。"
    )
    assert list(queries.public_opinions(station=station)) == [opinion]


def test_a_triaged_opinion_cannot_be_triaged_again(station, send_opinion, station_clerk, office):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已转社区处理并修复。")
    with pytest.raises(TransitionNotAllowed):
        actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office)


def test_only_the_stations_people_triage(station, send_opinion, other_delegate, staff):
    opinion = send_opinion(station)
    for outsider in (other_delegate.user, staff):
        with pytest.raises(NotPermitted):
            actions.opinion_answer(opinion=opinion, actor=outsider, text="x")


def test_merged_opinions_get_the_answer_of_the_one_they_joined(station, send_opinion, station_clerk, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    first = send_opinion(station, mobile="13800000021")
    second = send_opinion(station, mobile="13800000022")
    actions.opinion_merge(opinion=second, actor=station_clerk, into=first)
    actions.opinion_answer(opinion=first, actor=station_clerk, text="路灯已修复。")
    assert second.entries.filter(kind="answer", text="路灯已修复。").exists()


def test_residents_personal_data_is_shown_only_to_the_handlers(
    station, send_opinion, station_clerk, staff, office, clerk
):
    opinion = send_opinion(station)
    assert queries.resident_shown(actor=station_clerk, opinion=opinion) == {"name": "张三", "mobile": "13800138000"}
    actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office)
    for other in (staff, clerk):
        shown = queries.resident_shown(actor=other, opinion=opinion)
        assert shown["mobile"] == "138****8000" and shown["name"] == "张*"


def test_personal_data_is_erased_after_the_retention_period(station, send_opinion, station_clerk, settings):
    opinion = send_opinion(station, photos=[SimpleUploadedFile("p.jpg", factories.photo_bytes())])
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已处理。")
    residents.opinion_rate(opinion=opinion, value="basic")
    settings.STATIONS_RETENTION_DAYS = 30
    assert actions.opinions_erase_expired(now=timezone.now() + datetime.timedelta(days=10)) == 0
    assert actions.opinions_erase_expired(now=timezone.now() + datetime.timedelta(days=31)) == 1
    opinion.refresh_from_db()
    assert opinion.resident_mobile == opinion.resident_name == "" and not opinion.photos.exists()
    assert opinion.text  # the opinion stays, anonymised


def test_the_resident_adds_information_and_may_withdraw_while_open(station, send_opinion):
    opinion = send_opinion(station)
    residents.opinion_add_info(opinion=opinion, text="另外一盏在3栋门口。")
    residents.opinion_withdraw(opinion=opinion)
    with pytest.raises(TransitionNotAllowed):
        residents.opinion_add_info(opinion=opinion, text="再补充")


def test_reminders_go_once_for_triage_and_forwarded_deadlines(station, send_opinion, station_clerk, office, clerk):
    opinion = send_opinion(station)
    later = opinion.answer_due + datetime.timedelta(days=1)
    reminders.opinions_remind(today=later)
    reminders.opinions_remind(today=later)
    assert (
        Notification.objects.filter(
            user=station_clerk, dedupe_key__startswith=f"stations:triage:{opinion.pk}:overdue"
        ).count()
        == 1
    )
    actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office)
    reminders.opinions_remind(today=later)
    assert Notification.objects.filter(
        user=clerk, dedupe_key__startswith=f"stations:forwarded:{opinion.pk}:overdue"
    ).exists()


def test_the_handler_opening_an_opinion_with_personal_data_is_a_security_event(
    client, station, send_opinion, station_clerk, staff
):
    from security.models import SecurityEvent

    opinion = send_opinion(station)
    client.force_login(staff)
    client.get(opinion.get_absolute_url())
    assert not SecurityEvent.objects.filter(event="reveal").exists()  # staff see it masked
    client.force_login(station_clerk)
    page = client.get(opinion.get_absolute_url()).content.decode()
    assert "13800138000" in page
    event = SecurityEvent.objects.get(event="reveal")
    assert event.actor_id == station_clerk.pk and event.target_id == str(opinion.pk)
    assert "13800138000" not in str(event.detail)


def test_an_answer_waiting_for_its_rating_reminds_the_resident_once_by_sms(
    station, send_opinion, station_clerk, django_capture_on_commit_callbacks
):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已处理。")
    ResidentOpinion.objects.filter(pk=opinion.pk).update(answered_at=timezone.now() - datetime.timedelta(days=8))
    before = len(sms.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.opinions_remind()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.opinions_remind()
    sent = [(m.phone, m.text) for m in sms.outbox][before:]
    assert [text for phone, text in sent if "请抽空评价" in text and phone == "13800138000"] != []
    assert len([1 for _p, text in sent if "请抽空评价" in text]) == 1


def test_an_answer_never_rated_closes_after_the_reminder_and_as_long_again(station, send_opinion, station_clerk):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已处理。")
    ResidentOpinion.objects.filter(pk=opinion.pk).update(answered_at=timezone.now() - datetime.timedelta(days=8))
    reminders.opinions_remind()
    opinion.refresh_from_db()
    assert opinion.status == OS.ANSWERED and opinion.last_reminded_at
    ResidentOpinion.objects.filter(pk=opinion.pk).update(answered_at=timezone.now() - datetime.timedelta(days=15))
    reminders.opinions_remind()
    opinion.refresh_from_db()
    assert opinion.status == OS.CLOSED and opinion.closed_at and not opinion.rating


def test_an_unsatisfied_rating_tells_the_handlers(station, send_opinion, station_clerk):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已处理。")
    residents.opinion_rate(opinion=opinion, value="unsatisfied", comment="路灯还是不亮")
    assert Notification.objects.filter(user=station_clerk, title__contains="不满意", body="路灯还是不亮").exists()
