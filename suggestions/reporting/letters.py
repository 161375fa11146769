"""The delegate's letters (告知函) of a session: where each suggestion went after assignment (lead and co-offices,
deadline, key supervision), and at the year's end how each was answered and rated.

One letter per delegate: the suggestions they lead and those they co-signed (confirmed), four queries however
many. A delegate reads only their own (``Action.LETTER_VIEW``); staff read and print everyone's.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate, Session
from suggestions.models import Assignment, CoSigner, Rating, Reply, Suggestion

KINDS = {"assignment": _("建议交办告知函"), "year_end": _("建议办理结果告知函")}
LEFT_OUT = (Suggestion.Status.WITHDRAWN, Suggestion.Status.MERGED, Suggestion.Status.NOT_REGISTERED)


@dataclass
class LetterRow:
    suggestion: Suggestion
    lead: bool
    lead_offices: list = field(default_factory=list)  # the lead office, or every separate office
    co_offices: list = field(default_factory=list)
    due: object = None
    replies: list = field(default_factory=list)  # year's end: the latest reply of each answering office
    my_ratings: list = field(default_factory=list)


def letter_suggestions(delegate: Delegate, session: Session):
    """The assigned suggestions of ``session`` that ``delegate`` leads or co-signed."""
    cosigned = CoSigner.objects.filter(delegate=delegate, status=CoSigner.Status.CONFIRMED).values("suggestion_id")
    return (
        Suggestion.objects.filter(session=session, assigned_at__isnull=False)
        .filter(Q(lead_delegate=delegate) | Q(pk__in=cosigned))
        .exclude(status__in=LEFT_OUT)
        .select_related("leader", "category")
        .order_by("series", "number", "pk")
    )


def letter_rows(delegate: Delegate, session: Session) -> list[LetterRow]:
    """One row per suggestion of the letter, with its offices, deadline, replies and the delegate's ratings."""
    suggestions = letter_suggestions(delegate, session).prefetch_related(
        Prefetch(
            "assignments",
            # The suggestion's own handling (a 回头看 round of a later session is in that session's letter).
            queryset=Assignment.objects.filter(followup_round__isnull=True)
            .exclude(status__in=Assignment.ENDED)
            .select_related("office")
            .order_by("role", "office__order", "pk"),
            to_attr="letter_assignments",
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.filter(status=Reply.Status.SUBMITTED, assignment__followup_round__isnull=True)
            .select_related("office", "result_class", "round")
            .order_by("round__number", "submitted_at"),
            to_attr="letter_replies",
        ),
        Prefetch(
            "ratings",
            queryset=Rating.objects.filter(delegate=delegate).select_related("round").order_by("rated_at"),
            to_attr="letter_ratings",
        ),
    )
    rows = []
    for s in suggestions:
        row = LetterRow(suggestion=s, lead=s.lead_delegate_id == delegate.pk)
        for a in s.letter_assignments:
            (row.co_offices if a.role == Assignment.Role.CO else row.lead_offices).append(a.office)
            if a.answers_delegate and (row.due is None or a.effective_due > row.due):
                row.due = a.effective_due
        latest = {}
        for reply in s.letter_replies:
            latest[reply.office_id] = reply  # ordered by round: the last one stays
        row.replies = list(latest.values())
        row.my_ratings = [r for r in s.letter_ratings if r.round.number == s.current_round]
        rows.append(row)
    return rows


def letter_context(delegate: Delegate, session: Session, kind: str) -> dict:
    rows = letter_rows(delegate, session)
    return {
        "delegate": delegate,
        "session": session,
        "kind": kind,
        "letter_title": KINDS[kind],
        "rows": rows,
        "year_end": kind == "year_end",
    }


def letter_delegates(session: Session):
    """Every delegate who gets a letter of ``session``: leads and confirmed co-signers of assigned suggestions."""
    assigned = Suggestion.objects.filter(session=session, assigned_at__isnull=False).exclude(status__in=LEFT_OUT)
    cosigned = CoSigner.objects.filter(suggestion__in=assigned, status=CoSigner.Status.CONFIRMED).values("delegate_id")
    return (
        Delegate.objects.filter(Q(pk__in=assigned.values("lead_delegate_id")) | Q(pk__in=cosigned))
        .select_related("delegation")
        .order_by("name", "pk")
    )
