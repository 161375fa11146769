"""The delegate-facing rows of the schedule (calendar days, every day): co-signer invitations and ratings."""

import datetime

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import CoSigner, Reminder, Reply, Suggestion
from suggestions.reminders.plans import Plan, delegate_recipient, raters
from suggestions.reminders.schedule import batches, day_start, in_sessions, workday_cutoff

K = Reminder.Kind


def _invitation_plan(cosigner, stage):
    deadline = timezone.localtime(cosigner.deadline).date() if cosigner.deadline else ""
    message = (
        _("代表邀请您联名建议“%(title)s”，请在%(date)s前确认。")
        if deadline
        else _("代表邀请您联名建议“%(title)s”，请确认。")
    ) % {"title": cosigner.suggestion.title, "date": deadline}
    return Plan(
        key=f"{K.INVITATION}:{cosigner.pk}:{stage}",
        kind=K.INVITATION,
        stage=stage,
        message=message,
        suggestion_id=cosigner.suggestion_id,
        recipients=[delegate_recipient(cosigner.delegate)],
    )


def invitation(scanner, policy, session_ids):
    """An invitation to co-sign not answered N days after it was sent, and again shortly before it closes."""
    now = scanner.now
    after = datetime.timedelta(days=policy.offset("invitation_after_days"))
    before = datetime.timedelta(days=policy.offset("invitation_before_days"))
    base = CoSigner.objects.filter(
        in_sessions("suggestion__session_id", session_ids),
        status=CoSigner.Status.INVITED,
    ).select_related("suggestion", "delegate__user", "delegate__contact")
    stages = (
        ("after", Q(invited_at__lte=now - after) & (Q(deadline__isnull=True) | Q(deadline__gt=now))),
        ("before", Q(deadline__gt=now, deadline__lte=now + before)),
    )
    for stage, condition in stages:
        for batch in batches(base.filter(condition)):
            yield [_invitation_plan(c, stage) for c in batch if c.delegate.user_id and c.delegate.user.is_active]


def _rating_stages(scanner, policy):
    cutoff = workday_cutoff(scanner.cal, scanner.today, policy.offset("rating_after_workdays"))
    opened = scanner.today - datetime.timedelta(days=policy.rating_days)  # replies of that day or earlier are closed
    first_open = day_start(opened + datetime.timedelta(days=1))
    closing = day_start(opened + datetime.timedelta(days=policy.offset("rating_before_close_days") + 1))
    return (
        ("after", Q(submitted_at__gte=first_open, submitted_at__lt=day_start(cutoff + datetime.timedelta(days=1)))),
        ("before_close", Q(submitted_at__gte=first_open, submitted_at__lt=closing)),
    )


def rating(scanner, policy, session_ids):
    """A reply not rated N working days after it came, and again shortly before rating closes."""
    window = policy.rating_days
    base = Reply.objects.filter(
        in_sessions("suggestion__session_id", session_ids),
        # The current round of a replied suggestion, or a 回头看 round (rated on its own, whatever the status).
        Q(suggestion__status=Suggestion.Status.REPLIED, round__number=F("suggestion__current_round"))
        | Q(round__followup_session__isnull=False),
        status=Reply.Status.SUBMITTED,
    ).select_related("assignment__office", "suggestion__lead_delegate__user", "suggestion__lead_delegate__contact")
    for stage, condition in _rating_stages(scanner, policy):
        for batch in batches(base.filter(condition)):
            who = raters(batch)
            plans = []
            for reply in batch:
                waiting = [
                    d
                    for d in who["delegates"][reply.suggestion_id]
                    if d.pk not in who["rated"][reply.pk] and d.user_id and d.user.is_active
                ]
                if not waiting:
                    continue
                close = timezone.localdate(reply.submitted_at) + datetime.timedelta(days=window)
                message = _("请在%(date)s前评价%(office)s对建议“%(title)s”的答复。") % {
                    "date": close,
                    "office": reply.assignment.office.name,
                    "title": reply.suggestion.title,
                }
                plan = Plan(
                    key=f"{K.RATING}:{reply.pk}:{stage}",
                    kind=K.RATING,
                    stage=stage,
                    message=message,
                    suggestion_id=reply.suggestion_id,
                    assignment_id=reply.assignment_id,
                    recipients=[delegate_recipient(d) for d in waiting],
                )
                plans.append(plan)
            yield plans
