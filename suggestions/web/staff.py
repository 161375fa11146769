"""NPC staff pages: review, assignment, requests, tracking, publication; leaders' read-only home.

Views stay thin: forms clean input, ``services`` make every change, and a
``WorkflowError`` is shown to the user beside the form that caused it.
"""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suggestions import actions, pii, policy, roles
from suggestions import publication as publication_rules
from suggestions.models import Assignment, AssignmentRequest, FollowUp, Reply, Suggestion
from suggestions.policy import Action
from suggestions.queries import selectors, similar, staff_selectors
from suggestions.queries.filters import SuggestionFilter
from suggestions.web import staff_forms as forms
from suggestions.web.common import suggestion_detail_context
from suggestions.web.decorators import leader_or_staff_required, staff_required

S = Suggestion.Status
A = Assignment.Status
PAGE_SIZE = 25


def _label(suggestion):
    return f"{suggestion.number_display} {suggestion.title}".strip()


def _get_suggestion(pk):
    suggestion = (
        selectors.with_audit_version(Suggestion.objects.exclude(status=S.DRAFT))
        .select_related("session", "category", "lead_delegate", "leader", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    return suggestion


# --------------------------------------------------------------------------- actions on one suggestion

# action name → (form class, what it does, success message)
SUGGESTION_ACTIONS = {
    "register": (
        forms.RegisterForm,
        lambda s, u, d: actions.suggestion_register(suggestion=s, actor=u, number=d["number"]),
        lambda s: _("已立案：%(label)s。") % {"label": _label(s)},
    ),
    "return": (
        forms.ReturnForm,
        lambda s, u, d: actions.suggestion_return(suggestion=s, actor=u, reason=d["reason"]),
        lambda s: _("已退回代表修改：%(title)s。") % {"title": s.title},
    ),
    "reject": (
        forms.RejectForm,
        lambda s, u, d: actions.suggestion_reject(suggestion=s, actor=u, reason=d["reason"]),
        lambda s: _("已不予立案：%(title)s。") % {"title": s.title},
    ),
    "withdraw": (
        forms.WithdrawForm,
        lambda s, u, d: actions.suggestion_withdraw(suggestion=s, actor=u, reason=d["reason"]),
        lambda s: _("已登记撤回：%(title)s。") % {"title": s.title},
    ),
    "close": (
        forms.CloseForm,
        lambda s, u, d: actions.suggestion_close(suggestion=s, actor=u, note=d["note"]),
        lambda s: _("已办结：%(title)s。") % {"title": s.title},
    ),
    "key": (
        forms.KeyForm,
        lambda s, u, d: actions.suggestion_set_key(suggestion=s, actor=u, is_key=d["is_key"], leader=d["leader"]),
        lambda s: _("已更新重点督办设置。"),
    ),
}


def _run(request, form, perform, success):
    """Validate ``form`` and call the service; on a refusal the message goes beside the form."""
    if not form.is_valid():
        return None
    try:
        result = perform(form.cleaned_data)
    except actions.WorkflowError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result or True


def _posted_ids(request, name):
    """The ticked ids of a bulk form; anything that is not a plausible id is ignored."""
    return [int(v) for v in request.POST.getlist(name)[:1000] if v.isdigit() and len(v) < 12]


def _register_initial(suggestion):
    return {"number": actions.suggestion_propose_number(session=suggestion.session, series=suggestion.series)}


# --------------------------------------------------------------------------- inbox and review


@staff_required
def inbox(request):
    submitted = list(staff_selectors.inbox_suggestions()[:500])
    return render(request, "suggestions/staff/inbox.html", {"submitted": submitted})


@staff_required
@require_POST
def inbox_bulk_register(request):
    """Register every checked suggestion with the proposed numbers, one by one."""
    ids = _posted_ids(request, "suggestions")
    chosen = list(staff_selectors.inbox_suggestions().filter(pk__in=ids))
    if not chosen:
        messages.error(request, _("请勾选要立案的建议。"))
        return redirect("staff:inbox")
    done = 0
    for suggestion in chosen:
        try:
            actions.suggestion_register(suggestion=suggestion, actor=request.user)
            done += 1
        except actions.WorkflowError as error:
            messages.error(
                request, _("“%(title)s”未能立案：%(error)s") % {"title": suggestion.title, "error": error.message}
            )
    if done:
        messages.success(request, _("已立案%(n)s件，编号按顺序自动生成。") % {"n": done})
    return redirect("staff:inbox")


def _similar(suggestion, actor):
    """The hint delegates see, with everything staff may see: registered-or-later suggestions of
    every session, and the unreviewed ones of the same session (candidates for 并案), best first,
    each with its latest result class as ``outcome``."""
    pool = Suggestion.objects.filter(
        Q(status__in=similar.HINT_STATUSES) | Q(session=suggestion.session_id, status=S.SUBMITTED)
    ).select_related("session", "lead_delegate")
    found = [h.suggestion for h in similar.find(pool, suggestion.title, suggestion.body, exclude_pk=suggestion.pk)]
    outcomes = {}
    replies = (
        Reply.objects.filter(suggestion__in=found, status=Reply.Status.SUBMITTED, result_class__isnull=False)
        .select_related("result_class", "round")
        .order_by("round__number", "submitted_at", "id")
    )
    for reply in replies:
        outcomes[reply.suggestion_id] = str(reply.result_class)
    for s in found:
        s.outcome = outcomes.get(s.pk, "")
        s.merge_target = s.session_id == suggestion.session_id and bool(policy.may(actor, Action.MERGE_INTO, s))
    return found


@staff_required
def review(request, pk):
    suggestion = _get_suggestion(pk)
    if not policy.may(request.user, Action.REGISTER, suggestion):
        messages.info(request, _("该建议已处理（%(status)s）。") % {"status": suggestion.get_status_display()})
        return redirect("staff:suggestion", pk=pk)
    similar_ones = _similar(suggestion, request.user)
    mergeable = [s for s in similar_ones if s.merge_target and policy.may(request.user, Action.MERGE, s)]
    bound = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("register", "return", "reject"):
        form_class, perform, success = SUGGESTION_ACTIONS[action]
        form = bound[action] = form_class(request.POST, prefix=action)
        if _run(request, form, lambda d: perform(suggestion, request.user, d), success):
            return _redirect_to_next(suggestion)
    elif action == "merge":
        form = bound["merge"] = forms.MergeForm(request.POST, prefix="merge", candidates=mergeable)
        done = _run(
            request,
            form,
            lambda d: actions.suggestion_merge(
                target=suggestion, sources=list(d["sources"]), actor=request.user, note=d["note"]
            ),
            _("已并案：选中的建议并入本件。"),
        )
        if done:
            return redirect("staff:review", pk=pk)
    elif action == "merge_into":
        target = next((s for s in similar_ones if s.merge_target and str(s.pk) == request.POST.get("target")), None)
        if target is None:
            messages.error(request, _("请选择要并入的建议。"))
        else:
            try:
                actions.suggestion_merge(
                    target=target, sources=[suggestion], actor=request.user, note=request.POST.get("note", "")[:2000]
                )
            except actions.WorkflowError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("本件已并入“%(title)s”。") % {"title": target.title})
                return _redirect_to_next(suggestion)
    queue = list(staff_selectors.inbox_suggestions().values_list("pk", flat=True)[:2000])
    position = queue.index(suggestion.pk) if suggestion.pk in queue else None
    context = suggestion_detail_context(request.user, suggestion)
    context.update(
        {
            "similar": similar_ones,
            "mergeable_ids": {s.pk for s in mergeable},
            "register_form": bound.get("register")
            or forms.RegisterForm(prefix="register", initial=_register_initial(suggestion)),
            "return_form": bound.get("return") or forms.ReturnForm(prefix="return"),
            "reject_form": bound.get("reject") or forms.RejectForm(prefix="reject"),
            "merge_form": bound.get("merge") or forms.MergeForm(prefix="merge", candidates=mergeable),
            "position": position + 1 if position is not None else None,
            "queue_size": len(queue),
            "previous_pk": queue[position - 1] if position else None,
            "next_pk": queue[position + 1] if position is not None and position + 1 < len(queue) else None,
        }
    )
    return render(request, "suggestions/staff/review.html", context, status=400 if bound else 200)


def _redirect_to_next(suggestion):
    """After a decision, open the next suggestion waiting for review (staff work through the queue)."""
    queue = staff_selectors.inbox_suggestions()
    following = queue.filter(submitted_at__gte=suggestion.submitted_at).exclude(pk=suggestion.pk).first()
    following = following or queue.first()
    if following:
        return redirect("staff:review", pk=following.pk)
    return redirect("staff:inbox")


# --------------------------------------------------------------------------- assignment


def _assign_initial(session, suggested=()):
    deadlines = actions.assignment_deadlines(session=session, assigned_on=timezone.localdate())
    initial = dict(deadlines)
    if suggested:
        initial["lead_office"] = suggested[0].pk
    return initial


def _assign_date_bounds(form, session):
    """The service's date bounds as the date pickers' min and max (``suggestion_assign`` still checks)."""
    today = timezone.localdate()
    latest = actions.latest_due_date(session=session, assigned_on=today)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    for name, earliest in (("due_date", tomorrow), ("opinion_due", tomorrow), ("return_by", today.isoformat())):
        form.fields[name].widget.attrs.update({"min": earliest, "max": latest.isoformat()})


@staff_required
def assign(request, pk):
    suggestion = _get_suggestion(pk)
    if not policy.may(request.user, Action.ASSIGN, suggestion):
        messages.info(
            request,
            _("只有已立案待交办的建议可以交办（当前：%(status)s）。") % {"status": suggestion.get_status_display()},
        )
        return redirect("staff:suggestion", pk=pk)
    offices = list(staff_selectors.active_offices())
    suggested = staff_selectors.suggested_offices(suggestion)
    if request.method == "POST":
        form = forms.AssignForm(request.POST, offices=offices, suggested=suggested)
        done = _run(
            request,
            form,
            lambda d: actions.suggestion_assign(suggestion=suggestion, actor=request.user, **form.service_kwargs()),
            lambda assignments: (
                _("已交办：%(title)s（%(offices)s）。")
                % {
                    "title": suggestion.title,
                    "offices": "、".join(f"{a.office.name}{a.get_role_display()}" for a in assignments),
                }
            ),
        )
        if done:
            return redirect("staff:assign_list")
    else:
        initial = _assign_initial(suggestion.session, suggested)
        initial.update({"is_key": suggestion.is_key, "leader": suggestion.leader_id})
        form = forms.AssignForm(initial=initial, offices=offices, suggested=suggested)
    _assign_date_bounds(form, suggestion.session)
    context = {"suggestion": suggestion, "form": form, "suggested": suggested}
    return render(request, "suggestions/staff/assign.html", context, status=400 if form.errors else 200)


ASSIGN_LIST_FIELDS = ("q", "session", "series", "category")


@staff_required
def assign_list(request):
    """Registered suggestions with checkboxes: assign many to the same offices at once."""
    base = staff_selectors.suggestions_to_assign()
    data = QueryDict(mutable=True)
    for name in ASSIGN_LIST_FIELDS:
        if request.GET.get(name):
            data[name] = request.GET[name]
    filterset = SuggestionFilter(data, queryset=base, request=request)
    rows = list(filterset.qs.order_by("session_id", "series", "number", "pk")[:300]) if filterset.is_valid() else []
    offices = list(staff_selectors.active_offices())
    if request.method == "POST":
        form = forms.BulkAssignForm(request.POST, offices=offices, candidates=base)
        if form.is_valid():
            done, kwargs = 0, form.service_kwargs()
            for suggestion in form.cleaned_data["suggestions"]:
                try:
                    actions.suggestion_assign(suggestion=suggestion, actor=request.user, **kwargs)
                    done += 1
                except actions.WorkflowError as error:
                    messages.error(
                        request,
                        _("“%(label)s”未能交办：%(error)s") % {"label": _label(suggestion), "error": error.message},
                    )
            if done:
                messages.success(request, _("已交办%(n)s件。") % {"n": done})
            return redirect(request.get_full_path())
        checked = set(_posted_ids(request, "suggestions"))
    else:
        session = rows[0].session if rows else None
        initial = _assign_initial(session) if session else {}
        form = forms.BulkAssignForm(initial=initial, offices=offices, candidates=base)
        if session:
            _assign_date_bounds(form, session)
        checked = set()
    usage = staff_selectors.office_usage_by_category(
        category_ids={r.category_id for r in rows},
        before=min((r.session.start_date for r in rows), default=None),
    )
    for row in rows:
        row.suggested_office = (usage.get(row.category_id) or [None])[0]
    context = {"rows": rows, "form": form, "filterset": filterset, "checked": checked, "truncated": len(rows) >= 300}
    return render(request, "suggestions/staff/assign_list.html", context, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- returns, extensions, follow-ups


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


@staff_required
def requests_queue(request):
    bound = {}
    if request.method == "POST":
        response = _decide(request, bound)
        if response is not None:
            return response
    offices = list(staff_selectors.active_offices())
    pending = staff_selectors.attach_extension_limits(list(staff_selectors.pending_requests()))
    for req in pending:
        req.approve_form, req.refuse_form = _request_forms(req, offices, bound)
        approve = Action.APPROVE_RETURN if req.kind == AssignmentRequest.Kind.RETURN else Action.APPROVE_EXTENSION
        req.approval = policy.may(request.user, approve, req)
    claims = list(staff_selectors.pending_solved_claims())
    for claim in claims:
        claim.form = bound.get((f"f{claim.pk}", "followup")) or forms.FollowUpDecisionForm(prefix=f"f{claim.pk}")
    context = {
        "returns": [r for r in pending if r.kind == AssignmentRequest.Kind.RETURN],
        "extensions": [r for r in pending if r.kind == AssignmentRequest.Kind.EXTENSION],
        "claims": claims,
    }
    return render(request, "suggestions/staff/requests.html", context, status=400 if bound else 200)


def _decide(request, bound):
    """Handle one decision posted from the queue; return a redirect, or None to re-render with errors."""
    action = request.POST.get("action", "")
    user = request.user
    if action.startswith("followup_"):
        claim = get_object_or_404(FollowUp, pk=_posted_id(request, "followup_id"))
        form = forms.FollowUpDecisionForm(request.POST, prefix=f"f{claim.pk}")
        accept = action == "followup_confirm"
        ok = _run(
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
        AssignmentRequest.objects.select_related("assignment__office"), pk=_posted_id(request, "request_id")
    )
    prefix = f"r{req.pk}"
    if action == "return_approve":
        form = forms.ReturnApproveForm(request.POST, prefix=prefix, offices=staff_selectors.active_offices())
        ok = _run(
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
        ok = _run(
            request,
            form,
            lambda d: actions.extension_approve(request=req, actor=user, until=d["until"], note=d["note"]),
            lambda asg: _("已同意延期至%(date)s。") % {"date": asg.extended_due},
        )
        key = (req.pk, "approve")
    elif action in ("return_refuse", "extension_refuse"):
        form = forms.RefuseForm(request.POST, prefix=f"{prefix}-refuse")
        service = actions.return_request_refuse if action == "return_refuse" else actions.extension_refuse
        ok = _run(request, form, lambda d: service(request=req, actor=user, note=d["note"]), _("已答复不同意。"))
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


# --------------------------------------------------------------------------- track


@staff_required
def track(request):
    filterset = SuggestionFilter(request.GET or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        rows_qs = Suggestion.objects.none()
    else:
        rows_qs = filterset.qs.select_related("session", "category", "lead_delegate", "leader").prefetch_related(
            staff_selectors.live_assignments_prefetch()
        )
    # Counts per status under the other filters, so staff see where the work is.
    without_status = request.GET.copy()
    for name in ("status", "page", "ordering"):
        without_status.pop(name, None)
    count_filter = SuggestionFilter(without_status, request=request)
    # With no filter but the status, the counts (and so the number of rows) come from the tallies.
    everything = not any(value for key, value in without_status.items())
    counts = staff_selectors.status_counts(
        count_filter.qs if count_filter.is_valid() else Suggestion.objects.none(), everything=everything
    )
    paginator = Paginator(rows_qs, PAGE_SIZE)
    status = request.GET.get("status", "")
    if everything and (not filterset.is_bound or filterset.is_valid()):
        paginator.count = sum(n for value, _label, n in counts if not status or value == status)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_query = query.copy()
    status_query.pop("status", None)
    today = timezone.localdate()
    context = {
        "filterset": filterset,
        "page": page,
        "counts": counts,
        "total": sum(c for _v, _l, c in counts),
        "current_status": request.GET.get("status", ""),
        "query": query.urlencode(),
        "status_query": status_query.urlencode(),
        "sort_links": _sort_links(request.GET),
        "today": today,
        "soon": today + datetime.timedelta(days=14),
    }
    return render(request, "suggestions/staff/track.html", context)


SORTABLE = ("number", "title", "delegate", "category", "status", "due", "submitted")


def _sort_links(params):
    current = params.get("ordering", "")
    links = {}
    for field in SORTABLE:
        query = params.copy()
        query.pop("page", None)
        if current == field:
            query["ordering"], state = f"-{field}", "ascending"
        elif current == f"-{field}":
            query["ordering"], state = field, "descending"
        else:
            query["ordering"], state = field, ""
        links[field] = {"url": "?" + query.urlencode(), "state": state}
    return links


# --------------------------------------------------------------------------- one suggestion, staff view


# The page's form names for the rule book's actions on a suggestion.
PAGE_ACTIONS = {
    "register": Action.REGISTER,
    "return": Action.RETURN,
    "reject": Action.REJECT,
    "withdraw": Action.WITHDRAW,
    "close": Action.CLOSE,
    "key": Action.SET_KEY,
}


def _available_actions(suggestion, remindable, actor):
    """The page's forms that the rule book allows now (``policy.available``)."""
    offered = policy.available(actor, suggestion)
    available = {name for name, action in PAGE_ACTIONS.items() if offered[action]}
    if remindable:
        available.add("remind")
    return available, offered


@staff_required
def suggestion(request, pk):
    suggestion = _get_suggestion(pk)
    context = suggestion_detail_context(request.user, suggestion)
    open_assignments = [a for a in context["assignments"] if policy.may(request.user, Action.REMIND, a)]
    available, offered = _available_actions(suggestion, open_assignments, request.user)
    bound = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in available:
        messages.error(
            request,
            _("该建议当前为“%(status)s”，不能进行此操作。可能已被他人处理，请刷新页面。")
            % {"status": suggestion.get_status_display()},
        )
        return redirect("staff:suggestion", pk=pk)
    if action in SUGGESTION_ACTIONS:
        form_class, perform, success = SUGGESTION_ACTIONS[action]
        form = bound[action] = form_class(request.POST, prefix=action)
        if _run(request, form, lambda d: perform(suggestion, request.user, d), success):
            return redirect("staff:suggestion", pk=pk)
    elif action == "remind":
        form = bound["remind"] = forms.RemindForm(request.POST, prefix="remind", assignments=open_assignments)
        if _run(
            request,
            form,
            lambda d: actions.reminder_manual(assignment=d["assignment"], actor=request.user, message=d["message"]),
            lambda r: _("已向%(office)s发出催办。") % {"office": r.office.name},
        ):
            return redirect("staff:suggestion", pk=pk)

    def form_for(name, factory):
        return (bound.get(name) or factory()) if name in available else None

    context.update(
        {
            "register_form": form_for(
                "register", lambda: forms.RegisterForm(prefix="register", initial=_register_initial(suggestion))
            ),
            "return_form": form_for("return", lambda: forms.ReturnForm(prefix="return")),
            "reject_form": form_for("reject", lambda: forms.RejectForm(prefix="reject")),
            "withdraw_form": form_for("withdraw", lambda: forms.WithdrawForm(prefix="withdraw")),
            "close_form": form_for("close", lambda: forms.CloseForm(prefix="close")),
            "key_form": form_for(
                "key",
                lambda: forms.KeyForm(
                    prefix="key", initial={"is_key": suggestion.is_key, "leader": suggestion.leader_id}
                ),
            ),
            "remind_form": form_for("remind", lambda: forms.RemindForm(prefix="remind", assignments=open_assignments)),
            "can_assign": offered[Action.ASSIGN].allowed,
            "can_review": offered[Action.REGISTER].allowed,
        }
    )
    return render(request, "suggestions/staff/suggestion_detail.html", context, status=400 if bound else 200)


# --------------------------------------------------------------------------- publication


@staff_required
def publication(request):
    published = request.GET.get("tab") == "published"
    qs = staff_selectors.replies_for_publication(published=published)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "published": published, "query": "tab=published" if published else "tab=pending"}
    return render(request, "suggestions/staff/publication.html", context)


@staff_required
@require_POST
def publication_bulk(request):
    ids = _posted_ids(request, "replies")
    replies = list(staff_selectors.replies_for_publication(published=False).filter(pk__in=ids))
    if not replies:
        messages.error(request, _("请勾选要公开的答复。"))
        return redirect("staff:publication")
    done = 0
    for reply in replies:
        try:
            actions.reply_publish(reply=reply, actor=request.user)
            done += 1
        except actions.WorkflowError as error:
            messages.error(
                request, _("“%(title)s”未能公开：%(error)s") % {"title": reply.suggestion.title, "error": error.message}
            )
    if done:
        messages.success(request, _("已公开%(n)s份答复。") % {"n": done})
    return redirect("staff:publication")


@staff_required
def publication_edit(request, pk):
    """Review every text the publication makes public: the suggestion's title and body and the reply, each
    with its personal data marked and a public version (masked until staff save their own) to edit."""
    reply = get_object_or_404(
        Reply.objects.filter(status=Reply.Status.SUBMITTED).select_related(
            "suggestion__lead_delegate", "assignment__office", "round", "result_class"
        ),
        pk=pk,
    )
    suggestion = reply.suggestion
    action = request.POST.get("action") if request.method == "POST" else None
    texts = publication_rules.public_texts(suggestion, reply)
    form = forms.PublicTextForm(
        initial={"public_title": texts[0].public, "public_body": texts[1].public, "public_text": texts[2].public}
    )
    if action == "unpublish":
        try:
            actions.reply_unpublish(reply=reply, actor=request.user, note=request.POST.get("note", "")[:2000])
        except actions.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤回公开。"))
        return redirect("staff:publication_edit", pk=pk)
    if action in ("save", "publish"):
        form = forms.PublicTextForm(request.POST)
        not_personal = [v[:200] for v in request.POST.getlist("not_personal")[:50]]

        def versions(d):
            return {
                "public_title": d["public_title"],
                "public_body": d["public_body"],
                "public_text": d["public_text"],
                "not_personal": not_personal,
                "note": d["note"],
            }

        if action == "save":
            done = _run(
                request,
                form,
                lambda d: actions.reply_save_public_text(reply=reply, actor=request.user, **versions(d)),
                _("公开版本已保存（尚未公开）。"),
            )
        else:
            done = _run(
                request,
                form,
                lambda d: actions.reply_publish(
                    reply=reply, actor=request.user, early_reason=d["early_reason"], **versions(d)
                ),
                _("答复已公开。"),
            )
        if done:
            return redirect(
                "staff:publication" if action == "publish" else "staff:publication_edit",
                **({} if action == "publish" else {"pk": pk}),
            )
        suggestion.refresh_from_db()
        texts = publication_rules.public_texts(
            suggestion,
            reply,
            title=form.data.get("public_title", ""),
            body=form.data.get("public_body", ""),
            text=form.data.get("public_text", ""),
        )
    follow_ups = [
        {"follow_up": f, "pieces": pii.highlight(f.text)} for f in reply.follow_ups.order_by("posted_at", "pk")
    ]
    context = {
        "reply": reply,
        "suggestion": suggestion,
        "form": form,
        "texts": texts,
        "open_spans": [(t, span) for t in texts for span in t.open_spans],
        "follow_ups": follow_ups,
        "rated": publication_rules.is_rated(reply, suggestion),
        "publish": policy.may(request.user, Action.PUBLISH, reply),
        "can_unpublish": policy.may(request.user, Action.UNPUBLISH, reply).allowed,
    }
    return render(request, "suggestions/staff/publication_edit.html", context, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- leaders


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
