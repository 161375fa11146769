"""Office clerks' pages: only their own office's assignments (404 for any other)."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stations.web.office import office_section
from suggestions import actions, policy, roles
from suggestions.actor import actor_of
from suggestions.models import Assignment, AssignmentRequest, OfficeMember, Reply
from suggestions.policy import Action
from suggestions.queries import office_selectors, selectors, timeline
from suggestions.web import office_forms
from suggestions.web.decorators import office_required
from suggestions.workdays import WorkCalendar

A = Assignment.Status
PER_PAGE = 50


# --------------------------------------------------------------------------- inbox


def _tab_url(request, group):
    params = request.GET.copy()
    params.pop("page", None)
    params["group"] = group
    if not group:
        params.pop("group")
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@office_required
def inbox(request):
    user = request.user
    office_ids = roles.office_ids_of(user)
    filter_form = office_forms.InboxFilterForm(request.GET or None, office_ids=office_ids)
    filters = filter_form.values()
    today = timezone.localdate()
    calendar = WorkCalendar()  # one calendar for the whole page
    rows, filtered = office_selectors.inbox(user, filters=filters, today=today)
    narrowed = any(v for k, v in filters.items() if k != "group")
    soon_until = calendar.add_workdays(today, 5)
    # The figures at the top are the office's whole, whatever the filter.
    whole, stats = office_selectors.inbox_figures(user, today=today, soon_until=soon_until)
    counts = office_selectors.inbox_counts(filtered) if narrowed else whole
    paginator = Paginator(rows, PER_PAGE)
    # The group counts already hold the total: spare the paginator its COUNT query.
    paginator.count = counts.get(filters["group"], 0) if filters.get("group") else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = office_selectors.decorate(list(page.object_list), calendar=calendar, today=today)
    current = filters.get("group", "")
    tabs = [
        {
            "key": "",
            "label": _("全部"),
            "count": sum(counts.values()),
            "url": _tab_url(request, ""),
            "current": current == "",
        }
    ]
    tabs += [
        {
            "key": key,
            "label": label,
            "count": counts.get(key, 0),
            "url": _tab_url(request, key),
            "current": current == key,
        }
        for key, label in office_selectors.GROUPS
    ]
    page_params = request.GET.copy()
    page_params.pop("page", None)
    return render(
        request,
        "suggestions/offices/inbox.html",
        {
            "filter_form": filter_form,
            "tabs": tabs,
            "page": page,
            "rows": page.object_list,
            "stats": stats,
            "today": today,
            "page_query": page_params.urlencode(),
            "many_offices": len(office_ids) > 1,
            "filtered": narrowed,
            **office_section(request, calendar),  # residents' opinions forwarded by liaison stations
        },
    )


# --------------------------------------------------------------------------- assignment page


def _assignment_or_404(request, pk):
    assignment = office_selectors.assignment_for_user(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


def _page_url(assignment, anchor=""):
    url = reverse("offices:assignment", args=[assignment.pk])
    return f"{url}#{anchor}" if anchor else url


def _actions(actor, assignment, context, today):
    """What the page offers now: the rule book's answer (``policy.available``) for this clerk."""
    offered = policy.available(actor, assignment, today=today)
    follow_up_reply, letter_reply = (
        office_selectors.follow_up_target(assignment),
        office_selectors.letter_target(assignment),
    )
    return {
        "can_sign": offered[Action.SIGN].allowed,
        "can_request_return": offered[Action.REQUEST_RETURN].allowed,
        "can_contact": offered[Action.CONTACT].allowed,
        "can_opinion": offered[Action.OPINION].allowed,
        "can_reply": offered[Action.REPLY].allowed,
        "can_extend": offered[Action.REQUEST_EXTENSION].allowed,
        "is_head": offered[Action.SET_HANDLER].allowed,
        "pending_extension": any(
            r.kind == AssignmentRequest.Kind.EXTENSION and r.status == AssignmentRequest.Status.PENDING
            for r in context["requests"]
        ),
        "follow_up_reply": (
            follow_up_reply if follow_up_reply and policy.may(actor, Action.FOLLOW_UP, follow_up_reply) else None
        ),
        "letter_missing_reply": (
            letter_reply if letter_reply and policy.may(actor, Action.ATTACH_LETTER, letter_reply) else None
        ),
    }


# Which page flag shows each form; a refusal for a form that is not shown goes to the top of the page.
FORM_SHOWN_BY = {
    "return_form": "can_request_return",
    "contact_form": "can_contact",
    "opinion_form": "can_opinion",
    "reply_form": "can_reply",
    "extension_form": "can_extend",
    "followup_form": "follow_up_reply",
    "letter_form": "letter_missing_reply",
    "handler_form": "is_head",
}


def _reply_initial(draft):
    if draft is None:
        return {}
    return {"text": draft.text, "result_class": draft.result_class_id, "signed_off_by": draft.signed_off_by}


def _date_bounds(form, name, earliest, latest):
    """The service's bounds as the date picker's min and max (the service still checks)."""
    form.fields[name].widget.attrs.update({"min": earliest.isoformat(), "max": latest.isoformat()})


def _render_page(request, assignment, **forms):
    assignment = _assignment_or_404(request, assignment.pk)  # fresh after any change
    suggestion = assignment.suggestion
    today = timezone.localdate()
    calendar = WorkCalendar()
    context = office_selectors.assignment_page(request.user, assignment)
    office_selectors.decorate([assignment], calendar=calendar, today=today)
    offered = _actions(actor_of(request), assignment, context, today)
    context.update(offered)
    context.update(
        {
            "assignment": assignment,
            "suggestion": suggestion,
            "today": today,
            "timeline": timeline.timeline_for(
                timeline.viewer_of(request.user, suggestion, assignments=[assignment], cosigners=[]),
                timeline.build_timeline(context.pop("logs")),
                suggestion=suggestion,
            ),
            "salutation": office_selectors.salutation(context["delegates"]),
            "return_form": forms.get("return_form") or office_forms.ReturnRequestForm(assignment=assignment),
            # Never pre-ticked: "the delegate was invited" is the clerk's statement, not a default.
            "contact_form": forms.get("contact_form") or office_forms.ContactForm(initial={"date": today}),
            "opinion_form": forms.get("opinion_form") or office_forms.OpinionForm(),
            "reply_form": forms.get("reply_form")
            or office_forms.ReplyForm(
                initial=_reply_initial(context["draft"]), congress_id=assignment.suggestion.congress_id
            ),
            "extension_form": forms.get("extension_form") or office_forms.ExtensionForm(),
            "followup_form": forms.get("followup_form") or office_forms.FollowUpForm(),
            "letter_form": forms.get("letter_form") or office_forms.LetterForm(),
            "handler_form": forms.get("handler_form") or office_forms.HandlerForm(assignment=assignment),
            # Issue 20: the delegate's number is shown masked; revealing it is an audited action.
            "can_reveal_contact": policy.may(actor_of(request), Action.REVEAL_CONTACT, assignment),
        }
    )
    context["page_errors"] = [
        error
        for name, form in forms.items()
        if not context.get(FORM_SHOWN_BY[name])
        for error in form.non_field_errors()
    ]
    if offered["can_reply"]:
        context["reply_missing"] = actions.reply_requirements(assignment=assignment, suggestion=suggestion)
    if offered["can_extend"] or forms.get("extension_form"):
        context["extension_limit"] = actions.extension_limit(assignment=assignment, suggestion=suggestion)
        _date_bounds(
            context["extension_form"],
            "until",
            assignment.effective_due + datetime.timedelta(days=1),
            context["extension_limit"],
        )
    _date_bounds(context["contact_form"], "date", *actions.contact_date_bounds(assignment=assignment))
    return render(request, "suggestions/offices/assignment_detail.html", context)


@office_required
def assignment_detail(request, pk):
    return _render_page(request, _assignment_or_404(request, pk))


@office_required
@require_POST
def assignment_sign(request, pk):
    assignment = _assignment_or_404(request, pk)
    try:
        actions.assignment_sign(assignment=assignment, actor=request.user)
    except actions.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已签收。请与代表沟通联系后再答复。"))
    return redirect(_page_url(assignment))


def _form_action(request, pk, *, form_class, form_name, act, success, anchor, form_kwargs=None):
    """Validate a form, run ``act(assignment, cleaned_data)``; on any refusal show the page with what was typed."""
    assignment = _assignment_or_404(request, pk)
    kwargs = {"assignment": assignment} if form_kwargs else {}
    form = form_class(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        try:
            act(assignment, form)
        except actions.WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(_page_url(assignment, anchor))
    return _render_page(request, assignment, **{form_name: form})


@office_required
@require_POST
def assignment_request_return(request, pk):
    def act(assignment, form):
        actions.assignment_request_return(
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            suggested_office=form.cleaned_data["suggested_office"],
        )

    return _form_action(
        request,
        pk,
        form_class=office_forms.ReturnRequestForm,
        form_name="return_form",
        act=act,
        success=_("退回申请已提交，请等待人大工作人员审核。"),
        anchor="requests",
        form_kwargs=True,
    )


@office_required
@require_POST
def contact_record(request, pk):
    def act(assignment, form):
        data = form.cleaned_data
        actions.contact_record(
            assignment=assignment,
            actor=request.user,
            method=data["method"],
            date=data["date"],
            participants=data["participants"],
            summary=data["summary"],
            delegate_invited=data["delegate_invited"],
        )

    return _form_action(
        request,
        pk,
        form_class=office_forms.ContactForm,
        form_name="contact_form",
        act=act,
        success=_("沟通联系情况已记录。"),
        anchor="contacts",
    )


def _upload(form, name):
    """``(uploaded_file, content_type)`` of the form's file field ``name``, or ``None``."""
    uploaded = form.cleaned_data.get(name)
    return (uploaded, form.content_types[name]) if uploaded else None


@office_required
@require_POST
def opinion_send(request, pk):
    def act(assignment, form):
        actions.opinion_send_with_file(
            assignment=assignment, actor=request.user, text=form.cleaned_data["text"], upload=_upload(form, "file")
        )

    return _form_action(
        request,
        pk,
        form_class=office_forms.OpinionForm,
        form_name="opinion_form",
        act=act,
        success=_("协办意见已送主办单位。"),
        anchor="opinion",
    )


@office_required
@require_POST
def reply_save(request, pk):
    assignment = _assignment_or_404(request, pk)
    form = office_forms.ReplyForm(request.POST, request.FILES, congress_id=assignment.suggestion.congress_id)
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        data = form.cleaned_data
        try:
            reply = actions.reply_save_draft_with_letter(
                assignment=assignment,
                actor=request.user,
                text=data["text"],
                result_class=data["result_class"],
                signed_off_by=data["signed_off_by"],
                letter=_upload(form, "letter"),
            )
        except actions.WorkflowError as error:
            form.add_error(None, error.message)
            return _render_page(request, assignment, reply_form=form)
        if not submit:
            messages.success(request, _("答复草稿已保存。"))
            return redirect(_page_url(assignment, "reply"))
        try:
            actions.reply_submit(reply=reply, actor=request.user)
        except actions.WorkflowError as error:
            form.add_error(None, _("草稿已保存，但还不能提交：%(why)s") % {"why": error.message})
            return _render_page(request, assignment, reply_form=form)
        messages.success(request, _("答复已提交，代表将收到通知并进行评价。"))
        return redirect(_page_url(assignment))
    return _render_page(request, assignment, reply_form=form)


@office_required
@require_POST
def reply_attach_letter(request, pk):
    """补传: the signed letter of this office's latest submitted reply that has none."""

    def act(assignment, form):
        reply = office_selectors.letter_target(assignment)
        if reply is None:
            raise actions.TransitionNotAllowed(_("没有缺少答复函的已提交答复。"))
        actions.reply_attach_uploaded_letter(reply=reply, actor=request.user, letter=_upload(form, "letter"))

    return _form_action(
        request,
        pk,
        form_class=office_forms.LetterForm,
        form_name="letter_form",
        act=act,
        success=_("盖章答复函已上传。"),
        anchor="",
    )


@office_required
@require_POST
def extension_request(request, pk):
    def act(assignment, form):
        actions.extension_request(
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
        )

    return _form_action(
        request,
        pk,
        form_class=office_forms.ExtensionForm,
        form_name="extension_form",
        act=act,
        success=_("延期申请已提交，请等待人大工作人员审核。"),
        anchor="requests",
    )


@office_required
@require_POST
def followup_post(request, pk):
    def act(assignment, form):
        reply = office_selectors.follow_up_target(assignment)
        if reply is None:
            raise actions.TransitionNotAllowed(_("只有正在解决（B类）的答复需要跟踪督办。"))
        actions.followup_post(
            reply=reply, actor=request.user, text=form.cleaned_data["text"], solved=form.cleaned_data["solved"]
        )

    return _form_action(
        request,
        pk,
        form_class=office_forms.FollowUpForm,
        form_name="followup_form",
        act=act,
        success=_("办理进展已发布。"),
        anchor="followup",
    )


@office_required
@require_POST
def assignment_set_handler(request, pk):
    def act(assignment, form):
        actions.assignment_set_handler(assignment=assignment, actor=request.user, handler=form.cleaned_data["handler"])

    return _form_action(
        request,
        pk,
        form_class=office_forms.HandlerForm,
        form_name="handler_form",
        act=act,
        success=_("经办人已调整。"),
        anchor="handler",
        form_kwargs=True,
    )


# --------------------------------------------------------------------------- printable reply letter


@office_required
def reply_letter(request, pk):
    assignment = _assignment_or_404(request, pk)
    suggestion = assignment.suggestion
    if not assignment.answers_delegate:
        raise Http404
    replies = Reply.objects.filter(assignment=assignment).select_related("round", "result_class")
    round_number = request.GET.get("round")
    if round_number and round_number.isdigit():
        reply = replies.filter(round__number=int(round_number)).first()
    else:
        number = suggestion.current_round if assignment.followup_round_id is None else -1  # 回头看: its only round
        reply = replies.filter(round__number=number).first() or replies.order_by("-round__number").first()
    if reply is None:
        messages.info(request, _("请先保存答复草稿，再打印答复函。"))
        return redirect(_page_url(assignment, "reply"))
    delegates = selectors.suggestion_delegates(suggestion)
    handler = assignment.handler
    handler_phone = ""
    if handler is not None:
        member = OfficeMember.objects.filter(office_id=assignment.office_id, user=handler).first()
        handler_phone = member.phone if member else ""
    return render(
        request,
        "suggestions/offices/reply_letter.html",
        {
            "assignment": assignment,
            "suggestion": suggestion,
            "reply": reply,
            "salutation": office_selectors.salutation(delegates),
            "paragraphs": [p.strip() for p in reply.text.splitlines() if p.strip()],
            "letter_title": office_selectors.letter_title(suggestion),
            "letter_date": timezone.localdate(reply.submitted_at) if reply.submitted_at else timezone.localdate(),
            "handler": handler,
            "handler_phone": handler_phone,
        },
    )
