"""Reports for staff and (read-only) leaders: dashboard, Excel exports."""

from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huaxi_renda.cache import cache_get, cache_set
from huaxi_renda.prepared import Prepared
from stations import figures as station_figures
from stations.models import StationAudit
from suggestions import policy
from suggestions.actor import actor_of
from suggestions.models import Suggestion
from suggestions.policy import Action
from suggestions.queries.filters import SuggestionFilter
from suggestions.reporting import exports, metrics, scope, stats, tally_reads, xlsx
from suggestions.reporting import followup as followup_reporting
from suggestions.web.decorators import export_required, reports_required

S = Suggestion.Status
CACHE_SECONDS = 10 * 60  # an upper bound for changes without an audit row (e.g. an office renamed)
# The dashboard is a summary (issue 25: its rows were two thirds of its time): the longest-overdue
# assignments with a link to all of them in the track list, and the first offices of the chosen order
# with a link to the whole table (``?offices=all``); the charts still show every office.
OVERDUE_SHOWN = 20
OFFICES_SHOWN = 20
# Each headline figure of session_figures, with what its numerator and denominator count.
FIGURE_PARTS = [
    ("reply_rate", gettext_lazy("已答复"), gettext_lazy("已交办")),
    ("on_time_rate", gettext_lazy("按期答复"), gettext_lazy("已答复")),
    ("satisfaction", gettext_lazy("满意和基本满意"), gettext_lazy("评价")),
    ("satisfied_only", gettext_lazy("满意"), gettext_lazy("评价")),
    ("basic_only", gettext_lazy("基本满意"), gettext_lazy("评价")),
    ("first_satisfaction", gettext_lazy("初次满意和基本满意"), gettext_lazy("初次评价")),
    ("solved_rate", gettext_lazy("A、B类答复"), gettext_lazy("答复")),
    ("adopted_rate", gettext_lazy("A类答复"), gettext_lazy("答复")),
    ("met_rate", gettext_lazy("见面沟通"), gettext_lazy("已答复")),
]
OFFICE_SORTS = {
    "office": lambda r: (r["office__order"], r["office__name"]),
    "assigned": lambda r: r["assigned"],
    "replied": lambda r: r["replied"],
    "reply_rate": lambda r: r["reply_rate"].rate or 0,
    "on_time_rate": lambda r: r["on_time_rate"].rate or 0,
    "satisfaction": lambda r: r["satisfaction"].rate or 0,
    "overdue": lambda r: r["overdue"],
}


def _sessions(request):
    """The sessions of the congress the user acts in: another congress's session is a 404 below."""
    return list(scope.sessions_for(actor_of(request)))


def _chosen_session(request, sessions):
    """The session asked for in ?session=, else the current one, else the latest."""
    wanted = request.GET.get("session", "")
    if wanted:
        for session in sessions:
            if str(session.pk) == wanted:
                return session
        raise Http404
    return next((s for s in sessions if s.is_current), sessions[0] if sessions else None)


def _session_suggestions(session):
    return Suggestion.objects.filter(session=session) if session else Suggestion.objects.none()


def _sorted_offices(rows, sort):
    key = sort.lstrip("-")
    if key not in OFFICE_SORTS:
        return rows, "office"
    rows = sorted(rows, key=OFFICE_SORTS[key], reverse=sort.startswith("-"))
    return rows, sort


def _all_offices_url(request):
    query = request.GET.copy()
    query["offices"] = "all"
    return f"?{query.urlencode()}#offices"


def _sort_links(request, current):
    """For each sortable column: the link that sorts by it, and its aria-sort state."""
    links = {}
    for key in OFFICE_SORTS:
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            # Numbers read best largest first; names in their usual order.
            state, next_sort = "none", (key if key == "office" else f"-{key}")
        query = request.GET.copy()
        query["sort"] = next_sort
        links[key] = {"url": f"?{query.urlencode()}#offices", "state": state}
    return links


def dashboard_figures(session, *, today):
    """Everything the dashboard counts for one session, from the precomputed tallies (``stats``).

    A fixed number of queries however large the session: the tallies are brought up to the
    audit log first, so the figures are as fresh as a recount.
    """
    stats.catch_up()
    return _tallied_figures(session, today=today)


def _tallied_figures(session, *, today):
    session_id = session.pk if session else None
    summary = tally_reads.session_summary(session_id, today=today)
    figures = metrics.figures_from_counts(summary["counts"], summary["ratings"], summary["results"])
    offices = metrics.office_figures(summary["offices"])
    overdue = list(tally_reads.overdue_assignments(session_id, today=today, limit=OVERDUE_SHOWN))
    year_end = followup_reporting.year_end_counts(session_id)
    for assignment in overdue:
        assignment.days_overdue = (today - assignment.effective).days
    return {
        "headline": [
            {"figure": figures[key], "numerator": numerator, "denominator": denominator}
            for key, numerator, denominator in FIGURE_PARTS
        ],
        "counts": figures["counts"],
        "statuses": [
            {"value": value, "label": str(label), "n": summary["statuses"].get(value, 0)}
            for value, label in S.choices
            if value != S.DRAFT
        ],
        "offices": offices,
        "overdue": overdue,
        "overdue_total": sum(r["overdue"] for r in offices),
        "categories": summary["categories"],
        "results": summary["results"],
        # Both satisfaction rates side by side: the online rating and the staff's own re-survey (满意度回访).
        "online_satisfaction": figures["satisfaction"],
        "resurvey": followup_reporting.resurvey_figures(session_id, year_end),
        "followup": followup_reporting.followup_figures(session_id, year_end),
    }


def _versions():
    """The tallies' watermark with the newest audit row, and the newest station audit row (the stations' summary's
    version): one read for both."""
    newest = StationAudit.objects.order_by("-pk").values("pk")[:1]
    return stats.watermark_with_newest_audit().annotate(station_version=Subquery(newest))


_versions_query = Prepared(_versions)


def cached_dashboard_figures(session, *, today, marks=None):
    """``dashboard_figures``, kept until the data changes.

    The tallies' version moves whenever a catch-up changed them (every state change writes the
    audit row a catch-up reads), so it says whether cached figures are still exact. A cache
    outage only costs reading the tallies.
    """
    version = stats.catch_up(marks=marks).version
    key = f"reports:dashboard:{session.pk if session else 0}:{today.isoformat()}:{get_language()}:{version}"
    data = cache_get(key, message="Dashboard cache unavailable")  # Redis down: compute instead
    if data is None:
        data = _tallied_figures(session, today=today)
        cache_set(key, data, CACHE_SECONDS, message="Could not cache the dashboard")
    return data


@reports_required
@require_GET
def dashboard(request):
    sessions = _sessions(request)
    session = _chosen_session(request, sessions)
    today = timezone.localdate()
    marks = _versions_query()
    data = cached_dashboard_figures(session, today=today, marks=marks)
    offices, sort = _sorted_offices(data["offices"], request.GET.get("sort", "office"))
    all_offices = request.GET.get("offices") == "all"
    statuses, categories, result_rows = data["statuses"], data["categories"], data["results"]
    chart_data = {
        "statuses": [{"name": s["label"], "value": s["n"]} for s in statuses if s["n"]],
        "categories": [{"name": c["category__name"], "filed": c["filed"], "replied": c["replied"]} for c in categories],
        "results": [
            {"name": f"{r['result_class__code']} {r['result_class__name']}", "value": r["n"]} for r in result_rows
        ],
        "offices": [
            {
                "name": r["office__name"],
                "assigned": r["assigned"],
                "replied": r["replied"],
                "overdue": r["overdue"],
            }
            for r in offices
        ],
        "labels": {
            "filed": _("提出"),
            "replied": _("已答复"),
            "assigned": _("交办"),
            "overdue": _("逾期"),
        },
    }
    return render(
        request,
        "suggestions/reports/dashboard.html",
        {
            "sessions": sessions,
            "session": session,
            "figures": data["headline"],
            "counts": data["counts"],
            "statuses": statuses,
            "offices": offices if all_offices else offices[:OFFICES_SHOWN],
            "offices_total": len(offices),
            "all_offices_url": _all_offices_url(request),
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "overdue": data["overdue"],
            "overdue_total": data["overdue_total"],
            "overdue_shown": OVERDUE_SHOWN,
            "categories": categories,
            "results": result_rows,
            "chart_data": chart_data,
            "today": today,
            "can_export": policy.may(actor_of(request), Action.EXPORT, None),
            "online_satisfaction": data["online_satisfaction"],
            "resurvey": data["resurvey"],
            "followup": data["followup"],
            "staff_desk": policy.may(actor_of(request), Action.STAFF_DESK, None),
            # Residents' opinions through the liaison stations: a summary, the full table on its own page.
            "station_figures": station_figures.dashboard_summary(
                congress_id=actor_of(request).congress_id,
                version=(marks[0].station_version or 0) if marks else None,
            ),
        },
    )


# --------------------------------------------------------------------------- exports


def _filtered_suggestions(request):
    """The list the staff track page shows for the same query string (drafts are never exported), of the
    user's congress only."""
    suggestions = scope.suggestions_for(actor_of(request)).exclude(status=S.DRAFT)
    return SuggestionFilter(request.GET, queryset=suggestions, request=request).qs


def _session_from_query(request):
    return scope.session_for(actor_of(request), request.GET.get("session", ""))


@export_required
@require_GET
def export_summary(request):
    session = _session_from_query(request)
    suggestions = _filtered_suggestions(request)
    if session:
        title = _("%(session)s代表建议办理情况汇总表") % {"session": session.name}
    else:
        title = _("代表建议办理情况汇总表")
    # The list's own order when the user sorted it, else by number as the printed table is read.
    keep_order = bool(request.GET.get("ordering"))
    return xlsx.workbook_response(
        lambda wb: exports.write_summary(wb, suggestions, title=title, keep_order=keep_order),
        filename=xlsx.export_filename(_("建议办理汇总表")),
    )


@export_required
@require_GET
def export_offices(request):
    sessions = _sessions(request)
    session = _chosen_session(request, sessions)
    rows = metrics.by_office(_session_suggestions(session))
    title = _("%(session)s承办单位办理情况统计表") % {"session": session.name if session else ""}
    return xlsx.workbook_response(
        lambda wb: exports.write_offices(wb, rows, title=title),
        filename=xlsx.export_filename(_("承办单位统计表")),
    )
