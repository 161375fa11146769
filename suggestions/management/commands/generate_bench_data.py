"""Generate the measurement data set of quality.md straight into PostgreSQL.

100,000 suggestions by default (``--scale 10`` for a million, ``--scale 0.01``
for tests) over 10 sessions of two terms, about 250 delegates per term, 120
offices, 1–4 assignments per suggestion, replies, ratings, re-handling rounds,
co-handling opinions, contacts, follow-ups, reminders and audit rows, with
Chinese titles of 10–40 characters and bodies of 300–3,000, from a fixed seed.

BYPASSING THE SERVICES IS DELIBERATE AND ALLOWED ONLY HERE: rows are written
with PostgreSQL ``COPY`` (psycopg 3) so that a million suggestions load in
minutes, not hours. This data exists only to measure; it is never a way to
change real data. The rows still look like what ``suggestions.actions`` would
have produced: numbers unique per session and series, ``current_round``,
``first_replied_at``, ``closed_at``, ``on_time``, the published flags of the
suggestion and its replies, deadlines from the working-day calendar, one
handling round per re-handling, and an audit row for each main transition.

Dates of the current session run up to today (the scan of open assignments
finds real due and overdue work), so the shape is fixed by the seed while the
dates follow the day the data set is made.
"""

import datetime
import json
import random
import sys
import time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from bench import phrases as P
from congresses.models import StaffMembership, first_congress
from delegates.models import Constituency, Delegate, DelegateContact, Delegation, Session, Term
from suggestions.models import (
    Assignment,
    AuditAction,
    AuditLog,
    Category,
    ContactRecord,
    CoSigner,
    DeadlinePolicy,
    FollowUp,
    HandlingRound,
    Leader,
    Office,
    OfficeMember,
    Opinion,
    Rating,
    Reminder,
    Reply,
    ResultClass,
    Suggestion,
)
from suggestions.reporting import stats, worklists
from suggestions.roles import STAFF_GROUP
from suggestions.workdays import work_calendar

TZ = ZoneInfo("Asia/Shanghai")
SEED = 20260108
BASE_SUGGESTIONS = 100_000
SESSIONS = 10
SESSIONS_PER_TERM = 5
DELEGATES_PER_TERM = 250
OFFICES = 120
BATCH = 2_000
PASSWORD = "bench-123456"  # noqa: S105 - measurement accounts only
# The bigram indexes (migrations 0006, 0014 and 0026; their pending lists small as 0033 makes them): name -> (columns, predicate), built once at the end:
# far faster than row by row. The public search reads the public versions' bigrams of published rows only;
# a search inside one congress reads the composite indexes with the congress first.
PENDING_LIST_KB = 64  # migration 0033
BIGRAM_INDEXES = {
    "sugg_text_bigrams": ("search_bigrams", ""),
    "sugg_public_text_bigrams": ("public_bigrams", " WHERE is_published"),
    "sugg_congress_text_bigrams": ("congress_id, search_bigrams", ""),
    "sugg_congress_public_bigrams": ("congress_id, public_bigrams", " WHERE is_published"),
}

S = Suggestion.Status
A = Assignment.Status

# Share of all suggestions per session, newest first: the current session is large and mostly open,
# so the reminder scan has about 100k open assignments at the default scale.
SESSION_SHARE = [0.60, 0.12] + [0.035] * 8
STATUS_WEIGHTS = {
    0: {
        S.DRAFT: 2,
        S.SUBMITTED: 3,
        S.RETURNED: 1,
        S.REGISTERED: 3,
        S.NOT_REGISTERED: 3,
        S.WITHDRAWN: 1,
        S.MERGED: 1,
        S.ASSIGNED: 25,
        S.HANDLING: 58,
        S.REPLIED: 4,
        S.REHANDLING: 3,
        S.CLOSED: 3,
    },
    1: {S.NOT_REGISTERED: 4, S.WITHDRAWN: 1, S.MERGED: 1, S.HANDLING: 25, S.REPLIED: 5, S.REHANDLING: 4, S.CLOSED: 60},
    2: {S.NOT_REGISTERED: 4, S.WITHDRAWN: 1, S.MERGED: 1, S.REPLIED: 1, S.CLOSED: 93},
}
RESULT_WEIGHTS = {"A": 40, "B": 35, "C": 15, "D": 10}
NOT_REGISTERED_REASONS = ["属于个人或家庭事务", "转交人民群众来信", "内容空泛，没有具体内容", "一件建议包含多个事项"]


class Copier:
    """Rows of one model, written with COPY in the model's concrete column order."""

    def __init__(self, model):
        self.model = model
        self.table = model._meta.db_table
        self.fields = model._meta.concrete_fields
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.primary_key:
                continue
            if f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, (models.CharField, models.TextField)):
                value = ""
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            else:
                value = KeyError
            self.defaults[f.attname] = self._dump(value)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {self.table}")  # noqa: S608
            self.next_id = cursor.fetchone()[0] + 1
        self.rows = []
        self.count = 0

    @staticmethod
    def _dump(value):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value

    def add(self, **values):
        pk = self.next_id
        self.next_id += 1
        row = []
        for f in self.fields:
            if f.primary_key:
                row.append(pk)
                continue
            value = values[f.attname] if f.attname in values else self.defaults[f.attname]
            if value is KeyError:
                raise KeyError(f"{self.table}.{f.attname} needs a value")
            row.append(self._dump(value))
        self.rows.append(row)
        return pk

    def flush(self, cursor):
        if not self.rows:
            return
        sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in self.rows:
                copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []

    def fix_sequence(self, cursor):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), greatest(max(id), 1)) FROM {self.table}"  # noqa: S608
        )


class Progress:
    def __init__(self, total, stream):
        self.total, self.stream, self.start = total, stream, time.monotonic()

    def show(self, done):
        width = 30
        filled = int(width * done / self.total) if self.total else width
        elapsed = time.monotonic() - self.start
        rate = done / elapsed if elapsed else 0
        eta = (self.total - done) / rate if rate else 0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{self.total:,} "
            f"{elapsed:6.1f}s elapsed, ~{eta:5.0f}s left"
        )
        self.stream.flush()

    def done(self):
        self.show(self.total)
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Generate the benchmark data set (PostgreSQL only; bulk COPY, bypasses the services by design)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 suggestions; 10 = a million")
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, scale, seed, quiet, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_bench_data writes with PostgreSQL COPY; point DATABASE_URL at PostgreSQL.")
        if Suggestion.objects.exists():
            raise CommandError("The database already holds suggestions; generate into a fresh database.")
        self.rng = random.Random(seed)
        self.total = max(10, round(BASE_SUGGESTIONS * scale))
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.cal = work_calendar()
        started = time.monotonic()
        self.setup_people()
        self.stdout.write(
            f"Generating {self.total:,} suggestions over {len(self.sessions)} sessions, "
            f"{len(self.delegates_by_term) * DELEGATES_PER_TERM} delegates, {len(self.offices)} offices…"
        )
        self.generate(progress=None if quiet else Progress(self.total, sys.stderr))
        self.stdout.write(f"Rows: {self.summary()}")
        self.stdout.write("Building the search index and statistics…")
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # e.g. inside a test: run the deferred FK checks before CREATE INDEX
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, (column, where) in BIGRAM_INDEXES.items():
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON suggestions_suggestion USING gin ({column})"
                    f" WITH (gin_pending_list_limit = {PENDING_LIST_KB}){where}"
                )
            cursor.execute("ANALYZE")
        stats.rebuild()  # the dashboard's tallies, as the audit log would have kept them
        worklists.rebuild()  # the home and inbox tallies, as the actions would have kept them
        with connection.cursor() as cursor:
            # What autovacuum does to a table some time after a bulk load: statistics, and the
            # visibility map that lets index scans skip the heap.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f}s."))

    # ------------------------------------------------------------------ reference rows (ORM, small)

    def setup_people(self):
        rng = self.rng
        User = get_user_model()
        password = make_password(PASSWORD)
        staff_group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
        self.congress = congress = first_congress()
        self.staff_users = []
        for i in range(1, 4):
            user, _ = User.objects.get_or_create(
                username=f"bench_staff{i}", defaults={"password": password, "first_name": f"工作人员{i}"}
            )
            user.groups.add(staff_group)
            StaffMembership.objects.get_or_create(user=user, defaults={"congress": congress})
            self.staff_users.append(user.pk)
        User.objects.get_or_create(
            username="bench_admin", defaults={"password": password, "is_superuser": True, "is_staff": True}
        )
        self.leaders = []
        for i, title in enumerate(["区委书记", "区长", "区人大常委会主任", "区人大常委会副主任", "副区长"], start=1):
            user, _ = User.objects.get_or_create(username=f"bench_leader{i}", defaults={"password": password})
            leader, _ = Leader.objects.get_or_create(
                user=user, defaults={"name": self.person_name(), "title": title, "congress": congress}
            )
            self.leaders.append(leader.pk)

        current_year = self.today.year
        self.sessions = []  # newest first: (session, age)
        terms = []
        for t in range(SESSIONS // SESSIONS_PER_TERM):
            number = 18 - t
            first_year = current_year - SESSIONS_PER_TERM * (t + 1) + 1
            term, _ = Term.objects.get_or_create(
                congress=congress,
                number=number,
                defaults={
                    "name": f"花溪区第{number}届人民代表大会",
                    "start_date": datetime.date(first_year - 1, 12, 1),
                },
            )
            terms.append(term)
        Session.objects.filter(congress=congress, is_current=True).update(is_current=False)
        for age in range(SESSIONS):
            year = current_year - age
            term = terms[age // SESSIONS_PER_TERM]
            number = SESSIONS_PER_TERM - age % SESSIONS_PER_TERM
            session, _ = Session.objects.update_or_create(
                term=term,
                number=number,
                defaults={
                    "name": f"花溪区{term.number}届人大{number}次会议",
                    "start_date": datetime.date(year, 1, 5),
                    "end_date": datetime.date(year, 1, 8),
                    "recess_end_date": None if age == 0 else datetime.date(year + 1, 1, 4),
                    "is_current": age == 0,
                },
            )
            DeadlinePolicy.objects.get_or_create(session=session)
            self.sessions.append((session, age))

        constituencies = [
            Constituency.objects.get_or_create(congress=congress, name=f"{place}第{n}选区")[0].pk
            for place in P.PLACES[:20]
            for n in (1, 2)
        ]
        self.delegates_by_term, self.delegate_user = {}, {}
        users = Copier(User)
        delegate_rows = Copier(Delegate)
        contacts = Copier(DelegateContact)
        for term in terms:
            delegations = [
                Delegation.objects.get_or_create(term=term, name=f"{place}代表团")[0].pk for place in P.PLACES[:20]
            ]
            ids = []
            for i in range(DELEGATES_PER_TERM):
                user_id = users.add(
                    username=f"bench_d{term.number}_{i:03d}",
                    password=password,
                    first_name=self.person_name(),
                    date_joined=self.now,
                )
                delegate_id = delegate_rows.add(
                    user_id=user_id,
                    term_id=term.pk,
                    congress_id=congress.pk,
                    name=self.person_name(),
                    delegation_id=rng.choice(delegations),
                    constituency_id=rng.choice(constituencies),
                    work_unit=f"{rng.choice(P.PLACES)}{rng.choice(['居委会主任', '村党支部书记', '教师', '医生', '企业负责人'])}",
                )
                contacts.add(
                    delegate_id=delegate_id,
                    phone=f"139{rng.randrange(10**8):08d}",
                    address=f"花溪区{rng.choice(P.PLACES)}{rng.randrange(1, 300)}号",
                )
                ids.append(delegate_id)
                self.delegate_user[delegate_id] = user_id
            self.delegates_by_term[term.pk] = ids

        names = [f"区{b}" for b in P.OFFICE_BUREAUS] + [f"花溪{o}" for o in P.OFFICE_OTHERS]
        names += [f"{p}{'办事处' if p.endswith('街道') else '人民政府'}" for p in P.PLACES[:20]]
        names += [f"区{b[:-1]}服务中心" for b in P.OFFICE_BUREAUS]
        names += [f"{p}综合执法队" for p in P.PLACES[:20]]
        self.offices, self.clerks = [], {}
        members = Copier(OfficeMember)
        for order, name in enumerate(names[:OFFICES], start=1):
            office, _ = Office.objects.get_or_create(congress=self.congress, name=name, defaults={"order": order})
            self.offices.append(office.pk)
            clerk_id = users.add(
                username=f"bench_o{order:03d}",
                password=password,
                first_name=self.person_name(),
                date_joined=self.now,
            )
            members.add(office_id=office.pk, user_id=clerk_id, role=OfficeMember.Role.CLERK, phone="0851-8000000")
            self.clerks[office.pk] = clerk_id
        with transaction.atomic(), connection.cursor() as cursor:
            for copier in (users, delegate_rows, contacts, members):
                copier.flush(cursor.cursor)
                copier.fix_sequence(cursor)
        self.categories = list(Category.objects.values_list("pk", flat=True))
        self.results = dict(ResultClass.objects.values_list("code", "pk"))
        if not self.categories or not {"A", "B", "C", "D"} <= set(self.results):
            raise CommandError("Reference data (categories, result classes A–D) is missing: run migrate first.")

    def person_name(self):
        given = self.rng.choice(P.GIVEN) + (self.rng.choice(P.GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(P.SURNAMES) + given

    # ------------------------------------------------------------------ text

    def title(self):
        rng = self.rng
        while True:
            title = f"关于{rng.choice(P.VERBS)}{rng.choice(P.PLACES)}{rng.choice(P.MATTERS)}{rng.choice(P.TITLE_TAILS)}"
            if 10 <= len(title) <= 40:
                return title

    def body(self, title):
        rng = self.rng
        target = 300 + int(2700 * rng.random() ** 2.5)
        place, matter = rng.choice(P.PLACES), rng.choice(P.MATTERS)
        fill = {"place": place, "matter": matter, "n": rng.randrange(2, 15), "k": rng.randrange(10, 500)}
        parts = [rng.choice(P.SITUATION).format(**fill), "\n目前存在的主要问题：\n"]
        parts += rng.sample(P.PROBLEMS, 4)
        parts.append("\n为此，提出以下建议：\n")
        n = 1
        length = sum(map(len, parts))
        while length < target:
            pool = P.PROPOSALS if rng.random() < 0.6 else P.SITUATION + P.PROBLEMS
            sentence = (
                f"{n}．{rng.choice(pool).format(**fill)}\n" if pool is P.PROPOSALS else rng.choice(pool).format(**fill)
            )
            n += pool is P.PROPOSALS
            parts.append(sentence)
            length += len(sentence)
        text = "".join(parts)[: max(target, 300)]
        return (text + rng.choice(P.CLOSINGS))[:3000]

    def reply_text(self):
        rng = self.rng
        sentences = [P.REPLY_SENTENCES[0]] + rng.sample(P.REPLY_SENTENCES[1:], 5)
        return "\n".join(s.format(k=rng.randrange(5, 5000)) for s in sentences)

    # ------------------------------------------------------------------ time helpers

    def at(self, day, hour=None):
        rng = self.rng
        hour = rng.randrange(9, 18) if hour is None else hour
        moment = datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60), rng.randrange(60)), TZ)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def after(self, moment, low_days, high_days):
        day = moment.astimezone(TZ).date() + datetime.timedelta(days=self.rng.randint(low_days, high_days))
        return self.at(min(day, self.today))

    # ------------------------------------------------------------------ the suggestions

    def generate(self, progress):
        rng = self.rng
        self.t = {
            m: Copier(m)
            for m in (
                Suggestion,
                CoSigner,
                HandlingRound,
                Assignment,
                Opinion,
                ContactRecord,
                Reply,
                Rating,
                FollowUp,
                AuditLog,
                Reminder,
            )
        }
        shares = SESSION_SHARE[: len(self.sessions)]
        counts = [round(self.total * s / sum(shares)) for s in shares]
        counts[0] += self.total - sum(counts)
        plan = [i for i, c in enumerate(counts) for _ in range(c)]
        rng.shuffle(plan)
        self.numbers = {}
        self.recent = {}  # session index -> recent suggestion ids (merge targets)
        self.reminder_keys = 0
        done = 0
        with connection.cursor() as cursor:
            for name in BIGRAM_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            for start in range(0, len(plan), BATCH):
                with transaction.atomic():
                    for index in plan[start : start + BATCH]:
                        self.one_suggestion(*self.sessions[index], index)
                    for copier in self.t.values():
                        copier.flush(cursor.cursor)
                done = min(start + BATCH, len(plan))
                if progress:
                    progress.show(done)
            for copier in self.t.values():
                copier.fix_sequence(cursor)
        if progress:
            progress.done()

    def summary(self):
        return ", ".join(f"{m._meta.model_name} {c.count:,}" for m, c in self.t.items())

    def audit(self, suggestion_id, action, actor, when, from_status="", to_status="", assignment_id=None, note=""):
        self.t[AuditLog].add(
            suggestion_id=suggestion_id,
            assignment_id=assignment_id,
            actor_id=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data={},
            created_at=when,
        )

    def one_suggestion(self, session, age, session_index):
        rng = self.rng
        weights = STATUS_WEIGHTS[min(age, 2)]
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
        series = Suggestion.Series.SESSION if rng.random() < 0.8 else Suggestion.Series.RECESS
        if series == Suggestion.Series.SESSION:
            created = self.at(session.start_date + datetime.timedelta(days=rng.randrange(4)))
        else:
            last = min(session.recess_end_date or self.today, self.today) - datetime.timedelta(days=10)
            span = max((last - session.end_date).days, 1)
            if age == 0 and status in (S.ASSIGNED, S.HANDLING):
                span = max(span // 2, 1)  # open recess items were filed in the first half of the year
            created = self.at(session.end_date + datetime.timedelta(days=1 + rng.randrange(span)))
        term_delegates = self.delegates_by_term[session.term_id]
        lead = rng.choice(term_delegates)
        staff = rng.choice(self.staff_users)
        title = self.title()
        row = {
            "session_id": session.pk,
            "congress_id": self.congress.pk,
            "series": series,
            "title": title,
            "body": self.body(title),
            "category_id": rng.choice(self.categories),
            "lead_delegate_id": lead,
            "status": status,
            "created_at": created,
            "updated_at": created,
            "current_round": 0,
        }
        sid = self.t[Suggestion].next_id
        events = []  # audit rows once the suggestion id is known
        cosigners = []
        if rng.random() < 0.3:
            cosigners = rng.sample([d for d in term_delegates if d != lead], rng.randint(1, 3))
        if status == S.DRAFT:
            return self.finish(row, cosigners, events, created)
        submitted = self.after(created, 0, 2)
        row["submitted_at"] = submitted
        events.append((AuditAction.SUBMIT, self.delegate_user[lead], S.DRAFT, S.SUBMITTED, None, submitted))
        if status in (S.SUBMITTED, S.RETURNED):
            if status == S.RETURNED:
                row["status_reason"] = "请补充具体地点和问题的详细情况。"
            return self.finish(row, cosigners, events, submitted)
        if status == S.NOT_REGISTERED:
            row["status_reason"] = rng.choice(NOT_REGISTERED_REASONS)
            row["closed_at"] = self.after(submitted, 1, 10)
            events.append((AuditAction.NOT_REGISTER, staff, S.SUBMITTED, S.NOT_REGISTERED, None, row["closed_at"]))
            return self.finish(row, cosigners, events, row["closed_at"])
        if status == S.MERGED:
            targets = self.recent.get(session_index)
            if not targets:
                row["status"] = status = S.WITHDRAWN
            else:
                row["merged_into_id"] = rng.choice(targets)
                row["closed_at"] = self.after(submitted, 1, 10)
                events.append((AuditAction.MERGE, staff, S.SUBMITTED, S.MERGED, None, row["closed_at"]))
                return self.finish(row, cosigners, events, row["closed_at"])
        if status == S.WITHDRAWN:
            row["status_reason"] = "问题已在基层解决，申请撤回。"
            row["closed_at"] = self.after(submitted, 1, 20)
            events.append(
                (AuditAction.WITHDRAW, self.delegate_user[lead], S.SUBMITTED, S.WITHDRAWN, None, row["closed_at"])
            )
            return self.finish(row, cosigners, events, row["closed_at"])
        # Registered: numbered within session and series.
        key = (session.pk, series)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        row["number"] = self.numbers[key]
        registered = self.after(submitted, 1, 10)
        row["registered_at"] = registered
        events.append((AuditAction.REGISTER, staff, S.SUBMITTED, S.REGISTERED, None, registered))
        self.recent.setdefault(session_index, []).append(sid)
        if len(self.recent[session_index]) > 200:
            self.recent[session_index].pop(0)
        if status == S.REGISTERED:
            return self.finish(row, cosigners, events, registered)
        return self.handled(row, sid, cosigners, events, registered, staff, session, status)

    def handled(self, row, sid, cosigners, events, registered, staff, session, status):
        rng = self.rng
        if row["series"] == Suggestion.Series.SESSION:
            assigned = self.after(registered, 5, 30)
        else:
            assigned = self.after(registered, 1, 5)
        row["assigned_at"] = assigned
        row["current_round"] = 1
        if rng.random() < 0.01:
            row["is_key"], row["leader_id"] = True, rng.choice(self.leaders)
        events.append((AuditAction.ASSIGN, staff, S.REGISTERED, S.ASSIGNED, None, assigned))
        assigned_day = assigned.astimezone(TZ).date()
        due = self.cal.add_months(assigned_day, 3)
        return_by = self.cal.add_workdays(assigned_day, 7)
        opinion_due = self.cal.add_months(assigned_day, 1)
        round1 = self.t[HandlingRound].add(suggestion_id=sid, number=1, opened_at=assigned, due_date=due, reason="")
        k = rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0]
        offices = rng.sample(self.offices, k)
        if k >= 2 and rng.random() < 0.15:
            roles = [Assignment.Role.SEPARATE] * k
        else:
            roles = [Assignment.Role.LEAD] + [Assignment.Role.CO] * (k - 1)
        rehandle = status == S.REHANDLING or (status == S.CLOSED and rng.random() < 0.08)
        published = status in (S.REPLIED, S.REHANDLING, S.CLOSED) and rng.random() < 0.7
        delegates = [row["lead_delegate_id"], *cosigners]
        last_event = assigned
        answering = [i for i, r in enumerate(roles) if r != Assignment.Role.CO]
        for i, (office, role) in enumerate(zip(offices, roles, strict=True)):
            clerk = self.clerks[office]
            a = {
                "suggestion_id": sid,
                "office_id": office,
                "role": role,
                "assigned_at": assigned,
                "assigned_by_id": staff,
                "return_by": return_by,
                "due_date": due,
                "opinion_due": opinion_due if role == Assignment.Role.CO else None,
            }
            aid = self.t[Assignment].next_id
            if status == S.ASSIGNED:
                a["status"] = A.PENDING
                self.t[Assignment].add(**a)
                self.maybe_reminder(sid, aid, office, due)
                continue
            signed = self.after(assigned, 0, 7)
            a.update(signed_at=signed, signed_by_id=clerk, handler_id=clerk, status=A.SIGNED)
            if status == S.HANDLING:
                if role == Assignment.Role.CO and rng.random() < 0.4:
                    a["status"], a["finished_at"] = A.OPINION_SENT, self.after(signed, 5, 25)
                    self.opinion(aid, round1, clerk, a["finished_at"])
                elif rng.random() < 0.15:
                    a = {k2: v for k2, v in a.items() if k2 not in ("signed_at", "signed_by_id", "handler_id")}
                    a["status"] = A.PENDING
                elif rng.random() < 0.03:
                    a["status"] = A.RETURN_REQUESTED
                self.t[Assignment].add(**a)
                if a["status"] in Assignment.ACTIVE:
                    self.maybe_reminder(sid, aid, office, due)
                continue
            if role == Assignment.Role.CO:
                a["status"], a["finished_at"] = A.OPINION_SENT, self.after(signed, 5, 25)
                self.opinion(aid, round1, clerk, a["finished_at"])
                self.t[Assignment].add(**a)
                continue
            # An answering office: contact, reply (and a second round when re-handled).
            self.contact(aid, clerk, signed)
            replied = self.after(signed, 10, 100)
            extended = due + datetime.timedelta(days=30) if rng.random() < 0.05 else None
            if extended:
                a["extended_due"] = extended
            first_result = rng.choices(list(RESULT_WEIGHTS), weights=list(RESULT_WEIGHTS.values()))[0]
            reply1 = self.reply(
                sid, aid, office, round1, clerk, replied, extended or due, first_result, published, staff
            )
            row["first_replied_at"] = min(row.get("first_replied_at") or replied, replied)
            events.append((AuditAction.REPLY, clerk, A.SIGNED, A.REPLIED, aid, replied))
            a.update(status=A.REPLIED, finished_at=replied)
            last_event = max(last_event, replied)
            this_rehandled = rehandle and i == answering[0]
            if status == S.REPLIED:
                self.t[Assignment].add(**a)
                continue
            rated = self.after(replied, 1, 15)
            last_event = max(last_event, rated)
            for d in delegates:
                value = (
                    Rating.Value.UNSATISFIED
                    if this_rehandled and d == delegates[0]
                    else rng.choices([Rating.Value.SATISFIED, Rating.Value.BASIC], weights=[72, 28])[0]
                )
                comment = "办理措施不够具体，请重新办理。" if value == Rating.Value.UNSATISFIED else ""
                self.t[Rating].add(
                    reply_id=reply1,
                    suggestion_id=sid,
                    round_id=round1,
                    delegate_id=d,
                    value=value,
                    comment=comment,
                    rated_at=rated,
                )
            if this_rehandled:
                due2 = self.cal.add_months(rated.astimezone(TZ).date(), 1)
                round2 = self.t[HandlingRound].add(
                    suggestion_id=sid, number=2, opened_at=rated, due_date=due2, reason="办理措施不够具体，请重新办理。"
                )
                row["current_round"] = 2
                events.append(
                    ("rehandle", self.delegate_user[row["lead_delegate_id"]], S.REPLIED, S.REHANDLING, aid, rated)
                )
                a.update(due_date=due2, extended_due=None, finished_at=None, status=A.REHANDLING)
                if status == S.CLOSED:
                    replied2 = self.after(rated, 5, 28)
                    self.contact(aid, clerk, replied2 - datetime.timedelta(days=1))
                    reply2 = self.reply(sid, aid, office, round2, clerk, replied2, due2, "A", published, staff)
                    a.update(status=A.REPLIED, finished_at=replied2)
                    rated2 = self.after(replied2, 1, 15)
                    last_event = max(last_event, rated2)
                    for d in delegates:
                        self.t[Rating].add(
                            reply_id=reply2,
                            suggestion_id=sid,
                            round_id=round2,
                            delegate_id=d,
                            value=Rating.Value.BASIC,
                            comment="",
                            rated_at=rated2,
                        )
                else:
                    self.maybe_reminder(sid, aid, office, due2)
            if status == S.CLOSED and first_result == "B" and not this_rehandled and rng.random() < 0.5:
                for n in range(rng.randint(1, 2)):
                    self.t[FollowUp].add(
                        reply_id=reply1,
                        text=rng.choice(P.FOLLOW_UP_SENTENCES).format(k=rng.randrange(10, 90)),
                        status=FollowUp.Status.PROGRESS,
                        author_id=clerk,
                        posted_at=self.after(replied, 30 * (n + 1), 30 * (n + 2)),
                    )
            self.t[Assignment].add(**a)
        if rehandle and row["current_round"] == 1:  # only co-offices answered nothing: no second round
            row["status"] = status = S.REPLIED if status == S.REHANDLING else status
        if status == S.CLOSED:
            row["closed_at"] = self.after(last_event, 0, 3)
            events.append((AuditAction.CLOSE, None, S.REPLIED, S.CLOSED, None, row["closed_at"]))
            last_event = row["closed_at"]
        if published and row.get("first_replied_at"):
            row["is_published"] = True
            row["published_at"] = self.after(row["first_replied_at"], 1, 20)
            # The generated texts hold no personal data: the reviewed public versions equal them.
            row["public_title"], row["public_body"] = row["title"], row["body"]
            row["public_reviewed_at"], row["public_reviewed_by_id"] = row["published_at"], staff
            events.append((AuditAction.PUBLISH, staff, "", "", None, row["published_at"]))
        return self.finish(row, cosigners, events, last_event)

    def finish(self, row, cosigners, events, updated):
        sid = self.t[Suggestion].add(**{**row, "updated_at": updated})
        for d in cosigners:
            self.t[CoSigner].add(
                suggestion_id=sid,
                delegate_id=d,
                status=CoSigner.Status.CONFIRMED,
                invited_at=row["created_at"],
                responded_at=row["created_at"],
            )
        for action, actor, from_status, to_status, aid, when in events:
            self.audit(sid, action, actor, when, from_status, to_status, assignment_id=aid)
        return sid

    def opinion(self, aid, round_id, clerk, when):
        self.t[Opinion].add(
            assignment_id=aid, round_id=round_id, text=self.reply_text()[:300], author_id=clerk, sent_at=when
        )

    def contact(self, aid, clerk, after):
        rng = self.rng
        method = rng.choices(["visit", "meeting", "site", "phone"], weights=[30, 15, 20, 35])[0]
        when = self.after(after, 1, 10)
        self.t[ContactRecord].add(
            assignment_id=aid,
            method=method,
            date=when.astimezone(TZ).date(),
            participants="代表、经办人",
            summary="就建议办理事项当面沟通，听取代表意见。",
            delegate_invited=method != "phone",
            recorded_by_id=clerk,
            recorded_at=when,
        )

    def reply(self, sid, aid, office, round_id, clerk, when, effective_due, code, published, staff):
        text = self.reply_text()
        return self.t[Reply].add(
            assignment_id=aid,
            office_id=office,
            suggestion_id=sid,
            round_id=round_id,
            status=Reply.Status.SUBMITTED,
            result_class_id=self.results[code],
            text=text,
            signed_off_by=self.person_name(),
            author_id=clerk,
            created_at=when,
            submitted_at=when,
            on_time=when.astimezone(TZ).date() <= effective_due,
            public_text=text if published else "",
            public_reviewed_at=when if published else None,
            public_reviewed_by_id=staff if published else None,
            is_published=published,
            published_at=self.after(when, 1, 20) if published else None,
            published_by_id=staff if published else None,
        )

    def maybe_reminder(self, sid, aid, office, due):
        if due > self.today + datetime.timedelta(days=15) or self.rng.random() > 0.3:
            return
        kind = Reminder.Kind.OVERDUE if due < self.today else Reminder.Kind.REPLY_DUE
        self.t[Reminder].add(
            kind=kind,
            stage="bench",
            suggestion_id=sid,
            assignment_id=aid,
            office_id=office,
            message=f"请于{due}前答复。" if kind == Reminder.Kind.REPLY_DUE else f"已超过答复期限{due}。",
            created_at=self.at(min(due, self.today)),
        )
