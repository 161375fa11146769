"""Set-based recording: a whole row of the schedule in one ``INSERT … SELECT``, its deliveries in a few more.

A reminder storm (a week without a scan, a big deadline day) finds hundreds of
thousands of reminders due at once. Instead of loading each due row into Python,
the rows of the schedule that look at assignments describe what is due as a
queryset whose columns are the reminder's (key, stage, the deadline it names …)
and the database copies it into the reminder table (no text: ``texts.SCAN_TEXTS``
words a row when it is shown), skipping what an earlier scan recorded (on
PostgreSQL ``NOT EXISTS`` under a lock the scans take in turn, on SQLite
``ON CONFLICT DO NOTHING``).

Deliveries follow in one statement per recipient set: the reminders this scan
created (``created_at = now``) joined with a small table of who gets them and by
which channel, built once per office (or for staff, or per leader) with the same
rules as ``record.deliveries_for``; ``delivery_unique`` skips a person already
given the channel by an earlier set.

Stages and day counts that depend on the working-day calendar are computed in
Python once per date (not per row) and handed to SQL as runs of dates.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Case, CharField, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast

from suggestions.models import Reminder, ReminderDelivery, Suggestion
from suggestions.reminders.preferences import chosen
from suggestions.reminders.record import deliveries_for

ALIAS = "r_"
REMINDER_COLUMNS = ("code", "stage", "suggestion_id", "assignment_id", "office_id")
# What a row's text needs beyond its suggestion, where the row of the schedule names it (``texts.SCAN_TEXTS``).
OPTIONAL_COLUMNS = ("due", "workdays")


def text(value) -> Cast:
    """An expression as text (numbers, dates as YYYY-MM-DD)."""
    return Cast(value, output_field=CharField())


def runs(first: datetime.date, last: datetime.date, value_of) -> list[tuple[datetime.date, object]]:
    """[(start, value)] of the runs of equal ``value_of(day)`` from ``first`` to ``last``, latest run first."""
    out = []
    day = first
    while day <= last:
        value = value_of(day)
        if not out or out[-1][1] != value:
            out.append((day, value))
        day += datetime.timedelta(days=1)
    return out[::-1]


class RangeValue(Func):
    """The value of the run ``field`` falls in, found by binary search: ``(values)[n - width_bucket(field, starts)]``.

    ``CASE WHEN field >= start …`` tests the runs one by one, and a storm's rows fall in runs up to 250
    deep (one per working day back to the oldest assignment), three times per reminder (key, stage,
    message): that was most of the time the ``SELECT`` of a storm took. ``width_bucket`` finds how many
    starts are at or below the field in a sorted array; a field that is NULL gets the earliest run, as
    the ``CASE`` gives it its default.
    """

    arity = 1

    def __init__(self, field, starts, values, output_field=None):
        super().__init__(field, output_field=output_field)
        self.starts, self.values = starts, values

    def as_sql(self, compiler, connection, **extra):
        field_sql, field_params = compiler.compile(self.source_expressions[0])
        kind = "integer" if all(isinstance(v, int) for v in self.values) else "text"
        sql = f"(%s::{kind}[])[%s - COALESCE(width_bucket({field_sql}, %s), 0)]"
        return sql, [list(self.values), len(self.starts) + 1, *field_params, list(self.starts)]


def by_ranges(lookup: str, ranges, bound=lambda day: day, output=None) -> Case | Value | RangeValue:
    """The value of the run ``lookup`` falls in, over ``runs`` (latest first); the earliest run is the default.

    PostgreSQL: ``RangeValue`` (a binary search); elsewhere ``CASE WHEN field >= start …``.
    """
    if not ranges:
        return Value(None, output_field=output)
    whens = [When(Q(**{f"{lookup}__gte": bound(start)}), then=Value(value)) for start, value in ranges[:-1]]
    default = Value(ranges[-1][1])
    if not whens:
        return default
    values = [value for _start, value in ranges]
    if connection.vendor == "postgresql" and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in values):
        starts = [bound(start) for start, _value in ranges[:-1]][::-1]  # earliest first
        if output is None:
            output = IntegerField() if all(isinstance(v, int) for v in values) else TextField()
        return RangeValue(F(lookup), starts, values, output_field=output)
    return Case(*whens, default=default, output_field=output)


def _column_defaults(model, given) -> tuple[list[str], list]:
    """The other NOT NULL columns of ``model`` with their Python defaults (Django defaults are not in the schema)."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key or field.null:
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def _datetime(now):
    return connection.ops.adapt_datetimefield_value(now)


# The advisory lock the scan's set-based inserts take (any number, the same in every process).
SCAN_LOCK = 250_001


def insert_reminders(
    queryset, *, kind: str, now: datetime.datetime, urgent=False, dry_run=False, **columns
) -> tuple[int, set, int | None]:
    """Record one reminder per row of ``queryset`` (columns as expressions), once per key.

    Returns how many are new, the offices they are about and the first new id (what the deliveries
    join on: no second look through an index for them). ``columns`` gives every name of
    ``REMINDER_COLUMNS`` and those of ``OPTIONAL_COLUMNS`` the text needs; two scans at once take turns.
    """
    given = [name for name in REMINDER_COLUMNS + OPTIONAL_COLUMNS if name in columns]
    inner = queryset.annotate(**{ALIAS + name: columns[name] for name in given}).values(
        *(ALIAS + name for name in given)
    )
    sql, params = inner.query.sql_with_params()
    q = connection.ops.quote_name
    table, code, suggestion = q(Reminder._meta.db_table), q("code"), q("suggestion_id")
    # The key: the suggestion and the code (``keys``), in the unique index's order.
    recorded = (
        f"NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{suggestion} = sub.{ALIAS}suggestion_id "  # noqa: S608
        f"AND x.{code} = sub.{ALIAS}code)"
    )
    with connection.cursor() as cursor:
        if dry_run:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) sub WHERE {recorded}", params)  # noqa: S608 - model names
            return cursor.fetchone()[0], set(), None
        fixed = ("kind", "is_urgent", "created_at")
        extra_columns, extra_values = _column_defaults(Reminder, {*given, *fixed})
        names = [q(c) for c in (*given, *fixed)]
        select = [f"sub.{ALIAS}{c}" for c in given] + ["%s"] * (len(fixed) + len(extra_values))
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            # Scans record one at a time (a lock held to the end of the transaction), so the rows an earlier
            # scan recorded are skipped by a look into the key's index: cheaper per row than ON CONFLICT's
            # speculative insertion (a lock and a second WAL record for every row). The unique key still
            # refuses a double.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
            skip, conflict = recorded, ""
        else:
            skip, conflict = "1 = 1", f"ON CONFLICT ({suggestion}, {code}) DO NOTHING "
        insert = (
            f"INSERT INTO {table} ({', '.join(names + extra_columns)}) "  # noqa: S608 - names from the model
            f"SELECT {', '.join(select)} FROM ({sql}) sub WHERE {skip} "
            f"ORDER BY sub.{ALIAS}suggestion_id, sub.{ALIAS}code "
            f"{conflict}RETURNING {q('id')}, {q('office_id')}"
        )
        params = [kind, bool(urgent), _datetime(now), *extra_values, *params]
        if postgresql:  # the new rows summed up in the database
            cursor.execute(
                f"WITH new AS ({insert}) SELECT office_id, COUNT(*), MIN(id) FROM new GROUP BY office_id", params
            )
            groups = cursor.fetchall()
        else:
            cursor.execute(insert, params)
            groups = [(office, 1, pk) for pk, office in cursor.fetchall()]
    created = sum(n for _office, n, _first in groups)
    first = min((pk for _office, _n, pk in groups), default=None)
    return created, {office for office, _n, _first in groups if office is not None}, first


def recipient_table(recipients_by_group: dict, *, now, urgent: bool) -> tuple[str, list]:
    """``SELECT group, user, channel, address UNION ALL …``: who gets the reminders of each group, by which channel.

    One row per person and channel that can reach them, as ``deliveries_for`` decides for a reminder
    (non-urgent ones on the channels each person chose); empty SQL when nobody can be reached.
    """
    users = {r.user.pk for recipients in recipients_by_group.values() for r in recipients}
    choices = None if urgent else chosen(users)
    address = ReminderDelivery._meta.get_field("address")
    rows, params = [], []
    for group, recipients in recipients_by_group.items():
        for delivery in deliveries_for(0, recipients, now=now, choices=choices):
            rows.append("SELECT %s AS grp, %s AS user_id, %s AS channel, %s AS address")
            params += [
                group,
                delivery.recipient_id,
                delivery.channel,
                address.get_db_prep_save(delivery.address, connection),
            ]
    return " UNION ALL ".join(rows), params


def insert_deliveries(
    *, kind: str, now, first_id: int, recipients_by_group: dict, urgent: bool, join: str = "office"
) -> int:
    """Deliveries of the reminders of ``kind`` this scan created (from ``first_id`` on), for one recipient set.

    ``join``: ``office`` (the group is the reminder's office), ``congress`` (the group is the suggestion's
    congress: its staff) or ``leader`` (the group is the suggestion's leader, for key suggestions from the second stage).
    """
    recipients, params = recipient_table(recipients_by_group, now=now, urgent=urgent)
    if not recipients:
        return 0
    q = connection.ops.quote_name
    reminders, deliveries = q(Reminder._meta.db_table), q(ReminderDelivery._meta.db_table)
    extra_columns, extra_values = _column_defaults(
        ReminderDelivery, {"reminder_id", "recipient_id", "channel", "address", "created_at"}
    )
    names = [q(c) for c in ("reminder_id", "recipient_id", "channel", "address", "created_at")] + extra_columns
    where, join_params, recipients_from = "", [], ""
    if join == "office":
        on = f"v.grp = r.{q('office_id')}"
    elif join == "congress":
        suggestions = q(Suggestion._meta.db_table)
        recipients_from = f"JOIN {suggestions} s ON s.{q('id')} = r.{q('suggestion_id')} "
        on = f"v.grp = s.{q('congress_id')}"
    else:  # the suggestion's leader, for key suggestions from the second stage on
        suggestions = q(Suggestion._meta.db_table)
        recipients_from = f"JOIN {suggestions} s ON s.{q('id')} = r.{q('suggestion_id')} "
        on = f"v.grp = s.{q('leader_id')}"
        where = f" AND s.{q('is_key')} AND r.{q('stage')} <> %s"
        join_params = ["n1"]
    sql = (
        f"INSERT INTO {deliveries} ({', '.join(names)}) "  # noqa: S608 - names from the models
        f"SELECT r.{q('id')}, v.user_id, v.channel, v.address, %s{', %s' * len(extra_values)} "
        f"FROM {reminders} r {recipients_from}JOIN ({recipients}) v ON {on} "
        f"WHERE r.{q('id')} >= %s AND r.{q('created_at')} = %s AND r.{q('kind')} = %s{where} "
        f"ORDER BY r.{q('id')}, v.user_id, v.channel ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_datetime(now), *extra_values, *params, first_id, _datetime(now), kind, *join_params])
        return max(cursor.rowcount, 0)


def record_set(scanner, queryset, *, kind: str, urgent=False, recipients, **columns) -> int:
    """One row of the schedule: its reminders in one statement, then their deliveries; returns how many are new.

    ``recipients(scanner, office_ids, fresh)`` returns [(join, {group: [Recipient]})] for the offices
    of the reminders just created (``fresh``, a queryset).
    """
    now = scanner.now
    if scanner.dry_run:
        return insert_reminders(queryset, kind=kind, now=now, urgent=urgent, dry_run=True, **columns)[0]
    with transaction.atomic():
        created, offices, first = insert_reminders(queryset, kind=kind, now=now, urgent=urgent, **columns)
        if created:
            scanner.people.load_offices(offices)
            fresh = Reminder.objects.filter(pk__gte=first, created_at=now, kind=kind)
            for join, groups in recipients(scanner, offices, fresh):
                insert_deliveries(
                    kind=kind, now=now, first_id=first, recipients_by_group=groups, urgent=urgent, join=join
                )
    return created


# A scan that records more than this many reminders refreshes the planner's statistics of the two
# tables at once: senders pick their rows by status, and statistics that still show the table before
# the storm make PostgreSQL read every pending row for each batch until autovacuum catches up.
ANALYZE_AFTER = 10_000
# What that needs is the tables' size and the share of each status, urgency and channel, which a sample of
# 300 × this many rows tells (a tenth of the default): the full sample read about 30,000 rows of each table,
# 3–4 µs per reminder of a storm. Autovacuum's own ANALYZE later keeps the finer statistics as before.
ANALYZE_TARGET = 10


def analyze_after(created: int) -> None:
    """A quick ``ANALYZE`` of the reminder and delivery tables after a storm (PostgreSQL; others plan without it)."""
    if created < ANALYZE_AFTER or connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL default_statistics_target = {int(ANALYZE_TARGET)}")
        for model in (Reminder, ReminderDelivery):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
