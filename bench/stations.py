"""Residents' opinions at bench scale: the office inbox (with its section of forwarded opinions) and the staff
dashboard (with the stations' summary), before and after the stations receive many opinions.

    python -m bench.stations --db huaxi_bench_copy [--opinions 30000] [--forwarded 2000]

It writes opinions into the database it is given (never run it on the shared bench database: copy it first).
Each figure is printed with its baseline from the same run: the same page before the opinions were added.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from bench.run import Pages, page_url, setup_django


def _generate(*, opinions: int, forwarded: int, office_id: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from congresses.models import first_congress
    from stations.models import ResidentOpinion, Station, StationAudit, StationDelegate
    from suggestions.models import Office

    rng = random.Random(22)
    congress = first_congress()
    with transaction.atomic():
        stations = list(Station.objects.filter(congress=congress))
        if not stations:
            stations = [
                Station.objects.create(congress=congress, name=f"第{i}代表联络站", address="花溪区", hours="每周三")
                for i in range(40)
            ]
        from delegates.models import Delegate

        delegates = list(Delegate.objects.filter(congress_id=congress.pk).values_list("pk", flat=True)[:200])
        StationDelegate.objects.bulk_create(
            [StationDelegate(station=stations[i % len(stations)], delegate_id=pk) for i, pk in enumerate(delegates)],
            ignore_conflicts=True,
        )
        members = list(StationDelegate.objects.values_list("station_id", "delegate_id"))
        offices = list(Office.objects.filter(congress=congress).values_list("pk", flat=True))
        now = timezone.now()
        rows = []
        for n in range(opinions):
            station_id, delegate_id = rng.choice(members)
            received = now - datetime.timedelta(days=rng.randint(0, 365), hours=rng.randint(0, 23))
            row = ResidentOpinion(
                station_id=station_id,
                delegate_id=delegate_id if rng.random() < 0.6 else None,
                topic=f"群众意见{n}",
                text="小区路灯坏了，晚上很黑，请尽快修复。",
                received_at=received,
                first_response_due=(received + datetime.timedelta(days=4)).date(),
                answer_due=(received + datetime.timedelta(days=21)).date(),
            )
            fate = rng.random()
            if n < forwarded or fate < 0.15:
                row.status = ResidentOpinion.Status.FORWARDED
                row.forwarded_office_id = office_id if n < forwarded else rng.choice(offices)
                row.forwarded_at = row.first_responded_at = received + datetime.timedelta(days=rng.randint(0, 4))
                if rng.random() < 0.5:
                    row.office_signed_at = row.forwarded_at + datetime.timedelta(hours=5)
            elif fate < 0.75:
                row.status = ResidentOpinion.Status.CLOSED
                row.first_responded_at = received + datetime.timedelta(days=rng.randint(0, 5))
                row.answered_at = row.first_responded_at + datetime.timedelta(days=rng.randint(0, 15))
                row.answer = "已处理。"
                row.rating = rng.choice(ResidentOpinion.Rating.values)
            rows.append(row)
        ResidentOpinion.objects.bulk_create(rows, batch_size=2000)
        StationAudit.objects.create(action="bench_generate", data={"opinions": opinions})


def _measure(pages: Pages, role: str, url: str, repeat: int) -> tuple[float, int]:
    pages.get(role, url)  # warm
    times, counts = [], set()
    for _ in range(repeat):
        seconds, response, queries = pages.get(role, url)
        assert response.status_code == 200, (url, response.status_code)
        times.append(seconds)
        counts.add(len(queries))
    return statistics.median(times), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--opinions", type=int, default=30000)
    parser.add_argument("--forwarded", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup_django(args.db)
    from django.core.cache import cache
    from django.core.management import call_command

    from stations.models import ResidentOpinion

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    pages = Pages()
    urls = {"office inbox": ("clerk", page_url("office_inbox")), "staff dashboard": ("staff", page_url("dashboard"))}
    before = {label: _measure(pages, role, url, args.repeat) for label, (role, url) in urls.items()}
    if not ResidentOpinion.objects.exists():
        start = time.perf_counter()
        _generate(opinions=args.opinions, forwarded=args.forwarded, office_id=pages.office_id)
        print(f"generated {args.opinions} opinions in {time.perf_counter() - start:.0f} s")
    cache.clear()
    pages = Pages()
    after = {label: _measure(pages, role, url, args.repeat) for label, (role, url) in urls.items()}
    # The dashboard's stations summary computed afresh (its cache cleared), once.
    cache.clear()
    seconds, _response, queries = pages.get("staff", urls["staff dashboard"][1])
    print(f"opinions: {ResidentOpinion.objects.count()}; forwarded to the clerk's office: {args.forwarded}")
    for label in urls:
        (t0, q0), (t1, q1) = before[label], after[label]
        print(f"{label}: {q0} → {q1} queries (bar ≤ 12); median {1000 * t0:.1f} → {1000 * t1:.1f} ms ({t1 / t0:.2f}×)")
    print(f"staff dashboard, every cache empty: {1000 * seconds:.1f} ms, {len(queries)} queries (bar ≤ 100 ms median)")


if __name__ == "__main__":
    main()
