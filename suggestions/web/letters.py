"""The delegate's letters (告知函) as a print-ready page: the delegate's own in the app, anyone's for staff."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from delegates.models import Session
from suggestions import policy, roles
from suggestions.actor import actor_of
from suggestions.policy import Action
from suggestions.policy.rules_followup import current_session
from suggestions.reporting import letters
from suggestions.web.decorators import delegate_required


def render_letter(request, delegate, session, *, back):
    kind = request.GET.get("kind", "assignment")
    if kind not in letters.KINDS:
        raise Http404
    context = letters.letter_context(delegate, session, kind)
    context["back"] = back
    return render(request, "suggestions/letters/letter.html", context)


@delegate_required
def delegate_letter(request):
    """The signed-in delegate's own letter of a session (?session=, default the current one)."""
    delegate = roles.delegate_of(request.user)
    if not policy.may(actor_of(request), Action.LETTER_VIEW, delegate):
        raise PermissionDenied
    wanted = request.GET.get("session", "")
    if wanted:
        valid = wanted.isdigit() and len(wanted) < 12
        session = Session.objects.filter(pk=int(wanted), congress_id=delegate.congress_id).first() if valid else None
    else:
        session = current_session(delegate.congress_id)
    if session is None:
        raise Http404
    return render_letter(request, delegate, session, back=reverse("delegates:home"))
