"""Reading the tallies of ``stats``: a session's dashboard figures in a few hundred rows, whatever its size.

Call ``stats.catch_up()`` first so the tallies are not older than the page.
"""

from django.db.models import (
    F,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from delegates.models import Session
from huaxi_renda.prepared import Prepared
from suggestions.models import (
    Assignment,
    AssignmentTally,
    DueTally,
    SuggestionTally,
)
from suggestions.queries.selectors import ENDED_ASSIGNMENT
from suggestions.reporting.metrics import RESULT_FIELDS
from suggestions.reporting.stats import (
    EXCLUDED,
    REPLIED,
    SUGGESTION_KEY,
    SUGGESTION_SUMS,
    S,
)


def _suggestion_rows(*, session_id):
    return SuggestionTally.objects.filter(session_id=session_id, n__gt=0).values(
        *SUGGESTION_KEY, *SUGGESTION_SUMS, "category__name", "category__order"
    )


def _counted(session_id):
    return AssignmentTally.objects.filter(session_id=session_id, n__gt=0)


def _office_rows(*, session_id):
    # The session's congress's offices only (they are the only ones in its tallies): the join then reads that
    # congress's offices, not every congress's (a whole-table hash of 23,000 offices at province scale).
    congress = Session.objects.filter(pk=session_id).values("congress_id")[:1]
    return (
        _counted(session_id)
        .exclude(status__in=ENDED_ASSIGNMENT)
        .filter(office__congress_id=Subquery(congress))
        .values("office_id", "office__name", "office__order")
        .annotate(
            assigned=Sum("n"),
            lead=Coalesce(Sum("n", filter=Q(role=Assignment.Role.LEAD)), 0),
            co=Coalesce(Sum("n", filter=Q(role=Assignment.Role.CO)), 0),
            separate=Coalesce(Sum("n", filter=Q(role=Assignment.Role.SEPARATE)), 0),
            replied=Coalesce(Sum("n", filter=Q(status__in=REPLIED)), 0),
            on_time=Coalesce(Sum(F("n") - F("late_first"), filter=Q(status__in=REPLIED)), 0),
            rated=Sum("rated"),
            rated_ok=Sum("rated_ok"),
            satisfied=Sum("satisfied"),
        )
        .order_by("office__order", "office__name")
    )


def _overdue_rows(*, session_id, today):
    return (
        DueTally.objects.filter(session_id=session_id, due__lt=today, n__gt=0)
        .values("office_id")
        .annotate(overdue=Sum("n"))
        .values_list("office_id", "overdue")
    )


def _result_rows(*, session_id):
    return (
        _counted(session_id)
        .filter(has_reply=True)
        .values(*RESULT_FIELDS)
        .annotate(n=Sum("n"))
        .order_by("result_class__order", "result_class__code")
    )


# Compiled once per process (``huaxi_renda.prepared``): compiling these was a fifth of a dashboard recount.
_tally_queries = {
    "suggestions": Prepared(_suggestion_rows),
    "offices": Prepared(_office_rows),
    "overdue": Prepared(_overdue_rows),
    "results": Prepared(_result_rows),
}


def session_tallies(session_id, *, today):
    """The dashboard's counts for one session from the tallies: four queries."""
    s_rows = _tally_queries["suggestions"](session_id=session_id)
    office_rows = _tally_queries["offices"](session_id=session_id)
    overdue = dict(_tally_queries["overdue"](session_id=session_id, today=today))
    for row in office_rows:
        row["overdue"] = overdue.get(row["office_id"], 0)
    result_rows = _tally_queries["results"](session_id=session_id)
    return s_rows, office_rows, result_rows


def session_summary(session_id, *, today, excluded=EXCLUDED):
    """Counts of one session from the tallies, leaving out suggestions in ``excluded`` statuses.

    The same numbers as ``metrics`` counts from the workflow tables over the session's suggestions
    without ``excluded`` (the dashboard leaves out withdrawn and merged ones; the public statistics
    also those never registered). Call ``catch_up()`` first.
    """
    s_rows, office_rows, result_rows = session_tallies(session_id, today=today)
    counted = [r for r in s_rows if r["status"] not in excluded]

    def total(name, rows=counted):
        return sum(r[name] for r in rows)

    counts = {
        "filed": total("n", [r for r in counted if r["status"] != S.DRAFT]),
        "registered": total("registered"),
        "assigned": total("assigned"),
        "replied": total("replied"),
        "replied_on_time": total("replied_on_time"),
        "met": total("met"),
        "closed": total("n", [r for r in counted if r["status"] == S.CLOSED]),
        "key": total("n", [r for r in counted if r["is_key"]]),
    }
    status_counts = {}
    for row in s_rows:
        status_counts[row["status"]] = status_counts.get(row["status"], 0) + row["n"]
    categories = {}
    for row in counted:
        if row["status"] == S.DRAFT:
            continue
        category = categories.setdefault(
            row["category_id"],
            {
                "category_id": row["category_id"],
                "category__name": row["category__name"],
                "category__order": row["category__order"],
                "filed": 0,
                "assigned": 0,
                "replied": 0,
            },
        )
        for name in ("filed", "assigned", "replied"):
            category[name] += row["n" if name == "filed" else name]
    return {
        "counts": counts,
        "ratings": {name: total(name) for name in ("rated", "satisfied", "basic", "first_rated", "first_ok")},
        "statuses": status_counts,
        "categories": sorted(categories.values(), key=lambda c: (c["category__order"], c["category__name"])),
        "offices": office_rows,
        "results": result_rows,
    }


def overdue_assignments(session_id, *, today, limit):
    """The longest-overdue assignments of a session, through the facts' (session, due) index."""
    return (
        Assignment.objects.filter(fact__session_id=session_id, fact__due__lt=today)
        .annotate(effective=F("fact__due"))
        .select_related("suggestion", "office")
        # What the overdue table shows (not the bodies of a hundred suggestions).
        .only(
            "id",
            "role",
            "suggestion_id",
            "office_id",
            "suggestion__id",
            "suggestion__number",
            "suggestion__series",
            "suggestion__title",
            "office__id",
            "office__name",
        )
        .order_by("fact__due", "pk")[:limit]
    )
