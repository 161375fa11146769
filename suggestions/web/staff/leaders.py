"""The leaders' read-only home: the key suggestions they supervise."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from suggestions import policy
from suggestions.actor import actor_of
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.web.decorators import reports_required

PER_PAGE = 50  # key suggestions per page


@reports_required
def leader_home(request):
    today = timezone.localdate()
    page = Paginator(staff_selectors.key_suggestions_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    rows = staff_selectors.key_suggestion_rows(request.user, today=today, rows=page.object_list)
    context = {
        "key_suggestions": rows,
        "page": page,
        "total": page.paginator.count,
        "today": today,
        "staff_desk": policy.may(actor_of(request), Action.STAFF_DESK, None),
    }
    return render(request, "suggestions/staff/leader_home.html", context)
