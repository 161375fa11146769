"""NPC staff pages."""

from django.shortcuts import render

from .. import roles
from ..decorators import leader_or_staff_required, staff_required
from ..models import Suggestion


@staff_required
def inbox(request):
    submitted = list(
        Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED)
        .select_related("lead_delegate", "category", "session")
        .order_by("submitted_at", "pk")[:200]
    )
    return render(request, "suggestions/staff/inbox.html", {"submitted": submitted})


@leader_or_staff_required
def leader_home(request):
    leader = roles.leader_of(request.user)
    qs = Suggestion.objects.filter(is_key=True).select_related("lead_delegate", "category", "leader")
    if leader and not roles.is_staff_member(request.user):
        qs = qs.filter(leader=leader)
    return render(request, "suggestions/staff/leader_home.html", {"key_suggestions": list(qs.order_by("-pk")[:200])})
