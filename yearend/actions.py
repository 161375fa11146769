"""Every write of the year's office scoring.

Each action asks the rule book (``policy.require``), locks its rows (the rubric first, then its sheets, then an
objection), checks the move against the model's ``TRANSITIONS``, writes the change and its ``ScoringAudit`` row
in one transaction, and tells the people concerned (in-app notifications in the same transaction).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.actions.notifications import notify, office_users, staff_users
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.models import ResultClass
from suggestions.policy import Action
from suggestions.workdays import work_calendar
from yearend import metrics, scoring
from yearend.models import Metric, Objection, Rubric, RubricItem, ScoreLine, ScoreSheet, ScoringAudit

__all__ = [
    "InvalidInput",
    "NotPermitted",
    "TransitionNotAllowed",
    "objection_answer",
    "objection_file",
    "rubric_create",
    "rubric_item_remove",
    "rubric_item_save",
    "rubric_new_version",
    "rubric_publish",
    "rubric_update",
    "score_enter",
    "scores_compute",
    "sheet_lock",
    "sheet_release",
    "sheets_lock",
    "sheets_release",
]

K = RubricItem.Kind
SS = ScoreSheet.Status
RUBRIC_FIELDS = ("title", "full_marks", "deduction_cap", "bonus_cap", "objection_workdays")
ITEM_FIELDS = (
    "order",
    "name",
    "kind",
    "metric",
    "result_class",
    "weight",
    "lower_is_better",
    "per_unit",
    "cap",
    "note",
)


# --------------------------------------------------------------------------- helpers


def _audit(*, action: str, actor: Any, rubric: Rubric, sheet: ScoreSheet | None = None, **fields: Any) -> None:
    ScoringAudit.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        rubric=rubric,
        sheet=sheet,
        **fields,
    )


def _check_transition(obj: Any, to_status: str) -> None:
    refusal = policy.transition_refusal(obj, to_status)
    if refusal:
        raise TransitionNotAllowed(refusal)


def _text(value: str | None, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": label})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过%(max)s个字。") % {"field": label, "max": max_length})
    return value


def _points(value: Any, label: str, *, maximum: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("%(field)s须为数字。") % {"field": label}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("10000"):
        raise InvalidInput(_("%(field)s须为0到9999之间的数。") % {"field": label})
    if maximum is not None and number > maximum:
        raise InvalidInput(_("%(field)s不能超过%(max)s分。") % {"field": label, "max": maximum})
    return scoring.cents(number)


def _lock_rubric(rubric: Rubric) -> Rubric:
    return Rubric.objects.select_for_update().get(pk=rubric.pk)


def _lock_sheet(sheet: ScoreSheet) -> tuple[Rubric, ScoreSheet]:
    rubric = Rubric.objects.select_for_update().get(pk=sheet.rubric_id)
    locked = ScoreSheet.objects.select_for_update(of=("self",)).select_related("office").get(pk=sheet.pk)
    return rubric, locked


def _retotal(rubric: Rubric, sheet: ScoreSheet) -> None:
    lines = sheet.lines.select_related("item")
    result = scoring.totals(rubric, [(line.item, line.points) for line in lines])
    sheet.base, sheet.deductions, sheet.bonuses, sheet.total = (
        result.base,
        result.deductions,
        result.bonuses,
        result.total,
    )


# --------------------------------------------------------------------------- the rubric


@transaction.atomic
def rubric_create(*, actor: Any, year: int, title: str, values: dict | None = None) -> Rubric:
    """A new rubric (version 1 of its year, or the next version when the year has one)."""
    policy.require(actor, Action.RUBRIC_EDIT, None)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("请填写正确的考评年度。"))
    version = (Rubric.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0) + 1
    rubric = Rubric(year=year, version=version, title=_text(title, _("名称"), max_length=200), created_by=actor)
    _apply_rubric_values(rubric, values or {})
    rubric.save()
    _audit(action=ScoringAudit.Action.RUBRIC_CREATE, actor=actor, rubric=rubric, to_status=rubric.status)
    return rubric


def _apply_rubric_values(rubric: Rubric, values: dict) -> None:
    labels = {"full_marks": _("基本分满分"), "deduction_cap": _("扣分上限"), "bonus_cap": _("加分上限")}
    for name, label in labels.items():
        if name in values:
            setattr(rubric, name, _points(values[name], label))
    if "objection_workdays" in values:
        days = values["objection_workdays"]
        if not isinstance(days, int) or not 1 <= days <= 60:
            raise InvalidInput(_("异议期限须为1到60个工作日。"))
        rubric.objection_workdays = days
    if "title" in values:
        rubric.title = _text(values["title"], _("名称"), max_length=200)


@transaction.atomic
def rubric_update(*, rubric: Rubric, actor: Any, values: dict) -> Rubric:
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    _apply_rubric_values(rubric, {k: v for k, v in values.items() if k in RUBRIC_FIELDS})
    rubric.save()
    _audit(action=ScoringAudit.Action.RUBRIC_EDIT, actor=actor, rubric=rubric, data={"fields": sorted(values)})
    return rubric


def _clean_item(values: dict) -> dict:
    """An item's values, checked: what each kind needs (a metric for a rate, a cap for a deduction...)."""
    kind = values.get("kind")
    if kind not in K.values:
        raise InvalidInput(_("请选择计分方式。"))
    metric = values.get("metric") or ""
    if metric and metric not in Metric.values:
        raise InvalidInput(_("请选择自动计算指标。"))
    result_class = values.get("result_class")
    if result_class is not None and not isinstance(result_class, ResultClass):
        raise InvalidInput(_("请选择办理结果分类。"))
    cleaned = {
        "name": _text(values.get("name"), _("考评项目"), max_length=100),
        "kind": kind,
        "metric": metric,
        "result_class": result_class if metric == Metric.RESULT_SHARE else None,
        "weight": _points(values.get("weight") or 0, _("分值")),
        "per_unit": _points(values.get("per_unit") or 0, _("每次扣（加）分")),
        "cap": _points(values.get("cap") or 0, _("本项上限")),
        "lower_is_better": bool(values.get("lower_is_better")),
        "note": _text(values.get("note"), _("计分说明"), max_length=1000, required=False),
        "order": int(values.get("order") or 0),
    }
    if kind == K.RATE:
        if not metric or metric in scoring.COUNT_METRICS:
            raise InvalidInput(_("按比例计分的项目须选择一个比例指标（如按时答复率、满意率）。"))
        if cleaned["weight"] <= 0:
            raise InvalidInput(_("请填写该项目的分值。"))
    elif kind == K.MANUAL:
        if metric:
            raise InvalidInput(_("人工评分的项目不选择自动计算指标。"))
        if cleaned["weight"] <= 0:
            raise InvalidInput(_("请填写该项目的分值。"))
    else:
        if metric and metric not in scoring.COUNT_METRICS:
            raise InvalidInput(_("扣分和加分项目只能按次数计算（催办、延期、退回），或留空由人工评分。"))
        if cleaned["cap"] <= 0:
            raise InvalidInput(_("请填写本项上限。"))
        if metric and cleaned["per_unit"] <= 0:
            raise InvalidInput(_("请填写每次扣（加）分。"))
    if metric == Metric.RESULT_SHARE and result_class is None:
        raise InvalidInput(_("请选择要计算占比的办理结果分类。"))
    return cleaned


@transaction.atomic
def rubric_item_save(*, rubric: Rubric, actor: Any, values: dict, item: RubricItem | None = None) -> RubricItem:
    """Add an item to a draft rubric, or change one."""
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    if item is not None and item.rubric_id != rubric.pk:
        raise InvalidInput(_("该项目不属于这个考评办法。"))
    cleaned = _clean_item(values)
    item = item or RubricItem(rubric=rubric)
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.save()
    _audit(action=ScoringAudit.Action.ITEM_SAVE, actor=actor, rubric=rubric, note=item.name, data={"item": item.pk})
    return item


@transaction.atomic
def rubric_item_remove(*, item: RubricItem, actor: Any) -> None:
    """Take an item out of a draft rubric (a published one keeps every item)."""
    rubric = _lock_rubric(item.rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    _audit(action=ScoringAudit.Action.ITEM_REMOVE, actor=actor, rubric=rubric, note=item.name, data={"item": item.pk})
    item.delete()


@transaction.atomic
def rubric_publish(*, rubric: Rubric, actor: Any) -> Rubric:
    """Publish the version: from now on it never changes."""
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_PUBLISH, rubric)
    items = list(rubric.items.all())
    if not items:
        raise InvalidInput(_("考评办法还没有考评项目。"))
    base = sum((item.weight for item in items if item.counts_in_base), Decimal("0"))
    if base != rubric.full_marks:
        raise InvalidInput(
            _("按比例计分和人工评分项目的分值合计为%(sum)s分，应等于基本分满分%(full)s分。")
            % {"sum": base, "full": rubric.full_marks}
        )
    _check_transition(rubric, Rubric.Status.PUBLISHED)
    rubric.status = Rubric.Status.PUBLISHED
    rubric.published_by, rubric.published_at = actor, timezone.now()
    rubric.save()
    _audit(
        action=ScoringAudit.Action.RUBRIC_PUBLISH,
        actor=actor,
        rubric=rubric,
        from_status=Rubric.Status.DRAFT,
        to_status=rubric.status,
        data={"items": len(items)},
    )
    return rubric


@transaction.atomic
def rubric_new_version(*, rubric: Rubric, actor: Any) -> Rubric:
    """A draft copy of a published version, numbered next in its year: how a published rubric is changed."""
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_NEW_VERSION, rubric)
    version = Rubric.objects.filter(year=rubric.year).aggregate(v=Max("version"))["v"] + 1
    copy = Rubric.objects.create(
        year=rubric.year,
        version=version,
        title=rubric.title,
        full_marks=rubric.full_marks,
        deduction_cap=rubric.deduction_cap,
        bonus_cap=rubric.bonus_cap,
        objection_workdays=rubric.objection_workdays,
        based_on=rubric,
        created_by=actor,
    )
    RubricItem.objects.bulk_create(
        RubricItem(rubric=copy, **{name: getattr(item, name) for name in ITEM_FIELDS}) for item in rubric.items.all()
    )
    _audit(action=ScoringAudit.Action.RUBRIC_VERSION, actor=actor, rubric=copy, data={"based_on": rubric.pk})
    return copy


# --------------------------------------------------------------------------- the scores


@transaction.atomic
def scores_compute(*, rubric: Rubric, actor: Any, as_of: datetime.date | None = None) -> list[ScoreSheet]:
    """Count every automatic item for every office with work in the year, and total each sheet.

    Sheets not yet locked are recounted (hand-entered points are kept); a locked sheet never changes.
    """
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.SCORES_COMPUTE, rubric)
    as_of = as_of or timezone.localdate()
    figures = metrics.year_figures(rubric.year, as_of=as_of)
    items = list(rubric.items.select_related("result_class"))
    existing = {s.office_id: s for s in ScoreSheet.objects.select_for_update().filter(rubric=rubric)}
    now = timezone.now()
    ScoreSheet.objects.bulk_create(
        [ScoreSheet(rubric=rubric, office_id=office) for office in sorted(figures.offices - existing.keys())]
    )
    sheets = [s for s in ScoreSheet.objects.filter(rubric=rubric) if s.status != SS.FINAL]
    lines = {(line.sheet_id, line.item_id): line for line in ScoreLine.objects.filter(sheet__in=sheets)}
    new_lines, changed = [], []
    for sheet in sheets:
        scored = []
        for item in items:
            line = lines.get((sheet.pk, item.pk))
            if line is None:
                line = ScoreLine(sheet=sheet, item=item)
                new_lines.append(line)
            else:
                changed.append(line)
            if item.is_automatic:
                code = item.result_class.code if item.result_class_id else ""
                line.numerator, line.denominator = figures.get(item.metric, sheet.office_id, code)
                line.points = scoring.automatic_points(item, line.numerator, line.denominator)
                line.scored = True
            scored.append((item, line.points))
        result = scoring.totals(rubric, scored)
        sheet.base, sheet.deductions, sheet.bonuses, sheet.total = (
            result.base,
            result.deductions,
            result.bonuses,
            result.total,
        )
        sheet.computed_at, sheet.as_of = now, as_of
    ScoreLine.objects.bulk_create(new_lines)
    ScoreLine.objects.bulk_update(changed, ["numerator", "denominator", "points", "scored"])
    ScoreSheet.objects.bulk_update(sheets, ["base", "deductions", "bonuses", "total", "computed_at", "as_of"])
    _audit(
        action=ScoringAudit.Action.COMPUTE,
        actor=actor,
        rubric=rubric,
        data={"as_of": as_of.isoformat(), "sheets": {str(s.office_id): str(s.total) for s in sheets}},
    )
    return sheets


@transaction.atomic
def score_enter(*, sheet: ScoreSheet, item: RubricItem, actor: Any, points: Any, reason: str) -> ScoreLine:
    """Staff score a hand-scored item (or a hand deduction or bonus) with a reason; the total follows."""
    rubric, sheet = _lock_sheet(sheet)
    policy.require(actor, Action.SCORE_ENTER, sheet)
    if item.rubric_id != rubric.pk or item.is_automatic:
        raise InvalidInput(_("这个项目由系统自动计算，不能人工评分。"))
    value = _points(points, item.name, maximum=item.max_points)
    reason = _text(reason, _("评分理由"), max_length=1000)
    line, _created = ScoreLine.objects.select_for_update().get_or_create(sheet=sheet, item=item)
    before = line.points if line.scored else None
    line.points, line.reason, line.scored = value, reason, True
    line.scored_by, line.scored_at = actor, timezone.now()
    line.save()
    _retotal(rubric, sheet)
    sheet.save(update_fields=["base", "deductions", "bonuses", "total"])
    _audit(
        action=ScoringAudit.Action.SCORE,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        note=reason,
        data={"item": item.pk, "from": str(before) if before is not None else None, "to": str(value)},
    )
    return line


@transaction.atomic
def sheet_release(*, sheet: ScoreSheet, actor: Any) -> ScoreSheet:
    """Show the office its score; its objection window opens (the rubric's working days from today)."""
    rubric, sheet = _lock_sheet(sheet)
    policy.require(actor, Action.SCORE_RELEASE, sheet)
    unscored = sheet.lines.filter(item__kind=K.MANUAL, scored=False).select_related("item")
    missing = [line.item.name for line in unscored]
    if missing or sheet.computed_at is None:
        raise InvalidInput(
            _("%(office)s还有未评分的项目：%(items)s。")
            % {"office": sheet.office.name, "items": "、".join(missing) or _("尚未计算")}
        )
    _check_transition(sheet, SS.RELEASED)
    today = timezone.localdate()
    sheet.status = SS.RELEASED
    sheet.released_at = timezone.now()
    sheet.objection_deadline = work_calendar().add_workdays(today, rubric.objection_workdays)
    sheet.save()
    _audit(
        action=ScoringAudit.Action.RELEASE,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        from_status=SS.DRAFT,
        to_status=SS.RELEASED,
        data={"total": str(sheet.total), "deadline": sheet.objection_deadline.isoformat()},
    )
    notify(
        office_users(sheet.office_id),
        title=_("%(year)s年度办理绩效考评得分已反馈") % {"year": rubric.year},
        body=_("得分%(total)s分。如有异议，请于%(date)s前提出。")
        % {"total": sheet.total, "date": sheet.objection_deadline},
        url=sheet.get_absolute_url(),
    )
    return sheet


@transaction.atomic
def sheets_release(*, rubric: Rubric, actor: Any) -> int:
    """Release every sheet of the rubric still being scored (each through ``sheet_release``)."""
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.SCORES_COMPUTE, rubric)
    sheets = list(ScoreSheet.objects.filter(rubric=rubric, status=SS.DRAFT).order_by("pk"))
    for sheet in sheets:
        sheet_release(sheet=sheet, actor=actor)
    return len(sheets)


@transaction.atomic
def objection_file(*, sheet: ScoreSheet, actor: Any, text: str, item: RubricItem | None = None) -> Objection:
    """The office objects to its score (one open objection at a time, within the window)."""
    rubric, sheet = _lock_sheet(sheet)
    policy.require(actor, Action.SCORE_OBJECT, sheet)
    if item is not None and item.rubric_id != rubric.pk:
        raise InvalidInput(_("该项目不属于这个考评办法。"))
    objection = Objection.objects.create(
        sheet=sheet, item=item, text=_text(text, _("异议内容"), max_length=2000), filed_by=actor
    )
    _audit(
        action=ScoringAudit.Action.OBJECT,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        to_status=objection.status,
        note=objection.text,
        data={"objection": objection.pk, "item": item.pk if item else None},
    )
    notify(
        staff_users(),
        title=_("%(office)s对%(year)s年度考评得分提出异议") % {"office": sheet.office.name, "year": rubric.year},
        body=objection.text[:500],
        url=sheet.get_absolute_url(),
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, actor: Any, accept: bool, answer: str) -> Objection:
    """Staff answer an objection (a score it corrects is changed with ``score_enter`` or a recount)."""
    rubric, sheet = _lock_sheet(objection.sheet)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    policy.require(actor, Action.OBJECTION_ANSWER, objection)
    to_status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
    _check_transition(objection, to_status)
    objection.status = to_status
    objection.answer = _text(answer, _("答复"), max_length=2000)
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()
    _audit(
        action=ScoringAudit.Action.ANSWER,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        from_status=Objection.Status.OPEN,
        to_status=to_status,
        note=objection.answer,
        data={"objection": objection.pk},
    )
    notify(
        office_users(sheet.office_id),
        title=_("您单位对考评得分的异议已答复：%(status)s") % {"status": objection.get_status_display()},
        body=objection.answer[:500],
        url=sheet.get_absolute_url(),
    )
    return objection


@transaction.atomic
def sheet_lock(*, sheet: ScoreSheet, actor: Any) -> ScoreSheet:
    """The final score: locked for good, its figures kept in the audit row."""
    rubric, sheet = _lock_sheet(sheet)
    policy.require(actor, Action.SCORE_LOCK, sheet)
    _check_transition(sheet, SS.FINAL)
    sheet.status = SS.FINAL
    sheet.locked_at, sheet.locked_by = timezone.now(), actor
    sheet.save()
    lines = sheet.lines.select_related("item")
    _audit(
        action=ScoringAudit.Action.LOCK,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        from_status=SS.RELEASED,
        to_status=SS.FINAL,
        data={
            "total": str(sheet.total),
            "lines": {str(line.item_id): [line.numerator, line.denominator, str(line.points)] for line in lines},
        },
    )
    return sheet


@transaction.atomic
def sheets_lock(*, rubric: Rubric, actor: Any) -> int:
    """Lock every released sheet that may be locked now (window closed, objections answered)."""
    rubric = _lock_rubric(rubric)
    policy.require(actor, Action.SCORES_COMPUTE, rubric)
    today = timezone.localdate()
    ready = [
        sheet
        for sheet in ScoreSheet.objects.filter(rubric=rubric, status=SS.RELEASED).order_by("pk")
        if policy.may(actor, Action.SCORE_LOCK, sheet, today=today)
    ]
    for sheet in ready:
        sheet_lock(sheet=sheet, actor=actor)
    return len(ready)
