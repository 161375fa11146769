"""The leaders' read-only home: the key suggestions they supervise."""

from django.shortcuts import render
from django.utils import timezone

from suggestions import roles
from suggestions.models import Assignment
from suggestions.queries import staff_selectors
from suggestions.web.decorators import leader_or_staff_required

A = Assignment.Status


@leader_or_staff_required
def leader_home(request):
    rows = list(staff_selectors.key_suggestions_for(request.user)[:300])
    today = timezone.localdate()
    for row in rows:
        live = row.live_assignments
        open_ = [a for a in live if a.status in Assignment.ACTIVE]
        row.next_due = min((a.effective_due for a in open_), default=None)
        row.is_overdue = row.next_due is not None and row.next_due < today
        answering = [a for a in live if a.answers_delegate]
        row.replied_count = sum(1 for a in answering if a.status == A.REPLIED)
        row.answering_count = len(answering)
    context = {"key_suggestions": rows, "today": today, "is_staff_member": roles.is_staff_member(request.user)}
    return render(request, "suggestions/staff/leader_home.html", context)
