"""The replica router's figures (issue 19, "Past one machine"): public pages read from a streaming replica.

The replica is this machine's second PostgreSQL cluster on port 5433 (``scripts/replica-setup.sh``),
streaming from the first; physical replication copies the bench database with everything else. While
these figures run, a ``replica`` alias points at the same database there, as ``DATABASE_REPLICA_URL``
would in production. Each public page is requested twice per round, right after a publication (the
page is built, not served from the cache): by an anonymous visitor, whose reads go to the replica, and
by a browser that has just written (read-your-writes), whose reads go to the primary: the baseline.
Both are warmed by one untimed pass, then take turns at going first.
"""

import statistics
import time
from contextlib import contextmanager

REPLICA_PORT = 5433


@contextmanager
def attached_replica():
    """The ``replica`` alias on the replica cluster for the duration, or ``None`` when there is none."""
    import psycopg
    from django.db import DEFAULT_DB_ALIAS, connections

    from huaxi_renda.dbrouter import REPLICA

    try:
        with psycopg.connect(host="127.0.0.1", port=REPLICA_PORT, user="postgres", dbname="postgres") as conn:
            standby = conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.OperationalError:
        standby = False
    if not standby:
        yield None
        return
    connections.settings[REPLICA] = {
        **connections.settings[DEFAULT_DB_ALIAS],
        "HOST": "127.0.0.1",
        "PORT": REPLICA_PORT,
    }
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _lsn_replayed(cursor, lsn):
    cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
    return cursor.fetchone()[0]


def replication_lag(samples):
    """Seconds from a commit on the primary until the replica has replayed it, ``samples`` times."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from huaxi_renda.dbrouter import REPLICA

    lags = []
    with connections[DEFAULT_DB_ALIAS].cursor() as primary, connections[REPLICA].cursor() as replica:
        for _ in range(samples):
            # A small committed transaction that changes no data (a transactional WAL message), then
            # where the WAL ends: the commit is flushed, so the walsender ships it at once.
            primary.execute("SELECT pg_logical_emit_message(true, 'bench', 'replica lag')::text")
            lsn = primary.fetchone()[0]
            start = time.perf_counter()
            while not _lsn_replayed(replica, lsn):
                time.sleep(0.0005)
            lags.append(time.perf_counter() - start)
            time.sleep(0.02)
    return lags


def _timed_pair(urls, repeat, before_each):
    """Server times of the same URLs read from the replica (anonymous) and the primary (a browser that wrote)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.test import Client

    from huaxi_renda.dbrouter import REPLICA, WROTE_COOKIE

    visitor, writer = Client(), Client()
    times = {"replica": [], "primary": []}
    queries = {"replica": {DEFAULT_DB_ALIAS: 0, REPLICA: 0}, "primary": {DEFAULT_DB_ALIAS: 0, REPLICA: 0}}
    statuses = set()
    # One untimed pass each first: the replica has its own buffers, cold while the primary's are warm
    # from the figures before; and the public list rows are then cached for both alike.
    for url in urls:
        for client in (visitor, writer):
            writer.cookies[WROTE_COOKIE] = str(int(time.time()))
            before_each()
            client.get(url)
    for round_ in range(repeat):
        for i, url in enumerate(urls):
            # Taking turns at going first: neither finds the other's work in the row cache every time.
            order = (("replica", visitor), ("primary", writer))
            for path, client in order if (round_ + i) % 2 == 0 else order[::-1]:
                if path == "primary":
                    client.cookies[WROTE_COOKIE] = str(int(time.time()))
                before_each()
                counted = queries[path]

                def count(execute, sql, params, many, context, counted=counted):
                    counted[context["connection"].alias] += 1
                    return execute(sql, params, many, context)

                with connections[DEFAULT_DB_ALIAS].execute_wrapper(count), connections[REPLICA].execute_wrapper(count):
                    start = time.perf_counter()
                    response = client.get(url)
                    times[path].append(time.perf_counter() - start)
                statuses.add(response.status_code)
    return times, queries, statuses


def figures_replica(pages, quick, *, page_url, public_filter_mix, bump_public_version, Figure, ms):
    """Public list and detail from the replica beside the same pages from the primary, and the replica's lag."""
    from django.conf import settings

    from huaxi_renda.dbrouter import note_public_change

    label = "replica router"
    with attached_replica() as replica:
        if replica is None:
            return [
                Figure(
                    label,
                    verdict="n/a",
                    note=f"no streaming replica on 127.0.0.1:{REPLICA_PORT}: run scripts/replica-setup.sh",
                )
            ]
        note_public_change()  # as a publication does: the fence public pages from the replica are checked against
        repeat = 1 if quick else 3
        figs = []
        pages_to_time = (
            ("public outcome list", public_filter_mix(pages, 6 if quick else 16)),
            ("public outcome detail", [page_url("public_detail", pk) for pk in pages.details[: 4 if quick else 10]]),
        )
        for name, urls in pages_to_time:
            times, queries, statuses = _timed_pair(urls, repeat, bump_public_version)
            n = len(times["replica"])
            on_replica, on_primary = (statistics.median(times[p]) for p in ("replica", "primary"))
            routed = queries["replica"]
            ok = statuses == {200} and on_replica <= 1.25 * on_primary and routed["replica"] > 0
            figs.append(
                Figure(
                    f"{label}: {name}, first request after a publication, anonymous → replica",
                    value=f"median {ms(on_replica)} / p95 {ms(sorted(times['replica'])[int(0.95 * (n - 1))])}",
                    bar="≤ 1.25 × the same pages from the primary",
                    baseline=f"same pages right after a write (read-your-writes → primary) median {ms(on_primary)}",
                    ratio=f"{on_replica / on_primary:.2f}",
                    verdict="ok" if ok else "MISS",
                    note=f"{n} requests each; queries from the visitor's pages: replica {routed['replica']}, "
                    f"primary {routed['default']}; from the writer's: primary {queries['primary']['default']}, "
                    f"replica {queries['primary']['replica']}" + ("" if statuses == {200} else f", HTTP {statuses}"),
                    data={"median": on_replica, "primary": on_primary, "queries": queries},
                )
            )
        lags = replication_lag(20 if quick else 100)
        window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
        p95 = sorted(lags)[int(0.95 * (len(lags) - 1))]
        figs.append(
            Figure(
                f"{label}: replication lag, a commit on the primary until the replica replayed it",
                value=f"median {ms(statistics.median(lags))} / p95 {ms(p95)} / max {ms(max(lags))}",
                bar=f"p95 well inside the read-your-writes window ({window} s)",
                verdict="ok" if p95 < window / 10 else "MISS",
                note=f"{len(lags)} small commits, one at a time",
                data={"median": statistics.median(lags), "p95": p95},
            )
        )
    return figs
