"""What the staff pages share: loading a suggestion, running a form through its action, the actions on one suggestion."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _

from suggestions import actions
from suggestions.actor import actor_of
from suggestions.models import Suggestion
from suggestions.queries import selectors
from suggestions.web import staff_forms as forms

S = Suggestion.Status


def label(suggestion):
    return f"{suggestion.number_display} {suggestion.title}".strip()


def congress_of(request):
    """The id of the congress the staff member acts in: every staff page reads only its rows."""
    return actor_of(request).congress_id


def get_suggestion(request, pk):
    """A filed suggestion of the staff member's congress, else 404 (another congress's id included)."""
    suggestion = (
        selectors.with_audit_version(
            Suggestion.objects.exclude(status=S.DRAFT).filter(congress_id=congress_of(request))
        )
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
        lambda s: _("已立案：%(label)s。") % {"label": label(s)},
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


def run_form(request, form, perform, success):
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


def run_each(request, items, perform, *, refusal):
    """Call ``perform(item)`` for each item in turn; a refused one adds ``refusal(item, error)`` as an error
    message and the others go on. How many were done."""
    done = 0
    for item in items:
        try:
            perform(item)
        except actions.WorkflowError as error:
            messages.error(request, refusal(item, error))
        else:
            done += 1
    return done


def posted_ids(request, name):
    """The ticked ids of a bulk form; anything that is not a plausible id is ignored."""
    return [int(v) for v in request.POST.getlist(name)[:1000] if v.isdigit() and len(v) < 12]


def register_initial(suggestion):
    return {"number": actions.suggestion_propose_number(session=suggestion.session, series=suggestion.series)}
