"""Two versions of the code side by side on the same data, taking turns (issue 25: compare in one run).

    python -m bench.ab --db huaxi_bench_perf --base /tmp/base-checkout [--turns 5] [--figures detail,dashboard]
    python -m bench.ab --db huaxi_bench_perf --base /tmp/base-checkout --figures paging   # home and inbox

``--base`` is another checkout of the project (``git archive main | tar -x -C DIR``); this checkout is
"new". Each turn starts a fresh process per version (base, then new, then new, then base …, so neither
always goes first) that times the page figures of ``bench.run`` with that version's code against the
same database, and prints one JSON line. The medians of every turn's samples are compared per figure,
with the machine-speed loop (``cpu_yardstick``) and the load average of the run. Only code changes
compare this way: both versions read the same database, so a migration is measured apart.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("detail", "dashboard", "public_cold")


def child(db, figures, repeat):
    """In one version's process: the samples (seconds) of each figure, as one JSON line."""
    from bench import run

    run.setup_django(db)
    from django.core.management import call_command

    # Beside the wall-clock samples, this process's CPU time per request: the Python share of a page, which
    # another job on the machine lengthens far less than it does the wall clock.
    cpu, get = [], run.Pages.get

    def timed_get(self, role, url):
        start = time.thread_time()
        try:
            return get(self, role, url)
        finally:
            cpu.append(time.thread_time() - start)

    run.Pages.get = timed_get

    call_command("collectstatic", verbosity=0, interactive=False)  # each checkout has its own static root
    pages = run.Pages()
    out = {}

    def detail_urls(pks):
        return [run.page_url("detail", pk) for pk in pks]

    details = {
        "staff": detail_urls(pages.details[:10]),
        "delegate": detail_urls(pages.delegate_own[:5]),
        "clerk": detail_urls(pages.clerk_own[:5]),
    }
    dashboard = run.page_url("dashboard")
    mix = run.public_filter_mix(pages, 16)
    # Warm the process (imports, translations, templates) as the bench's query counts do first.
    for role, urls in details.items():
        run.timed_page(pages, role, urls[:1], 1)
    run.timed_page(pages, "staff", [dashboard], 1)
    run.timed_page(pages, "anonymous", mix[:1], 1)
    if "detail" in figures:
        for role, urls in details.items():
            cpu.clear()
            times, sql, _s = run.timed_page(pages, role, urls, repeat)
            out[f"detail {role}"] = times
            out[f"detail {role}: CPU of the process"] = list(cpu)
            out[f"detail {role}: bare SQL"] = sql
    if "dashboard" in figures:
        times = []
        cpu.clear()
        for _ in range(repeat + 1):
            run.clear_cache()
            times.append(pages.get("staff", dashboard)[0])
        out["dashboard recount"] = times
        out["dashboard recount: CPU of the process"] = list(cpu)
    if "paging" in figures:
        # The two bounded pages of issue 25 (bench/paging.py): the delegate with the most suggestions, a clerk
        # of the office with the most open assignments.
        for name, role, key in (
            ("delegate home", "delegate", "delegate_home"),
            ("office inbox", "clerk", "office_inbox"),
        ):
            url = run.page_url(key)
            run.timed_page(pages, role, [url], 1)
            cpu.clear()
            times, sql, _s = run.timed_page(pages, role, [url], repeat * 3)
            out[name] = times
            out[f"{name}: CPU of the process"] = list(cpu)
            out[f"{name}: bare SQL"] = sql
    if "public_cold" in figures:
        times = []
        cpu.clear()
        for _ in range(max(1, repeat // 2)):
            run.clear_cache()
            times += run.timed_page(pages, "anonymous", mix, 1)[0]
        out["public list, every cache empty"] = times
        out["public list, every cache empty: CPU of the process"] = list(cpu)
    print("AB " + json.dumps(out))


def turn(root, db, figures, repeat):
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--child", "--db", db, "--figures", ",".join(figures)]
        + ["--repeat", str(repeat)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("AB ")]
    if done.returncode or not lines:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"the {root} process failed")
    return json.loads(lines[-1][3:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--base", help="the other checkout (the baseline)")
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--figures", default=",".join(FIGURES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    figures = [f for f in args.figures.split(",") if f]
    if args.child:
        child(args.db, figures, args.repeat)
        return
    from bench.run import cpu_yardstick

    roots = {"base": Path(args.base).resolve(), "new": ROOT}
    samples = {"base": {}, "new": {}}
    load = [os.getloadavg()[0]]
    loops = [cpu_yardstick()]
    started = time.perf_counter()
    for i in range(args.turns):
        for version in ("base", "new") if i % 2 == 0 else ("new", "base"):
            for name, values in turn(roots[version], args.db, figures, args.repeat).items():
                samples[version].setdefault(name, []).extend(values)
        load.append(os.getloadavg()[0])
    loops.append(cpu_yardstick())
    print(
        f"{args.turns} turns in {time.perf_counter() - started:.0f} s; load average (1 min) "
        f"{min(load):.1f}–{max(load):.1f}; loop yardstick {loops[0]} s at the start, {loops[1]} s at the end"
    )
    print("| figure | base median | new median | new ÷ base | samples |\n| --- | --- | --- | --- | --- |")
    for name in samples["new"]:
        base, new = samples["base"].get(name), samples["new"][name]
        if not base:
            continue
        b, n = statistics.median(base), statistics.median(new)
        print(f"| {name} | {b * 1000:.1f} ms | {n * 1000:.1f} ms | {n / b:.2f} | {len(new)} |")


if __name__ == "__main__":
    main()
