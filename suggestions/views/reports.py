"""Reports for staff and (read-only) leaders: dashboard, exports, imports."""

from django.shortcuts import render

from .. import metrics
from ..decorators import leader_or_staff_required
from ..models import Suggestion


@leader_or_staff_required
def dashboard(request):
    from delegates.models import Session

    session = Session.objects.filter(is_current=True).first()
    suggestions = Suggestion.objects.filter(session=session) if session else Suggestion.objects.none()
    figures = metrics.session_figures(suggestions)
    return render(
        request,
        "suggestions/reports/dashboard.html",
        {"session": session, "figures": metrics.headline(figures), "counts": figures["counts"]},
    )
