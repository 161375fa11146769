"""What the public sees of an outcome at a glance: offices, latest result classes, reply date, rating."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions.models import Rating

# --------------------------------------------------------------------------- what a row / page shows


RATING_ORDER = [Rating.Value.SATISFIED, Rating.Value.BASIC, Rating.Value.UNSATISFIED]


@dataclass
class Summary:
    offices: list = field(default_factory=list)
    result_classes: list = field(default_factory=list)
    reply_date: datetime.date | None = None
    ratings: list = field(default_factory=list)  # [(label, count)] of the latest rated round
    rating_round: int = 0

    @property
    def rating_text(self):
        if sum(n for _label, n in self.ratings) == 1:
            return self.ratings[0][0]
        return "、".join(_("%(label)s%(n)s人") % {"label": label, "n": n} for label, n in self.ratings)


def summarize(suggestion):
    """Offices, latest result classes, reply date and rating of a suggestion loaded by ``outcomes()``."""
    replies = [
        (r.assignment.office, r.assignment_id, r.result_class if r.result_class_id else None, r.submitted_at)
        for r in suggestion.published_replies
    ]
    ratings = [(r.round.number, r.value, r.delegate_id) for r in suggestion.published_ratings]
    return build_summary(replies, ratings, suggestion.current_round)


def build_summary(replies, ratings, current_round):
    """The rule behind every public summary, whatever loaded its parts.

    ``replies``: ``(office, assignment_id, result_class or None, submitted_at)`` of the published replies,
    by round; ``ratings``: ``(round_number, value, delegate_id)`` of ratings of published replies.
    """
    summary = Summary()
    seen = set()
    for office, _assignment_id, _result_class, _submitted_at in replies:
        if office.pk not in seen:
            seen.add(office.pk)
            summary.offices.append(office)
    if replies:
        latest = {}
        for reply in replies:  # ordered by round: the last one of each office wins
            latest[reply[1]] = reply[2]
        classes = {rc.code: rc for rc in latest.values() if rc is not None}
        summary.result_classes = sorted(classes.values(), key=lambda rc: (rc.order, rc.code))
        dates = [submitted_at for *_rest, submitted_at in replies if submitted_at]
        summary.reply_date = timezone.localdate(max(dates)) if dates else None
    if ratings:
        last_round = max(number for number, _value, _delegate in ratings)
        if last_round == current_round:
            # Counted in delegates: under separate handling one delegate rates each office's reply.
            delegates = {}
            for number, value, delegate_id in ratings:
                if number == last_round:
                    delegates.setdefault(value, set()).add(delegate_id)
            labels = dict(Rating.Value.choices)
            summary.ratings = [(str(labels[v]), len(delegates[v])) for v in RATING_ORDER if v in delegates]
            summary.rating_round = last_round
    return summary


def outcome_rows(items):
    for suggestion in items:
        suggestion.summary = summarize(suggestion)
    return items
