"""Public pages, no login: published outcomes, statistics, office pages, CSV and Atom feed.

Caching: every page is rendered without a request, so nothing personal can be cached. Logged-in users get
the cached body inside a freshly rendered layout (their name, their messages); anonymous visitors get the
whole cached page with their own CSRF token and path filled in (see ``serve``). Keys carry the publication
version ``public:version``; ``actions._base.public_changed()`` bumps it after each publication change commits,
so an unpublished reply disappears from every page at once.
"""

import csv
import hashlib
import time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from huaxi_renda.cache import cache_add, cache_get, cache_get_many, cache_set, cache_set_many
from huaxi_renda.dbrouter import replica_is_current
from suggestions.queries import public_detail, public_list, public_stats, public_summary
from suggestions.queries.public_filters import PublicOutcomeFilter, clean_params
from suggestions.templatetags.outcomes import outcome_row

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


def _key(name, *parts):
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"public:{name}:{get_language()}:{digest}"


def cached(name, parts, build, *, timeout=PAGE_TIMEOUT):
    """``build()`` → a dict of strings, cached until the publication version moves.

    One cache round trip on a hit: the version and the page are fetched together, and the page
    is stored with the version it was built under (read *before* building, so a page built while
    a publication changed is never served as current). ``None`` from build is not stored.
    """
    key = _key(name, *parts)
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


def render_page(request, page):
    """Wrap a cached body in the site layout (header, navigation and CSRF token rendered fresh)."""
    if page is None:
        raise Http404
    return render(request, "suggestions/public/page.html", _page_context(page))


def _page_context(page):
    return {
        "page_title": page["title"],
        "page_body": mark_safe(page["body"]),  # noqa: S308 - rendered by our own templates, escaped there
        "page_js": page.get("js", False),
        "feed_url": reverse("public:feed"),
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


def serve(request, name, parts, build, *, timeout=PAGE_TIMEOUT):
    """The public page ``name``: whole from the cache for anonymous visitors, else the body from the cache."""
    if not _anonymous(request):
        return render_page(request, cached(name, parts, build, timeout=timeout))
    csrf_slot, next_slot = _slots()

    def build_full():
        page = build()
        if page is None:
            return None
        context = {**_page_context(page), "csrf_token": csrf_slot, "request": _SlotRequest(next_slot)}
        return {"html": render_to_string("suggestions/public/page.html", context)}

    full = cached(f"{name}:full", parts, build_full, timeout=timeout)
    if full is None:
        raise Http404
    html = full["html"].replace(csrf_slot, get_token(request)).replace(next_slot, escape(request.get_full_path()))
    return HttpResponse(html)


def _body(template, context):
    # No request: context processors (user, CSRF token) never reach what is cached.
    return render_to_string(template, context)


# --------------------------------------------------------------------------- outcomes list


def _filtered(query_dict, queryset=None):
    params = clean_params(query_dict)
    data = dict(params)
    filterset = PublicOutcomeFilter(data, queryset=public_list.outcomes() if queryset is None else queryset)
    return filterset, params


def _rows_html(items):
    """Each list row's HTML as ``row_html``, cached per suggestion under its newest audit id.

    A row changes only when its own suggestion does (a reply published, a rating, a co-signer),
    and each such change writes an audit row of that suggestion; so after a publication only the
    rows that changed are rendered again, and only they need their replies and ratings loaded.
    Renamed offices or people show when the cache entry expires.
    """
    keys = {s.pk: f"public:row:{get_language()}:{s.pk}:{s.audit_version or 0}" for s in items}
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


def outcome_list(request):
    after = request.GET.get("after", "")[:40]
    before = request.GET.get("before", "")[:40]

    def build():
        filterset, params = _filtered(request.GET, public_list.outcome_rows_base())
        filterset.form.is_valid()
        page = public_list.outcome_page(filterset.qs, after=after, before=before)
        matches = public_list.count_matches(filterset.qs) if params else None
        _rows_html(page.items)
        query = "&".join(f"{k}={v}" for k, v in _encode(params))
        return {
            "title": _("建议办理结果公开"),
            "body": _body(
                "suggestions/public/outcome_list.html",
                {
                    "filter": filterset,
                    "page": page,
                    "items": page.items,
                    "query": query,
                    "filtered": bool(params),
                    "matches": matches,
                    "matches_cap": public_list.COUNT_CAP,
                    "is_first_page": not (after or before) or not page.prev_cursor,
                    "csv_url": reverse("public:csv") + (f"?{query}" if query else ""),
                },
            ),
        }

    params = clean_params(request.GET)
    return serve(request, "list", (params, after, before), build)


def _encode(params):
    from urllib.parse import quote

    return [(k, quote(v)) for k, v in params]


# --------------------------------------------------------------------------- outcome page


def outcome_detail(request, pk):
    def build():
        suggestion = public_detail.outcome_detail(pk)
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
                    "suggestion": suggestion,
                    "summary": suggestion.summary,
                    "lead": public_detail.lead_paragraph(suggestion),
                    "rounds": rounds,
                    "several_rounds": len(rounds) > 1,
                    "followup_rounds": public_detail.followup_rounds(suggestion),
                    "rated_replies": [r for r in suggestion.published_replies if r.public_ratings],
                    "timeline": public_detail.public_timeline(suggestion),
                    "share_url": request.build_absolute_uri(reverse("public:detail", args=[suggestion.pk])),
                },
            ),
        }

    return serve(request, "detail", (pk, request.get_host()), build)


# --------------------------------------------------------------------------- statistics


def _pick_session(request, sessions):
    wanted = request.GET.get("session", "")
    if wanted.isdigit():
        for s in sessions:
            if s.pk == int(wanted):
                return s
    return next((s for s in sessions if s.is_current), sessions[0] if sessions else None)


def stats(request):
    sessions = public_stats.stats_sessions()
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
                    "session": session,
                    "sessions": sessions,
                    "data": data,
                    "chart": chart,
                    "generated_at": timezone.localtime(),
                },
            ),
        }

    return serve(request, "stats", (session.pk if session else 0,), build, timeout=STATS_TIMEOUT)


# --------------------------------------------------------------------------- per-office page


def office(request, pk):
    office_obj = public_stats.office_for_public(pk)
    if office_obj is None:
        raise Http404
    sessions = public_stats.stats_sessions()
    wanted = request.GET.get("session", "")
    session = next((s for s in sessions if wanted.isdigit() and s.pk == int(wanted)), None)

    def build():
        data = public_stats.office_stats(office_obj, session)
        outcomes = public_list.outcome_page(public_list.with_office(public_list.outcomes(), office_obj), size=10)
        public_summary.outcome_rows(outcomes.items)
        return {
            "title": office_obj.name,
            "body": _body(
                "suggestions/public/office.html",
                {
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

    return serve(request, "office", (office_obj.pk, session.pk if session else 0), build, timeout=STATS_TIMEOUT)


# --------------------------------------------------------------------------- open data


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """Text as it is, but a cell that a spreadsheet would run as a formula starts with an apostrophe."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_HEADER = [
    gettext_lazy("编号"),
    gettext_lazy("标题"),
    gettext_lazy("领衔代表"),
    gettext_lazy("联名代表"),
    gettext_lazy("类别"),
    gettext_lazy("会议"),
    gettext_lazy("承办单位"),
    gettext_lazy("办理结果"),
    gettext_lazy("答复日期"),
    gettext_lazy("代表评价"),
    gettext_lazy("公开日期"),
    gettext_lazy("网址"),
]


def outcomes_csv(request):
    """The published list (with the list's filters) as UTF-8 CSV, streamed row by row."""
    filterset, _params = _filtered(request.GET)
    queryset = filterset.qs.order_by("-published_at", "-pk")
    base = request.build_absolute_uri("/")[:-1]
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow([str(h) for h in CSV_HEADER])
        for s in queryset.iterator(chunk_size=500):
            summary = public_summary.summarize(s)
            yield writer.writerow(
                [
                    _cell(v)
                    for v in (
                        s.number_display,
                        s.public_title,
                        s.lead_delegate.name,
                        "、".join(c.delegate.name for c in s.confirmed_cosigners),
                        s.category.name,
                        s.session.name,
                        "、".join(o.name for o in summary.offices),
                        "、".join(f"{rc.code} {rc.name}" for rc in summary.result_classes),
                        summary.reply_date.isoformat() if summary.reply_date else "",
                        summary.rating_text,
                        timezone.localdate(s.published_at).isoformat(),
                        base + reverse("public:detail", args=[s.pk]),
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="huaxi-outcomes-{stamp}.csv"'
    return response


class OutcomesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("花溪区人大代表建议办理结果公开")
    subtitle = gettext_lazy("新公开的代表建议及承办单位答复")

    def link(self):
        return reverse("public:list")

    def items(self):
        items = list(public_list.outcomes().order_by("-published_at", "-pk")[: public_list.FEED_SIZE])
        return public_summary.outcome_rows(items)

    def item_title(self, item):
        return f"{item.number_display} {item.public_title}".strip()

    def item_description(self, item):
        return public_detail.lead_paragraph(item)

    def item_link(self, item):
        return reverse("public:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.category.name]


def feed(request):
    def build():
        response = OutcomesFeed()(request)
        return {"content": response.content.decode(), "content_type": response["Content-Type"]}

    page = cached("feed", (request.get_host(), request.is_secure()), build)
    return HttpResponse(page["content"], content_type=page["content_type"])
