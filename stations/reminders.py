"""Reminders about residents' opinions, self-contained (in-app notifications with a dedupe key; SMS to residents).

It reuses ``suggestions.models.Notification`` (its ``dedupe_key`` makes each reminder once only) and the SMS
backend, but not the suggestion reminder scan, which is being reworked separately.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.actions import (
    _audit,
    _office_users,
    _set_status,
    _sms_after_commit,
    handlers_of,
    notify,
    sms_signature_of,
)
from stations.models import ResidentOpinion, effective_answer_due_expression
from suggestions.workdays import work_calendar

OS = ResidentOpinion.Status
SOON_WORKDAYS = 2  # "due soon": this many working days before a deadline


@transaction.atomic
def opinions_remind(*, today: datetime.date | None = None) -> int:
    """Remind handlers of opinions waiting for triage, offices of forwarded ones near or past their deadline,
    and residents of answers waiting for their rating. Safe to run again: each reminder is sent once."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    soon = calendar.add_workdays(today, SOON_WORKDAYS)
    sent = 0
    waiting = ResidentOpinion.objects.select_related("station", "delegate__user").filter(
        status=OS.RECEIVED, first_response_due__lte=soon
    )
    for opinion in waiting:
        stage = "overdue" if opinion.first_response_due < today else "soon"
        title = (
            _("群众意见已超过首次回应期限：%(topic)s")
            if stage == "overdue"
            else _("群众意见即将到首次回应期限：%(topic)s")
        ) % {"topic": opinion.topic[:60]}
        notify(
            handlers_of(opinion),
            title=title,
            url=opinion.get_absolute_url(),
            dedupe=f"stations:triage:{opinion.pk}:{stage}",
        )
        sent += 1
    # Forwarded opinions, as assignments: the office hears before and after the (extended) deadline, the station
    # too once it is overdue (escalation); one not signed after a working day reminds the office to sign.
    forwarded = (
        ResidentOpinion.objects.select_related("station", "delegate__user")
        .annotate(due=effective_answer_due_expression())
        .filter(status=OS.FORWARDED)
        .filter(
            Q(due__lte=soon) | Q(office_signed_at__isnull=True, forwarded_at__date__lt=calendar.add_workdays(today, -1))
        )
    )
    for opinion in forwarded:
        if opinion.due > soon:
            notify(
                _office_users(opinion.forwarded_office_id),
                title=_("转办的群众意见尚未签收：%(topic)s") % {"topic": opinion.topic[:60]},
                url=opinion.get_absolute_url(),
                dedupe=f"stations:forwarded:{opinion.pk}:sign",
            )
            sent += 1
            continue
        stage = "overdue" if opinion.due < today else "soon"
        title = (
            _("转办的群众意见已逾期未答复：%(topic)s")
            if stage == "overdue"
            else _("转办的群众意见即将到答复期限：%(topic)s")
        ) % {"topic": opinion.topic[:60]}
        users = _office_users(opinion.forwarded_office_id)
        if stage == "overdue":
            users += handlers_of(opinion)  # escalation: the station hears of it too
        # The due date in the key: after an approved extension the office is reminded of the new deadline.
        dedupe = f"stations:forwarded:{opinion.pk}:{stage}:{opinion.due.isoformat()}"
        notify(users, title=title, url=opinion.get_absolute_url(), dedupe=dedupe)
        sent += 1
    now = timezone.now()
    answered = (
        ResidentOpinion.objects.select_for_update(of=("self",))
        .select_related("station")
        .filter(status=OS.ANSWERED, rating="")
    )
    for opinion in answered:
        waited = (now - opinion.answered_at).days if opinion.answered_at else 0
        if opinion.last_reminded_at and waited >= 2 * opinion.station.rating_days:
            # Not rated after a reminder and as long again: the opinion closes without a rating.
            opinion.closed_at = now
            _set_status(opinion, OS.CLOSED, actor=None, action="opinion_close_unrated")
            continue
        if opinion.last_reminded_at is None and waited >= opinion.station.rating_days:
            opinion.last_reminded_at = timezone.now()
            opinion.save(update_fields=["last_reminded_at"])
            _audit(action="opinion_rating_reminder", opinion=opinion)
            _sms_after_commit(
                opinion.resident_mobile,
                _("【%(signature)s】您反映的意见（查询码%(code)s）已答复，请抽空评价。")
                % {"signature": sms_signature_of(opinion.station), "code": opinion.tracking_code},
            )
            sent += 1
    return sent
