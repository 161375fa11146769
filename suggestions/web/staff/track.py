"""Staff tracking: every suggestion, filtered and sorted, with counts per status."""

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from suggestions.models import Suggestion
from suggestions.queries import staff_selectors
from suggestions.queries.filters import SuggestionFilter
from suggestions.web.decorators import staff_required

PAGE_SIZE = 25


@staff_required
def track(request):
    filterset = SuggestionFilter(request.GET or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        rows_qs = Suggestion.objects.none()
    else:
        rows_qs = filterset.qs.select_related("session", "category", "lead_delegate", "leader").prefetch_related(
            staff_selectors.live_assignments_prefetch()
        )
    # Counts per status under the other filters, so staff see where the work is.
    without_status = request.GET.copy()
    for name in ("status", "page", "ordering"):
        without_status.pop(name, None)
    count_filter = SuggestionFilter(without_status, request=request)
    # With no filter but the status, the counts (and so the number of rows) come from the tallies.
    everything = not any(value for key, value in without_status.items())
    counts = staff_selectors.status_counts(
        count_filter.qs if count_filter.is_valid() else Suggestion.objects.none(),
        everything=everything,
        congress_id=count_filter.congress_id,
    )
    paginator = Paginator(rows_qs, PAGE_SIZE)
    status = request.GET.get("status", "")
    if everything and (not filterset.is_bound or filterset.is_valid()):
        paginator.count = sum(n for value, _label, n in counts if not status or value == status)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_query = query.copy()
    status_query.pop("status", None)
    today = timezone.localdate()
    context = {
        "filterset": filterset,
        "page": page,
        "counts": counts,
        "total": sum(c for _v, _l, c in counts),
        "current_status": request.GET.get("status", ""),
        "query": query.urlencode(),
        "status_query": status_query.urlencode(),
        "sort_links": _sort_links(request.GET),
        "today": today,
        "soon": today + datetime.timedelta(days=14),
    }
    return render(request, "suggestions/staff/track.html", context)


SORTABLE = ("number", "title", "delegate", "category", "status", "due", "submitted")


def _sort_links(params):
    current = params.get("ordering", "")
    links = {}
    for field in SORTABLE:
        query = params.copy()
        query.pop("page", None)
        if current == field:
            query["ordering"], state = f"-{field}", "ascending"
        elif current == f"-{field}":
            query["ordering"], state = field, "descending"
        else:
            query["ordering"], state = field, ""
        links[field] = {"url": "?" + query.urlencode(), "state": state}
    return links
