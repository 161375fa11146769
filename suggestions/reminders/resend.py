"""Staff send an undelivered reminder again: a new message (a new out-id at the gateway), not a retry."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.errors import TransitionNotAllowed
from suggestions.models import AuditAction, AuditLog, ReminderDelivery
from suggestions.policy import Action

D = ReminderDelivery


def undelivered_q() -> Q:
    """Deliveries that did not reach the person: failed to send, or the gateway's receipt says failed."""
    return Q(status=D.Status.FAILED) | Q(receipt=D.Receipt.FAILED)


def delivery_resend(*, delivery: ReminderDelivery, actor) -> ReminderDelivery:
    """Queue an undelivered delivery again (staff); it goes out with a new out-id, after commit."""
    from suggestions.reminders.delivery import run_queued

    with transaction.atomic():
        delivery = D.objects.select_for_update().select_related("reminder").get(pk=delivery.pk)
        policy.require(actor, Action.RESEND_REMINDER, delivery)
        if not D.objects.filter(undelivered_q(), pk=delivery.pk).exists():
            raise TransitionNotAllowed(_("该提醒未显示发送失败，无需重发。"))
        D.objects.filter(pk=delivery.pk).update(
            status=D.Status.PENDING,
            attempts=0,
            resends=delivery.resends + 1,
            claimed_at=None,
            not_before=None,
            retry_since=None,
            last_error="",
            provider_id="",
            receipt="",
            receipt_reason="",
            receipt_at=None,
        )
        reminder = delivery.reminder
        AuditLog.objects.create(
            action=AuditAction.REMIND,
            actor=actor,
            suggestion_id=reminder.suggestion_id,
            assignment_id=reminder.assignment_id,
            note=_("重发提醒（%(channel)s）") % {"channel": delivery.get_channel_display()},
            data={"reminder": reminder.pk, "delivery": delivery.pk, "resend": delivery.resends + 1},
        )
        transaction.on_commit(lambda: run_queued("suggestions.tasks.deliver_reminder", reminder.pk))
    delivery.refresh_from_db()
    return delivery
