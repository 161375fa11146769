"""The reminder scan: each row of the schedule, across 2026 National Day (holidays 10-01..07, Mid-autumn 09-25)
and its make-up workdays (Sunday 09-20, Saturday 10-10); created once whatever happens."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suggestions import actions, reminders
from suggestions.models import (
    CoSigner,
    DeadlinePolicy,
    Notification,
    OfficeMember,
    Rating,
    Reminder,
    ReminderDelivery,
)
from suggestions.reminders.keys import code_of
from tests import factories
from tests.conftest import carry_to_reply

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour=9):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def scan_on(day, hour=9):
    with time_machine.travel(at(day, hour), tick=False):
        return reminders.scan(now=timezone.now())


def keys(kind=None):
    qs = Reminder.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return {r.key for r in qs}


def recipients(key):
    reminder = Reminder.objects.get(code=code_of(key))
    return set(reminder.deliveries.filter(channel="inapp").values_list("recipient__username", flat=True))


@pytest.fixture
def assign_on(session, delegate, staff, office, co_office, clerk, co_clerk):
    """assign_on("2026-09-30", due_date=...) -> (lead assignment, co assignment), made on that day."""

    def make(day, **kwargs):
        with time_machine.travel(at(day, 10), tick=False):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(
                suggestion=suggestion, actor=staff, lead_office=office, co_offices=[co_office], **kwargs
            )
        return suggestion.assignments.get(office=office), suggestion.assignments.get(office=co_office)

    return make


# --------------------------------------------------------------------------- the table, row by row


def test_sign_reminder_after_two_working_days_then_every_two_skipping_national_day(assign_on, clerk, co_clerk):
    lead, co = assign_on("2026-09-30")
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    scan_on("2026-10-07")  # holiday: office reminders wait
    scan_on("2026-10-08")  # 1 working day
    assert keys("sign") == set()
    scan_on("2026-10-09")  # 2 working days
    assert keys("sign") == {f"sign:{lead.pk}:n1", f"sign:{co.pk}:n1"}
    assert recipients(f"sign:{lead.pk}:n1") == {clerk.username}
    assert recipients(f"sign:{co.pk}:n1") == {co_clerk.username}
    channels = set(
        ReminderDelivery.objects.filter(reminder__code=code_of(f"sign:{lead.pk}:n1")).values_list("channel", flat=True)
    )
    assert channels == {"inapp", "email", "sms"}
    scan_on("2026-10-10")  # make-up Saturday: 3 working days, still the first period
    scan_on("2026-10-11")  # Sunday
    assert keys("sign") == {f"sign:{lead.pk}:n1", f"sign:{co.pk}:n1"}
    scan_on("2026-10-12")  # 4 working days
    assert f"sign:{lead.pk}:n2" in keys("sign")


def test_sign_reminder_counts_the_make_up_sunday(assign_on):
    lead, _co = assign_on("2026-09-18")  # Friday; Sunday 09-20 is a make-up workday
    scan_on("2026-09-19")
    scan_on("2026-09-20")
    assert keys("sign") == set()
    scan_on("2026-09-21")  # 2 working days only because 09-20 counts
    assert f"sign:{lead.pk}:n1" in keys("sign")


def test_signed_assignments_get_no_sign_reminder(assign_on, clerk):
    lead, _co = assign_on("2026-09-30")
    with time_machine.travel(at("2026-10-08"), tick=False):
        actions.assignment_sign(assignment=lead, actor=clerk)
    scan_on("2026-10-12")
    assert f"sign:{lead.pk}:n1" not in keys("sign")


def test_reply_due_15_and_5_working_days_before_and_on_the_day_then_overdue_escalates(
    assign_on, clerk, staff, office, leader
):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    lead, _co = assign_on("2026-09-11", due_date=datetime.date(2026, 10, 16), is_key=True, leader=leader)
    scan_on("2026-09-18")
    assert keys("reply_due") == set()
    scan_on("2026-09-20")  # make-up Sunday is 15 working days before 10-16
    assert keys("reply_due") == {f"reply_due:{lead.pk}:before15"}
    assert recipients(f"reply_due:{lead.pk}:before15") == {clerk.username}
    scan_on("2026-10-09")
    assert keys("reply_due") == {f"reply_due:{lead.pk}:before15"}
    scan_on("2026-10-10")  # make-up Saturday is 5 working days before
    scan_on("2026-10-16")
    assert keys("reply_due") == {f"reply_due:{lead.pk}:{s}" for s in ("before15", "before5", "before0")}
    assert keys("overdue") == set()
    scan_on("2026-10-17")  # Saturday: the day after waits for Monday
    assert keys("overdue") == set()
    scan_on("2026-10-19")
    first = f"overdue:{lead.pk}:n1"
    assert keys("overdue") == {first}
    assert recipients(first) == {clerk.username, head.username, staff.username}
    assert Reminder.objects.get(code=code_of(first)).is_urgent
    scan_on("2026-10-23")
    assert keys("overdue") == {first}
    scan_on("2026-10-26")  # a week later: escalated to the supervising leader of the key suggestion
    assert recipients(f"overdue:{lead.pk}:n2") == {clerk.username, head.username, staff.username, leader.user.username}


def test_a_missed_stage_is_still_sent_until_the_next_one(assign_on):
    lead, _co = assign_on("2026-09-11", due_date=datetime.date(2026, 10, 16))
    scan_on("2026-09-22")  # no scan ran on 09-20 or 09-21
    assert keys("reply_due") == {f"reply_due:{lead.pk}:before15"}


def test_co_office_opinion_5_working_days_before_on_the_day_then_weekly(assign_on, co_clerk):
    _lead, co = assign_on("2026-09-01", opinion_due=datetime.date(2026, 10, 9))
    scan_on("2026-09-23")
    assert keys("opinion") == set()
    scan_on("2026-09-24")  # 5 working days before 10-09: Mid-autumn and National Day are skipped
    assert keys("opinion") == {f"opinion:{co.pk}:before5"}
    assert recipients(f"opinion:{co.pk}:before5") == {co_clerk.username}
    scan_on("2026-10-09")
    scan_on("2026-10-15")
    assert keys("opinion") == {f"opinion:{co.pk}:before5", f"opinion:{co.pk}:before0"}
    scan_on("2026-10-16")
    assert f"opinion:{co.pk}:late1" in keys("opinion")


def test_rehandling_5_working_days_before_on_the_day_then_weekly(assign_on, clerk, delegate):
    lead, _co = assign_on("2026-08-03")
    with time_machine.travel(at("2026-09-10"), tick=False):
        reply = carry_to_reply(lead.suggestion, lead, clerk)
    with time_machine.travel(at("2026-09-11"), tick=False):
        actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="没有解决。")
    lead.refresh_from_db()
    assert lead.status == "rehandling" and lead.due_date == datetime.date(2026, 10, 12)
    scan_on("2026-09-28")
    assert keys("rehandle") == set()
    scan_on("2026-09-29")
    scan_on("2026-10-12")
    assert keys("rehandle") == {f"rehandle:{lead.pk}:before5", f"rehandle:{lead.pk}:before0"}
    scan_on("2026-10-19")
    assert f"rehandle:{lead.pk}:late1" in keys("rehandle")
    assert not keys("reply_due") and not keys("overdue")


def test_b_class_follow_up_every_three_months(assign_on, clerk):
    lead, _co = assign_on("2026-07-01")
    with time_machine.travel(at("2026-07-03"), tick=False):
        reply = carry_to_reply(lead.suggestion, lead, clerk, code="B", text="列入明年计划。")
    scan_on("2026-10-07")
    assert keys("follow_up") == set()
    scan_on("2026-10-08")  # 10-03 falls in the holiday: moved to the first working day
    assert keys("follow_up") == {f"follow_up:{reply.pk}:n1"}
    assert recipients(f"follow_up:{reply.pk}:n1") == {clerk.username}


def test_cosigner_invitation_after_two_days_and_one_day_before_its_deadline(session, delegate, other_delegate):
    DeadlinePolicy.objects.update_or_create(session=session, defaults={"invitation_days": 5})
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with time_machine.travel(at("2026-09-29", 10), tick=False):
        (cosigner,) = actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    scan_on("2026-10-01", 9)
    assert keys("invitation") == set()
    scan_on("2026-10-01", 11)  # two days, on a holiday: delegates are reminded on any day
    assert keys("invitation") == {f"invitation:{cosigner.pk}:after"}
    assert recipients(f"invitation:{cosigner.pk}:after") == {other_delegate.user.username}
    sms = ReminderDelivery.objects.get(reminder__code=code_of(f"invitation:{cosigner.pk}:after"), channel="sms")
    assert sms.address == other_delegate.contact.phone
    scan_on("2026-10-03", 11)
    assert keys("invitation") == {f"invitation:{cosigner.pk}:after", f"invitation:{cosigner.pk}:before"}


def test_rating_reminder_after_5_working_days_and_before_the_window_closes_to_those_who_have_not_rated(
    session, delegate, other_delegate, staff, office, clerk
):
    DeadlinePolicy.objects.update_or_create(session=session, defaults={"rating_days": 20})
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    (cosigner,) = actions.cosigner_invite(suggestion=suggestion, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=cosigner, actor=other_delegate.user, accept=True)
    with time_machine.travel(at("2026-09-01"), tick=False):
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    lead = suggestion.assignments.get()
    with time_machine.travel(at("2026-09-24", 15), tick=False):
        reply = carry_to_reply(suggestion, lead, clerk)
    scan_on("2026-10-08")
    assert keys("rating") == set()
    scan_on("2026-10-09")  # 5 working days after 09-24, National Day skipped
    assert recipients(f"rating:{reply.pk}:after") == {delegate.user.username, other_delegate.user.username}
    with time_machine.travel(at("2026-10-10"), tick=False):
        actions.rating_submit(reply=reply, actor=other_delegate.user, value=Rating.Value.SATISFIED)
    scan_on("2026-10-11")
    assert keys("rating") == {f"rating:{reply.pk}:after"}
    scan_on("2026-10-12")  # the window (20 days) closes 10-14
    assert recipients(f"rating:{reply.pk}:before_close") == {delegate.user.username}


def test_return_request_waiting_reminds_staff_after_two_working_days(assign_on, clerk, staff):
    lead, _co = assign_on("2026-09-28")
    with time_machine.travel(at("2026-09-30"), tick=False):
        request = actions.assignment_request_return(assignment=lead, actor=clerk, reason="不属于本单位职责。")
    scan_on("2026-10-08")
    assert keys("request") == set()
    scan_on("2026-10-09")
    assert keys("request") == {f"request:{request.pk}:waiting"}
    assert recipients(f"request:{request.pk}:waiting") == {staff.username}


def test_manual_reminder_goes_out_at_once_by_email_and_in_app(lead_assignment, staff, clerk):
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快签收并联系代表。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    assert [m.to for m in mail.outbox] == [[clerk.email]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<reminder-")
    assert Notification.objects.filter(user=clerk, body__endswith="请尽快签收并联系代表。").count() == 1
    reminders.reminder_deliver(reminder_id=reminder.pk)  # again: nothing more
    assert len(mail.outbox) == 1


# --------------------------------------------------------------------------- once, whatever happens


def test_the_same_scan_twice_creates_each_reminder_once(assign_on):
    assign_on("2026-09-30")
    assert scan_on("2026-10-09") == 2
    deliveries = ReminderDelivery.objects.count()
    assert scan_on("2026-10-09") == 0
    assert Reminder.objects.count() == 2 and ReminderDelivery.objects.count() == deliveries


def test_dry_run_creates_nothing(assign_on):
    assign_on("2026-09-30")
    with time_machine.travel(at("2026-10-09"), tick=False):
        assert reminders.scan(now=timezone.now(), dry_run=True) == 2
    assert not Reminder.objects.exists()


def test_scan_query_count_does_not_grow_with_the_number_due(assign_on):
    def queries_for_scan():
        with CaptureQueriesContext(connection) as ctx:
            created = scan_on("2026-10-09")
        return created, len(ctx.captured_queries)

    assign_on("2026-09-30")
    few_created, few = queries_for_scan()
    Reminder.objects.all().delete()
    for _i in range(6):
        assign_on("2026-09-30")
    many_created, many = queries_for_scan()
    assert (few_created, many_created) == (2, 14)
    assert few == many


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_create_each_reminder_once(session, delegate, staff, office, co_office, clerk, co_clerk):
    for _i in range(5):
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
        with time_machine.travel(at("2026-09-30", 10), tick=False):
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office, co_offices=[co_office])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(offset):
        try:
            barrier.wait(timeout=10)
            results.append(reminders.scan(now=at("2026-10-09") + datetime.timedelta(seconds=offset)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sum(results) == 10
    assert Reminder.objects.count() == 10
    assert ReminderDelivery.objects.filter(channel="inapp").count() == 10


# --------------------------------------------------------------------------- sending


def test_daily_digest_is_one_email_per_recipient_per_day(assign_on, clerk):
    assign_on("2026-09-30")
    assign_on("2026-09-30")
    scan_on("2026-10-09")
    with time_machine.travel(at("2026-10-09", 9), tick=False):
        sent = reminders.dispatch_pending(now=timezone.now())
    assert sent == {"reminders": 4, "digests": 2}  # each office's clerk: one digest
    to_clerk = [m for m in mail.outbox if m.to == [clerk.email]]
    assert len(to_clerk) == 1
    assert to_clerk[0].body.count("待签收") == 2
    first = ReminderDelivery.objects.filter(recipient=clerk, channel="email").order_by("pk").first()
    assert to_clerk[0].extra_headers["Message-ID"] == f"<digest-{clerk.pk}-2026-10-09-{first.pk}@huaxi-renda.local>"
    assert Notification.objects.filter(user=clerk, dedupe_key__startswith="reminder-delivery:").count() == 2
    # A reminder found later the same day waits for tomorrow's digest.
    scan_on("2026-10-09", 15)
    assign_on("2026-09-29")
    scan_on("2026-10-09", 16)
    with time_machine.travel(at("2026-10-09", 16), tick=False):
        reminders.dispatch_pending(now=timezone.now())
        assert reminders.digest_send(user_id=clerk.pk, date="2026-10-09") == 0
    assert len([m for m in mail.outbox if m.to == [clerk.email]]) == 1
    with time_machine.travel(at("2026-10-10", 9), tick=False):
        reminders.dispatch_pending(now=timezone.now())
    assert len([m for m in mail.outbox if m.to == [clerk.email]]) == 2


def test_a_sender_that_died_mid_send_is_taken_over_and_sends_once(assign_on, clerk, settings):
    settings.REMINDER_SEND_LEASE_SECONDS = 60
    lead, _co = assign_on("2026-09-11", due_date=datetime.date(2026, 10, 16))
    scan_on("2026-10-19")
    reminder = Reminder.objects.get(code=code_of(f"overdue:{lead.pk}:n1"))
    email = reminder.deliveries.get(recipient=clerk, channel="email")
    # A worker claimed the e-mail and the in-app row, created the notification, then was killed.
    claimed = reminders.claim(reminder.deliveries.filter(recipient=clerk), now=at("2026-10-19", 9))
    assert email.pk in claimed
    inapp = reminder.deliveries.get(recipient=clerk, channel="inapp")
    reminders.send_one(ReminderDelivery.objects.select_related("reminder", "recipient").get(pk=inapp.pk))
    # Within the lease nobody else touches them.
    reminders.reminder_deliver(reminder_id=reminder.pk, now=at("2026-10-19", 9) + datetime.timedelta(seconds=30))
    assert not [m for m in mail.outbox if m.to == [clerk.email]]
    # After the lease the next sender takes over: one e-mail, one notification.
    reminders.reminder_deliver(reminder_id=reminder.pk, now=at("2026-10-19", 9) + datetime.timedelta(seconds=90))
    reminders.reminder_deliver(reminder_id=reminder.pk, now=at("2026-10-19", 9) + datetime.timedelta(seconds=200))
    assert len([m for m in mail.outbox if m.to == [clerk.email]]) == 1
    assert Notification.objects.filter(user=clerk, dedupe_key=f"reminder-delivery:{inapp.pk}").count() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


class FlakySMS:
    calls = []
    error = None

    def send(self, phone, text, message_id=None):
        self.calls.append((phone, text, message_id))
        if self.error:
            raise self.error


def test_transient_sms_errors_retry_up_to_a_bound_then_fail_visibly(lead_assignment, staff, clerk, settings):
    from suggestions.reminders import sms

    settings.SMS_BACKEND = "tests.suggestions.reminders.test_reminders.FlakySMS"
    settings.REMINDER_MAX_ATTEMPTS = 3
    FlakySMS.calls, FlakySMS.error = [], sms.TransientSMSError("gateway busy")
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    later = timezone.now()
    for attempt in (1, 2):
        with pytest.raises(reminders.TransientDeliveryError):
            reminders.reminder_deliver(reminder_id=reminder.pk, now=later)
        delivery = reminder.deliveries.get(channel="sms")
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert reminders.reminder_deliver(reminder_id=reminder.pk, now=later) == 0  # backing off: not yet
        later = delivery.not_before
    reminders.reminder_deliver(reminder_id=reminder.pk, now=later)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "gateway busy" in delivery.last_error
    assert reminder.deliveries.get(channel="email").status == "sent"
    assert reminders.failed_count() == 1
    assert len(FlakySMS.calls[0][1]) <= 70


def test_a_permanent_sms_error_fails_at_once(lead_assignment, staff, clerk, settings):
    from suggestions.reminders import sms

    settings.SMS_BACKEND = "tests.suggestions.reminders.test_reminders.FlakySMS"
    FlakySMS.calls, FlakySMS.error = [], sms.SMSError("空号")
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快答复。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    delivery = reminder.deliveries.get(channel="sms")
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "SMSError: 空号")


def test_sms_text_fits_one_chinese_sms():
    from suggestions.reminders.sms import fit_sms

    text = fit_sms(
        "【花溪人大】" + "建议“关于改善花溪区某某街道某某小区周边道路交通状况的建议”已超过答复期限，请尽快答复。" * 2
    )
    assert len(text) == 70 and text.endswith("…")


def test_the_tasks_retry_transient_errors_with_backoff_and_a_bound():
    from suggestions import tasks

    for task in (tasks.deliver_reminder, tasks.send_digest):
        assert reminders.TransientDeliveryError in task.autoretry_for
        assert task.retry_backoff and task.max_retries == 6


def test_scan_task_sends_inline_when_the_broker_is_down(assign_on, clerk, monkeypatch):
    from celery import current_app

    from suggestions import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    assign_on("2026-09-30")
    with time_machine.travel(at("2026-10-09", 9), tick=False):
        result = tasks.scan_reminders()
    assert result["created"] == 2
    assert [m.to for m in mail.outbox if m.to == [clerk.email]] == [[clerk.email]]


def test_cosigner_reminders_stop_once_they_answer(session, delegate, other_delegate):
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with time_machine.travel(at("2026-09-29", 10), tick=False):
        (cosigner,) = actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
        actions.cosigner_respond(cosigner=cosigner, actor=other_delegate.user, accept=True)
    assert CoSigner.objects.get(pk=cosigner.pk).status == "confirmed"
    scan_on("2026-10-01", 11)
    assert keys("invitation") == set()


def test_a_second_digest_sent_while_the_first_is_in_flight_gets_its_own_message_id(assign_on, clerk, settings):
    """The first digest's send is still running when a new reminder's digest goes out."""
    from django.core.mail.backends.locmem import EmailBackend

    assign_on("2026-09-30")
    scan_on("2026-10-09")
    state = {"inner": False}

    class InFlight(EmailBackend):
        def send_messages(self, messages):
            if not state["inner"]:  # while the first digest is being sent...
                state["inner"] = True
                assign_on("2026-09-29")
                scan_on("2026-10-09", 9)
                in_flight = at("2026-10-09", 9) + datetime.timedelta(minutes=1)  # within the first's lease
                assert reminders.digest_send(user_id=clerk.pk, date="2026-10-09", now=in_flight) == 1
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.InFlightBackend"
    globals()["InFlightBackend"] = InFlight
    assert reminders.digest_send(user_id=clerk.pk, date="2026-10-09", now=at("2026-10-09", 9)) == 1
    to_clerk = [m for m in mail.outbox if m.to == [clerk.email]]
    assert len(to_clerk) == 2
    ids = {m.extra_headers["Message-ID"] for m in to_clerk}
    assert len(ids) == 2, ids


def test_reminder_notifications_and_emails_name_the_suggestion_with_its_number(lead_assignment, staff, clerk):
    suggestion = lead_assignment.suggestion
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快签收。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    (note,) = Notification.objects.filter(user=clerk, dedupe_key__startswith="reminder-delivery:")
    assert note.title == "【催办】人工催办"
    assert note.body == f"建议：{suggestion.number_display}《{suggestion.title}》\n请尽快签收。"
    assert note.url == lead_assignment.get_absolute_url()
    (email,) = mail.outbox
    assert f"{suggestion.number_display}《{suggestion.title}》" in email.body
    assert suggestion.get_absolute_url() in email.body


def test_a_reminder_sms_names_the_suggestion_by_its_number(lead_assignment, staff, clerk, settings):
    settings.SMS_BACKEND = "tests.suggestions.reminders.test_reminders.FlakySMS"
    FlakySMS.calls, FlakySMS.error = [], None
    OfficeMember.objects.filter(user=clerk).update(phone="13900000001")
    reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快签收。")
    reminders.reminder_deliver(reminder_id=reminder.pk)
    ((_phone, text, _id),) = FlakySMS.calls
    assert text == f"【花溪人大】{lead_assignment.suggestion.number_display}：请尽快签收。"
