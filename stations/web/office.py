"""An office at work on a forwarded opinion: sign, ask for more time, and (the handlers) decide on that request.

The writes are ``stations.office``; what is offered is the rule book's answer. The office's list of forwarded
opinions is a section of its inbox (``office_section``, shown by ``suggestions.web.offices.inbox``) and the
page of all of them (``stations.web.handling.office_inbox``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stations import office, queries
from stations.web.forms import ExtensionDecideForm, ExtensionRequestForm
from suggestions import policy
from suggestions.actor import actor_of
from suggestions.errors import WorkflowError
from suggestions.policy import Action

PAGE_PARAM = "opage"


def office_section(request: HttpRequest, calendar: Any = None) -> dict:
    """The context of the inbox's section of forwarded opinions (``stations/_office_opinions.html``): one page.

    ``calendar``: the inbox's ``WorkCalendar``, read once for both sections."""
    page = queries.office_opinion_page(actor=actor_of(request), number=request.GET.get(PAGE_PARAM), calendar=calendar)
    return {"station_opinions": page}


def _back(request: HttpRequest, opinion) -> str:
    """Where to go after a step: the page the form was on (the inbox or the opinion), never another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return opinion.get_absolute_url()


def _step(request: HttpRequest, pk: int, action: Action, form_class, write, done: str) -> HttpResponse:
    actor = actor_of(request)
    opinion = queries.opinion_for(actor=actor, pk=pk)
    decision = policy.may(actor, action, opinion)
    if not decision and decision.kind == policy.PERMISSION:
        raise PermissionDenied(decision.reason)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_back(request, opinion))
    try:
        write(opinion, form.cleaned_data if form is not None else {})
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect(_back(request, opinion))


@login_required
@require_POST
def opinion_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The office signs for a forwarded opinion (签收)."""
    return _step(
        request,
        pk,
        Action.OPINION_OFFICE_SIGN,
        None,
        lambda o, d: office.opinion_office_sign(opinion=o, actor=request.user),
        _("已签收，请在答复期限内答复。"),
    )


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The office asks for a later answer deadline."""
    return _step(
        request,
        pk,
        Action.OPINION_REQUEST_EXTENSION,
        ExtensionRequestForm,
        lambda o, d: office.opinion_extension_request(
            opinion=o, actor=request.user, reason=d["reason"], until=d["until"]
        ),
        _("延期申请已提交，等待联络站审核。"),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The station's handlers (or NPC staff) approve or refuse the office's extension request."""
    return _step(
        request,
        pk,
        Action.OPINION_DECIDE_EXTENSION,
        ExtensionDecideForm,
        lambda o, d: office.opinion_extension_decide(
            opinion=o, actor=request.user, approve=d["decision"] == "approve", until=d["until"], note=d["note"]
        ),
        _("已审核延期申请。"),
    )
