"""The reminder storm (issue 25): one scan that finds every reminder due on the bench data, then its send.

The bench data set carries reminders of its own (stage ``bench``, no code), so the first real scan over it
finds everything due at once, as after a week without a scan: about 158,000 reminders at 100k.

- **Finding and recording**: the scan, committed, with foreign keys checked as each statement runs
  (``SET CONSTRAINTS ALL IMMEDIATE``) so the delivery rows' statements carry their own cost; the
  delivery statements are timed apart and excluded. The fixed part is the same scan on a day before
  any data (every statement, no row due), measured in the same run. Bar: ≤ 10 µs per due reminder
  above the fixed part. A second scan right after must record nothing.
- **Sending**: ``dispatch_pending`` queues the storm to a real Celery worker (prefork, 2 processes,
  the configured broker) and the clock runs until nothing is left to send now: every delivery sent,
  held for later by the rules (quiet hours, the daily cap on text messages) or failed (bar: none).
  Non-urgent e-mails must go out as one digest per person and day, whatever the count; urgent ones
  (overdue) one by one.

Everything the storm created is deleted afterwards (and before: a run stopped half-way), so the next
run finds the same storm.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _backend_cpu(connection):
    """CPU seconds (user + system) the database server process of this connection has used so far.

    On a machine shared with other jobs the wall clock of a statement grows with their load; the CPU its
    server process used grows far less, so the storm reports both (0 when /proc cannot tell).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except Exception:  # noqa: BLE001 - another machine, another database: no figure
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _scan_timed(scan, now, *, commit, cpu=None):
    """(seconds, seconds in delivery statements, reminders created); ``cpu`` (a dict) gets the database
    server's CPU seconds, in all and in the delivery statements."""
    from django.db import connection, transaction

    table = 'INSERT INTO "suggestions_reminderdelivery"'
    spent = [0.0]
    cpu = {} if cpu is None else cpu
    cpu.update(total=0.0, deliveries=0.0)

    def timer(execute, sql, params, many, context):
        if not sql.startswith(table):
            return execute(sql, params, many, context)
        start, start_cpu = time.perf_counter(), _backend_cpu(connection)
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start
            cpu["deliveries"] += _backend_cpu(connection) - start_cpu

    class Rollback(Exception):
        pass

    connection.ensure_connection()
    start, start_cpu = time.perf_counter(), _backend_cpu(connection)
    created = 0
    try:
        with connection.execute_wrapper(timer), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            created = scan(now=now)
            if not commit:
                raise Rollback
    except Rollback:
        pass
    cpu["total"] = _backend_cpu(connection) - start_cpu
    return time.perf_counter() - start, spent[0], created


def _cleanup():
    """Delete every reminder a scan made (each has a code; the bench data's own have none), with its
    deliveries and in-app notifications: the next run finds the same storm."""
    from django.db import connection, transaction

    storm = 'SELECT id FROM "suggestions_reminder" WHERE code IS NOT NULL'
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM "suggestions_notification" n USING "suggestions_reminderdelivery" d '
            "WHERE n.dedupe_key = 'reminder-delivery:' || d.id AND d.reminder_id IN (" + storm + ")"
        )
        cursor.execute('DELETE FROM "suggestions_reminderdelivery" WHERE reminder_id IN (' + storm + ")")
        cursor.execute('DELETE FROM "suggestions_reminder" WHERE id IN (' + storm + ")")


def _start_worker(log_path):
    env = {
        **os.environ,
        # Messages are not the measurement: e-mails are built and handed to a backend that drops them.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the worker
    proc = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "huaxi_renda",
            "worker",
            "--concurrency",
            "2",
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-storm-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return proc, log


def _send(now, *, timeout):
    """Queue the storm to a real worker; (seconds, counts) once nothing is left to send now."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from suggestions import reminders
    from suggestions.models import ReminderDelivery as D

    # Every delivery in the table is the storm's: the bench data has none, and the storm is cleaned away.
    storm = D.objects.all()
    log_path = ROOT / "var" / "bench-storm-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    proc, log = _start_worker(log_path)
    try:
        start = time.perf_counter()
        sent_at = timezone.now()
        dispatched = reminders.dispatch_pending(now=sent_at, run=reminders.run_queued)
        deadline = time.monotonic() + timeout
        waiting = None
        while time.monotonic() < deadline:
            moment = timezone.now()
            waiting = storm.filter(
                Q(status=D.Status.SENDING)
                | Q(status=D.Status.PENDING, not_before__isnull=True)
                | Q(status=D.Status.PENDING, not_before__lte=moment)
            ).exists()
            if not waiting or proc.poll() is not None:
                break
            time.sleep(3)
        elapsed = time.perf_counter() - start
        moment = timezone.now()
        waiting = storm.filter(
            Q(status=D.Status.SENDING)
            | Q(status=D.Status.PENDING, not_before__isnull=True)
            | Q(status=D.Status.PENDING, not_before__lte=moment)
        ).count()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    by_status = dict(storm.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    digest_rows = storm.filter(channel="email", reminder__is_urgent=False, status=D.Status.SENT)
    people = digest_rows.values("recipient_id").distinct().count()
    digests = digest_rows.values("recipient_id", "digest_date", "claimed_at").distinct().count()
    urgent_mails = storm.filter(channel="email", reminder__is_urgent=True, status=D.Status.SENT).count()
    return elapsed, {
        "dispatched": dispatched,
        "status": by_status,
        "left": waiting,
        "digest_people": people,
        "digests": digests,
        "digest_rows": digest_rows.count(),
        "urgent_mails": urgent_mails,
    }


def figures_reminder_storm(Figure, *, send=True, send_timeout=1800):
    """Two figures: the storm's finding and recording against its bar, and its send through a worker."""
    from django.utils import timezone

    from suggestions import reminders
    from suggestions.models import ReminderDelivery
    from suggestions.reminders.delivery import SEND_BATCH

    label = "reminder storm: finding and recording"
    now = timezone.now().replace(microsecond=0)
    _cleanup()  # a run stopped half-way leaves nothing behind
    empty_day = datetime.datetime(2000, 1, 4, 1, tzinfo=datetime.UTC)
    fixed_cpu, storm_cpu = {}, {}
    fixed, _d, nothing = _scan_timed(reminders.scan, empty_day, commit=False, cpu=fixed_cpu)
    try:
        total, deliveries, due = _scan_timed(reminders.scan, now, commit=True, cpu=storm_cpu)
        rows = ReminderDelivery.objects.count()  # the bench data has none of its own
        again, _d2, twice = _scan_timed(reminders.scan, now + datetime.timedelta(seconds=1), commit=False)
        recording = total - deliveries
        per_due = (recording - fixed) / due if due else 0.0
        db_cpu = storm_cpu["total"] - storm_cpu["deliveries"] - fixed_cpu["total"]
        figs = [
            Figure(
                label,
                value=f"{per_due * 1e6:.1f} µs per due reminder ({due:,} due: {recording:.2f} s without the "
                f"{rows:,} delivery rows, which took {deliveries:.2f} s more)",
                bar="≤ 10 µs per due reminder above the fixed part; a second scan records nothing",
                baseline=f"fixed part (the same scan with nothing due) {fixed:.2f} s; second scan {again:.2f} s, "
                f"{twice} recorded; the database server's CPU {db_cpu / due * 1e6 if due else 0:.1f} µs per due "
                "reminder above its fixed part (what other jobs on the machine stretch least)",
                ratio=f"{per_due / 10e-6:.1f}× the bar",
                verdict="ok" if per_due <= 10e-6 and twice == 0 and nothing == 0 else "MISS",
                note="committed, foreign keys checked per statement; deleted afterwards",
                data={
                    "seconds": recording,
                    "due": due,
                    "fixed": fixed,
                    "deliveries_s": deliveries,
                    "delivery_rows": rows,
                    "per_due_us": per_due * 1e6,
                    "db_cpu_per_due_us": db_cpu / due * 1e6 if due else 0.0,
                    "db_cpu": {"storm": storm_cpu, "fixed": fixed_cpu},
                    "second": [again, twice],
                },
            )
        ]
        if send:
            elapsed, c = _send(now, timeout=send_timeout)
            sent = c["status"].get("sent", 0)
            failed = c["status"].get("failed", 0)
            held = c["status"].get("pending", 0)
            one_each = c["digests"] == c["digest_people"]
            figs.append(
                Figure(
                    "reminder storm: the send through a real Celery worker",
                    value=f"{sent:,} deliveries sent in {elapsed:.1f} s ({sent / elapsed:.0f}/s); "
                    f"{c['digests']:,} digests for {c['digest_people']:,} people carrying {c['digest_rows']:,} "
                    f"reminders; {c['urgent_mails']:,} urgent e-mails one by one",
                    bar="one digest per person per day; urgent at once; nothing left, 0 failed",
                    baseline=f"{c['dispatched']['reminders']:,} reminders in tasks of "
                    f"{SEND_BATCH}; {held:,} held for later by the rules (quiet hours, the "
                    "daily text-message cap)",
                    verdict="ok" if one_each and not failed and not c["left"] else "MISS",
                    note=f"2 worker processes; {failed} failed; {c['left']} left unsent at the end",
                    data={"seconds": elapsed, **c},
                )
            )
        return figs
    finally:
        _cleanup()
