"""The pages of the congresses: the switcher, the level above's read-only view of the congresses below,
transfer (转交) to the congress above, and creating congresses below with their first staff accounts.

Who may is the rule book's (``Action.VIEW_LOWER_CONGRESSES``, ``TRANSFER``, ``VIEW_TRANSFER``,
``MANAGE_CONGRESSES``); what is read is ``congresses.queries``'; writes are ``suggestions.actions`` and
``congresses.services``. An id outside what the actor may read is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congresses import queries, services
from congresses.forms import CongressForm, StaffAccountForm, TransferForm
from congresses.models import Congress
from suggestions import actions, policy
from suggestions.actions.transfer import transfer_category
from suggestions.actor import actor_of
from suggestions.errors import InvalidInput, WorkflowError
from suggestions.models import Suggestion
from suggestions.policy import Action
from suggestions.web.decorators import policy_required

lower_required = policy_required(Action.VIEW_LOWER_CONGRESSES)
manage_required = policy_required(Action.MANAGE_CONGRESSES)


@login_required
@require_POST
def choose(request):
    """Act in another of one's congresses, then go home (the old page may belong to the other congress)."""
    raw = request.POST.get("congress", "")
    try:
        congress = services.act_in(user=request.user, congress_id=int(raw) if raw.isdigit() else 0)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已切换到%(name)s。") % {"name": congress.name})
    target = request.POST.get("next") or "home"
    if target != "home" and not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "home"
    return redirect(target)


# --------------------------------------------------------------------------- the level above (read-only)


@lower_required
def overview(request):
    """The figures of every congress below side by side (each one's offices are on its drill-down page)."""
    actor = actor_of(request)
    current_only = request.GET.get("scope") != "all"
    congresses = queries.lower_congresses(actor.congress_id)
    figures = queries.figures_by_congress([c.pk for c in congresses], current_only=current_only)
    rows = [{"congress": c, "figures": figures[c.pk]} for c in congresses]
    return render(request, "congresses/overview.html", {"rows": rows, "current_only": current_only})


@lower_required
def lower_list(request, pk):
    """A lower congress's suggestions, read-only, and the figures of its offices in its current session."""
    congress = queries.lower_congress(actor_of(request), pk)
    offices = queries.offices_of(congress)
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()
    page = Paginator(queries.lower_suggestions(congress, status=status, q=q), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("status", status), ("q", q)) if v})
    statuses = [(value, label) for value, label in Suggestion.Status.choices if value != Suggestion.Status.DRAFT]
    return render(
        request,
        "congresses/lower_list.html",
        {
            "congress": congress,
            "page": page,
            "status": status,
            "q": q,
            "query": query,
            "statuses": statuses,
            "offices": offices,
        },
    )


@lower_required
def lower_suggestion(request, pk):
    """One suggestion of a lower congress: its handling summary, read-only (no contacts, no action)."""
    suggestion = queries.lower_suggestion(actor_of(request), pk)
    return render(
        request,
        "congresses/lower_suggestion.html",
        {"suggestion": suggestion, "summary": queries.handling_summary(suggestion)},
    )


# --------------------------------------------------------------------------- transfer (转交)


def _own_suggestion(request, pk):
    actor = actor_of(request)
    return get_object_or_404(
        Suggestion.objects.select_related("category", "congress"), pk=pk, congress_id=actor.congress_id
    )


@login_required
def transfer(request, pk):
    """Staff pass a suggestion of their congress to the congress above."""
    suggestion = _own_suggestion(request, pk)
    decision = policy.may(actor_of(request), Action.TRANSFER, suggestion)
    if not decision:
        if decision.kind == policy.PERMISSION:
            raise PermissionDenied
        messages.error(request, decision.reason)
        return redirect("staff:suggestion", pk=suggestion.pk)
    parent = get_object_or_404(Congress, pk=suggestion.congress.parent_id)
    form = TransferForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.suggestion_transfer(
                suggestion=suggestion,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("staff:suggestion", pk=suggestion.pk)
        else:
            messages.success(request, _("已转交%(congress)s。") % {"congress": record.to_congress.name})
            return redirect("congresses:transferred", pk=suggestion.pk)
    same_name = transfer_category(original=suggestion, parent=parent)
    return render(
        request,
        "congresses/transfer.html",
        {"suggestion": suggestion, "parent": parent, "form": form, "same_name": same_name},
    )


@login_required
def transferred(request, pk):
    """Where a transferred suggestion went and its status there (its delegates and the staff who passed it)."""
    record = queries.transfer_of(pk, actor_of(request).congress_id)
    if not policy.may(actor_of(request), Action.VIEW_TRANSFER, record):
        raise Http404
    return render(request, "congresses/transferred.html", {"transfer": record, "target": record.target})


@policy_required(Action.STAFF_DESK)
def transfers(request):
    """The congress's transfers: passed up, and received from below."""
    return render(request, "congresses/transfers.html", queries.transfers_of(actor_of(request).congress_id))


# --------------------------------------------------------------------------- administration


@manage_required
def manage(request):
    """The congresses below and a form for a new one."""
    actor = actor_of(request)
    congresses = queries.congresses_managed_by(actor)
    own = actor.congress
    parents = [own] if own is not None and policy.may(actor, Action.MANAGE_CONGRESSES, None) else []
    parents += [c for c in congresses if c.level != Congress.Level.TOWNSHIP and c not in parents]
    form = CongressForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            congress = services.congress_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已新建%(name)s，请为其开设工作人员账号。") % {"name": congress.name})
            return redirect("congresses:staff_new", pk=congress.pk)
    counts = queries.staff_counts([c.pk for c in congresses])
    rows = [{"congress": c, "staff": counts.get(c.pk, 0)} for c in congresses]
    return render(request, "congresses/manage.html", {"rows": rows, "form": form})


@manage_required
def staff_new(request, pk):
    """A first staff account of a congress below, with its activation link."""
    actor = actor_of(request)
    congress = next((c for c in queries.congresses_managed_by(actor) if c.pk == pk), None)
    if congress is None or not policy.may(actor, Action.MANAGE_CONGRESSES, congress):
        raise Http404
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _user, issued = services.staff_account_create(actor=request.user, congress=congress, **form.cleaned_data)
        except (InvalidInput, WorkflowError) as error:
            form.add_error(None, error.message)
        else:
            from suggestions.web.roster import remember_links

            remember_links(request, issued)
            messages.success(request, _("账号已开设，请把激活链接交给本人。"))
            return redirect("roster:links")
    return render(request, "congresses/staff_new.html", {"congress": congress, "form": form})
