"""The figures of domain.md, each with its numerator and denominator.

Every function runs a fixed number of aggregate queries, however many rows.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.models import Assignment, ContactRecord, Rating, Reply, Suggestion
from suggestions.queries.selectors import ENDED_ASSIGNMENT

S = Suggestion.Status
A = Assignment.Status
EXCLUDED = (S.WITHDRAWN, S.MERGED)


@dataclass(frozen=True)
class Figure:
    label: str
    numerator: int
    denominator: int
    key: str = ""

    @property
    def rate(self):
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    @property
    def display(self):
        rate = self.rate
        return "—" if rate is None else f"{rate:.1f}%"


def _latest_replies():
    """Submitted replies that no later round of the same assignment replaced."""
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"), status=Reply.Status.SUBMITTED, round__number__gt=OuterRef("round__number")
    )
    # A 回头看 round's replies count in its own session's figures apart (``reporting.followup``), never here.
    return Reply.objects.filter(status=Reply.Status.SUBMITTED, assignment__followup_round__isnull=True).exclude(
        Exists(later)
    )


def session_figures(suggestions, *, result_rows=None):
    """Headline figures for a queryset of suggestions (usually one session): three queries.

    ``result_rows`` (from ``by_result_class``) saves the query when the caller shows that table too.
    """
    suggestions = suggestions.exclude(status__in=EXCLUDED)
    # Uncorrelated ``IN`` subqueries: PostgreSQL hashes each once instead of probing per row (and
    # the lower cost estimate keeps it from JIT-compiling the query, which took longer than running it).
    late_first_reply = Reply.objects.filter(round__number=1, status=Reply.Status.SUBMITTED, on_time=False).values(
        "suggestion_id"
    )
    met = ContactRecord.objects.filter(
        method__in=ContactRecord.FACE_TO_FACE, assignment__followup_round__isnull=True
    ).values("assignment__suggestion_id")
    counts = suggestions.aggregate(
        filed=Count("pk", filter=~Q(status=S.DRAFT)),
        registered=Count("pk", filter=Q(registered_at__isnull=False)),
        assigned=Count("pk", filter=Q(assigned_at__isnull=False)),
        replied=Count("pk", filter=Q(first_replied_at__isnull=False)),
        replied_on_time=Count("pk", filter=Q(first_replied_at__isnull=False) & ~Q(pk__in=late_first_reply)),
        met=Count("pk", filter=Q(first_replied_at__isnull=False) & Q(pk__in=met)),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        key=Count("pk", filter=Q(is_key=True)),
    )
    # Final-round and first-round ratings in one pass.
    final_round = Q(round__number=F("suggestion__current_round"))
    ok = Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASIC])
    rating_counts = Rating.objects.filter(suggestion__in=suggestions).aggregate(
        rated=Count("pk", filter=final_round),
        satisfied=Count("pk", filter=final_round & Q(value=Rating.Value.SATISFIED)),
        basic=Count("pk", filter=final_round & Q(value=Rating.Value.BASIC)),
        first_rated=Count("pk", filter=Q(round__number=1)),
        first_ok=Count("pk", filter=Q(round__number=1) & ok),
    )
    if result_rows is None:
        result_rows = by_result_class(suggestions)
    return figures_from_counts(counts, rating_counts, result_rows)


def figures_from_counts(counts, rating_counts, result_rows):
    """The headline figures from the counts (a recount above, or the tallies of ``stats``)."""
    first = {"rated": rating_counts["first_rated"], "ok": rating_counts["first_ok"]}
    results = {
        "replies": sum(r["n"] for r in result_rows),
        "solved": sum(r["n"] for r in result_rows if r["result_class__counts_as_solved"]),
        "adopted": sum(r["n"] for r in result_rows if r["result_class__counts_as_adopted"]),
    }
    return {
        "counts": counts,
        "reply_rate": Figure(_("办复率"), counts["replied"], counts["assigned"], "reply_rate"),
        "on_time_rate": Figure(_("按时办复率"), counts["replied_on_time"], counts["replied"], "on_time_rate"),
        "satisfaction": Figure(
            _("满意率"), rating_counts["satisfied"] + rating_counts["basic"], rating_counts["rated"], "satisfaction"
        ),
        "satisfied_only": Figure(_("其中满意"), rating_counts["satisfied"], rating_counts["rated"], "satisfied"),
        "basic_only": Figure(_("其中基本满意"), rating_counts["basic"], rating_counts["rated"], "basic"),
        "first_satisfaction": Figure(_("初次满意率"), first["ok"], first["rated"], "first_satisfaction"),
        "solved_rate": Figure(_("解决率"), results["solved"], results["replies"], "solved_rate"),
        "adopted_rate": Figure(_("采纳率"), results["adopted"], results["replies"], "adopted_rate"),
        "met_rate": Figure(_("见面率"), counts["met"], counts["replied"], "met_rate"),
    }


def headline(figures):
    keys = (
        "reply_rate",
        "on_time_rate",
        "satisfaction",
        "basic_only",
        "first_satisfaction",
        "solved_rate",
        "adopted_rate",
        "met_rate",
    )
    return [figures[k] for k in keys]


def by_status(suggestions):
    return dict(suggestions.values_list("status").annotate(n=Count("pk")).order_by())


def by_category(suggestions):
    """Rows per category: filed, replied, solved replies."""
    rows = (
        suggestions.exclude(status__in=EXCLUDED + (S.DRAFT,))
        .values("category_id", "category__name", "category__order")
        .annotate(
            filed=Count("pk"),
            assigned=Count("pk", filter=Q(assigned_at__isnull=False)),
            replied=Count("pk", filter=Q(first_replied_at__isnull=False)),
        )
        .order_by("category__order", "category__name")
    )
    return list(rows)


# What a row of the result-class table shows (here and in ``stats``).
RESULT_FIELDS = (
    "result_class__code",
    "result_class__name",
    "result_class__order",
    "result_class__counts_as_solved",
    "result_class__counts_as_adopted",
)


def by_result_class(suggestions):
    return list(
        _latest_replies()
        .filter(suggestion__in=suggestions.exclude(status__in=EXCLUDED))
        .values(*RESULT_FIELDS)
        .annotate(n=Count("pk"))
        .order_by("result_class__order", "result_class__code")
    )


def by_office(suggestions, *, today=None):
    """One row per office: assigned, replied, on time, satisfaction, overdue (lead, co and separate)."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.filter(
        suggestion__in=suggestions.exclude(status__in=EXCLUDED), followup_round__isnull=True
    ).exclude(status__in=ENDED_ASSIGNMENT)
    late = Reply.objects.filter(round__number=1, on_time=False).values("assignment_id")
    rows = (
        assignments.values("office_id", "office__name", "office__order")
        .annotate(
            assigned=Count("pk"),
            lead=Count("pk", filter=Q(role=Assignment.Role.LEAD)),
            co=Count("pk", filter=Q(role=Assignment.Role.CO)),
            separate=Count("pk", filter=Q(role=Assignment.Role.SEPARATE)),
            replied=Count("pk", filter=Q(status__in=[A.REPLIED, A.OPINION_SENT])),
            on_time=Count("pk", filter=Q(status__in=[A.REPLIED, A.OPINION_SENT]) & ~Q(pk__in=late)),
            overdue=Count(
                "pk",
                filter=Q(status__in=Assignment.ACTIVE) & Assignment.effective_due_q("lt", today),
            ),
        )
        .order_by("office__order", "office__name")
    )
    ratings = (
        # The rating of the latest round counts, as for the session's 满意率.
        Rating.objects.filter(reply__assignment__in=assignments, round__number=F("suggestion__current_round"))
        .values("reply__assignment__office_id")
        .annotate(
            rated=Count("pk"),
            ok=Count("pk", filter=Q(value__in=[Rating.Value.SATISFIED, Rating.Value.BASIC])),
            satisfied=Count("pk", filter=Q(value=Rating.Value.SATISFIED)),
        )
        .order_by()
    )
    by_id = {r["reply__assignment__office_id"]: r for r in ratings}
    for row in rows:
        r = by_id.get(row["office_id"], {"rated": 0, "ok": 0, "satisfied": 0})
        row["rated"], row["rated_ok"] = r["rated"], r["ok"]
    return office_figures(rows)


def office_figures(rows):
    """Adds the office table's rates to rows of counts (assigned, replied, on_time, rated, rated_ok)."""
    # Labels translated once, as plain strings: hundreds of lazy ones make the cached dashboard
    # slow to unpickle (each lazy object rebuilds its proxy class).
    reply_label, on_time_label, satisfaction_label = str(_("办复率")), str(_("按时办复率")), str(_("满意率"))
    result = []
    for row in rows:
        row["reply_rate"] = Figure(reply_label, row["replied"], row["assigned"])
        row["on_time_rate"] = Figure(on_time_label, row["on_time"], row["replied"])
        row["satisfaction"] = Figure(satisfaction_label, row["rated_ok"], row["rated"])
        result.append(row)
    return result


def overdue_assignments(suggestions=None, *, today=None):
    today = today or timezone.localdate()
    qs = (
        Assignment.objects.filter(status__in=Assignment.ACTIVE, followup_round__isnull=True)
        .annotate(effective=Assignment.effective_due_expression())
        .filter(effective__lt=today)
    )
    if suggestions is not None:
        qs = qs.filter(suggestion__in=suggestions)
    return qs.select_related("suggestion", "office").order_by("effective", "pk")


__all__ = [
    "Figure",
    "session_figures",
    "figures_from_counts",
    "office_figures",
    "by_category",
    "by_office",
    "by_result_class",
    "by_status",
    "overdue_assignments",
    "headline",
]
