"""The bounded pages (issue 25): the delegate home and the office inbox against their 50 ms bar.

Each page is timed for the delegate with the most suggestions and a clerk of the office with the most
open assignments; a deep page of a home section (five 较早 links down) shows keyset paging costs the same
at any depth. Two baselines from the same run: the bare SQL of the same requests, and "before": the
statements the pages ran before they were bounded (every open row of the delegate with its window
counts; every open assignment of the office with its groups, counted and sorted), replayed here.
"""

import re
import statistics
import time

BAR = 0.050


def _old_home(delegate):
    """What the delegate home read before: every open row (and the newest ten finished) with window counts."""
    from django.db.models import Case, Count, F, Q, Value, When, Window
    from django.db.models.functions import RowNumber

    from suggestions.models import CoSigner, Suggestion
    from suggestions.queries.delegate_selectors import FINISHED_STATUSES, _unrated_by

    section = Case(
        When(~Q(status__in=FINISHED_STATUSES), then=Value("open")),
        When(lead_delegate=delegate, then=Value("finished")),
        default=Value("cosigned_finished"),
    )
    newest = [F("updated_at").desc(), F("id").desc()]
    mine = Suggestion.objects.filter(
        Q(lead_delegate=delegate) | Q(cosigners__delegate=delegate, cosigners__status=CoSigner.Status.CONFIRMED)
    ).values("pk")
    qs = (
        Suggestion.objects.filter(pk__in=mine)
        .select_related("category", "lead_delegate")
        .annotate(
            waiting_my_rating=_unrated_by(delegate),
            section=section,
            section_rank=Window(RowNumber(), partition_by=[section], order_by=newest),
            section_total=Window(Count("pk"), partition_by=[section]),
        )
        .filter(Q(section="open") | Q(section_rank__lte=10))
        .order_by("-updated_at", "-id")
    )
    return len(list(qs))


def _old_inbox(user):
    """What the office inbox read before: every open assignment's group, counted twice and sorted for a page."""
    from django.db.models import BooleanField, Case, Count, Q, Value, When
    from django.utils import timezone

    from suggestions.queries import office_selectors

    today = timezone.localdate()
    qs = office_selectors.office_assignments(user)
    active = Q(group__in=office_selectors.ACTIVE_GROUPS)
    dict(qs.order_by().values_list("group").annotate(n=Count("pk")).values_list("group", "n"))
    qs.aggregate(
        to_sign=Count("pk", filter=Q(status="pending")),
        overdue=Count("pk", filter=active & Q(deadline__lt=today)),
        soon=Count("pk", filter=active & Q(deadline__gte=today)),
        waiting=Count("pk", filter=Q(group="waiting")),
    )
    ordered = qs.annotate(
        is_active=Case(When(active, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("-is_active", "deadline", "pk")
    return len(list(ordered.values_list("pk", "group", "co_due_count", "needs_follow_up")[:50]))


def _time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def figures_paging(pages, quick, *, Figure, ms, timed_page, page_url):
    from suggestions.models import OfficeMember

    repeat = 3 if quick else 7
    clerk = OfficeMember.objects.filter(office_id=pages.office_id).select_related("user").first().user
    home = page_url("delegate_home")
    _elapsed, response, _queries = pages.get("delegate", f"{home}?section=finished")
    deep = f"{home}?section=finished"
    for _ in range(5):
        older = re.search(r'href="(\?[^"#]*before=[^"#]+)', response.content.decode())
        if not older:
            break
        deep = home + older.group(1).replace("&amp;", "&")
        _elapsed, response, _queries = pages.get("delegate", deep)
    cases = [
        ("delegate home, the delegate with the most suggestions", "delegate", home, lambda: _old_home(pages.delegate)),
        (
            "office inbox, the office with the most open assignments",
            "clerk",
            page_url("office_inbox"),
            lambda: _old_inbox(clerk),
        ),
        ("delegate home, one section five pages deep (keyset)", "delegate", deep, None),
    ]
    figs = []
    for label, role, url, before in cases:
        times, sql_times, statuses = timed_page(pages, role, [url], repeat)
        _elapsed, response, queries = pages.get(role, url)
        rows = response.content.decode().count("data-row")
        median, sql = statistics.median(times), statistics.median(sql_times)
        note = f"{rows} rows shown, {len(queries)} queries, {len(times)} requests"
        baseline, ratio = f"bare SQL {ms(sql)}", f"{median / sql:.1f}× SQL" if sql else "—"
        if before is not None:
            old = _time(before, max(3, repeat // 2))
            baseline += f"; before: its old statements alone {ms(old)}"
            ratio += f"; {median / old:.2f}× before"
        figs.append(
            Figure(
                f"server time, {label}",
                value=f"median {ms(median)}",
                bar=f"≤ {BAR * 1000:.0f} ms median",
                baseline=baseline,
                ratio=ratio,
                verdict="ok" if statuses == {200} and median <= BAR else "MISS",
                note=note,
                data={"median": median, "sql": sql, "rows": rows},
            )
        )
    return figs
