"""One suggestion as staff see it, with the forms the rule book allows now."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from suggestions import actions, policy
from suggestions.policy import Action
from suggestions.web import staff_forms as forms
from suggestions.web.common import suggestion_detail_context
from suggestions.web.decorators import staff_required
from suggestions.web.staff.base import (
    SUGGESTION_ACTIONS,
    get_suggestion,
    register_initial,
    run_form,
)

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
    suggestion = get_suggestion(request, pk)
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
        form = bound[action] = form_class(request.POST, prefix=action, congress_id=suggestion.congress_id)
        if run_form(request, form, lambda d: perform(suggestion, request.user, d), success):
            return redirect("staff:suggestion", pk=pk)
    elif action == "remind":
        form = bound["remind"] = forms.RemindForm(request.POST, prefix="remind", assignments=open_assignments)
        if run_form(
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
                "register", lambda: forms.RegisterForm(prefix="register", initial=register_initial(suggestion))
            ),
            "return_form": form_for("return", lambda: forms.ReturnForm(prefix="return")),
            "reject_form": form_for("reject", lambda: forms.RejectForm(prefix="reject")),
            "withdraw_form": form_for("withdraw", lambda: forms.WithdrawForm(prefix="withdraw")),
            "close_form": form_for("close", lambda: forms.CloseForm(prefix="close")),
            "key_form": form_for(
                "key",
                lambda: forms.KeyForm(
                    prefix="key",
                    congress_id=suggestion.congress_id,
                    initial={"is_key": suggestion.is_key, "leader": suggestion.leader_id},
                ),
            ),
            "remind_form": form_for("remind", lambda: forms.RemindForm(prefix="remind", assignments=open_assignments)),
            "can_assign": offered[Action.ASSIGN].allowed,
            "can_review": offered[Action.REGISTER].allowed,
            "can_transfer": offered[Action.TRANSFER].allowed,
        }
    )
    return render(request, "suggestions/staff/suggestion_detail.html", context, status=400 if bound else 200)
