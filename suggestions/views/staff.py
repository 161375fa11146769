"""NPC staff pages."""

from django.shortcuts import render

from .. import metrics, roles
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


@leader_or_staff_required
def dashboard(request):
    from delegates.models import Session

    session = Session.objects.filter(is_current=True).first()
    suggestions = Suggestion.objects.filter(session=session) if session else Suggestion.objects.none()
    figures = metrics.session_figures(suggestions)
    return render(
        request,
        "suggestions/staff/dashboard.html",
        {"session": session, "figures": metrics.headline(figures), "counts": figures["counts"]},
    )
