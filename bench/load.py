"""A small load generator: N threads with keep-alive connections hammer one URL for a fixed time.

Run as a separate process (``python -m bench.load URL --seconds 5 --concurrency 8``) so it does not
share the interpreter with the server; prints one JSON line: requests, errors, seconds, rps, latencies.
"""

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def worker(url, deadline, results):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = None
    ok = errors = 0
    latencies = []
    while time.monotonic() < deadline:
        try:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            start = time.perf_counter()
            conn.request("GET", path, headers={"Host": parts.hostname})
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - start)
            if response.status == 200:
                ok += 1
            else:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            if conn is not None:
                conn.close()
            conn = None
    results.append((ok, errors, latencies))


def run(url, *, seconds, concurrency, warmup=1.0):
    if warmup:
        run(url, seconds=warmup, concurrency=concurrency, warmup=0)
    results = []
    start = time.monotonic()
    deadline = start + seconds
    threads = [threading.Thread(target=worker, args=(url, deadline, results)) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[2]) or [0.0]
    return {
        "url": url,
        "requests": ok,
        "errors": errors,
        "seconds": round(elapsed, 3),
        "rps": round(ok / elapsed, 1),
        "median_ms": round(1000 * statistics.median(latencies), 2),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.url, seconds=args.seconds, concurrency=args.concurrency)))


if __name__ == "__main__":
    main()
