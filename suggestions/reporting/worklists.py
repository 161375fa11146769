"""The delegate home's sections and the office inbox's tabs, kept by the actions (issue 25).

Each suggestion's place on the worklists is defined once, here, as querysets over the workflow tables:
``home_entries`` (which sections of which delegates' home pages list it) and ``inbox_facts`` (the
inbox tab and deadline of each of its live assignments). The stored rows (``HomeEntry``, ``InboxFact``)
and their sums (``HomeTally``, ``InboxTally``) follow those definitions:

- **In the action's transaction.** ``actions._base.atomic_action`` wraps every action in ``kept()``;
  ``audit()`` notes the suggestion of each audit row, and before the outermost block ends ``refresh``
  re-derives the noted suggestions, writes the difference to the entries and facts and adds it to the
  tallies (``n = n + delta``, in key order, so two transactions on one delegate or office queue rather
  than lose a count). A page never sees a count its rows do not have.
- **Catch-up and recount.** ``refresh(ids)`` is safe at any time (re-deriving an unchanged suggestion
  writes nothing); ``rebuild()`` recounts everything set-based (``manage.py recount_worklists``, the
  data migration, the benchmark generator). Writes that go around the actions (a fixture, a hand
  edit, a result class whose follow-up flag changed) need one of the two.

``tests/suggestions/reporting/test_worklists.py`` compares the stored rows with a fresh derivation
after every step of a workflow.
"""

import datetime
import threading
from collections import Counter
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from suggestions.models import (
    Assignment,
    CoSigner,
    HomeEntry,
    HomeTally,
    InboxFact,
    InboxTally,
    Rating,
    Reply,
    Suggestion,
)

S = Suggestion.Status
A = Assignment.Status
DRAFT_STATUSES = (S.DRAFT, S.RETURNED)
HANDLING_STATUSES = (S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING)
FINISHED_STATUSES = (S.CLOSED, S.NOT_REGISTERED, S.WITHDRAWN, S.MERGED)
NO_DUE = datetime.date(9999, 12, 31)
HOME_KEY = ("delegate_id", "section")
INBOX_KEY = ("office_id", "group", "status", "due")

_local = threading.local()


# --------------------------------------------------------------------------- the definitions (the one place)


def unrated(delegate, *, suggestion="pk", current_round="current_round"):
    """A submitted reply of the suggestion's current round that ``delegate`` (a value or an ``OuterRef``
    into the outer row) has not rated yet."""
    rater = OuterRef(delegate) if isinstance(delegate, OuterRef) else delegate
    return Exists(
        Reply.objects.filter(
            suggestion=OuterRef(suggestion),
            status=Reply.Status.SUBMITTED,
            round__number=OuterRef(current_round),
        ).exclude(Exists(Rating.objects.filter(reply=OuterRef("pk"), delegate=rater)))
    )


def home_entries(suggestion_ids=None):
    """``[(suggestion_id, delegate_id, section, created_at)]`` querysets of the home sections.

    The lead's suggestion is in one section by its status, or in 待评价 while a reply waits for the
    lead's rating; a confirmed co-signer's is in 我联名的, and also in 待评价 while one waits for theirs.
    """
    suggestions = Suggestion.objects.filter(lead_delegate__isnull=False)
    cosigners = CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).exclude(
        delegate_id=F("suggestion__lead_delegate_id")
    )
    if suggestion_ids is not None:
        suggestions = suggestions.filter(pk__in=suggestion_ids)
        cosigners = cosigners.filter(suggestion_id__in=suggestion_ids)
    text = CharField()
    led = (
        suggestions.order_by()
        .annotate(
            f_suggestion_id=F("pk"),
            f_delegate_id=F("lead_delegate_id"),
            f_section=Case(
                When(Q(status__in=HANDLING_STATUSES) & unrated(OuterRef("lead_delegate_id")), then=Value("to-rate")),
                When(status__in=DRAFT_STATUSES, then=Value("drafts")),
                When(status=S.SUBMITTED, then=Value("submitted")),
                When(status__in=HANDLING_STATUSES, then=Value("handling")),
                When(status__in=FINISHED_STATUSES, then=Value("finished")),
                default=Value(None),
                output_field=text,
            ),
            f_created_at=F("created_at"),
        )
        .filter(f_section__isnull=False)
    )
    cosigned = cosigners.order_by().annotate(
        f_suggestion_id=F("suggestion_id"),
        f_delegate_id=F("delegate_id"),
        f_section=Value("cosigned", output_field=text),
        f_created_at=F("suggestion__created_at"),
    )
    to_rate = (
        cosigners.filter(suggestion__status__in=HANDLING_STATUSES)
        .filter(unrated(OuterRef("delegate_id"), suggestion="suggestion_id", current_round="suggestion__current_round"))
        .order_by()
        .annotate(
            f_suggestion_id=F("suggestion_id"),
            f_delegate_id=F("delegate_id"),
            f_section=Value("to-rate", output_field=text),
            f_created_at=F("suggestion__created_at"),
        )
    )
    names = ("f_suggestion_id", "f_delegate_id", "f_section", "f_created_at")
    return [qs.values(*names) for qs in (led, cosigned, to_rate)]


def inbox_facts(suggestion_ids=None):
    """One row per live assignment: its office, inbox tab (``office_selectors.GROUPS``), status and, while
    active, its effective deadline (``NO_DUE`` otherwise)."""
    from suggestions.queries.office_selectors import annotate_groups

    live = Assignment.objects.exclude(status__in=Assignment.ENDED)
    if suggestion_ids is not None:
        live = live.filter(suggestion_id__in=suggestion_ids)
    return (
        annotate_groups(live.order_by())
        .annotate(
            f_assignment_id=F("pk"),
            f_suggestion_id=F("suggestion_id"),
            f_office_id=F("office_id"),
            f_group=F("group"),
            f_status=F("status"),
            f_due=Case(
                When(status__in=Assignment.ACTIVE, then=Coalesce(Assignment.effective_due_expression(), Value(NO_DUE))),
                default=Value(NO_DUE),
            ),
        )
        .values("f_assignment_id", "f_suggestion_id", "f_office_id", "f_group", "f_status", "f_due")
    )


# --------------------------------------------------------------------------- kept by the actions


@contextmanager
def kept():
    """Note the suggestions audited inside; refresh their worklists before the outermost block ends."""
    outer = getattr(_local, "noted", None) is None
    if outer:
        _local.noted = set()
    try:
        yield
        if outer and _local.noted:
            refresh(_local.noted)
    finally:
        if outer:
            _local.noted = None


def note(suggestion_id):
    """A change to this suggestion: refreshed when the action ends (at once outside one)."""
    if suggestion_id is None:
        return
    noted = getattr(_local, "noted", None)
    if noted is None:
        refresh([suggestion_id])
    else:
        noted.add(suggestion_id)


def refresh(suggestion_ids):
    """Re-derive these suggestions' entries and facts; write what changed and move it into the tallies."""
    ids = sorted(set(suggestion_ids))
    if not ids:
        return
    with transaction.atomic():
        # Their actions hold these rows already; a catch-up outside one queues behind them.
        list(Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        _refresh_home(ids)
        _refresh_inbox(ids)


def result_class_changed(result_class_id):
    """A result class's follow-up flag changed: re-derive the suggestions with a reply of that class."""
    refresh(
        Reply.objects.filter(result_class_id=result_class_id, status=Reply.Status.SUBMITTED)
        .order_by()
        .values_list("suggestion_id", flat=True)
        .distinct()
    )


def _refresh_home(ids):
    led, cosigned, to_rate = home_entries(ids)
    new = {
        (row["f_suggestion_id"], row["f_delegate_id"], row["f_section"]): row["f_created_at"]
        for row in led.union(cosigned, to_rate, all=True)
    }
    old = {
        (s, d, section): (pk, at)
        for pk, s, d, section, at in HomeEntry.objects.filter(suggestion_id__in=ids).values_list(
            "pk", "suggestion_id", "delegate_id", "section", "created_at"
        )
    }
    gone = [pk for key, (pk, at) in old.items() if new.get(key) != at]
    added = [key for key, at in new.items() if key not in old or old[key][1] != at]
    if gone:
        HomeEntry.objects.filter(pk__in=gone).delete()
    if added:
        HomeEntry.objects.bulk_create(
            HomeEntry(suggestion_id=s, delegate_id=d, section=section, created_at=new[(s, d, section)])
            for s, d, section in added
        )
    delta = Counter()
    for _s, d, section in old.keys() - new.keys():
        delta[(d, section)] -= 1
    for _s, d, section in new.keys() - old.keys():
        delta[(d, section)] += 1
    _add(HomeTally, HOME_KEY, delta)


def _refresh_inbox(ids):
    fields = ("office_id", "group", "status", "due")
    new, suggestion_of = {}, {}
    for row in inbox_facts(ids):
        new[row["f_assignment_id"]] = tuple(row[f"f_{name}"] for name in fields)
        suggestion_of[row["f_assignment_id"]] = row["f_suggestion_id"]
    old = {
        row[0]: row[1:] for row in InboxFact.objects.filter(suggestion_id__in=ids).values_list("assignment_id", *fields)
    }
    changed = sorted(pk for pk in old.keys() | new.keys() if old.get(pk) != new.get(pk))
    if not changed:
        return
    InboxFact.objects.filter(pk__in=[pk for pk in changed if pk in old]).delete()
    InboxFact.objects.bulk_create(
        InboxFact(assignment_id=pk, suggestion_id=suggestion_of[pk], **dict(zip(fields, new[pk], strict=True)))
        for pk in changed
        if pk in new
    )
    delta = Counter()
    for pk in changed:
        if pk in old:
            delta[old[pk]] -= 1
        if pk in new:
            delta[new[pk]] += 1
    _add(InboxTally, INBOX_KEY, delta)


def _add(model, key, delta):
    """``n = n + delta`` per key in one statement, in key order (rows are created when missing)."""
    rows = sorted((k, n) for k, n in delta.items() if n)
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [qn(model._meta.get_field(name).column) for name in key]
    one = "(" + ", ".join(["%s"] * (len(key) + 1)) + ")"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}, n) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET n = {table}.n + EXCLUDED.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for k, n in rows for value in (*k, n)])


# --------------------------------------------------------------------------- recount


def rebuild():
    """Recount every entry, fact and tally from the workflow tables (set-based: a few statements)."""
    from suggestions.reporting.stats import _insert_select

    with transaction.atomic():
        for model in (HomeTally, InboxTally, HomeEntry, InboxFact):
            model.objects.all().delete()
        for query in home_entries():
            _insert_select(HomeEntry, query)
        _insert_select(InboxFact, inbox_facts())
        _insert_select(HomeTally, _sums(HomeEntry.objects.all(), HOME_KEY))
        _insert_select(InboxTally, _sums(InboxFact.objects.all(), INBOX_KEY))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (HomeEntry, HomeTally, InboxFact, InboxTally):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _sums(rows, key):
    return (
        rows.order_by()
        .values(*key)
        .annotate(**{f"f_{name}": F(name) for name in key})
        .annotate(f_n=Count("pk"))
        .values(*[f"f_{name}" for name in key], "f_n")
    )


def stored():
    """``(entries, home tallies, facts, inbox tallies)`` as stored, comparable with ``derived()`` (tests)."""
    return (
        sorted(HomeEntry.objects.values_list("suggestion_id", "delegate_id", "section", "created_at")),
        sorted(HomeTally.objects.filter(n__gt=0).values_list("delegate_id", "section", "n")),
        sorted(InboxFact.objects.values_list("assignment_id", "suggestion_id", "office_id", "group", "status", "due")),
        sorted(InboxTally.objects.filter(n__gt=0).values_list("office_id", "group", "status", "due", "n")),
    )


def derived():
    """The same four lists as a plain recount from the workflow tables derives them now."""
    entries = sorted(
        (r["f_suggestion_id"], r["f_delegate_id"], r["f_section"], r["f_created_at"])
        for query in home_entries()
        for r in query
    )
    facts = sorted(
        (r["f_assignment_id"], r["f_suggestion_id"], r["f_office_id"], r["f_group"], r["f_status"], r["f_due"])
        for r in inbox_facts()
    )
    home = Counter((d, section) for _s, d, section, _at in entries)
    inbox = Counter(row[2:] for row in facts)
    return (
        entries,
        sorted((*k, n) for k, n in home.items()),
        facts,
        sorted((*k, n) for k, n in inbox.items()),
    )
