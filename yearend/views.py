"""The scoring pages: staff configure and score, leaders read, an office reads its own sheet and objects.

Every page asks the rule book (``policy``) and reads through ``yearend.queries``; every write is a
``yearend.actions`` service. A refused or bad input comes back as a message, never a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suggestions import policy
from suggestions.actor import actor_of
from suggestions.errors import NotPermitted, WorkflowError
from suggestions.policy import PERMISSION, Action
from suggestions.web.decorators import office_required, policy_required
from yearend import actions, cases, charts, exports, queries
from yearend.forms import AnswerForm, ItemForm, ObjectionForm, RubricForm, ScoreForm
from yearend.models import Objection, RubricItem

scores_view_required = policy_required(Action.SCORES_VIEW)


def _ask(actor: Any, action: Action, obj: Any) -> None:
    decision = policy.may(actor, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _person(actor: Any, action: Action, obj: Any) -> None:
    """403 before reading a form when this person may never do it here; "not now" is left to the service."""
    decision = policy.may(actor, action, obj)
    if not decision and decision.kind == PERMISSION:
        raise PermissionDenied(decision.reason)


def _run(request: HttpRequest, call, success: str) -> bool:
    """Run a service: not this person is a 403; not now or bad input a message. True when it went through."""
    try:
        call()
    except NotPermitted as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
        return False
    messages.success(request, success)
    return True


# --------------------------------------------------------------------------- rubrics


@scores_view_required
def home(request: HttpRequest) -> HttpResponse:
    """Every rubric version by year (staff and leaders), and a new one (staff)."""
    actor = actor_of(request)
    context = {
        "rubrics": queries.rubrics_for(actor),
        "may_create": policy.may(actor, Action.RUBRIC_EDIT, None),
    }
    return render(request, "yearend/home.html", context)


@login_required
def rubric_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _ask(actor, Action.RUBRIC_EDIT, None)
    form = RubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year, title = data.pop("year"), data.pop("title")
        try:
            rubric = actions.rubric_create(actor=request.user, year=year, title=title, values=data)
        except WorkflowError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("考评办法草稿已建立，请添加考评项目。"))
            return redirect(rubric)
    status = 400 if form.errors else 200
    return render(request, "yearend/rubric_form.html", {"form": form}, status=status)


@scores_view_required
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The rubric's items; while a draft, the forms that change it."""
    actor = actor_of(request)
    rubric = queries.rubric_for(actor, pk)
    allowed = {str(a) for a, d in policy.available(actor, rubric).items() if d}
    editing = "rubric_edit" in allowed
    context = {
        "rubric": rubric,
        "items": rubric.items.select_related("result_class"),
        "allowed": allowed,
        "rubric_form": RubricForm(editing=True, initial={f: getattr(rubric, f) for f in actions.RUBRIC_FIELDS})
        if editing
        else None,
        "audit": queries.rubric_audit(rubric) if actor.is_staff else [],
        "base_sum": sum(i.weight for i in rubric.items.all() if i.counts_in_base),
    }
    return render(request, "yearend/rubric_detail.html", context)


@require_POST
@login_required
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    rubric = queries.rubric_for(actor, pk)
    _person(actor, Action.RUBRIC_EDIT, rubric)
    form = RubricForm(request.POST, editing=True)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _run(
            request,
            lambda: actions.rubric_update(rubric=rubric, actor=request.user, values=form.cleaned_data),
            _("考评办法已保存。"),
        )
    return redirect(rubric)


@login_required
def item_edit(request: HttpRequest, pk: int | None = None, rubric_pk: int | None = None) -> HttpResponse:
    """Add an item to a draft rubric (``rubric_pk``) or change one (``pk``)."""
    actor = actor_of(request)
    item = None
    if pk is not None:
        item = get_object_or_404(RubricItem.objects.select_related("rubric"), pk=pk)
        rubric = queries.rubric_for(actor, item.rubric_id)
    else:
        rubric = queries.rubric_for(actor, rubric_pk)
    _ask(actor, Action.RUBRIC_EDIT, rubric)
    form = ItemForm.for_item(item, request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            actions.rubric_item_save(rubric=rubric, actor=request.user, values=form.cleaned_data, item=item)
        except WorkflowError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("考评项目已保存。"))
            return redirect(rubric)
    status = 400 if form.errors else 200
    return render(request, "yearend/item_form.html", {"form": form, "rubric": rubric, "item": item}, status=status)


def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    return item_edit(request, rubric_pk=pk)


@require_POST
@login_required
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_object_or_404(RubricItem, pk=pk)
    rubric = queries.rubric_for(actor, item.rubric_id)
    _run(request, lambda: actions.rubric_item_remove(item=item, actor=request.user), _("考评项目已删除。"))
    return redirect(rubric)


def _rubric_step(service, success):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        rubric = queries.rubric_for(actor_of(request), pk)
        result = {}

        def call():
            result["value"] = service(rubric=rubric, actor=request.user)

        if _run(request, call, success) and hasattr(result.get("value"), "get_absolute_url"):
            return redirect(result["value"])
        return redirect(rubric)

    return view


rubric_publish = _rubric_step(actions.rubric_publish, _("考评办法已发布，发布后不能再修改。"))
rubric_new_version = _rubric_step(actions.rubric_new_version, _("已建立新版本草稿。"))


@require_POST
@login_required
def scores_compute(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = queries.rubric_for(actor_of(request), pk)
    _run(request, lambda: actions.scores_compute(rubric=rubric, actor=request.user), _("得分已按最新数据计算。"))
    return redirect("yearend:scores", pk=rubric.pk)


@require_POST
@login_required
def scores_release(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = queries.rubric_for(actor_of(request), pk)
    _run(request, lambda: actions.sheets_release(rubric=rubric, actor=request.user), _("得分已反馈各单位。"))
    return redirect("yearend:scores", pk=rubric.pk)


@require_POST
@login_required
def scores_lock(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = queries.rubric_for(actor_of(request), pk)
    _run(request, lambda: actions.sheets_lock(rubric=rubric, actor=request.user), _("可锁定的得分已全部锁定。"))
    return redirect("yearend:scores", pk=rubric.pk)


# --------------------------------------------------------------------------- scores


@scores_view_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking, its chart and the comparison with last year."""
    actor = actor_of(request)
    rubric = queries.rubric_for(actor, pk)
    sheets = queries.ranking(rubric)
    last = queries.with_last_year(rubric, sheets)
    context = {
        "rubric": rubric,
        "sheets": sheets,
        "last": last,
        "chart": charts.ranking_svg(sheets, title=_("%(year)s年度承办单位得分排名") % {"year": rubric.year}),
        "may_compute": policy.may(actor, Action.SCORES_COMPUTE, rubric),
        "may_export": policy.may(actor, Action.SCORES_EXPORT, rubric),
        "today": timezone.localdate(),
    }
    return render(request, "yearend/scores.html", context)


@login_required
def scores_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    rubric = queries.rubric_for(actor, pk)
    _ask(actor, Action.SCORES_EXPORT, rubric)
    return exports.score_table_response(rubric)


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Why the office got its score: every item's figures and points, objections and (staff) the audit."""
    actor = actor_of(request)
    sheet = queries.sheet_for(actor, pk)
    _ask(actor, Action.SCORES_VIEW, sheet)
    allowed = {str(a) for a, d in policy.available(actor, sheet).items() if d}
    objections = list(queries.sheet_objections(sheet))
    context = {
        "sheet": sheet,
        "rubric": sheet.rubric,
        "lines": queries.sheet_lines(sheet),
        "objections": objections,
        "allowed": allowed,
        "answerable": {o.pk for o in objections if policy.may(actor, Action.OBJECTION_ANSWER, o)},
        "objection_form": ObjectionForm(rubric=sheet.rubric) if "score_object" in allowed else None,
        "answer_form": AnswerForm(),
        "audit": queries.sheet_audit(sheet) if actor.is_staff else [],
        "cases": cases.office_cases(sheet),
        "own_office": actor.works_for(sheet.office_id),
        "user_is_staff": actor.is_staff,
    }
    return render(request, "yearend/sheet_detail.html", context)


@login_required
def sheet_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sheet = queries.sheet_for(actor, pk)
    _ask(actor, Action.SCORES_EXPORT, sheet)
    return exports.score_sheet_response(sheet)


@require_POST
@login_required
def sheet_score(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sheet = queries.sheet_for(actor, pk)
    _person(actor, Action.SCORE_ENTER, sheet)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(sheet)
    item = sheet.rubric.items.filter(pk=form.cleaned_data["item"]).first()
    if item is None:
        messages.error(request, _("该项目不属于这个考评办法。"))
        return redirect(sheet)
    _run(
        request,
        lambda: actions.score_enter(
            sheet=sheet,
            item=item,
            actor=request.user,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
        ),
        _("评分已保存。"),
    )
    return redirect(sheet)


def _sheet_step(service, success):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        sheet = queries.sheet_for(actor_of(request), pk)
        _run(request, lambda: service(sheet=sheet, actor=request.user), success)
        return redirect(sheet)

    return view


sheet_release = _sheet_step(actions.sheet_release, _("得分已反馈该单位。"))
sheet_lock = _sheet_step(actions.sheet_lock, _("最终得分已锁定。"))


@require_POST
@login_required
def sheet_object(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sheet = queries.sheet_for(actor, pk)
    _person(actor, Action.SCORE_OBJECT, sheet)
    form = ObjectionForm(request.POST, rubric=sheet.rubric)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(sheet)
    _run(
        request,
        lambda: actions.objection_file(
            sheet=sheet, actor=request.user, text=form.cleaned_data["text"], item=form.cleaned_data["item"]
        ),
        _("异议已提交，请等待人大工作人员答复。"),
    )
    return redirect(sheet)


@require_POST
@login_required
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    objection = get_object_or_404(Objection, pk=pk)
    sheet = queries.sheet_for(actor, objection.sheet_id)
    _person(actor, Action.OBJECTION_ANSWER, objection)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(sheet)
    _run(
        request,
        lambda: actions.objection_answer(
            objection=objection,
            actor=request.user,
            accept=form.cleaned_data["accept"],
            answer=form.cleaned_data["answer"],
        ),
        _("异议已答复。"),
    )
    return redirect(sheet)


@office_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The office portal's page: its own score sheets, once released to it."""
    return render(request, "yearend/office_home.html", {"sheets": queries.office_sheets(actor_of(request))})
