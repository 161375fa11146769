"""Public pages, no login: published outcomes and statistics."""

from django.http import Http404
from django.shortcuts import render

from .. import metrics, selectors


def outcome_list(request):
    items = list(
        selectors.public_suggestions()
        .select_related("lead_delegate", "category", "session")
        .order_by("-published_at", "-pk")[:50]
    )
    return render(request, "suggestions/public/outcome_list.html", {"items": items})


def outcome_detail(request, pk):
    suggestion = selectors.public_suggestions().select_related("lead_delegate", "category", "session").filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    replies = list(selectors.public_replies(suggestion))
    return render(request, "suggestions/public/outcome_detail.html", {"suggestion": suggestion, "replies": replies})


def stats(request):
    from delegates.models import Session

    session = Session.objects.filter(is_current=True).first()
    published = selectors.public_suggestions()
    figures = metrics.session_figures(published.filter(session=session)) if session else None
    return render(
        request,
        "suggestions/public/stats.html",
        {"session": session, "figures": metrics.headline(figures) if figures else []},
    )
