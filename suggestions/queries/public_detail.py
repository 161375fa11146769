"""The public page of one outcome (no login): its replies by round, follow-up progress, dates, lead paragraph.

The same privacy rules as ``public_list``: public versions of texts only, dates and no staff names.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import FollowUp, HandlingRound, Suggestion
from suggestions.queries.public_list import LIST_FIELDS, outcomes
from suggestions.queries.public_summary import summarize


def outcome_detail(pk, congress):
    """The suggestion of ``congress`` and everything its public page shows, or ``None`` (also for an outcome
    of another congress). Fixed number of queries (6)."""
    suggestion = (
        outcomes(congress)
        .only(*LIST_FIELDS, "public_body", "registered_at", "assigned_at")
        .prefetch_related(
            Prefetch(
                "rounds",
                # A 回头看 round names its session: the public follows a B answer into the years after.
                queryset=HandlingRound.objects.select_related("followup_session")
                .only("id", "suggestion_id", "number", "opened_at", "due_date", "followup_session__name")
                .order_by("number"),
                to_attr="round_list",
            ),
            # Dates and kind of progress only: the text of a follow-up was never reviewed for publication.
            Prefetch(
                "published_replies__follow_ups",
                queryset=FollowUp.objects.only("id", "reply_id", "status", "posted_at", "confirmed_at").order_by(
                    "posted_at", "id"
                ),
                to_attr="follow_up_list",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        return None
    for reply in suggestion.published_replies:
        needs = reply.result_class_id and reply.result_class.needs_follow_up
        reply.public_follow_ups = reply.follow_up_list if needs else []
        reply.public_ratings = [r for r in suggestion.published_ratings if r.reply_id == reply.pk]
    suggestion.summary = summarize(suggestion)
    return suggestion


def followup_rounds(suggestion):
    """The 回头看 rounds of the outcome, each with the session it was carried into and its published replies
    (public text reviewed by staff; an unpublished reply shows as still in handling)."""
    published = {}
    for reply in suggestion.published_replies:
        published.setdefault(reply.round_id, []).append(reply)
    return [
        {"round": r, "session": r.followup_session.name, "replies": published.get(r.pk, [])}
        for r in suggestion.round_list
        if r.followup_session_id is not None
    ]


def rounds_of(suggestion):
    """Published replies of the suggestion's own handling grouped by round: ``[(round_number, [reply, …]), …]``."""
    grouped = {}
    followup = {r.pk for r in suggestion.round_list if r.followup_session_id is not None}
    for reply in suggestion.published_replies:
        if reply.round_id in followup:
            continue  # shown with its 回头看 round (``followup_rounds``)
        grouped.setdefault(reply.round.number, []).append(reply)
    return sorted(grouped.items())


def follow_up_progress(reply):
    """A B-class reply's progress over time: the reply, each update, the solution."""
    labels = {
        FollowUp.Status.PROGRESS: _("承办单位报送办理进展"),
        FollowUp.Status.SOLVED_CLAIMED: _("承办单位报告已解决，待代表确认"),
        FollowUp.Status.SOLVED_CONFIRMED: _("代表确认问题已解决"),
        FollowUp.Status.SOLVED_REFUSED: _("代表认为尚未解决，继续跟踪"),
    }
    steps = [{"date": timezone.localdate(reply.submitted_at), "label": _("答复：列入计划，跟踪督办")}]
    solved = False
    for f in reply.public_follow_ups:
        when = (
            f.confirmed_at if f.status in (FollowUp.Status.SOLVED_CONFIRMED, FollowUp.Status.SOLVED_REFUSED) else None
        )
        steps.append({"date": timezone.localdate(when or f.posted_at), "label": labels.get(f.status, f.status)})
        solved = solved or f.status == FollowUp.Status.SOLVED_CONFIRMED
    return {"steps": steps, "solved": solved, "updates": sum(1 for f in reply.public_follow_ups)}


def public_timeline(suggestion):
    """Dates only: registered, assigned, replied, re-handled, rated, published. No names of staff or clerks."""
    items = []
    if suggestion.registered_at:
        items.append((suggestion.registered_at, _("立案")))
    if suggestion.assigned_at:
        items.append((suggestion.assigned_at, _("交办承办单位")))
    # A later round shows only once its answer is published: before that it would hint at an unpublished part;
    # and only after an earlier published answer, or the page would tell of re-handling with nothing before it.
    published_rounds = {reply.round.number for reply in suggestion.published_replies}
    first_published = min(published_rounds, default=0)
    for rnd in suggestion.round_list:
        if rnd.number > first_published and rnd.number in published_rounds:
            items.append((rnd.opened_at, _("重新办理（第%(n)s轮）") % {"n": rnd.number}))
    for reply in suggestion.published_replies:
        items.append((reply.submitted_at, _("%(office)s答复") % {"office": reply.assignment.office.name}))
    rated_days = {}
    for rating in suggestion.published_ratings:
        rated_days.setdefault(timezone.localdate(rating.rated_at), rating.rated_at)
    for at in rated_days.values():
        items.append((at, _("代表评价")))
    if suggestion.published_at:
        items.append((suggestion.published_at, _("办理结果公开")))
    items = [(at, label) for at, label in items if at]
    items.sort(key=lambda pair: pair[0])
    return [{"date": timezone.localdate(at), "label": label} for at, label in items]


def lead_paragraph(suggestion):
    """The news item's opening sentence(s), built from public facts only."""
    names = [suggestion.lead_delegate.name] + [c.delegate.name for c in suggestion.confirmed_cosigners]
    if len(names) > 1:
        who = _("%(lead)s代表领衔、%(others)s代表联名") % {"lead": names[0], "others": "、".join(names[1:])}
    else:
        who = _("%(lead)s代表") % {"lead": names[0]}
    if suggestion.series == Suggestion.Series.RECESS:
        opening = _("%(session)s闭会期间，%(who)s提出《%(title)s》。")
    else:
        opening = _("在%(session)s上，%(who)s提出《%(title)s》。")
    parts = [opening % {"session": suggestion.session.name, "who": who, "title": suggestion.public_title}]
    if suggestion.is_key and suggestion.leader_id:
        leader = suggestion.leader
        parts.append(
            _("这件建议被列为重点督办建议，由%(title)s%(name)s领衔督办。")
            % {"title": leader.title, "name": leader.name}
        )
    summary = suggestion.summary
    if summary.offices and summary.reply_date:
        parts.append(
            _("%(offices)s于%(date)s作出答复")
            % {
                "offices": "、".join(o.name for o in summary.offices),
                "date": _("%(y)s年%(m)s月%(d)s日")
                % {"y": summary.reply_date.year, "m": summary.reply_date.month, "d": summary.reply_date.day},
            }
        )
        if summary.result_classes:
            parts[-1] += _("，办理结果为“%(result)s”") % {"result": "、".join(rc.name for rc in summary.result_classes)}
        parts[-1] += _("。")
    if len(summary.ratings) == 1 and summary.ratings[0][1] > 1:
        label, n = summary.ratings[0]
        parts.append(_("%(n)s位代表均评价为“%(label)s”。") % {"n": n, "label": label})
    elif summary.ratings:
        parts.append(_("代表评价：%(rating)s。") % {"rating": summary.rating_text})
    return "".join(parts)
