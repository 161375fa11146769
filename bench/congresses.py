"""Many congresses in one deployment (issue 18): page figures with the same data split over three congresses.

First every page is timed as the bench data stands: one congress holds everything (the single-congress
baseline). Then, inside a transaction that is rolled back at the end, the older terms with their sessions,
delegates and suggestions become a second congress (贵阳市人大, the city above) and a third congress (a
township below) is created empty; the same pages of the first congress are timed again, and the city's
staff page too. Every page keeps to its congress by a ``congress_id`` filter (first guard): the figure shows
what that filter costs, page by page, against the single-congress figure of the same run. The bar: no page
slower than its single-congress figure (with a 10 % allowance for noise on a shared 2-core machine).
"""

import statistics

ALLOWANCE = 1.10


class _Rollback(Exception):
    pass


def _split(first):
    """The older terms (and what hangs off them) to a city congress; an empty township; returns the city."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from congresses.models import Congress, StaffMembership, forget_kept
    from delegates.models import Delegate, Session, Term
    from suggestions.models import Suggestion
    from suggestions.roles import STAFF_GROUP

    city = Congress.objects.create(name="贵阳市人大（测）", slug="bench-city", level=Congress.Level.CITY)
    Congress.objects.create(name="青岩镇人大（测）", slug="bench-town", level=Congress.Level.TOWNSHIP, parent=first)
    first.parent = city
    first.save(update_fields=["parent"])
    current = Session.objects.get(congress=first, is_current=True)
    older = Term.objects.filter(congress=first).exclude(pk=current.term_id)
    term_ids = list(older.values_list("pk", flat=True))
    older.update(congress=city)
    Session.objects.filter(term_id__in=term_ids).update(congress=city)
    Delegate.objects.filter(term_id__in=term_ids).update(congress=city)
    moved = Suggestion.objects.filter(session__term_id__in=term_ids).update(congress=city)
    user = get_user_model().objects.create(username="bench_city_staff")
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    StaffMembership.objects.create(user=user, congress=city)
    forget_kept()
    return city, user, moved


def figures_congresses(pages, quick, *, Figure, ms, page_url, timed_page, clear_cache):
    from django.db import transaction
    from django.test import Client

    from congresses.models import first_congress
    from delegates.models import Session
    from suggestions.models import Suggestion

    repeat = 2 if quick else 5
    # Outcomes of the current term: they stay in the first congress when the older terms move.
    current = Session.objects.get(congress=first_congress(), is_current=True)
    details = list(
        Suggestion.objects.filter(is_published=True, session__term_id=current.term_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    checks = [
        ("staff track list (staff)", "staff", [page_url("staff_list")]),
        ("suggestion detail (staff)", "staff", [page_url("detail", pk) for pk in details]),
        ("delegate home (delegate)", "delegate", [page_url("delegate_home")]),
        ("office inbox (clerk)", "clerk", [page_url("office_inbox")]),
        ("staff dashboard (staff)", "staff", [page_url("dashboard")]),
        ("public outcome list, first page, every cache empty (anonymous)", "anonymous", [page_url("public_list")]),
        (
            "public outcome detail, every cache empty (anonymous)",
            "anonymous",
            [page_url("public_detail", pk) for pk in details],
        ),
    ]

    def measure():
        found = {}
        for label, role, urls in checks:
            timed_page(pages, role, urls, 1)  # warm the process (its kept congresses, templates)
            clear_cache()
            # Public pages are built each time (every cache emptied first), not served from the page cache.
            before_each = clear_cache if role == "anonymous" else None
            times, _sql, statuses = timed_page(pages, role, urls, repeat, before_each)
            found[label] = (statistics.median(times), statuses)
        return found

    single = measure()
    figs = []
    try:
        with transaction.atomic():
            city, city_user, moved = _split(first_congress())
            split = measure()
            client = Client()
            client.force_login(city_user)
            pages.clients["city_staff"] = client
            city_track = timed_page(pages, "city_staff", [page_url("staff_list")], repeat)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        from congresses.models import forget_kept

        pages.clients.pop("city_staff", None)
        forget_kept()
    for label, _role, _urls in checks:
        before, _ = single[label]
        after, statuses = split[label]
        ok = statuses == {200} and after <= before * ALLOWANCE
        figs.append(
            Figure(
                f"three congresses, {label}",
                value=f"median {ms(after)}",
                bar="≤ the single-congress figure (+10 %)",
                baseline=f"one congress {ms(before)}",
                ratio=f"{after / before:.2f}×" if before else "—",
                verdict="ok" if ok else "MISS",
                note=f"{moved:,} suggestions of older terms moved to a second congress; HTTP {sorted(statuses)}",
                data={"median": after, "single": before},
            )
        )
    times, _sql, statuses = city_track
    figs.append(
        Figure(
            "three congresses, the city's staff track list (its own half of the data)",
            value=f"median {ms(statistics.median(times))}",
            bar="no bar (reference)",
            baseline=f"the district's, one congress {ms(single['staff track list (staff)'][0])}",
            verdict="info" if statuses == {200} else "MISS",
            note=f"HTTP {sorted(statuses)}",
        )
    )
    return figs
