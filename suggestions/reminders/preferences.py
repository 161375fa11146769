"""People's choices within the rules: channels for non-urgent reminders, quiet hours, a daily cap.

- Each person picks the personal channels for non-urgent reminders (at least one);
  urgent ones (overdue, escalation, manual 催办) use every channel they have.
- No text message in quiet hours (``REMINDER_QUIET_HOURS``, default 22:00–07:00),
  except manual 催办: it waits until they end.
- At most ``REMINDER_DAILY_CAP`` non-urgent messages per person, day and capped
  channel; the rest wait for the next day. Nothing is dropped.
- One-time codes and activation notices do not go through reminders: exempt.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import ChannelPreference, Reminder, ReminderDelivery
from suggestions.reminders.channels import registry

D = ReminderDelivery


def personal_codes() -> list[str]:
    """Channels a person may choose (the per-office group channels are not theirs to choose)."""
    return [code for code, _label in registry.choices() if not registry.get(code).shared]


def chosen(user_ids) -> dict[int, set[str]]:
    """{user id: chosen channel codes} for those who chose; the others get every channel."""
    rows = ChannelPreference.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "channels")
    return {user_id: set(codes) for user_id, codes in rows if codes}


def preferences_set(*, user, channels: list[str]) -> ChannelPreference:
    """Save a person's channels for non-urgent reminders: at least one, each a personal channel."""
    allowed = personal_codes()
    picked = [code for code in allowed if code in set(channels)]
    if not picked:
        raise ValidationError(_("请至少选择一种提醒方式。"))
    with transaction.atomic():
        preference, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
        preference.channels, preference.updated_at = picked, timezone.now()
        preference.save(update_fields=["channels", "updated_at"])
    return preference


def quiet_hours() -> tuple[datetime.time, datetime.time]:
    """(start, end) of the quiet hours, local time; "22:00-07:00" by default."""
    text = getattr(settings, "REMINDER_QUIET_HOURS", "22:00-07:00") or ""
    start, _sep, end = text.partition("-")
    return datetime.time.fromisoformat(start.strip()), datetime.time.fromisoformat(end.strip())


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours around ``now`` end; None outside them."""
    if not getattr(settings, "REMINDER_QUIET_HOURS", "22:00-07:00"):
        return None
    start, end = quiet_hours()
    local = timezone.localtime(now)
    moment = local.time()
    quiet = (start <= moment or moment < end) if start > end else (start <= moment < end)
    if not quiet:
        return None
    day = local.date() if moment < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end))


def daily_cap() -> int:
    """Non-urgent messages per person, day and capped channel (0: no cap)."""
    return int(getattr(settings, "REMINDER_DAILY_CAP", 10) or 0)


def hold_until(
    delivery: ReminderDelivery, channel, *, now: datetime.datetime, sent_today: dict | None = None
) -> datetime.datetime | None:
    """When a claimed delivery may go out, if not now: quiet hours (except manual 催办), then the daily cap.

    ``sent_today`` ({(recipient id, channel): messages sent today}) lets a batch count once and
    keep the tally itself; without it the count is read for this delivery.
    """
    reminder = delivery.reminder
    if channel.quiet and reminder.kind != Reminder.Kind.MANUAL:
        until = quiet_until(now)
        if until:
            return until
    cap = daily_cap()
    if channel.quiet and cap and not (reminder.is_urgent or reminder.kind == Reminder.Kind.MANUAL):
        today = timezone.localdate(now)
        if sent_today is not None:
            sent = sent_today.get((delivery.recipient_id, delivery.channel), 0)
        else:
            sent = D.objects.filter(
                recipient_id=delivery.recipient_id,
                channel=delivery.channel,
                status=D.Status.SENT,
                claimed_at__date=today,
            ).count()
        if sent >= cap:
            start, end = quiet_hours()
            return timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), end))
    return None


def sent_today_counts(deliveries, *, now: datetime.datetime) -> dict:
    """{(recipient id, channel): messages sent today} for the quiet channels of these deliveries, in one query."""
    codes = [code for code, _label in registry.choices() if registry.get(code).quiet]
    pairs = [(d.recipient_id, d.channel) for d in deliveries if d.channel in codes]
    if not pairs:
        return {}
    rows = (
        D.objects.filter(
            recipient_id__in={r for r, _c in pairs},
            channel__in={c for _r, c in pairs},
            status=D.Status.SENT,
            claimed_at__date=timezone.localdate(now),
        )
        .values_list("recipient_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r, c): n for r, c, n in rows}
