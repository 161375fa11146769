"""``make loadtest``: a session week against gunicorn with the production settings, stepped, with its bars.

    python -m loadtest.run                                   # 50, 100, 200, 400 delegates, 2 minutes each
    python -m loadtest.run --steps 20,40 --step-seconds 60 --autosave-seconds 5     # a few minutes

Everything runs on this machine: PostgreSQL (its own database, ``huaxi_loadtest``: the bench data set
at ``--scale`` and the simulated people's accounts, see ``loadtest.seed``), Redis (``LOADTEST_REDIS``,
database 14 by default) and gunicorn (``deploy/gunicorn.conf.py``) with ``huaxi_renda.settings.production``
and nothing turned off: the environment gives only what production requires (keys, hosts, database).
Locust (``loadtest/locustfile.py``) runs headless in a second process.

Printed per step: throughput, p50/p95/p99 per kind of request with its ratio to the trivial view of the
same step, errors; the step's ratio (the trivial view's median at rest ÷ under this step's load: 1 is
an idle server, below 0.3 it is saturated). Then every submitted draft is looked up in the database:
there once, with its last autosaved text. Bars: 0 errors, 0 lost drafts, and p95 ≤ 250 ms for every
write at the highest step whose ratio holds ≥ 0.3; the first step that breaks one is named.

Each step also says what it cost (``Meter``): the CPU of the server, of PostgreSQL's backends for the load test's
database, of Locust and of the whole machine, the server's CPU per request, and what the server's database
connections were doing once a second (waiting for the server's Python, in a query, or waiting for a lock, the audit
chain's advisory lock apart). On a machine shared with other work, the CPU per request is the application's figure.
"""

import argparse
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "loadtest"
RESULTS = Path(__file__).resolve().parent / "results"
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
WRITE_BAR_MS = 250
RATIO_BAR = 0.3


def production_env(db, redis_url):
    """What the production settings require, for this machine (keys made for the load test only)."""
    return {
        "DJANGO_SETTINGS_MODULE": "huaxi_renda.settings.production",
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SECRET_KEY": "loadtest-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HUAXI_PII_KEYS": "lt1:" + "a1" * 32,
        "HUAXI_PII_LOOKUP_KEY": "b2" * 32,
        "HUAXI_INTEGRITY_KEYS": "lt1:" + "c3" * 32,
        "CACHE_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "loadtest-static"),
        "LOG_LEVEL": "WARNING",
    }


def ensure_database(name):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pctl(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


class Meter(threading.Thread):
    """Once a second, per step: the CPU of the server (gunicorn and its workers), of PostgreSQL's backends for
    the load test's database, of Locust and of the whole machine, and what those backends are doing (in a query,
    waiting for a lock, or idle in the request's transaction while the server's Python works).

    On a machine shared with other work this tells the application's cost (CPU per request) apart from
    the machine's: the latencies alone cannot.
    """

    def __init__(self, *, server_pid, db, warmup_seconds, step_seconds):
        super().__init__(daemon=True)
        self.server_pid, self.db = server_pid, db
        self.warmup_seconds, self.step_seconds = warmup_seconds, step_seconds
        self.locust_pid = None
        self.started = None
        self.steps = {}  # step -> {"seconds", "server", "postgres", "locust", "machine", "db": {state: samples}}
        self._seen = {}  # pid -> last CPU seconds (a recycled worker's time is kept, not lost)
        self._halt = threading.Event()

    def _cpu(self, pids, role):
        import psutil

        total = 0.0
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            now = times.user + times.system
            total += max(0.0, now - self._seen.get((role, pid), now))
            self._seen[(role, pid)] = now
        return total

    def _family(self, pid):
        import psutil

        try:
            parent = psutil.Process(pid)
            return [pid] + [child.pid for child in parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def run(self):
        import psutil
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            machine = _busy(psutil.cpu_times())
            tick = time.monotonic()
            while not self._halt.wait(1.0):
                rows = conn.execute(
                    "SELECT pid, state, coalesce(wait_event_type, ''), coalesce(wait_event, '') FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.db],
                ).fetchall()
                now_machine = _busy(psutil.cpu_times())
                if self.started is None:
                    self._cpu(self._family(self.server_pid), "server")
                    self._cpu([r[0] for r in rows], "postgres")
                    machine, tick = now_machine, time.monotonic()
                    continue
                now = time.monotonic()
                elapsed = now - self.started
                step = (
                    -1 if elapsed < self.warmup_seconds else int((elapsed - self.warmup_seconds) // self.step_seconds)
                )
                figures = self.steps.setdefault(
                    step, {"seconds": 0.0, "server": 0.0, "postgres": 0.0, "locust": 0.0, "machine": 0.0, "db": {}}
                )
                # A loaded machine stretches the second: the figures are per second of the clock.
                figures["seconds"] += now - tick
                tick = now
                figures["server"] += self._cpu(self._family(self.server_pid), "server")
                figures["postgres"] += self._cpu([r[0] for r in rows], "postgres")
                if self.locust_pid:
                    figures["locust"] += self._cpu(self._family(self.locust_pid), "locust")
                figures["machine"] += now_machine - machine
                machine = now_machine
                for _pid, state, kind, event in rows:
                    if state == "active" and kind == "Lock":
                        key = f"lock:{event}"
                    elif state == "active":
                        key = "query"
                    elif state == "idle in transaction":
                        key = "in transaction"
                    else:
                        key = "idle"
                    figures["db"][key] = figures["db"].get(key, 0) + 1

    def start_locust(self, pid):
        self.locust_pid = pid
        self._cpu(self._family(pid), "locust")
        self.started = time.monotonic()

    def stop(self):
        self._halt.set()
        self.join(timeout=10)


def _busy(times):
    """CPU seconds the machine spent on anything but waiting (all cores)."""
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def resources_line(figures, requests):
    """One line: what the step cost the machine, and the server per request."""
    if not figures or not figures["seconds"]:
        return None
    seconds = figures["seconds"]
    db = figures["db"]
    held = sum(n for key, n in db.items() if key != "idle") or 1
    locks = sum(n for key, n in db.items() if key.startswith("lock:"))
    advisory = db.get("lock:advisory", 0)
    per_request = 1000 * figures["server"] / requests if requests else 0.0
    return (
        f"  resources: server {figures['server'] / seconds:.2f} cores ({per_request:.0f} ms CPU per request), "
        f"PostgreSQL {figures['postgres'] / seconds:.2f}, Locust {figures['locust'] / seconds:.2f}, "
        f"the whole machine {figures['machine'] / seconds:.2f} of {os.cpu_count()} cores busy; "
        f"the server's connections in a transaction: {100 * db.get('in transaction', 0) / held:.0f} % waiting for "
        f"Python, {100 * db.get('query', 0) / held:.0f} % in a query, {100 * locks / held:.0f} % waiting for a "
        f"lock ({100 * advisory / held:.0f} % the audit chain's advisory lock)"
    )


def idle_trivial(base, n=60):
    """The trivial view's median at rest (ms), asked one at a time as the probe does (the first 20 warm up)."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        _trivial(base)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times[20:])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(env, port):
    server_env = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_LOGLEVEL": "warning",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "huaxi_renda.wsgi"],
        cwd=ROOT,
        env=server_env,
    )
    # Up when the trivial view answers (the workers load Django after the port opens).
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            _trivial(f"http://127.0.0.1:{port}", timeout=30)
            return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _trivial(base, timeout=60):
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + "/favicon.ico", headers={"X-Real-IP": "10.255.0.1", "X-Forwarded-Proto": "https"}
    )
    try:
        urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError:
        pass  # the redirect (not followed): what the trivial view answers


def summarise(samples, step_seconds, idle_ms):
    """Per step: {kind: figures}, the trivial median and the step's ratio."""
    steps = {}
    for step, kind, ms, ok in samples["samples"]:
        steps.setdefault(step, {}).setdefault(kind, []).append((ms, ok))
    out = []
    for index, delegates in enumerate(samples["steps"]):
        kinds = steps.get(index, {})
        trivial = [ms for ms, _ok in kinds.get("trivial", [])]
        trivial_p50 = statistics.median(trivial) if trivial else None
        rows = {}
        for kind, values in sorted(kinds.items()):
            times = [ms for ms, _ok in values]
            p50 = statistics.median(times)
            rows[kind] = {
                "n": len(values),
                "rps": len(values) / step_seconds,
                "p50": p50,
                "p95": pctl(times, 0.95),
                "p99": pctl(times, 0.99),
                "errors": sum(1 for _ms, ok in values if not ok),
                "x_trivial": p50 / trivial_p50 if trivial_p50 else None,
                "write": kind in samples["writes"],
            }
        out.append(
            {
                "step": index,
                "delegates": delegates,
                "rps": sum(len(v) for v in kinds.values()) / step_seconds,
                "trivial_p50": trivial_p50,
                "ratio": (idle_ms / trivial_p50) if trivial_p50 else None,
                "errors": sum(r["errors"] for r in rows.values()),
                "kinds": rows,
            }
        )
    return out


def check_drafts(drafts):
    """(found, lost, doubled): each submitted draft in the database once, with its last autosaved text."""
    from suggestions.models import Suggestion

    found, lost, doubled = 0, [], []
    for draft in drafts:
        row = Suggestion.objects.filter(pk=draft["pk"]).values("title", "body", "status").first()
        if row is None or row["title"] != draft["title"] or row["body"].strip() != draft["body"].strip():
            lost.append(draft["pk"])
            continue
        if Suggestion.objects.filter(title=draft["title"]).count() != 1:
            doubled.append(draft["pk"])
        found += 1
    return found, lost, doubled


def report(steps, drafts_check, *, staff, clerks, readers_per_delegate, resources=None):
    found, lost, doubled = drafts_check
    resources = resources or {}
    lines = []
    breaks = None
    best = None
    for s in steps:
        readers = round(s["delegates"] * readers_per_delegate)
        ratio = f"{s['ratio']:.2f}" if s["ratio"] is not None else "—"
        lines.append(
            f"step {s['step'] + 1}: {s['delegates']} delegates, {staff} staff, {clerks} clerks, {readers} readers — "
            f"{s['rps']:.1f} req/s, trivial view median {s['trivial_p50'] or 0:.1f} ms, ratio {ratio}, "
            f"{s['errors']} errors"
        )
        line = resources_line(resources.get(s["step"]), sum(r["n"] for r in s["kinds"].values()))
        if line:
            lines.append(line)
        lines.append("  | kind | requests | req/s | p50 ms | p95 ms | p99 ms | × trivial (p50) | errors |")
        lines.append("  | --- | --- | --- | --- | --- | --- | --- | --- |")
        slow = []
        for kind, r in s["kinds"].items():
            x = f"{r['x_trivial']:.1f}" if r["x_trivial"] else "—"
            mark = " (write)" if r["write"] else ""
            lines.append(
                f"  | {kind}{mark} | {r['n']} | {r['rps']:.2f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
                f"| {x} | {r['errors']} |"
            )
            if r["write"] and r["p95"] > WRITE_BAR_MS:
                slow.append(f"{kind} p95 {r['p95']:.0f} ms")
        holds = s["ratio"] is not None and s["ratio"] >= RATIO_BAR
        if holds:
            best = (s, slow)
        if breaks is None and (slow or not holds or s["errors"]):
            why = slow + ([f"ratio {ratio} < {RATIO_BAR}"] if not holds else [])
            why += [f"{s['errors']} errors"] if s["errors"] else []
            breaks = f"breaks first at step {s['step'] + 1} ({s['delegates']} delegates): {', '.join(why)}"
    errors = sum(s["errors"] for s in steps)
    lines.append(
        f"drafts: {found + len(lost) + len(doubled)} submitted, {found} in the database with their last autosaved text, "
        f"{len(lost)} lost, {len(doubled)} doubled  [{'ok' if not lost and not doubled else 'MISS'}]"
    )
    lines.append(f"errors: {errors}  [{'ok' if not errors else 'MISS'}]")
    if best is None:
        lines.append(f"writes: no step held the ratio ≥ {RATIO_BAR}  [MISS]")
        ok_writes = False
    else:
        s, slow = best
        ok_writes = not slow
        lines.append(
            f"writes at the highest step holding ratio ≥ {RATIO_BAR} ({s['delegates']} delegates): "
            + ("every write p95 ≤ 250 ms" if not slow else "; ".join(slow))
            + f"  [{'ok' if ok_writes else 'MISS'}]"
        )
    lines.append(breaks or "no step broke a bar")
    ok = ok_writes and not errors and not lost and not doubled
    return lines, ok


def main(argv=None):
    parser = argparse.ArgumentParser(description="The session-week load test (issue 25).")
    parser.add_argument("--steps", default=os.environ.get("LOADTEST_STEPS", "50,100,200,400"))
    parser.add_argument("--step-seconds", type=float, default=float(os.environ.get("LOADTEST_STEP_SECONDS", 120)))
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--readers-per-delegate", type=float, default=0.5)
    parser.add_argument(
        "--pace-seconds", type=float, default=30, help="mean seconds between one staff member's or clerk's tasks"
    )
    parser.add_argument("--autosave-seconds", type=float, default=15)
    # People arriving per second. Each delegate logs in on arrival (PBKDF2, 1,000,000 iterations: about 0.3 s of
    # CPU): at 10 a second the arrivals alone asked for three cores. Delegates do not all log in within seconds.
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument(
        "--warmup-seconds", type=float, default=60, help="staff, clerks and the probe log in first (reported apart)"
    )
    parser.add_argument("--scale", type=float, default=0.02, help="bench data set scale (0.02: 2,000 suggestions)")
    parser.add_argument("--db", default="huaxi_loadtest")
    parser.add_argument("--redis", default=os.environ.get("LOADTEST_REDIS", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args(argv)
    steps = [int(n) for n in args.steps.split(",") if n.strip()]

    VAR.mkdir(parents=True, exist_ok=True)
    env = production_env(args.db, args.redis)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    ensure_database(args.db)
    import django

    django.setup()
    from django.core.management import call_command

    from loadtest.seed import seed

    call_command("migrate", verbosity=0, interactive=False)
    accounts_path = VAR / "accounts.json"
    people = seed(
        delegates=max(steps) + 10,
        staff=args.staff,
        clerks=args.clerks,
        scale=args.scale,
        out_path=accounts_path,
    )
    call_command("collectstatic", verbosity=0, interactive=False)
    print(
        f"database {args.db}: {len(people['delegates'])} delegates, {len(people['staff'])} staff (with authenticators), "
        f"{len(people['clerks'])} clerks; settings huaxi_renda.settings.production"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    server = start_server(env, port)
    samples_path, drafts_path = VAR / "samples.json", VAR / "drafts.json"
    try:
        idle_ms = idle_trivial(base)
        print(f"trivial view at rest: median {idle_ms:.1f} ms")
        locust_env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LOADTEST_ACCOUNTS": str(accounts_path),
            "LOADTEST_SAMPLES": str(samples_path),
            "LOADTEST_DRAFTS": str(drafts_path),
            "LOADTEST_STEPS": ",".join(map(str, steps)),
            "LOADTEST_STEP_SECONDS": str(args.step_seconds),
            "LOADTEST_STAFF": str(args.staff),
            "LOADTEST_CLERKS": str(args.clerks),
            "LOADTEST_READERS_PER_DELEGATE": str(args.readers_per_delegate),
            "LOADTEST_AUTOSAVE_SECONDS": str(args.autosave_seconds),
            "LOADTEST_SPAWN_RATE": str(args.spawn_rate),
            "LOADTEST_PACE_SECONDS": str(args.pace_seconds),
            "LOADTEST_WARMUP_SECONDS": str(args.warmup_seconds),
        }
        started = time.monotonic()
        meter = Meter(
            server_pid=server.pid, db=args.db, warmup_seconds=args.warmup_seconds, step_seconds=args.step_seconds
        )
        meter.start()
        locust = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                str(int(3 * args.autosave_seconds + 30)),
            ],
            cwd=ROOT,
            env=locust_env,
            stdout=subprocess.DEVNULL,
        )
        meter.start_locust(locust.pid)
        try:
            locust.wait(timeout=args.warmup_seconds + len(steps) * args.step_seconds + 600)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
        meter.stop()
        print(f"locust ran {time.monotonic() - started:.0f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
    samples = json.loads(samples_path.read_text(encoding="utf-8"))
    drafts = json.loads(drafts_path.read_text(encoding="utf-8"))
    result = summarise(samples, args.step_seconds, idle_ms)
    conflicts = samples.get("conflicts", 0)
    warm = [(kind, ms, ok) for step, kind, ms, ok in samples["samples"] if step == -1]
    lines, ok = report(
        result,
        check_drafts(drafts),
        staff=args.staff,
        clerks=args.clerks,
        readers_per_delegate=args.readers_per_delegate,
        resources=meter.steps,
    )
    header = (
        f"# Load test {datetime.datetime.now():%Y%m%d-%H%M%S}\n\n"  # noqa: DTZ005 - a local file name
        f"- steps {args.steps} delegates, {args.step_seconds:g} s each; autosave every {args.autosave_seconds:g} s; "
        f"{args.staff} staff and {args.clerks} clerks (a task every {args.pace_seconds:g} s each), "
        f"{args.readers_per_delegate:g} readers per delegate, {args.spawn_rate:g} people arriving a second\n"
        f"- gunicorn (deploy/gunicorn.conf.py) with huaxi_renda.settings.production, database {args.db} "
        f"(bench data at scale {args.scale:g}), Redis {args.redis}; {os.cpu_count()} cores, load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
        f"- trivial view (/favicon.ico) at rest: median {idle_ms:.1f} ms\n\n"
    )
    warm_errors = sum(1 for *_x, ok in warm if not ok)
    ok = ok and not warm_errors
    if warm:
        logins = sorted(ms for kind, ms, _ok in warm if kind in ("login", "otp"))
        lines.insert(
            0,
            f"warm-up ({args.warmup_seconds:g} s, staff, clerks and the probe logging in): {len(warm)} requests, "
            f"{warm_errors} errors; login and second factor p50 {pctl(logins, 0.5):.0f} ms, "
            f"p95 {pctl(logins, 0.95):.0f} ms",
        )
        line = resources_line(meter.steps.get(-1), len(warm))
        if line:
            lines.insert(1, line)
    lines.append(
        f"form conflicts (another staff member registered the same suggestion or number a moment before; "
        f"the page says so, 400): {conflicts}"
    )
    for line in lines:
        print(line)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.md"  # noqa: DTZ005 - a local file name
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"results: {path.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
