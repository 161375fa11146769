"""Province scale (issue 19): about 1,500 congresses in one deployment, and the page figures of a small
township, a large district and a city's overview beside the same pages of a single-congress run.

The province is made from the bench data set (``generate_bench_data``, one congress) by set-based SQL, in a
database of its own (``huaxi_province``, ``huaxi_province_x10``): a copy of the single-congress database
(``CREATE DATABASE … TEMPLATE``) whose suggestions are then spread over the congress tree.

- The tree: 1 province (省), 9 cities (市), 90 districts and counties (区县; the bench's own 花溪区人大 is one of
  them, under the first city) and the townships (乡镇) up to ``CONGRESSES`` in all, hung under the districts
  with a skew (a few districts have dozens).
- Each new congress gets its own terms, sessions (with their deadline policies), categories, result classes,
  offices and delegates: clones of the template's rows with new ids computed from the congress's index, so
  that every mapping is arithmetic (``base + (index - 1) * n + rank``) instead of a lookup table. A township
  keeps 12 offices and 30 delegates a term, a district 60 and 150, a city or the province all of them.
- The suggestions are dealt to the congresses by a skewed distribution (``shares``): most townships hold a few
  dozen, three districts several thousand. A suggestion keeps its text, state, dates, rounds, assignments,
  replies and ratings; its session, category, result classes, offices and delegates become the same-ranked
  ones of its new congress. The offices (and delegates) of one suggestion stay distinct: the k-th distinct
  office of a suggestion becomes office ``(h + k) mod n`` of the congress, ``h`` a hash of the suggestion.
- Then the statistics tallies are rebuilt (``stats.rebuild()``) and the database is analysed.

The figures (``figures_province``): the same pages as ``bench.congresses`` plus the staff search and the
overview, each for a small township and the large district, with query counts, beside the same page of the
single-congress database (``huaxi_bench_province``: measured in a child process in the same run, because the
site reads one database per process), the ratio with the 1.2× bar; the city overview (``/congress/lower/``)
with its 200 ms bar; and the query count of each page and of the overview compared between the single
congress and the province, and between a city (its ~160 congresses below) and the province (1,499 below).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time

CONGRESSES = 1500
CITIES = 9
DISTRICTS = 90
SEED = 20261207
RATIO_BAR = 1.2
OVERVIEW_BAR = 0.200
# Reference rows a congress keeps of the template's, by level: offices, delegates per term.
OFFICES = {"province": 120, "city": 120, "county": 60, "township": 12}
DELEGATES = {"province": 250, "city": 250, "county": 150, "township": 30}
LARGE_DISTRICTS = 3
REWRITTEN = [
    "suggestions_suggestion",
    "suggestions_assignment",
    "suggestions_reply",
    "suggestions_reminder",
    "suggestions_cosigner",
    "suggestions_rating",
    "suggestions_handlinground",
]


# ---------------------------------------------------------------------------------------------- the tree


def plan_tree(total_congresses=CONGRESSES, seed=SEED):
    """[(index, name, slug, level, parent index, share)]: index 0 is the first congress (花溪区人大, kept).

    Below 1,500 congresses (the smoke test) the cities and districts shrink in proportion."""
    rng = random.Random(seed)
    cities = max(1, min(CITIES, round(CITIES * total_congresses / CONGRESSES)))
    districts = max(LARGE_DISTRICTS, min(DISTRICTS, round(DISTRICTS * total_congresses / CONGRESSES)))
    return _tree(rng, cities, districts, max(total_congresses - 1 - cities - districts, 0))


def _tree(rng, n_cities, n_districts, townships):
    rows = [(0, None, "huaxi", "county", 1, 0.06)]
    rows.append((1, "贵州省人大（测）", "p-province", "province", None, 0.03))
    cities = list(range(2, 2 + n_cities))
    for n, i in enumerate(cities, start=1):
        rows.append((i, f"第{n}市人大（测）", f"p-city{n}", "city", 1, 0.11 / n_cities))
    rows[0] = (0, None, "huaxi", "county", cities[0], 0.06)
    districts = [0] + list(range(2 + n_cities, 2 + n_cities + n_districts - 1))
    # Two more large districts beside 花溪区; the rest share 40 % with a skew.
    weights = [rng.lognormvariate(0, 0.8) for _ in districts[LARGE_DISTRICTS:]]
    for n, i in enumerate(districts[1:], start=1):
        if n < LARGE_DISTRICTS:
            share = [0.05, 0.04][n - 1]
        else:
            share = 0.40 * weights[n - LARGE_DISTRICTS] / sum(weights)
        rows.append((i, f"第{n}区县人大（测）", f"p-county{n}", "county", cities[n % n_cities], share))
    first_town = 2 + n_cities + n_districts - 1
    # Townships hang under the districts with a skew (a few districts have dozens); sizes skewed too.
    homes = [
        rng.choice(districts) if rng.random() < 0.7 else districts[int(rng.paretovariate(1.2)) % len(districts)]
        for _ in range(townships)
    ]
    sizes = [rng.lognormvariate(0, 1.0) for _ in range(townships)]
    for n in range(townships):
        share = 0.31 * sizes[n] / sum(sizes) if townships else 0
        rows.append((first_town + n, f"第{n + 1}乡镇人大（测）", f"p-town{n + 1}", "township", homes[n], share))
    total = sum(r[5] for r in rows)
    return [(i, name, slug, level, parent, share / total) for i, name, slug, level, parent, share in rows]


# ---------------------------------------------------------------------------------------------- SQL helpers


def _columns(cursor, table):
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _clone(cursor, table, source, replace, *, order="t.id"):
    """INSERT INTO ``table`` a copy of each row of ``source`` (aliased ``t``, joined with the congress plan
    ``p``) with the columns in ``replace`` set to SQL expressions; the rest copied."""
    cols = _columns(cursor, table)
    values = [replace.get(c, f't."{c}"') for c in cols]
    names = ", ".join(f'"{c}"' for c in cols)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} FROM {source}")  # noqa: S608
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
    )
    return cursor.rowcount


def _base(cursor, table):
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
    return cursor.fetchone()[0]


def provincialize(total_congresses=CONGRESSES, seed=SEED, log=print):
    """Spread the single-congress bench data over a congress tree (see the module's docstring)."""
    from django.db import connection, transaction

    from congresses.models import first_congress, forget_kept
    from suggestions.management.commands.generate_bench_data import BIGRAM_INDEXES
    from suggestions.reporting import stats

    started = time.monotonic()
    first = first_congress()
    tree = plan_tree(total_congresses, seed)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # Every suggestion gets a new version: without the bigram indexes, built again at the end, far faster.
        for name in BIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("SELECT count(*) FROM congresses_congress")
        if cursor.fetchone()[0] > 1:
            raise RuntimeError("this database already holds more than one congress")
        # The congresses, with ids of their own; index 0 is the first congress.
        base_c = _base(cursor, "congresses_congress")
        ids = {0: first.pk, **{i: base_c + i for i, *_rest in tree if i}}
        rows = [(ids[i], name, slug, level, ids.get(parent), i) for i, name, slug, level, parent, _s in tree if i]
        cursor.execute(
            "CREATE TEMP TABLE pv_plan (cidx int PRIMARY KEY, congress_id bigint, level text, "
            "n_office int, n_delegate int, lo bigint, hi bigint) ON COMMIT DROP"
        )
        cursor.executemany(
            'INSERT INTO congresses_congress (id, name, full_name, slug, level, parent_id, "order", is_active, '
            "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, true, now())",
            [
                (pk, name, name.replace("人大（测）", "人民代表大会（测）"), slug, level, parent, i)
                for pk, name, slug, level, parent, i in rows
            ],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('congresses_congress', 'id'), (SELECT max(id) FROM congresses_congress))"
        )
        cursor.execute("UPDATE congresses_congress SET parent_id = %s WHERE id = %s", [ids[tree[0][4]], first.pk])
        cursor.execute("SELECT count(*) FROM suggestions_suggestion")
        n_sugg = cursor.fetchone()[0]
        plan, lo = [], 1
        for i, _name, _slug, level, _parent, share in tree:
            n = max(1, round(share * n_sugg)) if i != tree[-1][0] else n_sugg - lo + 1
            plan.append((i, ids[i], level, OFFICES[level], DELEGATES[level], lo, lo + n - 1))
            lo += n
        cursor.executemany("INSERT INTO pv_plan VALUES (%s, %s, %s, %s, %s, %s, %s)", plan)
        log(f"{len(tree):,} congresses; dealing {n_sugg:,} suggestions …")

        # Ranks of the template's rows (1-based) and how many there are: new id = base + (cidx-1)*n + rank.
        def ranks(name, table, where="congress_id = %s", order="id", params=None):
            cursor.execute(
                f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT id AS old_id, "  # noqa: S608
                f"row_number() OVER (ORDER BY {order}) AS r FROM {table} WHERE {where}",
                params if params is not None else [first.pk],
            )
            cursor.execute(f"CREATE UNIQUE INDEX ON {name} (old_id)")
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608
            return cursor.fetchone()[0]

        n_term = ranks("pv_term", "delegates_term", order="number DESC, id")
        n_sess = ranks("pv_sess", "delegates_session")
        n_cat = ranks("pv_cat", "suggestions_category")
        n_rc = ranks("pv_rc", "suggestions_resultclass")
        n_off = ranks("pv_off", "suggestions_office", order='"order", id')
        # Delegates ranked within their term (term index ti 0/1): new id = base + (cidx-1)*2*per + ti*per + r.
        cursor.execute(
            "CREATE TEMP TABLE pv_del ON COMMIT DROP AS SELECT d.id AS old_id, tr.r - 1 AS ti, "
            "row_number() OVER (PARTITION BY d.term_id ORDER BY d.id) AS r FROM delegates_delegate d "
            "JOIN pv_term tr ON tr.old_id = d.term_id WHERE d.congress_id = %s",
            [first.pk],
        )
        cursor.execute("CREATE UNIQUE INDEX ON pv_del (old_id)")
        cursor.execute("SELECT max(r) FROM pv_del")
        per = cursor.fetchone()[0]
        bases = {
            t: _base(cursor, t)
            for t in (
                "delegates_term",
                "delegates_session",
                "suggestions_category",
                "suggestions_resultclass",
                "suggestions_office",
                "delegates_delegate",
                "suggestions_deadlinepolicy",
            )
        }
        new = "p.congress_id"
        every = "pv_plan p WHERE p.cidx > 0"
        term_id = f"{bases['delegates_term']} + (p.cidx - 1) * {n_term} + tr.r"
        _clone(
            cursor,
            "delegates_term",
            f"delegates_term t JOIN pv_term tr ON tr.old_id = t.id, {every}",
            {"id": term_id, "congress_id": new},
        )
        sess_id = f"{bases['delegates_session']} + (p.cidx - 1) * {n_sess} + sr.r"
        _clone(
            cursor,
            "delegates_session",
            f"delegates_session t JOIN pv_sess sr ON sr.old_id = t.id JOIN pv_term tr ON tr.old_id = t.term_id, "
            f"{every}",
            {"id": sess_id, "congress_id": new, "term_id": term_id},
        )
        _clone(
            cursor,
            "suggestions_deadlinepolicy",
            f"suggestions_deadlinepolicy t JOIN pv_sess sr ON sr.old_id = t.session_id, {every}",
            {"id": f"{bases['suggestions_deadlinepolicy']} + (p.cidx - 1) * {n_sess} + sr.r", "session_id": sess_id},
        )
        _clone(
            cursor,
            "suggestions_category",
            f"suggestions_category t JOIN pv_cat cr ON cr.old_id = t.id, {every}",
            {"id": f"{bases['suggestions_category']} + (p.cidx - 1) * {n_cat} + cr.r", "congress_id": new},
        )
        _clone(
            cursor,
            "suggestions_resultclass",
            f"suggestions_resultclass t JOIN pv_rc rr ON rr.old_id = t.id, {every}",
            {"id": f"{bases['suggestions_resultclass']} + (p.cidx - 1) * {n_rc} + rr.r", "congress_id": new},
        )
        _clone(
            cursor,
            "suggestions_office",
            f"suggestions_office t JOIN pv_off o ON o.old_id = t.id, {every} AND o.r <= p.n_office",
            {"id": f"{bases['suggestions_office']} + (p.cidx - 1) * {n_off} + o.r", "congress_id": new},
        )
        _clone(
            cursor,
            "delegates_delegate",
            f"delegates_delegate t JOIN pv_del dr ON dr.old_id = t.id, {every} AND dr.r <= p.n_delegate",
            {
                "id": f"{bases['delegates_delegate']} + (p.cidx - 1) * {n_term * per} + dr.ti * {per} + dr.r",
                "congress_id": new,
                "term_id": f"{bases['delegates_term']} + (p.cidx - 1) * {n_term} + dr.ti + 1",
                "user_id": "NULL",
                "constituency_id": "NULL",
                "delegation_id": "NULL",
            },
        )
        log(f"reference rows cloned ({time.monotonic() - started:.0f}s)")

        # Deal the suggestions: ranked by a hash of the id, each congress takes its range.
        cursor.execute(
            "CREATE TEMP TABLE pv_s ON COMMIT DROP AS SELECT s.id, p.cidx, p.congress_id, p.n_office, p.n_delegate, "
            "abs(hashtext(s.id::text)) AS h FROM (SELECT id, row_number() OVER (ORDER BY md5(id::text)) AS rn "
            "FROM suggestions_suggestion) s JOIN pv_plan p ON s.rn BETWEEN p.lo AND p.hi WHERE p.cidx > 0"
        )
        cursor.execute("CREATE UNIQUE INDEX ON pv_s (id)")
        cursor.execute("ANALYZE pv_s")
        # Offices: the k-th distinct office of a suggestion becomes office (h + k) mod n of its congress.
        cursor.execute(
            "CREATE TEMP TABLE pv_so ON COMMIT DROP AS SELECT x.suggestion_id, x.old_id, s.cidx, "
            f"{bases['suggestions_office']} + (s.cidx - 1) * {n_off} "
            "+ (s.h + dense_rank() OVER (PARTITION BY x.suggestion_id ORDER BY x.old_id)) % s.n_office + 1 AS new_id "
            "FROM (SELECT suggestion_id, office_id AS old_id FROM suggestions_assignment UNION "
            "SELECT suggestion_id, office_id FROM suggestions_reply UNION "
            "SELECT suggestion_id, office_id FROM suggestions_reminder WHERE office_id IS NOT NULL) x "
            "JOIN pv_s s ON s.id = x.suggestion_id"
        )
        # Delegates likewise, within the term of the suggestion's session (the lead first).
        cursor.execute(
            "CREATE TEMP TABLE pv_sd ON COMMIT DROP AS SELECT x.suggestion_id, x.old_id, "
            f"{bases['delegates_delegate']} + (s.cidx - 1) * {n_term * per} + dr.ti * {per} "
            "+ (s.h + dense_rank() OVER (PARTITION BY x.suggestion_id, dr.ti ORDER BY x.lead DESC, x.old_id)) "
            "% s.n_delegate + 1 AS new_id "
            "FROM (SELECT suggestion_id, max(lead) AS lead, old_id FROM ("
            "SELECT id AS suggestion_id, 1 AS lead, lead_delegate_id AS old_id FROM suggestions_suggestion "
            "UNION ALL SELECT suggestion_id, 0, delegate_id FROM suggestions_cosigner "
            "UNION ALL SELECT suggestion_id, 0, delegate_id FROM suggestions_rating) y GROUP BY suggestion_id, old_id"
            ") x JOIN pv_s s ON s.id = x.suggestion_id JOIN pv_del dr ON dr.old_id = x.old_id"
        )
        for name in ("pv_so", "pv_sd"):
            cursor.execute(f"CREATE UNIQUE INDEX ON {name} (suggestion_id, old_id)")
            cursor.execute(f"ANALYZE {name}")
        # Each table in one statement (one new version of each row).
        cursor.execute(
            "UPDATE suggestions_suggestion t SET congress_id = s.congress_id, leader_id = NULL, "
            f"session_id = {bases['delegates_session']} + (s.cidx - 1) * {n_sess} + sr.r, "
            f"category_id = {bases['suggestions_category']} + (s.cidx - 1) * {n_cat} + cr.r, "
            "lead_delegate_id = (SELECT m.new_id FROM pv_sd m WHERE m.suggestion_id = t.id "
            "AND m.old_id = t.lead_delegate_id) "
            "FROM pv_s s, pv_sess sr, pv_cat cr WHERE t.id = s.id AND sr.old_id = t.session_id "
            "AND cr.old_id = t.category_id"
        )
        cursor.execute(
            "UPDATE suggestions_handlinground t SET followup_session_id = "
            f"{bases['delegates_session']} + (s.cidx - 1) * {n_sess} + sr.r "
            "FROM pv_s s, pv_sess sr WHERE t.suggestion_id = s.id AND sr.old_id = t.followup_session_id"
        )
        cursor.execute(
            "UPDATE suggestions_reply t SET office_id = m.new_id, result_class_id = "
            f"{bases['suggestions_resultclass']} + (m.cidx - 1) * {n_rc} "
            "+ (SELECT rr.r FROM pv_rc rr WHERE rr.old_id = t.result_class_id) "
            "FROM pv_so m WHERE m.suggestion_id = t.suggestion_id AND m.old_id = t.office_id"
        )
        for table in ("suggestions_assignment", "suggestions_reminder"):
            cursor.execute(
                f"UPDATE {table} t SET office_id = m.new_id FROM pv_so m "  # noqa: S608
                "WHERE m.suggestion_id = t.suggestion_id AND m.old_id = t.office_id"
            )
        for table in ("suggestions_cosigner", "suggestions_rating"):
            cursor.execute(
                f"UPDATE {table} t SET delegate_id = m.new_id FROM pv_sd m "  # noqa: S608
                "WHERE m.suggestion_id = t.suggestion_id AND m.old_id = t.delegate_id"
            )
        cursor.execute(
            "UPDATE suggestions_resurveybatch t SET congress_id = x.congress_id FROM delegates_session x "
            "WHERE x.id = t.session_id AND x.congress_id <> t.congress_id"
        )
        log(f"suggestions dealt ({time.monotonic() - started:.0f}s)")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    forget_kept()
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            # The updated tables as a fresh load leaves them (no dead versions), like the single-congress data.
            for table in REWRITTEN:
                cursor.execute(f"VACUUM FULL {table}")
            log(f"tables rewritten ({time.monotonic() - started:.0f}s)")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, (columns, where) in BIGRAM_INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON suggestions_suggestion USING gin ({columns}){where}")
        cursor.execute("ANALYZE")
    stats.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    log(f"province ready in {time.monotonic() - started:.0f}s")


# ---------------------------------------------------------------------------------------------- measuring


def _actors(congress):
    """Logged-in clients of ``congress``'s staff, busiest delegate and busiest office's clerk (made if missing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.test import Client

    from congresses.models import StaffMembership
    from delegates.models import Delegate, Session
    from suggestions.models import Assignment, OfficeMember
    from suggestions.roles import STAFF_GROUP

    User = get_user_model()
    session = Session.objects.get(congress=congress, is_current=True)
    staff = User.objects.filter(staff_membership__congress=congress, groups__name=STAFF_GROUP).order_by("pk").first()
    if staff is None:
        staff, _ = User.objects.get_or_create(username=f"pv_staff_{congress.slug}")
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        StaffMembership.objects.update_or_create(user=staff, defaults={"congress": congress})
    delegate = (
        Delegate.objects.filter(congress=congress, term=session.term)
        .annotate(n=Count("led_suggestions"))
        .order_by("-n", "pk")
        .first()
    )
    if delegate.user_id is None:
        delegate.user, _ = User.objects.get_or_create(username=f"pv_delegate_{congress.slug}")
        delegate.save(update_fields=["user"])
    office_id = (
        Assignment.objects.filter(status__in=Assignment.ACTIVE, office__congress=congress)
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "office_id")
        .first()["office_id"]
    )
    member = OfficeMember.objects.filter(office_id=office_id).select_related("user").first()
    if member is None:
        user, _ = User.objects.get_or_create(username=f"pv_clerk_{congress.slug}")
        member = OfficeMember.objects.create(office_id=office_id, user=user, role=OfficeMember.Role.CLERK)
    clients = {"anonymous": Client()}
    for role, user in (("staff", staff), ("delegate", delegate.user), ("clerk", member.user)):
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def _pages(congress, page_url):
    """[(label, role, [urls])] of one congress: the pages of bench.congresses, the searches and the detail."""
    from suggestions.models import Suggestion

    public = Suggestion.objects.filter(congress=congress, is_published=True, status=Suggestion.Status.CLOSED)
    details = list(public.order_by("pk").values_list("pk", flat=True)[:3])
    site = "/public/" if congress.slug == "huaxi" else f"/{congress.slug}/public/"

    def public_url(key, pk=None):
        return page_url(key, pk).replace("/public/", site, 1)

    return [
        ("public outcome list, first page (anonymous)", "anonymous", [public_url("public_list")]),
        ("public outcome list, search 小区 (anonymous)", "anonymous", [public_url("public_list") + "?q=小区"]),
        ("public outcome detail (anonymous)", "anonymous", [public_url("public_detail", pk) for pk in details]),
        ("staff track list (staff)", "staff", [page_url("staff_list")]),
        ("staff track list, search 老旧小区 (staff)", "staff", [page_url("staff_list") + "?q=老旧小区"]),
        ("suggestion detail (staff)", "staff", [page_url("detail", pk) for pk in details]),
        ("office inbox (clerk)", "clerk", [page_url("office_inbox")]),
        ("delegate home (delegate)", "delegate", [page_url("delegate_home")]),
        ("staff dashboard (staff)", "staff", [page_url("dashboard")]),
    ]


def _measurer(slug):
    """(pages, one): the pages of the congress ``slug`` (warmed) and ``one(index, url)``, one timed request
    with every cache emptied first (the page is built, not served from the page cache)."""
    from django.db import connection

    from bench.run import clear_cache, page_url
    from congresses.models import Congress

    congress = Congress.objects.get(slug=slug)
    clients = _actors(congress)
    pages = [page for page in _pages(congress, page_url) if page[2]]
    for _label, role, urls in pages:
        clients[role].get(urls[0])  # warm the process

    def one(index, url):
        clear_cache()
        queries = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            start = time.perf_counter()
            response = clients[pages[index][1]].get(url)
            elapsed = time.perf_counter() - start
        return {"t": elapsed, "q": len(queries), "s": response.status_code}

    return pages, one


def _summary(runs):
    return {
        "median": statistics.median(r["t"] for r in runs),
        # The usual count: a request that re-reads the congresses kept a minute per process runs one more.
        "queries": statistics.mode(r["q"] for r in runs),
        "statuses": sorted({r["s"] for r in runs}),
    }


def measure(slug, repeat):
    """{label: {"median": s, "queries": n, "statuses": [...]}} of each page of the congress ``slug``."""
    pages, one = _measurer(slug)
    return {
        label: _summary([one(i, url) for _ in range(repeat) for url in urls])
        for i, (label, _role, urls) in enumerate(pages)
    }


def serve(slug):
    """Child mode: print the page menu, then answer each ``[index, url index]`` line with one timed request."""
    pages, one = _measurer(slug)
    print("@@" + json.dumps([[label, urls] for label, _role, urls in pages], ensure_ascii=False), flush=True)
    for line in sys.stdin:
        index, j = json.loads(line)
        print("@@" + json.dumps(one(index, pages[index][2][j])), flush=True)


class _Server:
    """A child process serving one congress's pages (``serve``)."""

    def __init__(self, db, slug):
        from bench.run import ROOT

        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.province", "--db", db, "serve", slug],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        )
        self.menu = {label: (i, len(urls)) for i, (label, urls) in enumerate(self._read())}

    def _read(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the page server stopped")
            if line.startswith("@@"):
                return json.loads(line[2:])

    def ask(self, label, round_):
        index, n = self.menu[label]
        self.proc.stdin.write(json.dumps([index, round_ % n]) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def measure_overview(slug, repeat):
    """Server time and query count of ``/congress/lower/`` for the staff of ``slug``, and how many are below."""
    from django.db import connection

    from bench.run import clear_cache
    from congresses.models import Congress
    from congresses.queries import lower_congresses

    congress = Congress.objects.get(slug=slug)
    client = _actors(congress)["staff"]
    client.get("/congress/lower/")
    times, counts, statuses = [], [], set()
    for _ in range(repeat):
        clear_cache()
        queries = []
        with connection.execute_wrapper(lambda ex, sql, p, m, c, q=queries: q.append(sql) or ex(sql, p, m, c)):
            start = time.perf_counter()
            response = client.get("/congress/lower/")
            times.append(time.perf_counter() - start)
        statuses.add(response.status_code)
        counts.append(len(queries))
    below = len(lower_congresses(congress.pk))
    return {
        "median": statistics.median(times),
        "queries": statistics.mode(counts),
        "statuses": sorted(statuses),
        "below": below,
    }


def pick_congresses():
    """(a small township with at least 20 suggestions, the large district, a city with congresses below)."""
    from django.db.models import Count

    from congresses.models import Congress

    towns = (
        Congress.objects.filter(level=Congress.Level.TOWNSHIP)
        .annotate(n=Count("suggestions"))
        .filter(n__gte=20)
        .order_by("n", "pk")
    )
    town = towns[towns.count() // 4] if towns.exists() else Congress.objects.filter(level="township").first()
    return town.slug, "huaxi", "p-city1"


def _child(db, args):
    """Run ``python -m bench.province <args>`` against ``db``; its last line is JSON."""
    from bench.run import ROOT

    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.province", "--db", db, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def database_names(scale, province_db=None):
    """(province database, single-congress database) at ``scale``: huaxi_province(_x10), huaxi_province_single…"""
    suffix = "" if scale == 1 else f"_x{scale:g}".replace(".", "_")
    return province_db or f"huaxi_province{suffix}", f"huaxi_province_single{suffix}"


def ensure_province(province_db, single_db, scale, congresses=CONGRESSES):
    """The single-congress database (generated if empty) and the province made from a copy of it."""
    import psycopg

    from bench.run import PG

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [province_db]).fetchone()
    if exists:
        return
    _child(single_db, ["prepare", "--scale", str(scale)])
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{province_db}" TEMPLATE "{single_db}"')
    _child(province_db, ["provincialize", "--congresses", str(congresses)])


def figures_province(quick, *, Figure, ms, single_db, province_db):
    """The figures of the module's docstring (both databases made by ``ensure_province``); every page is
    measured in a child process, the single congress's and the province's alike."""
    repeat = 2 if quick else 5
    town, district, city = _child(province_db, ["pick"])
    # The machine is shared: request by request, the single congress's page and the province's take turns
    # (one long-lived process per database and congress), so a change of load falls on all alike.
    servers = {"single": _Server(single_db, "huaxi"), town: _Server(province_db, town)}
    servers[district] = _Server(province_db, district)
    runs = {key: {} for key in servers}
    try:
        for round_ in range(3 if quick else 8):
            for label in servers["single"].menu:
                for key, server in servers.items():
                    runs[key].setdefault(label, []).append(server.ask(label, round_))
    finally:
        for server in servers.values():
            server.close()
    found = {key: {label: _summary(rs) for label, rs in pages.items()} for key, pages in runs.items()}
    single = found["single"]
    overview = {slug: _child(province_db, ["overview", slug, "--repeat", str(repeat)]) for slug in (city, "p-province")}
    figs = []
    for slug, what in ((town, "small township"), (district, "large district")):
        for label, page in found[slug].items():
            base = single.get(label)
            if base is None:
                continue
            ok = page["statuses"] == [200] and page["median"] <= base["median"] * RATIO_BAR
            figs.append(
                Figure(
                    f"province, {what}, {label}",
                    value=f"median {ms(page['median'])}, {page['queries']} queries",
                    bar=f"≤ {RATIO_BAR}× the single-congress page, same queries",
                    baseline=f"one congress {ms(base['median'])}, {base['queries']} queries",
                    ratio=f"{page['median'] / base['median']:.2f}×" if base["median"] else "—",
                    verdict="ok" if ok and page["queries"] == base["queries"] else "MISS",
                    note=f"{slug}; HTTP {page['statuses']}",
                    data={
                        "median": page["median"],
                        "single": base["median"],
                        "queries": page["queries"],
                        "single_queries": base["queries"],
                    },
                )
            )
    city_o, prov_o = overview[city], overview["p-province"]
    figs.append(
        Figure(
            f"province, city overview /congress/lower/ ({city_o['below']} congresses below)",
            value=f"median {ms(city_o['median'])}, {city_o['queries']} queries",
            bar=f"≤ {OVERVIEW_BAR * 1000:.0f} ms median",
            baseline=f"the province's overview ({prov_o['below']} below) {ms(prov_o['median'])}, "
            f"{prov_o['queries']} queries",
            ratio=f"{city_o['median'] / prov_o['median']:.2f}× the province's" if prov_o["median"] else "—",
            verdict="ok" if city_o["median"] <= OVERVIEW_BAR and city_o["statuses"] == [200] else "MISS",
            note=f"{city}; HTTP {city_o['statuses']}",
            data={"median": city_o["median"], "province": prov_o["median"]},
        )
    )
    figs.append(
        Figure(
            "province, overview query count independent of the number of congresses below",
            value=f"{city_o['queries']} queries for {city_o['below']} congresses",
            bar="the same count at both sizes",
            baseline=f"{prov_o['queries']} queries for {prov_o['below']}",
            verdict="ok" if city_o["queries"] == prov_o["queries"] else "MISS",
        )
    )
    return figs


def main(argv=None):
    """Child-process entry: ``--db X prepare|provincialize|pick|measure SLUG|overview SLUG``; prints JSON."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("command", choices=["prepare", "provincialize", "pick", "measure", "overview", "serve"])
    parser.add_argument("slug", nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--congresses", type=int, default=CONGRESSES)
    args = parser.parse_args(argv)
    from bench.run import ensure_database, prepare, setup_django

    if args.command == "prepare":
        ensure_database(args.db)
    setup_django(args.db)
    if args.command == "prepare":
        prepare(args.scale)
        result = "ok"
    elif args.command == "provincialize":
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        provincialize(args.congresses, log=lambda text: print(text, file=sys.stderr, flush=True))
        result = "ok"
    elif args.command == "pick":
        result = pick_congresses()
    elif args.command == "measure":
        result = measure(args.slug, args.repeat)
    elif args.command == "serve":
        serve(args.slug)
        return
    else:
        result = measure_overview(args.slug, args.repeat)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
