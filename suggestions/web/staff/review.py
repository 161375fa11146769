"""Staff review: the inbox of submitted suggestions, registering in bulk, and one suggestion under review (similar ones, 并案)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suggestions import actions, policy
from suggestions.models import Suggestion
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.web import staff_forms as forms
from suggestions.web.common import suggestion_detail_context
from suggestions.web.decorators import staff_required
from suggestions.web.staff.base import (
    SUGGESTION_ACTIONS,
    congress_of,
    get_suggestion,
    posted_ids,
    register_initial,
    run_each,
    run_form,
)

S = Suggestion.Status


PER_PAGE = 50  # rows of the review inbox, oldest first


@staff_required
def inbox(request):
    page = Paginator(staff_selectors.inbox_suggestions(congress_of(request)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suggestions/staff/inbox.html",
        {"submitted": list(page.object_list), "page": page, "total": page.paginator.count},
    )


@staff_required
@require_POST
def inbox_bulk_register(request):
    """Register every checked suggestion with the proposed numbers, one by one."""
    ids = posted_ids(request, "suggestions")
    chosen = list(staff_selectors.inbox_suggestions(congress_of(request)).filter(pk__in=ids))
    if not chosen:
        messages.error(request, _("请勾选要立案的建议。"))
        return redirect("staff:inbox")
    done = run_each(
        request,
        chosen,
        lambda suggestion: actions.suggestion_register(suggestion=suggestion, actor=request.user),
        refusal=lambda suggestion, error: (
            _("“%(title)s”未能立案：%(error)s") % {"title": suggestion.title, "error": error.message}
        ),
    )
    if done:
        messages.success(request, _("已立案%(n)s件，编号按顺序自动生成。") % {"n": done})
    return redirect("staff:inbox")


def similar_for_review(suggestion, actor):
    """``staff_selectors.similar_for_staff``, each marked ``merge_target`` when the rule book lets this one merge into it."""
    found = staff_selectors.similar_for_staff(suggestion)
    for s in found:
        s.merge_target = s.session_id == suggestion.session_id and bool(policy.may(actor, Action.MERGE_INTO, s))
    return found


@staff_required
def review(request, pk):
    suggestion = get_suggestion(request, pk)
    if not policy.may(request.user, Action.REGISTER, suggestion):
        messages.info(request, _("该建议已处理（%(status)s）。") % {"status": suggestion.get_status_display()})
        return redirect("staff:suggestion", pk=pk)
    bound = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("register", "return", "reject"):
        form_class, perform, success = SUGGESTION_ACTIONS[action]
        form = bound[action] = form_class(request.POST, prefix=action)
        if run_form(request, form, lambda d: perform(suggestion, request.user, d), success):
            return _redirect_to_next(suggestion)
    # The similar ones only when they are used: a merge, or the page drawn again. A decision that went through
    # redirects without them (the hint is the heaviest part of the page: a second of CPU at a few thousand
    # suggestions on the exact path).
    similar_ones = similar_for_review(suggestion, request.user)
    mergeable = [s for s in similar_ones if s.merge_target and policy.may(request.user, Action.MERGE, s)]
    if action == "merge":
        form = bound["merge"] = forms.MergeForm(request.POST, prefix="merge", candidates=mergeable)
        done = run_form(
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
    queue = list(staff_selectors.inbox_suggestions(congress_of(request)).values_list("pk", flat=True)[:2000])
    position = queue.index(suggestion.pk) if suggestion.pk in queue else None
    context = suggestion_detail_context(request.user, suggestion)
    context.update(
        {
            "similar": similar_ones,
            "mergeable_ids": {s.pk for s in mergeable},
            "register_form": bound.get("register")
            or forms.RegisterForm(prefix="register", initial=register_initial(suggestion)),
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
    queue = staff_selectors.inbox_suggestions(suggestion.congress_id)
    following = queue.filter(submitted_at__gte=suggestion.submitted_at).exclude(pk=suggestion.pk).first()
    following = following or queue.first()
    if following:
        return redirect("staff:review", pk=following.pk)
    return redirect("staff:inbox")
