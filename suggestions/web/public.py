"""Public pages, no login: published outcomes, statistics and office pages of one congress
(``/public/`` for the first congress, ``/<slug>/public/`` for each other; CSV and feed in ``public_data``).

Caching: every page is rendered without a request, so nothing personal can be cached. Logged-in users get
the cached body inside a freshly rendered layout (their name, their messages); anonymous visitors get the
whole cached page with their own CSRF token and path filled in (see ``serve``). Keys carry the publication
version ``public:version``; ``actions._base.public_changed()`` bumps it after each publication change commits,
so an unpublished reply disappears from every page at once. Every key carries the congress's id: one
congress's page is never served on another's site.
"""

import hashlib
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huaxi_renda.cache import cache_add, cache_get, cache_get_many, cache_set, cache_set_many
from huaxi_renda.dbrouter import replica_is_current
from suggestions.queries import public_detail, public_list, public_stats, public_summary
from suggestions.queries.public_filters import PublicOutcomeFilter, clean_params
from suggestions.templatetags.outcomes import outcome_row
from suggestions.web.public_site import site_context, site_of, site_url

VERSION_KEY = "public:version"
PAGE_TIMEOUT = 10 * 60
# Statistics also move when offices reply or delegates rate, which is not a publication: keep them short.
STATS_TIMEOUT = 5 * 60


# --------------------------------------------------------------------------- cache helpers


def _start_version():
    """The publication version (``None`` on a cache outage)."""
    # Start from the clock, not 1: if the key was evicted, old pages under a small number never return.
    cache_add(VERSION_KEY, int(time.time()), None, message="Public page cache unavailable")
    return cache_get(VERSION_KEY, message="Public page cache unavailable")


def _key(congress, name, *parts):
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"public:{congress.pk}:{name}:{get_language()}:{digest}"


def cached(congress, name, parts, build, *, timeout=PAGE_TIMEOUT):
    """``build()`` → a dict of strings, cached until the publication version moves.

    One cache round trip on a hit: the version and the page are fetched together, and the page
    is stored with the version it was built under (read *before* building, so a page built while
    a publication changed is never served as current). ``None`` from build is not stored.
    """
    key = _key(congress, name, *parts)
    found = cache_get_many([VERSION_KEY, key], default=None, message="Public page cache unavailable")
    version = None if found is None else found.get(VERSION_KEY) or _start_version()
    if version is None:  # pages work without the cache
        return build()
    hit = found.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    # Asked before building: a page read from a replica behind the last publication is served, not kept.
    current = replica_is_current()
    value = build()
    if value is not None and current:
        cache_set(key, (version, value), timeout, message="Could not store a public page in the cache")
    return value


def render_page(request, congress, page):
    """Wrap a cached body in the site layout (header, navigation and CSRF token rendered fresh)."""
    if page is None:
        raise Http404
    return render(request, "suggestions/public/page.html", _page_context(congress, page))


def _page_context(congress, page):
    return {
        **site_context(congress),
        "page_title": page["title"],
        "page_body": mark_safe(page["body"]),  # noqa: S308 - rendered by our own templates, escaped there
        "page_js": page.get("js", False),
        "feed_url": site_url(congress, "feed"),
    }


# Anonymous visitors (most of the public) get the whole page from the cache: it is rendered once without a
# request, with two slots that are filled per response — the visitor's own CSRF token (footer language form)
# and the path the language form returns to. The slot names derive from SECRET_KEY so no text can forge them.
def _slots():
    seed = hashlib.sha256(("public-slots:" + settings.SECRET_KEY).encode()).hexdigest()
    return f"csrfslot{seed[:20]}", f"nextslot{seed[20:40]}"


class _SlotRequest:
    """Stands in for ``request`` while the shared page is rendered: base.html only asks for the path."""

    def __init__(self, next_slot):
        self.next_slot = next_slot

    def get_full_path(self):
        return self.next_slot


def _anonymous(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and len(storage))  # a pending message is personal


def serve(request, congress, name, parts, build, *, timeout=PAGE_TIMEOUT):
    """The public page ``name`` of ``congress``: whole from the cache for anonymous visitors, else the body
    from the cache."""
    if not _anonymous(request):
        return render_page(request, congress, cached(congress, name, parts, build, timeout=timeout))
    csrf_slot, next_slot = _slots()

    def build_full():
        page = build()
        if page is None:
            return None
        context = {**_page_context(congress, page), "csrf_token": csrf_slot, "request": _SlotRequest(next_slot)}
        return {"html": render_to_string("suggestions/public/page.html", context)}

    full = cached(congress, f"{name}:full", parts, build_full, timeout=timeout)
    if full is None:
        raise Http404
    html = full["html"].replace(csrf_slot, get_token(request)).replace(next_slot, escape(request.get_full_path()))
    return HttpResponse(html)


def _body(template, context):
    # No request: context processors (user, CSRF token) never reach what is cached.
    return render_to_string(template, context)


# --------------------------------------------------------------------------- outcomes list


def filtered(congress, query_dict, queryset=None):
    """The list's filters over ``congress``'s outcomes (``queryset``, by default ``outcomes(congress)``)."""
    params = clean_params(query_dict)
    data = dict(params)
    queryset = public_list.outcomes(congress) if queryset is None else queryset
    filterset = PublicOutcomeFilter(data, queryset=queryset, congress=congress)
    return filterset, params


def rows_html(items, congresses):
    """Each list row's HTML as ``row_html``; ``congresses`` by id (the rows' own, for their links)."""
    for s in items:
        s.public_url = site_url(congresses[s.congress_id], "detail", s.pk)
    return _rows_html(items)


def _rows_html(items):
    """Each list row's HTML as ``row_html``, cached per suggestion under its newest audit id.

    A row changes only when its own suggestion does (a reply published, a rating, a co-signer),
    and each such change writes an audit row of that suggestion; so after a publication only the
    rows that changed are rendered again, and only they need their replies and ratings loaded.
    Renamed offices or people show when the cache entry expires.
    """
    keys = {s.pk: f"public:row:{s.congress_id}:{get_language()}:{s.pk}:{s.audit_version or 0}" for s in items}
    found = cache_get_many(list(keys.values()), message="Public list row cache unavailable")
    missing = [s for s in items if keys[s.pk] not in found]
    if missing:
        public_list.load_rows(missing)
        fresh = {keys[s.pk]: str(outcome_row(s)) for s in missing}
        cache_set_many(fresh, PAGE_TIMEOUT, message="Could not store public list rows in the cache")
        found.update(fresh)
    for s in items:
        s.row_html = mark_safe(found[keys[s.pk]])  # noqa: S308 - rendered by our own template, escaped there
    return items


def outcome_list(request, congress_slug=None):
    congress = site_of(congress_slug)
    after = request.GET.get("after", "")[:40]
    before = request.GET.get("before", "")[:40]

    def build():
        filterset, params = filtered(congress, request.GET, public_list.outcome_rows_base(congress))
        filterset.form.is_valid()
        page = public_list.outcome_page(filterset.qs, after=after, before=before)
        matches = public_list.count_matches(filterset.qs) if params else None
        rows_html(page.items, {congress.pk: congress})
        query = "&".join(f"{k}={v}" for k, v in _encode(params))
        return {
            "title": _("建议办理结果公开"),
            "body": _body(
                "suggestions/public/outcome_list.html",
                {
                    **site_context(congress),
                    "filter": filterset,
                    "page": page,
                    "items": page.items,
                    "query": query,
                    "filtered": bool(params),
                    "matches": matches,
                    "matches_cap": public_list.COUNT_CAP,
                    "is_first_page": not (after or before) or not page.prev_cursor,
                    "csv_url": site_url(congress, "csv") + (f"?{query}" if query else ""),
                },
            ),
        }

    params = clean_params(request.GET)
    return serve(request, congress, "list", (params, after, before), build)


def _encode(params):
    from urllib.parse import quote

    return [(k, quote(v)) for k, v in params]


# --------------------------------------------------------------------------- outcome page


def outcome_detail(request, pk, congress_slug=None):
    congress = site_of(congress_slug)

    def build():
        suggestion = public_detail.outcome_detail(pk, congress)
        if suggestion is None:
            return None
        rounds = [
            {
                "number": number,
                "replies": [
                    {
                        "reply": reply,
                        "progress": public_detail.follow_up_progress(reply)
                        if reply.result_class_id and reply.result_class.needs_follow_up
                        else None,
                    }
                    for reply in replies
                ],
            }
            for number, replies in public_detail.rounds_of(suggestion)
        ]
        return {
            "title": suggestion.public_title,
            "body": _body(
                "suggestions/public/outcome_detail.html",
                {
                    **site_context(congress),
                    "suggestion": suggestion,
                    "summary": suggestion.summary,
                    "lead": public_detail.lead_paragraph(suggestion),
                    "rounds": rounds,
                    "several_rounds": len(rounds) > 1,
                    "followup_rounds": public_detail.followup_rounds(suggestion),
                    "rated_replies": [r for r in suggestion.published_replies if r.public_ratings],
                    "timeline": public_detail.public_timeline(suggestion),
                    "share_url": request.build_absolute_uri(site_url(congress, "detail", suggestion.pk)),
                },
            ),
        }

    return serve(request, congress, "detail", (pk, request.get_host()), build)


# --------------------------------------------------------------------------- statistics


def _pick_session(request, sessions):
    wanted = request.GET.get("session", "")
    if wanted.isdigit():
        for s in sessions:
            if s.pk == int(wanted):
                return s
    return next((s for s in sessions if s.is_current), sessions[0] if sessions else None)


def stats(request, congress_slug=None):
    congress = site_of(congress_slug)
    sessions = public_stats.stats_sessions(congress)
    session = _pick_session(request, sessions)

    def build():
        data = public_stats.session_stats(session) if session else None
        chart = None
        if data:
            chart = {
                "categories": [
                    {"name": r["category__name"], "filed": r["filed"], "replied": r["replied"]}
                    for r in data["categories"]
                ],
                "results": [
                    {"name": f"{r['result_class__code']} {r['result_class__name']}", "value": r["n"]}
                    for r in data["results"]
                ],
                "offices": [
                    {
                        "name": r["office__name"],
                        "reply_rate": r["reply_rate"].rate,
                        "on_time_rate": r["on_time_rate"].rate,
                        "satisfaction": r["satisfaction"].rate,
                    }
                    for r in data["offices"]
                ],
                "labels": {
                    "filed": _("立案件数"),
                    "replied": _("已答复"),
                    "reply_rate": _("办复率"),
                    "on_time_rate": _("按时办复率"),
                    "satisfaction": _("满意率"),
                    "percent": _("百分比"),
                },
            }
        return {
            "title": _("办理情况统计"),
            "js": True,
            "body": _body(
                "suggestions/public/stats.html",
                {
                    **site_context(congress),
                    "session": session,
                    "sessions": sessions,
                    "data": data,
                    "chart": chart,
                    "generated_at": timezone.localtime(),
                },
            ),
        }

    return serve(request, congress, "stats", (session.pk if session else 0,), build, timeout=STATS_TIMEOUT)


# --------------------------------------------------------------------------- per-office page


def office(request, pk, congress_slug=None):
    congress = site_of(congress_slug)
    office_obj = public_stats.office_for_public(pk, congress)
    if office_obj is None:
        raise Http404
    sessions = public_stats.stats_sessions(congress)
    wanted = request.GET.get("session", "")
    session = next((s for s in sessions if wanted.isdigit() and s.pk == int(wanted)), None)

    def build():
        data = public_stats.office_stats(office_obj, session)
        outcomes = public_list.outcome_page(
            public_list.with_office(public_list.outcomes(congress), office_obj), size=10
        )
        public_summary.outcome_rows(outcomes.items)
        return {
            "title": office_obj.name,
            "body": _body(
                "suggestions/public/office.html",
                {
                    **site_context(congress),
                    "office": office_obj,
                    "session": session,
                    "sessions": sessions,
                    "data": data,
                    "row": data["row"],
                    "items": outcomes.items,
                    "more": bool(outcomes.next_cursor),
                },
            ),
        }

    parts = (office_obj.pk, session.pk if session else 0)
    return serve(request, congress, "office", parts, build, timeout=STATS_TIMEOUT)
