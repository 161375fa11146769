"""Staff decisions on the queue: offices' return and extension requests, and claims that a B-class matter is solved."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from suggestions import actions, policy
from suggestions.models import AssignmentRequest, FollowUp
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.web import staff_forms as forms
from suggestions.web.decorators import staff_required
from suggestions.web.staff.base import (
    congress_of,
    run_form,
)


def _request_forms(req, offices, bound):
    prefix = f"r{req.pk}"
    if req.kind == AssignmentRequest.Kind.RETURN:
        approve = bound.get((req.pk, "approve")) or forms.ReturnApproveForm(
            prefix=prefix, offices=offices, initial={"new_office": req.suggested_office_id}
        )
    else:
        approve = bound.get((req.pk, "approve")) or forms.ExtensionApproveForm(
            prefix=prefix, initial={"until": req.requested_until}
        )
    refuse = bound.get((req.pk, "refuse")) or forms.RefuseForm(prefix=f"{prefix}-refuse")
    return approve, refuse


QUEUE_SHOWN = 30  # the oldest requests of each kind on the queue; deciding them brings up the next


@staff_required
def requests_queue(request):
    bound = {}
    if request.method == "POST":
        response = _decide(request, bound)
        if response is not None:
            return response
    offices = list(staff_selectors.active_offices(congress_of(request)))
    requests = staff_selectors.pending_requests(congress_of(request))
    kinds = AssignmentRequest.Kind
    shown = [*requests.filter(kind=kinds.RETURN)[:QUEUE_SHOWN], *requests.filter(kind=kinds.EXTENSION)[:QUEUE_SHOWN]]
    pending = staff_selectors.attach_extension_limits(shown)
    for req in pending:
        req.approve_form, req.refuse_form = _request_forms(req, offices, bound)
        approve = Action.APPROVE_RETURN if req.kind == AssignmentRequest.Kind.RETURN else Action.APPROVE_EXTENSION
        req.approval = policy.may(request.user, approve, req)
    claims_qs = staff_selectors.pending_solved_claims(congress_of(request))
    claims = list(claims_qs[:QUEUE_SHOWN])
    totals = staff_selectors.pending_request_totals(congress_of(request))
    for claim in claims:
        claim.form = bound.get((f"f{claim.pk}", "followup")) or forms.FollowUpDecisionForm(prefix=f"f{claim.pk}")
    context = {
        "returns": [r for r in pending if r.kind == AssignmentRequest.Kind.RETURN],
        "extensions": [r for r in pending if r.kind == AssignmentRequest.Kind.EXTENSION],
        "claims": claims,
        "returns_total": totals.get(kinds.RETURN, 0),
        "extensions_total": totals.get(kinds.EXTENSION, 0),
        "claims_total": len(claims) if len(claims) < QUEUE_SHOWN else claims_qs.count(),
        "shown": QUEUE_SHOWN,
    }
    return render(request, "suggestions/staff/requests.html", context, status=400 if bound else 200)


def _decide(request, bound):
    """Handle one decision posted from the queue; return a redirect, or None to re-render with errors."""
    action = request.POST.get("action", "")
    user = request.user
    if action.startswith("followup_"):
        claim = get_object_or_404(
            FollowUp, pk=_posted_id(request, "followup_id"), reply__suggestion__congress_id=congress_of(request)
        )
        form = forms.FollowUpDecisionForm(request.POST, prefix=f"f{claim.pk}")
        accept = action == "followup_confirm"
        ok = run_form(
            request,
            form,
            lambda d: actions.followup_confirm_solved(follow_up=claim, actor=user, accept=accept, note=d["note"]),
            _("已确认解决，答复结果改为已解决。") if accept else _("已退回解决报告，继续跟踪督办。"),
        )
        if ok:
            return redirect("staff:requests")
        if not FollowUp.objects.filter(pk=claim.pk, status=FollowUp.Status.SOLVED_CLAIMED).exists():
            return _gone(request, form)
        bound[(f"f{claim.pk}", "followup")] = form
        return None
    req = get_object_or_404(
        AssignmentRequest.objects.select_related("assignment__office"),
        pk=_posted_id(request, "request_id"),
        assignment__suggestion__congress_id=congress_of(request),
    )
    prefix = f"r{req.pk}"
    if action == "return_approve":
        form = forms.ReturnApproveForm(
            request.POST, prefix=prefix, offices=staff_selectors.active_offices(congress_of(request))
        )
        ok = run_form(
            request,
            form,
            lambda d: actions.return_request_approve(
                request=req, actor=user, new_office=d["new_office"], note=d["note"]
            ),
            lambda new: _("已同意退回，改由%(office)s承办。") % {"office": new.office.name},
        )
        key = (req.pk, "approve")
    elif action == "extension_approve":
        form = forms.ExtensionApproveForm(request.POST, prefix=prefix)
        ok = run_form(
            request,
            form,
            lambda d: actions.extension_approve(request=req, actor=user, until=d["until"], note=d["note"]),
            lambda asg: _("已同意延期至%(date)s。") % {"date": asg.extended_due},
        )
        key = (req.pk, "approve")
    elif action in ("return_refuse", "extension_refuse"):
        form = forms.RefuseForm(request.POST, prefix=f"{prefix}-refuse")
        service = actions.return_request_refuse if action == "return_refuse" else actions.extension_refuse
        ok = run_form(request, form, lambda d: service(request=req, actor=user, note=d["note"]), _("已答复不同意。"))
        key = (req.pk, "refuse")
    else:
        messages.error(request, _("未知的操作。"))
        return redirect("staff:requests")
    if ok:
        return redirect("staff:requests")
    if not AssignmentRequest.objects.filter(pk=req.pk, status=AssignmentRequest.Status.PENDING).exists():
        return _gone(request, form)
    bound[key] = form
    return None


def _posted_id(request, name):
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _gone(request, form):
    """The row was decided meanwhile (it left the queue): say why, on the queue itself."""
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect("staff:requests")
