"""Precomputed statistics: the dashboard's figures from tallies instead of a recount.

Counting a session from the workflow tables takes most of a second at 100,000
suggestions and grows with them. Here each suggestion's contribution to the
figures is kept as *fact* rows (one per suggestion, one per counted assignment),
and the facts are summed into *tally* rows keyed by session, category, office,
status, result class and deadline. The dashboard reads the tallies: a few hundred
rows whatever the size of the session.

How the tallies stay exact: every state change writes an audit row (a rule of
``actions``; a test checks every action), so the audit log says which
suggestions changed. ``catch_up`` re-derives the facts of those suggestions from
the workflow tables, subtracts their old facts from the tallies and adds the new
ones. The dashboard, the public statistics and the staff track list call it
before they read, so a figure is never older than the page; beat also calls it
every minute. Re-deriving a suggestion that did not change adds nothing, so
reading an audit row twice is harmless. That is how a transaction still open
during one catch-up (its audit row not yet visible) is picked up by the next:
each run also reads the rows written since ``WINDOW`` before the previous run,
except those it already read (``StatsWatermark.recent``).

``rebuild`` recomputes everything with two ``INSERT … SELECT`` statements per
table (the benchmark generator and ``manage.py recount_statistics`` use it).
The facts are defined once, by ``suggestion_facts`` and ``assignment_facts``;
``tests/suggestions/reporting/test_stats.py`` checks them against the plain recount in ``metrics``.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from huaxi_renda.prepared import Prepared
from suggestions.models import (
    Assignment,
    AssignmentFact,
    AssignmentTally,
    AuditLog,
    ContactRecord,
    DueTally,
    Rating,
    Reply,
    StatsWatermark,
    Suggestion,
    SuggestionFact,
    SuggestionTally,
)

S = Suggestion.Status
A = Assignment.Status
EXCLUDED = (S.WITHDRAWN, S.MERGED)
OPEN = Assignment.ACTIVE
REPLIED = (A.REPLIED, A.OPINION_SENT)
NO_DUE = datetime.date(9999, 12, 31)
# Longer than any transaction that writes an audit row is ever open.
WINDOW = datetime.timedelta(minutes=10)

SUGGESTION_KEY = ("session_id", "category_id", "status", "is_key")
SUGGESTION_SUMS = (
    "n",
    "registered",
    "assigned",
    "replied",
    "replied_on_time",
    "met",
    "rated",
    "satisfied",
    "basic",
    "first_rated",
    "first_ok",
)
ASSIGNMENT_KEY = ("session_id", "office_id", "role", "status", "has_reply", "result_class_id")
ASSIGNMENT_SUMS = ("n", "late_first", "rated", "rated_ok", "satisfied")
DUE_KEY = ("session_id", "office_id", "due")
DUE_SUMS = ("n",)


# --------------------------------------------------------------------------- the facts (the one definition)


def _flag(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _count(queryset, outer):
    counted = queryset.order_by().values(outer).annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def suggestion_facts(suggestions):
    """One row per suggestion: its part of every suggestion-level figure (see ``metrics.session_figures``)."""
    replied = Q(first_replied_at__isnull=False)
    late_first = Reply.objects.filter(
        suggestion=OuterRef("pk"), round__number=1, status=Reply.Status.SUBMITTED, on_time=False
    )
    met = ContactRecord.objects.filter(
        assignment__suggestion=OuterRef("pk"),
        method__in=ContactRecord.FACE_TO_FACE,
        assignment__followup_round__isnull=True,
    )
    ratings = Rating.objects.filter(suggestion=OuterRef("pk"))
    final = Rating.objects.filter(suggestion=OuterRef("pk"), round__number=OuterRef("current_round"))
    first = ratings.filter(round__number=1)
    ok = [Rating.Value.SATISFIED, Rating.Value.BASIC]
    return (
        suggestions.order_by()
        .annotate(
            f_suggestion_id=F("pk"),
            f_session_id=F("session_id"),
            f_category_id=F("category_id"),
            f_status=F("status"),
            f_is_key=F("is_key"),
            f_n=Value(1),
            f_registered=_flag(Q(registered_at__isnull=False)),
            f_assigned=_flag(Q(assigned_at__isnull=False)),
            f_replied=_flag(replied),
            f_replied_on_time=_flag(replied & ~Exists(late_first)),
            f_met=_flag(replied & Exists(met)),
            f_rated=_count(final, "suggestion"),
            f_satisfied=_count(final.filter(value=Rating.Value.SATISFIED), "suggestion"),
            f_basic=_count(final.filter(value=Rating.Value.BASIC), "suggestion"),
            f_first_rated=_count(first, "suggestion"),
            f_first_ok=_count(first.filter(value__in=ok), "suggestion"),
        )
        .values(*_aliases(("suggestion_id", *SUGGESTION_KEY, *SUGGESTION_SUMS)))
    )


def assignment_facts(assignments):
    """One row per assignment of a counted suggestion (see ``metrics.by_office`` and ``by_result_class``)."""
    latest = Reply.objects.filter(assignment=OuterRef("pk"), status=Reply.Status.SUBMITTED).order_by("-round__number")
    late_first = Reply.objects.filter(assignment=OuterRef("pk"), round__number=1, on_time=False)
    ratings = Rating.objects.filter(
        reply__assignment=OuterRef("pk"), round__number=OuterRef("suggestion__current_round")
    )
    return (
        # A 回头看 round's assignment counts in its own session's figures apart (``reporting.followup``).
        assignments.exclude(suggestion__status__in=EXCLUDED)
        .filter(followup_round__isnull=True)
        .order_by()
        .annotate(
            f_assignment_id=F("pk"),
            f_suggestion_id=F("suggestion_id"),
            f_session_id=F("suggestion__session_id"),
            f_office_id=F("office_id"),
            f_role=F("role"),
            f_status=F("status"),
            f_has_reply=Exists(latest),
            f_result_class_id=Subquery(latest.values("result_class_id")[:1]),
            f_due=Case(
                When(status__in=OPEN, then=Coalesce(Assignment.effective_due_expression(), Value(NO_DUE))),
                default=Value(NO_DUE),
            ),
            f_n=Value(1),
            f_late_first=_flag(Exists(late_first)),
            f_rated=_count(ratings, "reply__assignment"),
            f_rated_ok=_count(
                ratings.filter(value__in=[Rating.Value.SATISFIED, Rating.Value.BASIC]), "reply__assignment"
            ),
            f_satisfied=_count(ratings.filter(value=Rating.Value.SATISFIED), "reply__assignment"),
        )
        .values(*_aliases(("assignment_id", "suggestion_id", "due", *ASSIGNMENT_KEY, *ASSIGNMENT_SUMS)))
    )


def _aliases(names):
    return [f"f_{name}" for name in names]


def _plain(row):
    return {name[2:]: value for name, value in row.items()}


# --------------------------------------------------------------------------- keeping the tallies


def _lock_watermark():
    mark = StatsWatermark.objects.select_for_update().filter(pk=1).first()
    if mark is None:
        StatsWatermark.objects.get_or_create(pk=1, defaults={"audit_id": -1})
        mark = StatsWatermark.objects.select_for_update().get(pk=1)
    return mark


class CatchUp(NamedTuple):
    version: int  # changes whenever the tallies changed: a key for anything computed from them
    rederived: int  # suggestions re-derived by this call


def _unread(mark):
    """Audit rows the tallies may not have taken in: newer than the watermark, or written shortly
    before the last run (their transaction may have been open then) and not read since."""
    done = [pk for pk, _at in mark.recent]
    return AuditLog.objects.filter(Q(pk__gt=mark.audit_id) | Q(created_at__gte=mark.run_at - WINDOW)).exclude(
        pk__in=done
    )


# Whether rows written shortly before the last run are still unread (``_unread``'s second half; rows above the
# watermark are told by ``last_id``), read with the watermark. Walked newest first down the time index (a scalar
# subquery keeps its order): as an EXISTS, with the bound unknown when the plan is made, PostgreSQL read the whole
# log for it (400,000 rows, 90 ms).
_UNREAD_SQL = (
    "(SELECT a.id FROM suggestions_auditlog a WHERE a.created_at >= suggestions_statswatermark.run_at - %s"
    " AND a.id NOT IN (SELECT (r->>0)::bigint FROM jsonb_array_elements(suggestions_statswatermark.recent) r)"
    " ORDER BY a.created_at DESC LIMIT 1) IS NOT NULL"
)


def watermark_with_newest_audit():
    # The newest audit row's id and time, each one step down an index (uncorrelated on purpose: a
    # correlated EXISTS made PostgreSQL scan the whole log).
    marks = StatsWatermark.objects.filter(pk=1).annotate(
        last_id=Subquery(AuditLog.objects.order_by("-pk").values("pk")[:1]),
        last_at=Subquery(AuditLog.objects.order_by("-created_at").values("created_at")[:1]),
    )
    if connection.vendor == "postgresql":
        marks = marks.annotate(has_unread=RawSQL(_UNREAD_SQL, [WINDOW], output_field=BooleanField()))
    return marks.order_by("pk")[:1]


def _has_unread(mark):
    if hasattr(mark, "has_unread"):
        return mark.has_unread
    # Other databases (SQLite): a second read, only while rows written near the last run may be unread.
    return bool(mark.last_at and mark.last_at >= mark.run_at - WINDOW and _unread(mark).exists())


# Every dashboard view and every beat minute reads it (``huaxi_renda.prepared``).
_watermark_query = Prepared(watermark_with_newest_audit)


def catch_up(*, marks=None):
    """Bring the tallies up to the audit log.

    When nothing changed (the usual case) that costs one read, which also says whether rows written
    near the last run are still unread, and takes no lock. A page that reads other versions with it
    passes the rows of ``watermark_with_newest_audit`` it read (the dashboard: the stations' too).
    """
    if marks is None:
        marks = _watermark_query()
    mark = marks[0] if marks else None
    if mark is not None and mark.audit_id >= 0 and (mark.last_id or 0) <= mark.audit_id and not _has_unread(mark):
        return CatchUp(mark.version, 0)
    with transaction.atomic():
        mark = _lock_watermark()
        if mark.audit_id < 0:  # never built (a new database): count everything once
            rebuild(_locked=mark)
            return CatchUp(mark.version, 0)
        started = timezone.now()
        rows = list(_unread(mark).values_list("pk", "suggestion_id", "created_at"))
        if not rows:
            return CatchUp(mark.version, 0)
        ids = sorted({sid for _pk, sid, _at in rows if sid is not None})
        if ids:
            refresh(ids)
        horizon = (started - WINDOW).timestamp()
        mark.recent = [[pk, at] for pk, at in mark.recent if at >= horizon] + [
            [pk, at.timestamp()] for pk, _sid, at in rows if at.timestamp() >= horizon
        ]
        mark.audit_id = max(mark.audit_id, max(pk for pk, _sid, _at in rows))
        mark.run_at = started
        mark.version += 1
        mark.save(update_fields=["audit_id", "run_at", "version", "recent"])
        return CatchUp(mark.version, len(ids))


def refresh(suggestion_ids):
    """Re-derive the facts of these suggestions and move the difference into the tallies."""
    ids = list(suggestion_ids)
    old_s, new_s = _replace_facts(SuggestionFact, suggestion_facts(Suggestion.objects.filter(pk__in=ids)), ids)
    _move(SuggestionTally, SUGGESTION_KEY, SUGGESTION_SUMS, old_s, new_s)
    old_a, new_a = _replace_facts(
        AssignmentFact, assignment_facts(Assignment.objects.filter(suggestion_id__in=ids)), ids
    )
    _move(AssignmentTally, ASSIGNMENT_KEY, ASSIGNMENT_SUMS, old_a, new_a)
    _move(DueTally, DUE_KEY, DUE_SUMS, _open(old_a), _open(new_a))


def _open(rows):
    return [row for row in rows if row["due"] != NO_DUE]


def _replace_facts(fact_model, new_query, ids):
    facts = fact_model.objects.filter(suggestion_id__in=ids)
    old = list(facts.values())
    new = [_plain(row) for row in new_query]
    facts.delete()
    fact_model.objects.bulk_create(fact_model(**row) for row in new)
    return old, new


def _move(tally_model, key, sums, old, new):
    delta = defaultdict(lambda: [0] * len(sums))
    for sign, rows in ((-1, old), (1, new)):
        for row in rows:
            totals = delta[tuple(row[k] for k in key)]
            for i, name in enumerate(sums):
                totals[i] += sign * row[name]
    delta = {k: v for k, v in delta.items() if any(v)}
    if not delta:
        return
    match = Q()
    for k in delta:
        match |= Q(**dict(zip(key, k, strict=True)))
    existing = {tuple(getattr(t, name) for name in key): t for t in tally_model.objects.filter(match)}
    changed, added = [], []
    for k, totals in delta.items():
        tally = existing.get(k)
        if tally is None:
            added.append(tally_model(**dict(zip(key, k, strict=True)), **dict(zip(sums, totals, strict=True))))
            continue
        for name, value in zip(sums, totals, strict=True):
            setattr(tally, name, getattr(tally, name) + value)
        changed.append(tally)
    if changed:
        tally_model.objects.bulk_update(changed, list(sums))
    if added:
        tally_model.objects.bulk_create(added)


def rebuild(*, _locked=None):
    """Recompute every fact and tally from the workflow tables (set-based: a few statements)."""
    with transaction.atomic():
        mark = _locked or _lock_watermark()
        started = timezone.now()
        top = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # Rows visible now are counted below (their data committed with them); any still in flight
        # are not among these and the next catch-up's window reads them.
        recent = [
            [pk, at.timestamp()]
            for pk, at in AuditLog.objects.filter(created_at__gte=started - WINDOW, pk__lte=top).values_list(
                "pk", "created_at"
            )
        ]
        for model in (SuggestionTally, AssignmentTally, DueTally, SuggestionFact, AssignmentFact):
            model.objects.all().delete()
        _insert_select(SuggestionFact, suggestion_facts(Suggestion.objects.all()))
        _insert_select(AssignmentFact, assignment_facts(Assignment.objects.all()))
        _insert_select(SuggestionTally, _tally_query(SuggestionFact.objects.all(), SUGGESTION_KEY, SUGGESTION_SUMS))
        _insert_select(AssignmentTally, _tally_query(AssignmentFact.objects.all(), ASSIGNMENT_KEY, ASSIGNMENT_SUMS))
        _insert_select(DueTally, _tally_query(AssignmentFact.objects.exclude(due=NO_DUE), DUE_KEY, DUE_SUMS))
        mark.audit_id, mark.run_at, mark.recent = top, started, recent
        mark.version += 1
        mark.save(update_fields=["audit_id", "run_at", "recent", "version"])


def _tally_query(facts, key, sums):
    return (
        facts.order_by()
        .values(*key)
        .annotate(**{f"f_{name}": Sum(name) for name in sums})
        .annotate(**{f"f_{name}": F(name) for name in key})
        .values(*_aliases((*key, *sums)))
    )


def _insert_select(model, query):
    """``INSERT INTO <model> (<columns>) SELECT … FROM (<query>)``: the query's ``f_<column>`` aliases name the columns."""
    names = [alias[2:] for alias in query.query.annotation_select if alias.startswith("f_")]
    sql, params = query.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in names]
    select = ", ".join(f"q.{qn('f_' + name)}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) SELECT {select} FROM ({sql}) q",
            params,
        )
