"""The leaders' read-only home: the key suggestions they supervise."""

from django.shortcuts import render
from django.utils import timezone

from suggestions import policy
from suggestions.actor import actor_of
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.web.decorators import reports_required


@reports_required
def leader_home(request):
    today = timezone.localdate()
    rows = staff_selectors.key_suggestion_rows(request.user, today=today)
    context = {
        "key_suggestions": rows,
        "today": today,
        "staff_desk": policy.may(actor_of(request), Action.STAFF_DESK, None),
    }
    return render(request, "suggestions/staff/leader_home.html", context)
