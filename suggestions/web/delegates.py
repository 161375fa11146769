"""Delegates' pages: my suggestions, filing, co-signing, following handling, rating, my record.

Views are thin: reads go through ``suggestions.queries.delegate_selectors`` (scoped to the logged-in
delegate, 404 otherwise) and every write through ``suggestions.actions``.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from delegates.models import Delegate
from suggestions import actions, policy, roles
from suggestions.actor import actor_of
from suggestions.models import AuditAction, CoSigner, Rating, Suggestion
from suggestions.policy import Action
from suggestions.queries import delegate_selectors
from suggestions.queries.selectors import suggestion_files
from suggestions.web import public_site
from suggestions.web.common import suggestion_detail_context
from suggestions.web.decorators import delegate_required
from suggestions.web.delegate_forms import RatingForm, SuggestionForm, WithdrawForm

S = Suggestion.Status


def _me(request):
    return roles.delegate_of(request.user)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- home


HOME_LISTS = [
    # (section, title, count label, show the lead delegate)
    ("to-rate", _lazy("已答复，等您评价"), _lazy("待我评价"), True),
    ("drafts", _lazy("草稿和退回修改"), _lazy("草稿和退回"), False),
    ("submitted", _lazy("已提交，等待审查"), _lazy("待审查"), False),
    ("handling", _lazy("正在办理"), _lazy("办理中"), False),
    ("finished", _lazy("已办结"), _lazy("已办结"), False),
    ("cosigned", _lazy("我联名的建议"), _lazy("我联名的"), True),
]


@delegate_required
def home(request):
    """Every section's newest few with whole counts; ``?section=`` pages one section, newest first."""
    me = _me(request)
    totals = delegate_selectors.home_counts(me)
    section = request.GET.get("section")
    if section in delegate_selectors.HOME_SECTIONS:
        page = delegate_selectors.home_section_page(me, section, request.GET)
        title, _label, show_lead = next((t, c, s) for key, t, c, s in HOME_LISTS if key == section)
        return render(
            request,
            "delegates/home_section.html",
            {
                "delegate": me,
                "section": section,
                "title": title,
                "total": totals[section],
                "page": page,
                "show_lead": show_lead,
                "today": timezone.localdate(),
            },
        )
    rows = delegate_selectors.home_suggestions(me, totals)
    invitations, invitations_total = delegate_selectors.open_invitations(me)
    lists = []
    for key, title, count_label, show_lead in HOME_LISTS:
        shown = rows.get(key, [])
        lists.append(
            {
                "anchor": key,
                "title": title,
                "count_label": count_label,
                "rows": shown,
                "show_lead": show_lead,
                "total": totals[key],
                "more": totals[key] - len(shown),
            }
        )
    counts = [{"label": _("联名邀请"), "value": invitations_total, "anchor": "invitations"}] + [
        {"label": item["count_label"], "value": item["total"], "anchor": item["anchor"]} for item in lists
    ]
    return render(
        request,
        "delegates/home.html",
        {
            "delegate": me,
            "counts": counts,
            "invitations": invitations,
            "invitations_total": invitations_total,
            "invitations_more": invitations_total - len(invitations),
            "lists": lists,
            "nothing": not any(totals.values()) and not invitations,
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------- filing


def _form_page(request, *, suggestion=None):
    me = _me(request)
    if request.method == "POST":
        form = SuggestionForm(request.POST, request.FILES, congress_id=me.congress_id)
        action = request.POST.get("action", "save")
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = actions.suggestion_save_draft_with_files(
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    category=data["category"],
                    series=data["series"],
                    suggestion=suggestion,
                    uploads=data["attachments"],
                )
            except actions.WorkflowError as error:
                form.add_error(None, error.message)
            else:
                return _after_save(request, saved, action)
        messages.error(request, _("还有内容需要修改，请看下面标红的地方。您填写的内容都还在。"))
    elif suggestion is not None:
        form = SuggestionForm(
            congress_id=me.congress_id,
            initial={
                "title": suggestion.title,
                "body": suggestion.body,
                "category": suggestion.category_id,
                "series": suggestion.series,
            },
        )
    else:
        form = SuggestionForm(congress_id=me.congress_id)
    attachments = list(suggestion_files(suggestion)) if suggestion else []
    return render(
        request,
        "delegates/suggestion_form.html",
        {
            "form": form,
            "suggestion": suggestion,
            "attachments": attachments,
            "delegate": me,
            "autosave_url": reverse("delegates:autosave"),
            "similar_url": reverse("delegates:similar"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _after_save(request, suggestion, action):
    if action == "submit":
        try:
            actions.suggestion_submit(suggestion=suggestion, actor=request.user)
        except actions.WorkflowError as error:
            messages.error(request, _("草稿已保存，但还不能提交：%(reason)s") % {"reason": error.message})
        else:
            messages.success(request, _("建议已提交，请等待人大工作人员审查。"))
        return redirect("delegates:suggestion", suggestion.pk)
    if action == "preview":
        messages.info(request, _("草稿已保存。这是提交后工作人员看到的样子，确认无误后请点“提交”。"))
        return redirect("delegates:suggestion", suggestion.pk)
    messages.success(request, _("草稿已保存。"))
    return redirect("delegates:edit", suggestion.pk)


@delegate_required
def suggestion_create(request):
    return _form_page(request)


@delegate_required
def suggestion_edit(request, pk):
    suggestion = delegate_selectors.led_suggestion(_me(request), pk)
    if suggestion is None:
        raise Http404
    decision = policy.may(actor_of(request), Action.EDIT, suggestion)
    if not decision:
        messages.info(request, decision.reason)
        return redirect("delegates:suggestion", suggestion.pk)
    return _form_page(request, suggestion=suggestion)


@require_POST
def autosave(request):
    """Saves the draft being typed (called by static/js/delegate.js). JSON in, JSON out."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "ok": False,
                "login": True,
                "message": _("登录已过期。您输入的内容已保存在这台设备上，重新登录后会自动恢复。"),
            },
            status=401,
        )
    me = _me(request)
    if me is None:
        return JsonResponse({"ok": False, "message": _("只有人大代表可以提出建议。")}, status=403)
    suggestion = None
    if request.POST.get("pk"):
        pk = _int_or_none(request.POST["pk"])
        suggestion = delegate_selectors.led_suggestion(me, pk) if pk is not None else None
        if suggestion is None:
            return JsonResponse({"ok": False, "message": _("找不到这件建议。")}, status=404)
    form = SuggestionForm(request.POST, congress_id=me.congress_id)
    if not form.is_valid():
        return JsonResponse({"ok": False, "message": _("标题、类别和内容都填好后，会自动保存草稿。")}, status=200)
    data = form.cleaned_data
    try:
        saved = actions.suggestion_save_draft(
            actor=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            series=data["series"],
            suggestion=suggestion,
        )
    except actions.WorkflowError as error:
        return JsonResponse({"ok": False, "message": error.message}, status=409)
    return JsonResponse(
        {
            "ok": True,
            "pk": saved.pk,
            "edit_url": reverse("delegates:edit", args=[saved.pk]),
            "message": _("草稿已自动保存（%(time)s）") % {"time": timezone.localtime().strftime("%H:%M")},
        }
    )


@require_GET
@delegate_required
def similar(request):
    """Similar registered suggestions for the title being typed (static/js/delegate.js)."""
    me = _me(request)
    title = (request.GET.get("title") or "").strip()[:200]
    body = (request.GET.get("body") or "").strip()[:600]
    results = delegate_selectors.similar_for_delegate(
        me, title, body, exclude_pk=_int_or_none(request.GET.get("exclude"))
    )
    congress = actor_of(request).congress
    for item in results:
        if item["mine"]:
            item["url"] = reverse("delegates:suggestion", args=[item["id"]])
        elif item["public"]:  # on the public site of the delegate's own congress (the hints are of it only)
            item["url"] = public_site.site_url(congress, "detail", item["id"])
        else:
            item["url"] = ""  # not published: nothing of it may be opened
    return JsonResponse({"results": results})


# --------------------------------------------------------------------------- one suggestion


# Suggestion-level rows that repeat what the per-office rows beside them already say.
_REPEATED_PER_OFFICE = {AuditAction.ASSIGN, AuditAction.REHANDLE}


def _delegate_timeline(items):
    """The steps the delegate may see (already filtered by ``timeline.VISIBILITY``), without repeats."""
    return [item for item in items if not (item["action"] in _REPEATED_PER_OFFICE and not item["office"])]


def _detail(request, suggestion, *, rating_forms=None, withdraw_form=None, status=200):
    me = _me(request)
    actor = actor_of(request)
    context = suggestion_detail_context(request.user, suggestion)
    timeline = _delegate_timeline(context["timeline"])
    is_lead = suggestion.lead_delegate_id == me.pk
    my_cosign = next((c for c in context["cosigners"] if c.delegate_id == me.pk), None)
    suggestion.loaded_cosigners = context["cosigners"]  # the rule book reads them from here, no query again
    offered = policy.available(actor, suggestion)  # what this page offers: the rule book's answer
    rating_forms = rating_forms or {}
    for reply in context["replies"]:
        reply.suggestion = suggestion
        reply.my_rating = next((r for r in reply.ratings.all() if r.delegate_id == me.pk), None)
        reply.can_rate = policy.may(actor, Action.RATE, reply).allowed
        if reply.can_rate:
            reply.rating_form = rating_forms.get(reply.pk) or RatingForm(prefix=f"r{reply.pk}")
    for cosigner in context["cosigners"]:
        cosigner.suggestion = suggestion
        cosigner.can_drop = policy.may(actor, Action.DROP_COSIGNER, cosigner).allowed
    editable = offered[Action.EDIT].allowed
    query = (request.GET.get("q") or "").strip()[:50] if editable else ""
    current_round = next((r for r in context["rounds"] if r.number == suggestion.current_round), None)
    context.update(
        {
            "timeline": timeline,
            "delegate": me,
            "is_lead": is_lead,
            "my_cosign": my_cosign,
            "editable": editable,
            "open_invites": [c for c in context["cosigners"] if c.status == CoSigner.Status.INVITED],
            "can_submit": offered[Action.SUBMIT].allowed,
            "submit_refusal": offered[Action.SUBMIT].reason if editable else "",
            "can_invite": offered[Action.INVITE].allowed,
            "can_respond": my_cosign is not None and policy.may(actor, Action.RESPOND, my_cosign).allowed,
            "can_withdraw": offered[Action.WITHDRAW].allowed,
            "withdraw_form": withdraw_form or WithdrawForm(),
            "invite_query": query,
            "invite_candidates": delegate_selectors.delegates_to_invite(me, query, suggestion=suggestion)
            if query
            else [],
            "current_round": current_round,
            "now": timezone.now(),
        }
    )
    return render(request, "delegates/suggestion_detail.html", context, status=status)


def _suggestion_or_404(request, pk):
    suggestion = delegate_selectors.suggestion_for_delegate(_me(request), pk)
    if suggestion is None:
        raise Http404
    return suggestion


@delegate_required
def suggestion_detail(request, pk):
    return _detail(request, _suggestion_or_404(request, pk))


def _led_or_404(request, pk):
    suggestion = delegate_selectors.led_suggestion(_me(request), pk)
    if suggestion is None:
        raise Http404
    return suggestion


@require_POST
@delegate_required
def suggestion_submit(request, pk):
    suggestion = _led_or_404(request, pk)
    try:
        actions.suggestion_submit(suggestion=suggestion, actor=request.user)
    except actions.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("建议已提交，请等待人大工作人员审查。"))
    return redirect("delegates:suggestion", pk)


@require_POST
@delegate_required
def suggestion_withdraw(request, pk):
    suggestion = _led_or_404(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            actions.suggestion_withdraw(suggestion=suggestion, actor=request.user, reason=form.cleaned_data["reason"])
        except actions.InvalidInput as error:
            form.add_error("reason", error.message)
        except actions.WorkflowError as error:
            # Not allowed now: the page no longer offers the form, so the reason goes on top of it.
            messages.error(request, error.message)
            return redirect("delegates:suggestion", pk)
        else:
            messages.success(request, _("建议已撤回。"))
            return redirect("delegates:suggestion", pk)
    return _detail(request, _suggestion_or_404(request, pk), withdraw_form=form, status=400)


@require_POST
@delegate_required
def cosigner_invite(request, pk):
    me = _me(request)
    suggestion = _led_or_404(request, pk)
    invitee = Delegate.objects.filter(
        pk=_int_or_none(request.POST.get("delegate")), term_id=me.term_id, is_active=True
    ).first()
    if invitee is None:
        messages.error(request, _("找不到这位代表，请重新查找。"))
        return redirect("delegates:suggestion", pk)
    try:
        actions.cosigner_invite(suggestion=suggestion, actor=request.user, delegates=[invitee])
    except actions.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已邀请%(name)s联名，等待对方确认。") % {"name": invitee.name})
    return redirect("delegates:suggestion", pk)


@require_POST
@delegate_required
def cosigner_drop(request, pk):
    cosigner = delegate_selectors.cosigner_of_led(_me(request), pk)
    if cosigner is None:
        raise Http404
    try:
        actions.cosigner_drop(cosigner=cosigner, actor=request.user)
    except actions.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤销对%(name)s的联名邀请。") % {"name": cosigner.delegate.name})
    return redirect("delegates:suggestion", cosigner.suggestion_id)


@require_POST
@delegate_required
def cosigner_respond(request, pk):
    cosigner = delegate_selectors.cosigner_for_delegate(_me(request), pk)
    if cosigner is None:
        raise Http404
    accept = request.POST.get("accept") == "1"
    try:
        actions.cosigner_respond(cosigner=cosigner, actor=request.user, accept=accept)
    except actions.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (_("您已确认联名：%(title)s") if accept else _("您已谢绝联名：%(title)s"))
            % {"title": cosigner.suggestion.title},
        )
    # Back to the suggestion only while the delegate may still read it (not after an expired invitation).
    if accept and delegate_selectors.suggestion_for_delegate(_me(request), cosigner.suggestion_id) is not None:
        return redirect("delegates:suggestion", cosigner.suggestion_id)
    return redirect("delegates:home")


@require_POST
@delegate_required
def reply_rate(request, pk):
    me = _me(request)
    reply = delegate_selectors.reply_for_rater(me, pk)
    if reply is None:
        raise Http404
    form = RatingForm(request.POST, prefix=f"r{reply.pk}")
    if form.is_valid():
        try:
            actions.rating_submit(
                reply=reply, actor=request.user, value=form.cleaned_data["value"], comment=form.cleaned_data["comment"]
            )
        except actions.WorkflowError as error:
            form.add_error(None, error.message)
        else:
            if form.cleaned_data["value"] == Rating.Value.UNSATISFIED:
                messages.success(request, _("评价已提交。承办单位将重新办理，新的期限见下方。"))
            else:
                messages.success(request, _("评价已提交，谢谢。"))
            return redirect("delegates:suggestion", reply.suggestion_id)
    suggestion = _suggestion_or_404(request, reply.suggestion_id)
    return _detail(request, suggestion, rating_forms={reply.pk: form}, status=400)


# --------------------------------------------------------------------------- record


@delegate_required
def my_record(request):
    return record(request, _me(request).pk)


@delegate_required
def record(request, pk):
    me = _me(request)
    if me.pk != pk:
        raise Http404
    sessions = delegate_selectors.record_rows(me)
    ratings = [r for entry in sessions for s in entry["led"] + entry["cosigned"] for r in s.my_ratings]
    summary = {
        "led": sum(len(e["led"]) for e in sessions),
        "cosigned": sum(len(e["cosigned"]) for e in sessions),
        "rated": len(ratings),
        "satisfied": sum(1 for r in ratings if r.value in (Rating.Value.SATISFIED, Rating.Value.BASIC)),
    }
    return render(request, "delegates/record.html", {"delegate": me, "sessions": sessions, "summary": summary})
