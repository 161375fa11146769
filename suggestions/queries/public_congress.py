"""Which congress a public page belongs to, and what a city's overview of its congresses shows.

``/public/`` is the first congress (花溪区人大); ``/<slug>/public/`` is the active congress with that slug.
Every public query takes the congress and reads only its rows; every public cache key carries its id.
"""

import time

from django.db.models import signals

from congresses.models import FIRST_SLUG, Congress, first_congress

# Congresses change a few times a year and every public page needs one: each process keeps them a minute
# (like ``congresses.models.congress_by_id``), so a cached public page still costs no query.
_KEPT: dict[str, tuple[float, Congress | None]] = {}
KEEP_SECONDS = 60
# Levels whose public site has a page of their congresses and the ones below.
OVERVIEW_LEVELS = (Congress.Level.PROVINCE, Congress.Level.CITY)


def public_congress(slug=None):
    """The active congress whose public site is ``/<slug>/public/`` (the first congress for ``None``), or None."""
    slug = slug or FIRST_SLUG
    now = time.monotonic()
    kept = _KEPT.get(slug)
    if kept is None or now - kept[0] > KEEP_SECONDS:
        if slug == FIRST_SLUG:
            congress = first_congress()
        else:
            congress = Congress.objects.filter(slug=slug, is_active=True).first()
        kept = _KEPT[slug] = (now, congress)
    return kept[1]


def forget_kept(**kwargs):
    _KEPT.clear()


signals.post_save.connect(forget_kept, sender=Congress, dispatch_uid="public_congress_forget_kept")
signals.post_delete.connect(forget_kept, sender=Congress, dispatch_uid="public_congress_forget_kept_delete")


def has_overview(congress):
    return congress.level in OVERVIEW_LEVELS


def congress_tree(congress):
    """``congress`` and every active congress below it (districts, then their townships), in order."""
    found = [congress]
    level = [congress.pk]
    while level:
        below = list(Congress.objects.filter(parent_id__in=level, is_active=True).order_by("order", "pk"))
        found += below
        level = [c.pk for c in below]
    return found


def congress_figures(congress):
    """A congress's public figures as its statistics page shows them: its current (else latest) session,
    registered suggestions only, from the tallies. ``None`` when it has no session yet."""
    from suggestions.queries import public_stats

    sessions = public_stats.stats_sessions(congress)
    session = next((s for s in sessions if s.is_current), sessions[0] if sessions else None)
    if session is None:
        return None
    data = public_stats.session_stats(session)
    # 办复率, 按时办复率, 满意率: the first three headline figures of the statistics page.
    return {"session": session, "counts": data["counts"], "figures": data["figures"][:3]}
