"""The leaders' read-only home: the key suggestions they supervise."""

from django.shortcuts import render
from django.utils import timezone

from suggestions import roles
from suggestions.queries import staff_selectors
from suggestions.web.decorators import leader_or_staff_required


@leader_or_staff_required
def leader_home(request):
    today = timezone.localdate()
    rows = staff_selectors.key_suggestion_rows(request.user, today=today)
    context = {"key_suggestions": rows, "today": today, "is_staff_member": roles.is_staff_member(request.user)}
    return render(request, "suggestions/staff/leader_home.html", context)
