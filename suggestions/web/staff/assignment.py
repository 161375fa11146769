"""Staff assignment: one suggestion to its offices, or many registered ones to the same offices at once."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import actions, policy
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.queries.filters import SuggestionFilter
from suggestions.web import staff_forms as forms
from suggestions.web.decorators import staff_required
from suggestions.web.staff.base import (
    congress_of,
    get_suggestion,
    label,
    posted_ids,
    run_each,
    run_form,
)


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
    suggestion = get_suggestion(request, pk)
    if not policy.may(request.user, Action.ASSIGN, suggestion):
        messages.info(
            request,
            _("只有已立案待交办的建议可以交办（当前：%(status)s）。") % {"status": suggestion.get_status_display()},
        )
        return redirect("staff:suggestion", pk=pk)
    offices = list(staff_selectors.active_offices(congress_of(request)))
    suggested = staff_selectors.suggested_offices(suggestion)
    if request.method == "POST":
        form = forms.AssignForm(request.POST, offices=offices, suggested=suggested, congress_id=suggestion.congress_id)
        done = run_form(
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
        form = forms.AssignForm(
            initial=initial, offices=offices, suggested=suggested, congress_id=suggestion.congress_id
        )
    _assign_date_bounds(form, suggestion.session)
    context = {"suggestion": suggestion, "form": form, "suggested": suggested}
    return render(request, "suggestions/staff/assign.html", context, status=400 if form.errors else 200)


ASSIGN_LIST_FIELDS = ("q", "session", "series", "category")


ASSIGN_PER_PAGE = 50  # rows of the bulk-assign list


ASSIGN_PER_PAGE = 50  # rows of the bulk-assign list


@staff_required
def assign_list(request):
    """Registered suggestions with checkboxes: assign many to the same offices at once."""
    base = staff_selectors.suggestions_to_assign(congress_of(request))
    data = QueryDict(mutable=True)
    for name in ASSIGN_LIST_FIELDS:
        if request.GET.get(name):
            data[name] = request.GET[name]
    filterset = SuggestionFilter(data, queryset=base, request=request)
    ordered = filterset.qs.order_by("session_id", "series", "number", "pk") if filterset.is_valid() else base.none()
    page = Paginator(ordered, ASSIGN_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    offices = list(staff_selectors.active_offices(congress_of(request)))
    if request.method == "POST":
        form = forms.BulkAssignForm(request.POST, offices=offices, candidates=base, congress_id=congress_of(request))
        if form.is_valid():
            kwargs = form.service_kwargs()
            done = run_each(
                request,
                form.cleaned_data["suggestions"],
                lambda suggestion: actions.suggestion_assign(suggestion=suggestion, actor=request.user, **kwargs),
                refusal=lambda suggestion, error: (
                    _("“%(label)s”未能交办：%(error)s") % {"label": label(suggestion), "error": error.message}
                ),
            )
            if done:
                messages.success(request, _("已交办%(n)s件。") % {"n": done})
            return redirect(request.get_full_path())
        checked = set(posted_ids(request, "suggestions"))
    else:
        session = rows[0].session if rows else None
        initial = _assign_initial(session) if session else {}
        form = forms.BulkAssignForm(initial=initial, offices=offices, candidates=base, congress_id=congress_of(request))
        if session:
            _assign_date_bounds(form, session)
        checked = set()
    usage = staff_selectors.office_usage_by_category(
        category_ids={r.category_id for r in rows},
        before=min((r.session.start_date for r in rows), default=None),
    )
    for row in rows:
        row.suggested_office = (usage.get(row.category_id) or [None])[0]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "form": form,
        "filterset": filterset,
        "checked": checked,
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
    }
    return render(request, "suggestions/staff/assign_list.html", context, status=400 if form.errors else 200)
