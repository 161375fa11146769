"""``make bench``: measure every figure of quality.md against its bar and a baseline from the same run.

    python -m bench.run                 # 100k suggestions in database huaxi_bench
    python -m bench.run --scale 10      # a million, in huaxi_bench_x10; compared with the last 100k results
    python -m bench.run --quick         # fewer repetitions (smoke test)
    python -m bench.run --only replica  # only the replica router (scripts/replica-setup.sh first)

The database is created if absent, migrated, and filled with ``generate_bench_data`` when it holds no
suggestions. Page times are server times measured in-process through the Django test client (the whole
middleware and template path); their baseline is the bare SQL those same requests ran, replayed through
a cursor in the same run. Throughput goes through gunicorn (deploy/gunicorn.conf.py) with a load
generator in a second process (bench.load) on loopback; its baseline is a trivial view on the same server.

Each figure prints one line and the whole run is written to bench/results/<timestamp>.md (and .json).
A page that does not exist yet prints "page not available yet" instead of a number.
"""

import argparse
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.storm import figures_reminder_storm

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG = "postgres://postgres@127.0.0.1:5432"


@dataclass
class Figure:
    name: str
    value: str = ""
    bar: str = ""
    baseline: str = ""
    ratio: str = ""
    verdict: str = ""  # "ok", "MISS", "n/a"
    note: str = ""
    data: dict = field(default_factory=dict)

    def line(self):
        if self.verdict == "n/a":
            return f"{self.name}: {self.note}"
        parts = [f"{self.name}: {self.value}", f"bar {self.bar}"]
        if self.baseline:
            parts.append(f"baseline {self.baseline}")
        if self.ratio:
            parts.append(f"ratio {self.ratio}")
        text = " | ".join(parts) + f"  [{self.verdict}]"
        return text + (f"  ({self.note})" if self.note else "")


def cpu_yardstick():
    """Seconds for a fixed pure-Python loop: how fast this machine is today (best of three)."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return round(best, 2)


def ms(seconds):
    return f"{1000 * seconds:.1f} ms"


def pctl(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


# ---------------------------------------------------------------------------------------------- setup


def ensure_database(name):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(db_name):
    os.environ["DATABASE_URL"] = f"{PG}/{db_name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DB_POOL", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(scale):
    from django.core.management import call_command

    from suggestions.models import Suggestion

    call_command("migrate", verbosity=0, interactive=False)
    if not Suggestion.objects.exists():
        print(f"loading the data set (scale {scale}) …")
        call_command("generate_bench_data", scale=scale)
    call_command("collectstatic", verbosity=0, interactive=False)


# ---------------------------------------------------------------------------------------------- pages

PAGES = {
    # key: (label, URL name candidates, path fallback)
    "public_list": ("public outcome list", ["public:list", "public:outcome_list"], "/public/"),
    "public_detail": ("public outcome detail", ["public:detail", "public:outcome_detail"], "/public/outcomes/{pk}/"),
    "staff_list": ("staff track list", ["staff:track", "staff:track_list"], "/staff/track/"),
    "office_inbox": ("office inbox", ["offices:inbox"], "/office/"),
    "delegate_home": ("delegate home", ["delegates:home"], "/delegate/"),
    "dashboard": ("staff dashboard", ["reports:dashboard"], "/staff/reports/"),
    "detail": ("suggestion detail", ["suggestions:detail"], "/suggestions/{pk}/"),
}


def page_url(key, pk=None):
    """The page's URL by name (falling back to its planned path), or None when it does not exist yet."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    _label, names, fallback = PAGES[key]
    args = [pk] if pk is not None else []
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    path = fallback.format(pk=pk)
    try:
        resolve(path)
        return path
    except Resolver404:
        return None


class Pages:
    """Logged-in test clients for each role, and timed requests with their captured SQL."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Count, Q
        from django.test import Client

        from delegates.models import Delegate, Session
        from suggestions.models import Assignment, OfficeMember, Suggestion

        User = get_user_model()
        self.session = Session.objects.filter(is_current=True).first()
        self.clients = {"anonymous": Client()}
        staff = User.objects.filter(groups__name="npc_staff").order_by("pk").first()
        delegate = (
            Delegate.objects.filter(user__isnull=False, term=self.session.term)
            .annotate(n=Count("led_suggestions"))
            .order_by("-n", "pk")
            .first()
        )
        office_id = (
            Assignment.objects.filter(status__in=Assignment.ACTIVE)
            .values("office_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()["office_id"]
        )
        clerk = OfficeMember.objects.filter(office_id=office_id).select_related("user").first().user
        for role, user in (("staff", staff), ("delegate", delegate.user), ("clerk", clerk)):
            client = Client()
            client.force_login(user)
            self.clients[role] = client
        self.delegate, self.office_id = delegate, office_id
        public = Suggestion.objects.filter(is_published=True, status=Suggestion.Status.CLOSED)
        # A rich suggestion (several offices, a second round) and a plain one, for details and query counts.
        self.rich = (
            public.filter(current_round=2)
            .annotate(n=Count("assignments"))
            .filter(n__gte=3)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        self.plain = (
            public.annotate(n=Count("assignments"))
            .filter(n=1, current_round=1)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        self.details = list(public.order_by("pk").values_list("pk", flat=True)[:30:3])
        # Titles that match one or a few rows: the "few rows" variant of each list (?q=<title>).
        self.public_title = public.filter(session=self.session).order_by("pk").values_list("title", flat=True).first()
        self.delegate_title = (
            Suggestion.objects.filter(lead_delegate=delegate).order_by("-pk").values_list("title", flat=True).first()
        )
        self.office_title = (
            Suggestion.objects.filter(assignments__office_id=office_id, assignments__status__in=Assignment.ACTIVE)
            .order_by("pk")
            .values_list("title", flat=True)
            .first()
        )
        self.delegate_own = list(
            Suggestion.objects.filter(lead_delegate=delegate, status=Suggestion.Status.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)[:10]
        )
        self.clerk_own = list(
            Suggestion.objects.filter(assignments__office_id=office_id)
            .filter(Q(status=Suggestion.Status.HANDLING) | Q(status=Suggestion.Status.CLOSED))
            .order_by("pk")
            .values_list("pk", flat=True)[:10]
        )

    def get(self, role, url):
        """(seconds, response, queries) of one request; each query is a dict with its "sql" and "params".

        The queries are recorded by a plain execute wrapper, not Django's debug cursor: that one formats
        and times every statement, which a production request does not do, and it added a fifth to the
        server time of a page with a handful of queries.
        """
        from django.db import connection

        client = self.clients[role]
        queries = []

        def record(execute, sql, params, many, context):
            queries.append({"sql": sql, "params": params, "many": many})
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - start
        return elapsed, response, queries


def replay_sql(queries):
    """Seconds to run the same SQL statements bare, through a cursor (the page's database share)."""
    from django.db import connection

    statements = [q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for q in statements:
            if q["many"]:
                cursor.executemany(q["sql"], q["params"])
                continue
            cursor.execute(q["sql"], q["params"])
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - start


def table_rows(response):
    """Rows a page shows: table body rows, or else distinct links to suggestions/assignments/outcomes."""
    content = response.content.decode("utf-8", "replace") if not getattr(response, "streaming", False) else ""
    body = re.findall(r"<tbody.*?</tbody>", content, flags=re.S)
    rows = sum(len(re.findall(r"<tr[\s>]", b)) for b in body)
    links = set(
        re.findall(
            r'href="(/(?:public/outcomes|suggestions|staff/suggestions|office/assignments|delegate/suggestions)/\d+/)"',
            content,
        )
    )
    replies = len(re.findall(r'id="h-reply-\d+"', content))
    return max(rows, len(links), replies)


def clear_cache():
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as error:  # noqa: BLE001 - no cache server: nothing is cached anyway
        print(f"(cache not cleared: {error})")


def timed_page(pages, role, urls, repeat, before_each=None):
    """Median/p95 of server time over ``urls`` (each ``repeat`` times) and the median of bare SQL."""
    times, sql_times, statuses = [], [], set()
    for _ in range(repeat):
        for url in urls:
            if before_each:
                before_each()
            elapsed, response, queries = pages.get(role, url)
            statuses.add(response.status_code)
            times.append(elapsed)
            sql_times.append(replay_sql(queries))
    return times, sql_times, statuses


def figure_page_time(pages, key, role, urls, *, bar_median, bar_p95=None, repeat=3, name=None, before_each=None):
    label = name or f"server time, {PAGES[key][0]} ({role})"
    if not urls or any(u is None for u in urls):
        return Figure(label, verdict="n/a", note="page not available yet")
    times, sql_times, statuses = timed_page(pages, role, urls, repeat, before_each)
    if statuses != {200}:
        return Figure(label, verdict="MISS", value=f"HTTP {sorted(statuses)}", note="page answered an error")
    median, p95, sql = statistics.median(times), pctl(times, 0.95), statistics.median(sql_times)
    ok = median <= bar_median and (bar_p95 is None or p95 <= bar_p95)
    value = f"median {ms(median)}" + (f" / p95 {ms(p95)}" if bar_p95 else "")
    bar = f"≤ {bar_median * 1000:.0f} ms median" + (f" / ≤ {bar_p95 * 1000:.0f} ms p95" if bar_p95 else "")
    return Figure(
        label,
        value=value,
        bar=bar,
        baseline=f"bare SQL median {ms(sql)}",
        ratio=f"{median / sql:.1f}× SQL" if sql else "—",
        verdict="ok" if ok else "MISS",
        note=f"{len(times)} requests",
        data={"median": median, "p95": p95, "sql": sql},
    )


# ---------------------------------------------------------------------------------------------- figures


def public_filter_mix(pages, limit):
    from suggestions.models import Category, Office, ResultClass

    base = page_url("public_list")
    if base is None:
        return []
    cats = list(Category.objects.values_list("pk", flat=True)[:4])
    offices = list(Office.objects.values_list("pk", flat=True)[:4])
    results = list(ResultClass.objects.values_list("pk", flat=True))
    session = pages.session.pk
    mixes = [
        "",
        "?page=2",
        f"?session={session}",
        f"?category={cats[0]}",
        f"?office={offices[0]}",
        f"?result={results[0]}",
        "?rating=satisfied",
        "?q=小区",
        "?q=老旧小区",
        "?q=内涝&page=2",
        f"?session={session}&category={cats[1]}",
        f"?category={cats[2]}&result={results[1]}",
        f"?office={offices[1]}&rating=unsatisfied",
        f"?q=停车&session={session}",
        f"?q=青岩&office={offices[2]}",
        f"?session={session}&category={cats[3]}&result={results[2]}&q=社区",
    ]
    return [base + m for m in mixes[:limit]]


def bump_public_version():
    """What a publication does after it commits (actions._base.public_changed): every cached page is outdated."""
    from django.core.cache import cache

    try:
        cache.incr("public:version")
    except ValueError:
        cache.set("public:version", 2, None)


def figures_api(pages, quick):
    """The API's suggestion list and detail beside the pages that show the same, in the same run (issue 21):
    no endpoint may be slower than its page. The clients are logged in by session, which the API accepts."""
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = {"user": None, "address": None}  # a benchmark, not a flood
    repeat = 1 if quick else 3
    figs = []
    pairs = [
        ("suggestion list", "staff", [page_url("staff_list")], ["/api/v1/suggestions/"]),
        ("office inbox", "clerk", [page_url("office_inbox")], ["/api/v1/office/assignments/"]),
        ("public outcome list", "anonymous", [page_url("public_list")], ["/api/v1/public/outcomes/"]),
    ]
    for role, pks in (
        ("staff", pages.details[:5]),
        ("delegate", pages.delegate_own[:5]),
        ("clerk", pages.clerk_own[:5]),
    ):
        pairs.append(
            (
                "suggestion detail",
                role,
                [page_url("detail", pk) for pk in pks],
                [f"/api/v1/suggestions/{pk}/" for pk in pks],
            )
        )
    for what, role, page_urls, api_urls in pairs:
        label = f"server time, API {what} ({role}) vs its page"
        if not api_urls or None in page_urls:
            figs.append(Figure(label, verdict="n/a", note="no data for this role"))
            continue
        page_times, _sql, _statuses = timed_page(pages, role, page_urls, repeat)
        api_times, api_sql, statuses = timed_page(pages, role, api_urls, repeat)
        if statuses != {200}:
            figs.append(
                Figure(label, verdict="MISS", value=f"HTTP {sorted(statuses)}", note="endpoint answered an error")
            )
            continue
        page_median, api_median = statistics.median(page_times), statistics.median(api_times)
        _elapsed, _response, queries = pages.get(role, api_urls[0])
        figs.append(
            Figure(
                label,
                value=f"median {ms(api_median)}, {len(queries)} queries",
                bar="≤ the page's median",
                baseline=f"page median {ms(page_median)}",
                ratio=f"{api_median / page_median:.2f}× page" if page_median else "—",
                verdict="ok" if api_median <= page_median else "MISS",
                note=f"{len(api_times)} requests; bare SQL median {ms(statistics.median(api_sql))}",
                data={"median": api_median, "page_median": page_median},
            )
        )
    return figs


def figures_page_times(pages, quick):
    figs = []
    repeat = 1 if quick else 3
    mix = public_filter_mix(pages, 6 if quick else 16)
    # Every filter mix once cold (cache just invalidated), then warm: what visitors see.
    clear_cache()
    if mix:

        def public_list(name, repeat, before_each=None):
            return figure_page_time(
                pages,
                "public_list",
                "anonymous",
                mix,
                bar_median=0.020,
                bar_p95=0.050,
                repeat=repeat,
                name=f"server time, public outcome list, {name}",
                before_each=before_each,
            )

        cold = public_list("filter mix, first request with every cache empty", 1)
        warm = public_list("any filter mix", repeat)
        after_publication = public_list(
            "filter mix, first request after a publication", 1, before_each=bump_public_version
        )
        figs += [warm, after_publication, cold]
    else:
        figs.append(
            Figure("server time, public outcome list, any filter mix", verdict="n/a", note="page not available yet")
        )
    details = pages.details[: 4 if quick else 10]
    for key, role, pks in (
        ("public_detail", "anonymous", details),
        ("detail", "staff", details),
        ("detail", "delegate", pages.delegate_own[:5]),
        ("detail", "clerk", pages.clerk_own[:5]),
    ):
        urls = [page_url(key, pk) for pk in pks]
        figs.append(figure_page_time(pages, key, role, urls, bar_median=0.015, repeat=repeat))
    # The office inbox and the delegate home have their bar in bench/paging.py.
    for key, role in (("staff_list", "staff"),):
        url = page_url(key)
        figs.append(
            figure_page_time(
                pages,
                key,
                role,
                [url] if url else [None],
                bar_median=0.100,
                repeat=3,
                name=f"server time, {PAGES[key][0]} ({role}) [no bar; for reference]",
            )
        )
        figs[-1].bar = "no bar (reference)"
        if figs[-1].verdict == "MISS" and figs[-1].value.startswith("median"):
            figs[-1].verdict = "info"
    url = page_url("dashboard")
    figs.append(
        figure_page_time(
            pages,
            "dashboard",
            "staff",
            [url] if url else [None],
            bar_median=0.100,
            repeat=3 if quick else 5,
            name="server time, staff dashboard with all metrics",
        )
    )
    if url:
        figs.append(figure_dashboard_recount(pages, url, repeat=2 if quick else 4))
        figs.append(figure_dashboard_after_change(pages, url, repeat=2 if quick else 4))
    return figs


def figure_dashboard_after_change(pages, url, *, repeat):
    """The dashboard right after a workflow change: the tallies re-derive that suggestion first.

    Each round writes an audit row for one assigned suggestion of the session (what every service
    does) and loads the page, then rolls back: the data set is left as it was. The catch-up re-derives
    that suggestion and moves the tallies' version, so the cached figures are not used.
    """
    from django.db import transaction

    from suggestions.models import AuditLog, Suggestion

    ids = list(
        Suggestion.objects.filter(session=pages.session, assigned_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:repeat]
    )
    times, sql_times, counts = [], [], []
    for sid in ids:
        with transaction.atomic():
            AuditLog.objects.create(suggestion_id=sid, action="bench_touch")
            elapsed, response, queries = pages.get("staff", url)
            if response.status_code == 200:
                sql_times.append(replay_sql(queries))  # inside the transaction: its writes are undone too
            transaction.set_rollback(True)
        if response.status_code != 200:
            return Figure(
                "server time, staff dashboard after a change", verdict="MISS", value=f"HTTP {response.status_code}"
            )
        times.append(elapsed)
        counts.append(len(queries))
    if not times:
        return Figure("server time, staff dashboard after a change", verdict="n/a", note="no assigned suggestion")
    return _dashboard_time(
        "server time, staff dashboard after a workflow change (tallies catch up)",
        times,
        sql_times,
        value_suffix=f", {max(counts)} queries",
        note=f"{len(times)} requests, one suggestion changed before each (rolled back)",
    )


def _dashboard_time(label, times, sql_times, *, note, value_suffix=""):
    """A dashboard server-time figure against the 100 ms bar, with the bare SQL of the same requests."""
    median, sql = statistics.median(times), statistics.median(sql_times)
    return Figure(
        label,
        value=f"median {ms(median)}{value_suffix}",
        bar="≤ 100 ms median",
        baseline=f"bare SQL median {ms(sql)}",
        ratio=f"{median / sql:.1f}× SQL" if sql else "—",
        verdict="ok" if median <= 0.100 else "MISS",
        note=note,
        data={"median": median, "sql": sql},
    )


def figure_dashboard_recount(pages, url, *, repeat):
    """The dashboard with its cache cleared before each request: every figure counted afresh."""
    from django.core.cache import cache

    times, sql_times = [], []
    for _ in range(repeat):
        cache.clear()
        elapsed, response, queries = pages.get("staff", url)
        if response.status_code != 200:
            return Figure("server time, staff dashboard recount", verdict="MISS", value=f"HTTP {response.status_code}")
        times.append(elapsed)
        sql_times.append(replay_sql(queries))
    return _dashboard_time(
        "server time, staff dashboard recount (cache cleared)",
        times,
        sql_times,
        note=f"{len(times)} requests, the current session",
    )


def figures_query_counts(pages):
    """SQL queries per page with few rows and with many rows (the count must not change; bar ≤ 12)."""
    figs = []
    s = pages.session.pk
    from urllib.parse import quote

    def q(title):
        return f"?q={quote(title or '')}"

    variants = {
        "public_list": ("anonymous", None, q(pages.public_title), ""),
        "public_detail": ("anonymous", "pk", pages.plain, pages.rich),
        "staff_list": ("staff", None, q(pages.public_title), ""),
        "office_inbox": ("clerk", None, q(pages.office_title), ""),
        "delegate_home": ("delegate", None, q(pages.delegate_title), ""),
        "dashboard": ("staff", None, f"?session={s}", ""),
        "detail": ("staff", "pk", pages.plain, pages.rich),
    }
    for key, (role, kind, small, large) in variants.items():
        label = f"SQL queries per page, {PAGES[key][0]}"
        if kind == "pk":
            urls = [page_url(key, small), page_url(key, large)]
        else:
            base = page_url(key)
            urls = [base + small, base + large] if base else [None]
        if any(u is None for u in urls):
            figs.append(Figure(label, verdict="n/a", note="page not available yet"))
            continue
        counts, rows, statuses = [], [], set()
        for url in urls:
            pages.get(role, url)  # warm the process (content types, translations)
            clear_cache()  # count the queries of a cache miss, the worst case
            _t, response, queries = pages.get(role, url)
            statuses.add(response.status_code)
            counts.append(len(queries))
            rows.append(table_rows(response))
        if statuses != {200}:
            figs.append(Figure(label, verdict="MISS", value=f"HTTP {sorted(statuses)}"))
            continue
        same = counts[0] == counts[1]
        figs.append(
            Figure(
                label,
                value=f"{counts[0]} / {counts[1]}",
                bar="same at few and many rows, ≤ 12",
                baseline=f"rows shown {rows[0]} / {rows[1]}",
                verdict="ok" if same and max(counts) <= 12 else "MISS",
                note="cached response" if min(counts) == 0 else "",
                data={"counts": counts, "rows": rows},
            )
        )
    return figs


def figures_search(quick):
    from django.db import connection

    from suggestions.models import Suggestion
    from suggestions.queries.search import apply_text_search

    figs = []
    for term in ("内涝", "青岩", "老旧小区", "停车难问题"):
        qs = apply_text_search(Suggestion.objects.all(), term).order_by("-created_at")
        times, page_times = [], []
        for _ in range(3 if quick else 9):
            start = time.perf_counter()
            ids = set(qs.values_list("pk", flat=True))
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            list(qs.values_list("pk", "title")[:20])
            page_times.append(time.perf_counter() - start)
        like = "%" + term + "%"
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM suggestions_suggestion WHERE title ILIKE %s OR body ILIKE %s", [like, like])
            ilike = {row[0] for row in cursor.fetchall()}
        ilike_time = time.perf_counter() - start
        median = statistics.median(times)
        found = len(ids & ilike) / len(ilike) if ilike else 1.0
        exact = ids == ilike
        figs.append(
            Figure(
                # The name leaves out the number of matches, so that the ×10 run compares the same term.
                f"Chinese search, {len(term)}-character term “{term}”, every match",
                value=f"{ms(median)} for all {len(ilike):,} matches, "
                f"finds {100 * found:.0f}% of ILIKE{'' if exact else ' (NOT exact)'}",
                bar="≤ 50 ms, 100% of ILIKE",
                baseline=f"ILIKE scan {ms(ilike_time)}",
                ratio=f"{ilike_time / median:.0f}× faster" if median else "—",
                verdict="ok" if exact and median <= 0.050 else "MISS",
                note=f"first page of 20: {ms(statistics.median(page_times))}",
                data={"median": median, "ilike": ilike_time, "matches": len(ilike)},
            )
        )
    return figs


HINT_TYPED = ("停车难", "垃圾分类", "关于加快推进青岩镇老旧小区改造的建议")


def figures_similar(quick):
    """The similar-suggestion hint (suggestions.queries.similar): a delegate typing, and staff reviewing one.

    Baseline: the SQL those calls ran, timed inside the same calls (the rest is Python scoring).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    from delegates.models import Delegate
    from suggestions.models import Suggestion
    from suggestions.queries import similar
    from suggestions.queries.delegate_selectors import similar_for_delegate
    from suggestions.web.staff.review import similar_for_review

    similar._statistics.clear()
    delegate = Delegate.objects.filter(led_suggestions__isnull=False).order_by("pk").first()
    under_review = Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED).order_by("-pk").first()
    cases = [(f"a delegate types “{q}”", (lambda q=q: similar_for_delegate(delegate, q))) for q in HINT_TYPED]
    staff = get_user_model().objects.filter(groups__name="npc_staff").order_by("pk").first()
    if under_review is not None and staff is not None:
        cases.append(
            (
                "staff review, beside a submitted suggestion (title and body)",
                lambda: similar_for_review(under_review, staff),
            )
        )
    sql_time = [0.0]

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - start

    figs = []
    for label, call in cases:
        call()  # statistics read once per process, as in a running server
        times, sqls = [], []
        for _ in range(3 if quick else 11):
            sql_time[0] = 0.0
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                found = call()
                times.append(time.perf_counter() - start)
            sqls.append(sql_time[0])
        median, p95 = statistics.median(times), pctl(times, 0.95)
        figs.append(
            Figure(
                f"similar-suggestion hint, {label}",
                value=f"{ms(median)} median, {ms(p95)} p95, {len(found)} shown",
                bar="≤ 50 ms",
                baseline=f"its SQL {ms(statistics.median(sqls))}",
                ratio=f"{median / statistics.median(sqls):.1f}× its SQL" if statistics.median(sqls) else "—",
                verdict="ok" if p95 <= 0.050 else "MISS",
                data={"median": median, "p95": p95, "sql": statistics.median(sqls), "shown": len(found)},
            )
        )
    from bench import similar_scale

    figs += similar_scale.figures(Figure)
    return figs


def figure_reminder_scan():
    import inspect

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from suggestions import reminders
    from suggestions.models import Assignment

    label = "one reminder scan over the open assignments"
    scan = getattr(reminders, "scan", None)
    if scan is None:
        return [Figure(label, verdict="n/a", note="suggestions.reminders.scan not available yet")]
    open_count = Assignment.objects.filter(status__in=Assignment.ACTIVE).count()
    params = inspect.signature(scan).parameters
    runs = []
    now = timezone.now()
    for when in (now, now + datetime.timedelta(days=14)):

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                created = scan(now=when) if "now" in params else scan()
                elapsed = time.perf_counter() - start
                runs.append((elapsed, len(captured.captured_queries), created))
                raise Rollback
        except Rollback:
            pass
    (t1, q1, c1), (t2, q2, c2) = runs
    same = q1 == q2
    return [
        Figure(
            f"one reminder scan over {open_count:,} open assignments",
            value=f"{t1:.2f} s, {q1} queries ({c1:,} reminders due)",
            bar="≤ 1 s, query count independent of due",
            baseline=f"14 days later: {t2:.2f} s, {q2} queries ({c2:,} due)",
            ratio=f"{t1 / t2:.1f}×" if t2 else "—",
            verdict="ok" if t1 <= 1.0 and same else "MISS",
            note="rolled back; nothing sent",
            data={"seconds": t1, "queries": [q1, q2], "due": [c1, c2], "open": open_count},
        )
    ]


def _export(n, *, trace=False):
    """Write the 汇总表 of ``n`` suggestions; time it plain, or measure peak memory under tracemalloc.

    tracemalloc slows this code 3–5×, so time and memory come from separate runs.
    """
    from openpyxl import Workbook

    from suggestions.models import Suggestion
    from suggestions.reporting import exports

    base = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT).order_by("pk")
    last = base.values_list("pk", flat=True)[n - 1]
    qs = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT).filter(pk__lte=last)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    workbook = Workbook(write_only=True)
    rows = exports.write_summary(workbook, qs, title="bench")
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle)
        size = handle.tell()
    elapsed = time.perf_counter() - start
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak, rows, size, qs


def figure_export(n=10_000, small=1_000):
    from django.db import connection

    label = f"Excel export of {n:,} suggestions"
    try:
        from suggestions.reporting import exports
    except ImportError:
        return [Figure(label, verdict="n/a", note="suggestions.reporting.exports not available yet")]
    if not hasattr(exports, "write_summary"):
        return [Figure(label, verdict="n/a", note="exports.write_summary not available yet")]
    small_t, _p, _r, _s, _q = _export(small)
    elapsed, _p, rows, size, qs = _export(n)
    small_peak = _export(small, trace=True)[1]
    peak = _export(n, trace=True)[1]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        sql, params = qs.values_list("pk", "title", "body").query.sql_with_params()
        cursor.execute(sql, params)
        cursor.fetchall()
    fetch = time.perf_counter() - start
    flat = peak <= 2.5 * small_peak
    return [
        Figure(
            label,
            value=f"{elapsed:.2f} s, peak Python memory {peak / 2**20:.1f} MiB ({rows:,} rows, {size / 2**20:.1f} MiB file)",
            bar="≤ 5 s, memory flat (streamed)",
            baseline=f"{small:,} rows: {small_t:.2f} s, peak {small_peak / 2**20:.1f} MiB; bare SELECT of the same rows {ms(fetch)}",
            ratio=f"memory ×{peak / small_peak:.1f} for ×10 rows",
            verdict="ok" if elapsed <= 5 and flat else "MISS",
            data={"seconds": elapsed, "peak": peak, "peak_1k": small_peak},
        )
    ]


# ---------------------------------------------------------------------------------------------- throughput


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _combine(runs):
    """One figure from several rounds of bench.load: total requests over total seconds."""
    seconds = sum(r["seconds"] for r in runs)
    requests = sum(r["requests"] for r in runs)
    return {
        "requests": requests,
        "errors": sum(r["errors"] for r in runs),
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "median_ms": statistics.median(r["median_ms"] for r in runs),
        "p95_ms": max(r["p95_ms"] for r in runs),
        "rounds": [r["rps"] for r in runs],
    }


def figure_throughput(quick):
    from django.urls import reverse

    label = "throughput of the public list through gunicorn ÷ trivial view"
    path = page_url("public_list")
    if path is None:
        return [Figure(label, verdict="n/a", note="page not available yet")]
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_LOGLEVEL": "warning",
        "DB_POOL": "1",
        # No worker recycling in the middle of a measurement (production recycles every 5,000 requests).
        "GUNICORN_MAX_REQUESTS": "0",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "huaxi_renda.wsgi"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        # The two URLs take turns in short rounds, so a change in the machine's load (it is shared)
        # falls on both alike instead of on whichever ran second.
        rounds, per_round = (2, 1.5) if quick else (4, 2.0)
        seconds = f"{rounds * per_round:g}"

        def load(url):
            out = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "bench.load", url, "--seconds", str(per_round), "--concurrency", "8"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            return json.loads(out.stdout.strip().splitlines()[-1])

        runs = {"trivial": [], "public": []}
        for _ in range(rounds):
            runs["trivial"].append(load(f"http://127.0.0.1:{port}{reverse('bench_trivial')}"))
            runs["public"].append(load(f"http://127.0.0.1:{port}{path}"))
        trivial, public = (_combine(runs[k]) for k in ("trivial", "public"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = public["rps"] / trivial["rps"] if trivial["rps"] else 0
    errors = public["errors"] + trivial["errors"]
    return [
        Figure(
            label,
            value=f"{public['rps']:.0f} req/s (median {public['median_ms']} ms, p95 {public['p95_ms']} ms)",
            bar="≥ 0.5 × trivial",
            baseline=f"trivial view {trivial['rps']:.0f} req/s",
            ratio=f"{ratio:.2f}",
            verdict="ok" if ratio >= 0.5 and not errors else "MISS",
            note=f"gunicorn gthread, 8 client threads in a second process, {seconds} s each in turns of {per_round:g} s"
            + (f", {errors} errors" if errors else ""),
            data={"public": public, "trivial": trivial},
        )
    ]


# ---------------------------------------------------------------------------------------------- report


def counts():
    from suggestions.models import Assignment, Reply, Suggestion

    return {
        "suggestions": Suggestion.objects.count(),
        "assignments": Assignment.objects.count(),
        "open assignments": Assignment.objects.filter(status__in=Assignment.ACTIVE).count(),
        "published": Suggestion.objects.filter(is_published=True).count(),
        "replies": Reply.objects.count(),
    }


def compare_with(previous_path, figs):
    """At --scale 10: each timed figure against the same figure of the last 100k run (bar: within 2×)."""
    previous = {f["name"]: f for f in json.loads(Path(previous_path).read_text())["figures"]}
    out = []
    for fig in figs:
        old = previous.get(fig.name)
        key = next((k for k in ("median", "seconds", "rps") if k in fig.data), None)
        if not old or not key or key not in old.get("data", {}):
            continue
        if key == "rps":
            now_v, old_v = fig.data["public"]["rps"], old["data"]["public"]["rps"]
            factor = old_v / now_v if now_v else float("inf")
        else:
            now_v, old_v = fig.data[key], old["data"][key]
            factor = now_v / old_v if old_v else float("inf")
        out.append(
            Figure(
                f"×10 data: {fig.name}",
                value=f"{factor:.2f}× the 100k figure",
                bar="within 2×",
                verdict="ok" if factor <= 2 else "MISS",
            )
        )
    return out


def write_results(figs, meta):
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - a local file name
    lines = [
        f"# Benchmark {stamp}",
        "",
        f"- data set: {', '.join(f'{k} {v:,}' for k, v in meta['counts'].items())} (scale {meta['scale']})",
        f"- machine: {meta['machine']}; load average (1/5/15 min) at start {meta.get('load_start', '?')}, "
        f"at end {' '.join(f'{x:.1f}' for x in os.getloadavg())} — the machine is shared, so compare ratios",
        f"- machine speed: a 10-million-step Python loop took {meta.get('cpu_loop_s', '?')} s at the start "
        f"and {meta.get('cpu_loop_s_end', '?')} s at the end (compare it between runs, and between start and "
        "end, before comparing milliseconds)",
        f"- database: {meta['database']}; settings: bench.settings (production settings, DEBUG off)",
        "",
        "| figure | measured | bar | baseline (same run) | ratio | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figs:
        value = f.value or f.note
        note = f" ({f.note})" if f.note and f.value else ""
        lines.append(f"| {f.name} | {value}{note} | {f.bar} | {f.baseline} | {f.ratio} | {f.verdict} |")
    path = RESULTS / f"{stamp}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps({"meta": meta, "figures": [asdict(f) for f in figs]}, ensure_ascii=False, indent=1, default=str),
        encoding="utf-8",
    )
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description="Measure the quality bars (quality.md).")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", default=None, help="database name (default huaxi_bench, or huaxi_bench_x<scale>)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument(
        "--only",
        choices=["similar", "replica", "storm", "congresses", "province", "paging", "pages"],
        help="measure only these figures",
    )
    parser.add_argument("--no-storm-send", action="store_true", help="the reminder storm without its send")
    parser.add_argument(
        "--no-storm", action="store_true", help="leave the reminder storm out (at a million it records 1.5M rows)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no results file")
    parser.add_argument("--compare", default=None, help="results .json of a 100k run (default: the latest)")
    parser.add_argument(
        "--congresses", type=int, default=1500, help="--only province: congresses in the province (about 1,500)"
    )
    args = parser.parse_args(argv)
    db = args.db or ("huaxi_bench" if args.scale == 1 else f"huaxi_bench_x{args.scale:g}".replace(".", "_"))
    if args.only == "province":
        from bench.province import database_names, ensure_province

        db, single_db = database_names(args.scale, args.db)
        ensure_province(db, single_db, args.scale, args.congresses)
    ensure_database(db)
    setup_django(db)
    prepare(args.scale)
    meta = {
        "scale": args.scale,
        "database": db,
        "counts": counts(),
        "machine": f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}",
        "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "cpu_loop_s": cpu_yardstick(),
    }
    print("data set:", ", ".join(f"{k} {v:,}" for k, v in meta["counts"].items()))
    pages = Pages() if args.only != "province" else None
    figs = []

    def emit(new):
        for f in new:
            print(f.line(), flush=True)
        figs.extend(new)

    def replica_figures():
        from bench.replica import figures_replica

        helpers = {
            "page_url": page_url,
            "public_filter_mix": public_filter_mix,
            "bump_public_version": bump_public_version,
        }
        return figures_replica(pages, args.quick, Figure=Figure, ms=ms, **helpers)

    def congress_figures():
        from bench.congresses import figures_congresses

        helpers = {"page_url": page_url, "timed_page": timed_page, "clear_cache": clear_cache}
        return figures_congresses(pages, args.quick, Figure=Figure, ms=ms, **helpers)

    def paging_figures():
        from bench.paging import figures_paging

        return figures_paging(pages, args.quick, Figure=Figure, ms=ms, timed_page=timed_page, page_url=page_url)

    if args.only == "similar":
        emit(figures_similar(args.quick))
        args.no_throughput = True
    elif args.only == "congresses":
        emit(congress_figures())
        args.no_throughput = True
    elif args.only == "replica":
        emit(replica_figures())
        args.no_throughput = True
    elif args.only == "province":
        from bench.province import figures_province

        emit(figures_province(args.quick, Figure=Figure, ms=ms, single_db=single_db, province_db=db))
        args.no_throughput = True
    elif args.only == "storm":
        emit(figures_reminder_storm(Figure, send=not args.no_storm_send))
        args.no_throughput = True
    elif args.only == "paging":
        emit(paging_figures())
        args.no_throughput = True
    elif args.only == "pages":  # issue 25's page bars: the query counts and the page times
        emit(figures_query_counts(pages))
        emit(figures_page_times(pages, args.quick))
        args.no_throughput = True
    else:
        emit(figures_query_counts(pages))
        emit(figures_page_times(pages, args.quick))
        emit(paging_figures())
        emit(figures_api(pages, args.quick))
        emit(figures_search(args.quick))
        emit(figures_similar(args.quick))
        emit(figure_reminder_scan())
        if not args.no_storm:
            emit(figures_reminder_storm(Figure, send=not args.no_storm_send))
        emit(figure_export())
        emit(replica_figures())
        emit(congress_figures())
    if not args.no_throughput:
        emit(figure_throughput(args.quick))
    if args.scale > 1:
        previous = args.compare or max(
            (p for p in RESULTS.glob("*.json") if json.loads(p.read_text())["meta"]["scale"] == 1), default=None
        )
        if previous:
            emit(compare_with(previous, figs))
    # The machine is shared and its speed can change within a run: measure it again at the end.
    meta["cpu_loop_s_end"] = cpu_yardstick()
    print(
        f"machine speed: the loop yardstick took {meta['cpu_loop_s']} s at the start, {meta['cpu_loop_s_end']} s at the end"
    )
    if not args.no_write:
        path = write_results(figs, meta)
        print(f"results: {path.relative_to(ROOT)}")
    return figs


if __name__ == "__main__":
    main()
