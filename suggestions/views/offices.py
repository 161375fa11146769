"""Office clerks' pages: only their own office's assignments."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors
from ..decorators import office_required
from ..models import Assignment


@office_required
def inbox(request):
    assignments = list(
        selectors.assignments_for_user(request.user)
        .exclude(status__in=[Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN])
        .select_related("suggestion", "office")
        .order_by("due_date", "pk")[:200]
    )
    return render(request, "suggestions/offices/inbox.html", {"assignments": assignments})


@office_required
def assignment_detail(request, pk):
    assignment = (
        selectors.assignments_for_user(request.user).select_related("suggestion", "office").filter(pk=pk).first()
    )
    if assignment is None:
        raise Http404
    return render(request, "suggestions/offices/assignment_detail.html", {"assignment": assignment})
