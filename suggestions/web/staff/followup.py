"""Staff pages of the year's end beside the handling: 满意度回访, 回头看 of B answers, the delegates' letters.

Views stay thin: forms clean input, ``actions`` make every change, ``policy`` says what to offer.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delegates.models import Delegate
from suggestions import actions, policy
from suggestions.actor import actor_of
from suggestions.models import Assignment, Office, Reply
from suggestions.policy import Action
from suggestions.policy.rules_followup import current_session
from suggestions.queries import followup as queries
from suggestions.reporting import followup as figures
from suggestions.reporting import letters
from suggestions.web import followup_forms as forms
from suggestions.web.decorators import staff_required
from suggestions.web.letters import render_letter
from suggestions.web.staff.base import posted_ids, run_form

PAGE_SIZE = 50
ONLY = {
    "": gettext_lazy("全部"),
    "pending": gettext_lazy("待回访"),
    "recorded": gettext_lazy("已回访"),
    "differing": gettext_lazy("与网上评价不一致"),
}


def _session(request):
    """The session of the actor's congress asked for in ?session=, else its current one, else its latest
    (404 for an unknown one or another congress's)."""
    actor = actor_of(request)
    wanted = request.GET.get("session", "")
    sessions = queries.sessions_of(actor)
    if wanted:
        session = sessions.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 12 else None
        if session is None:
            raise Http404
        return session
    session = current_session(actor.congress_id) or sessions.first()
    if session is None:
        raise Http404
    return session


def _sessions(request):
    return list(queries.sessions_of(actor_of(request))[:50])


# --------------------------------------------------------------------------- 满意度回访


@staff_required
def resurveys(request):
    session = _session(request)
    select_form = forms.ResurveySelectForm(request.POST or None, initial={"method": "sample"})
    if request.method == "POST":
        batch = run_form(
            request,
            select_form,
            lambda d: actions.resurvey_select(
                session=session, actor=request.user, method=d["method"], sample_size=d["sample_size"]
            ),
            lambda b: _("已选取%(n)s人次待回访。") % {"n": b.resurveys.count()},
        )
        if batch:
            return redirect(f"{reverse('staff:resurveys')}?session={session.pk}&only=pending")
    only = request.GET.get("only", "")
    if only not in ONLY:
        only = ""
    page = Paginator(queries.resurveys(session, only=only), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "session": session,
        "sessions": _sessions(request),
        "only": only,
        "filters": [(key, label) for key, label in ONLY.items()],
        "page": page,
        "query": f"session={session.pk}&only={only}",
        "select_form": select_form,
        "resurvey": figures.resurvey_figures(session.pk),
        "batches": list(queries.batches(session)[:10]),
    }
    return render(request, "suggestions/staff/resurveys.html", context, status=400 if select_form.errors else 200)


@staff_required
def resurvey(request, pk):
    resurvey = queries.resurvey_of(actor_of(request), pk)
    if resurvey is None:
        raise Http404
    record_form = forms.ResurveyRecordForm(request.POST if request.POST.get("action") == "record" else None)
    reopen_form = forms.ReasonForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        if request.POST.get("action") == "record":
            done = run_form(
                request,
                record_form,
                lambda d: actions.resurvey_record(
                    resurvey=resurvey, actor=request.user, channel=d["channel"], value=d["value"], note=d["note"]
                ),
                _("已记录回访结果。"),
            )
        elif request.POST.get("action") == "reopen":
            done = run_form(
                request,
                reopen_form,
                lambda d: actions.resurvey_reopen(resurvey=resurvey, actor=request.user, reason=d["reason"]),
                lambda r: _("已重新办理（第%(n)s轮）。") % {"n": r.number},
            )
        else:
            raise Http404
        if done:
            return redirect("staff:resurvey", pk=resurvey.pk)
    actor = actor_of(request)
    context = {
        "r": resurvey,
        "record_form": record_form,
        "reopen_form": reopen_form,
        "may_record": policy.may(actor, Action.RESURVEY_RECORD, resurvey),
        "may_reopen": policy.may(actor, Action.RESURVEY_REOPEN, resurvey),
    }
    errors = record_form.errors or reopen_form.errors
    return render(request, "suggestions/staff/resurvey.html", context, status=400 if errors else 200)


# --------------------------------------------------------------------------- 回头看


@staff_required
def lookback(request):
    session = current_session(actor_of(request).congress_id)
    if session is None:
        raise Http404
    solved_form = forms.SolvedForm(request.POST if request.POST.get("action") == "solved" else None)
    if request.method == "POST":
        response = _lookback_post(request, solved_form)
        if response is not None:
            return response
    office_id = request.GET.get("office", "")
    office_id = int(office_id) if office_id.isdigit() and len(office_id) < 12 else None
    page = Paginator(queries.b_answers(session, office_id=office_id), PAGE_SIZE).get_page(request.GET.get("page"))
    carried = Paginator(queries.carried_into(session), PAGE_SIZE).get_page(request.GET.get("carried_page"))
    for c in carried.object_list:
        c.assignment_status = Assignment.Status(c.assignment_status).label if c.assignment_status else ""
    context = {
        "session": session,
        "page": page,
        "carried": carried,
        "offices": list(
            Office.objects.filter(congress_id=session.congress_id)
            .order_by("order", "name")
            .values_list("pk", "name")[:500]
        ),
        "office_id": office_id,
        "query": f"office={office_id}" if office_id else "",
        "solved_form": solved_form,
        "followup": figures.followup_figures(session.pk),
    }
    return render(request, "suggestions/staff/lookback.html", context, status=400 if solved_form.errors else 200)


def _lookback_post(request, solved_form):
    action = request.POST.get("action", "")
    if action == "carry":
        chosen = list(
            Reply.objects.filter(
                pk__in=posted_ids(request, "reply"), suggestion__congress_id=actor_of(request).congress_id
            )
        )
        try:
            carried = actions.carryover_create(replies=chosen, actor=request.user)
        except actions.WorkflowError as error:
            messages.error(request, error.message)
            return redirect("staff:lookback")
        messages.success(request, _("已将%(n)s件B类答复转入本次会议回头看。") % {"n": len(carried)})
        return redirect("staff:lookback")
    if action == "solved":
        ids = posted_ids(request, "reply_id")
        reply = get_object_or_404(Reply, pk=ids[0] if ids else 0, suggestion__congress_id=actor_of(request).congress_id)
        done = run_form(
            request,
            solved_form,
            lambda d: actions.carryover_confirm_solved(reply=reply, actor=request.user, note=d["note"]),
            _("已确认解决，该事项不再列入回头看。"),
        )
        if not done:
            errors = [*solved_form.non_field_errors(), *solved_form.errors.get("note", [])]
            messages.error(request, _("未能确认解决：%(errors)s") % {"errors": " ".join(errors)})
        return redirect("staff:lookback")
    raise Http404


# --------------------------------------------------------------------------- the delegates' letters


@staff_required
def letter_list(request):
    session = _session(request)
    send_form = forms.LetterSendForm(request.POST or None, initial={"kind": "assignment"})
    if request.method == "POST":
        done = run_form(
            request,
            send_form,
            lambda d: actions.letters_send(session=session, actor=request.user, kind=d["kind"]),
            lambda n: _("已通知%(n)s位代表查看告知函。") % {"n": n},
        )
        if done:
            return redirect(f"{reverse('staff:letters')}?session={session.pk}")
    page = Paginator(letters.letter_delegates(session), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "session": session,
        "sessions": _sessions(request),
        "page": page,
        "query": f"session={session.pk}",
        "send_form": send_form,
    }
    return render(request, "suggestions/staff/letters.html", context, status=400 if send_form.errors else 200)


@staff_required
def letter(request, pk):
    delegate = get_object_or_404(Delegate, pk=pk, congress_id=actor_of(request).congress_id)
    if not policy.may(actor_of(request), Action.LETTER_VIEW, delegate):
        raise Http404
    return render_letter(request, delegate, _session(request), back=f"{reverse('staff:letters')}")
