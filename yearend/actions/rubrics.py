"""Writes of the rubric: a draft is configuration; publishing locks it; a change is a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.actor import Actor
from suggestions.errors import InvalidInput
from suggestions.models import ResultClass
from suggestions.policy import Action
from yearend import scoring
from yearend.actions._base import audit, check_transition, clean_points, clean_text, lock_rubric
from yearend.models import Metric, Rubric, RubricItem, ScoringAudit

K = RubricItem.Kind
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


@transaction.atomic
def rubric_create(*, actor: Any, year: int, title: str, values: dict | None = None) -> Rubric:
    """A new rubric (version 1 of its year, or the next version when the year has one)."""
    policy.require(actor, Action.RUBRIC_EDIT, None)
    congress_id = Actor.of(actor).congress_id  # the congress the staff member acts in
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("请填写正确的考评年度。"))
    version = (Rubric.objects.filter(congress_id=congress_id, year=year).aggregate(v=Max("version"))["v"] or 0) + 1
    rubric = Rubric(
        congress_id=congress_id,
        year=year,
        version=version,
        title=clean_text(title, _("名称"), max_length=200),
        created_by=actor,
    )
    _apply_rubric_values(rubric, values or {})
    rubric.save()
    audit(action=ScoringAudit.Action.RUBRIC_CREATE, actor=actor, rubric=rubric, to_status=rubric.status)
    return rubric


def _apply_rubric_values(rubric: Rubric, values: dict) -> None:
    labels = {"full_marks": _("基本分满分"), "deduction_cap": _("扣分上限"), "bonus_cap": _("加分上限")}
    for name, label in labels.items():
        if name in values:
            setattr(rubric, name, clean_points(values[name], label))
    if "objection_workdays" in values:
        days = values["objection_workdays"]
        if not isinstance(days, int) or not 1 <= days <= 60:
            raise InvalidInput(_("异议期限须为1到60个工作日。"))
        rubric.objection_workdays = days
    if "title" in values:
        rubric.title = clean_text(values["title"], _("名称"), max_length=200)


@transaction.atomic
def rubric_update(*, rubric: Rubric, actor: Any, values: dict) -> Rubric:
    rubric = lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    _apply_rubric_values(rubric, {k: v for k, v in values.items() if k in RUBRIC_FIELDS})
    rubric.save()
    audit(action=ScoringAudit.Action.RUBRIC_EDIT, actor=actor, rubric=rubric, data={"fields": sorted(values)})
    return rubric


def _clean_item(rubric: Rubric, values: dict) -> dict:
    """An item's values, checked: what each kind needs (a metric for a rate, a cap for a deduction...)."""
    kind = values.get("kind")
    if kind not in K.values:
        raise InvalidInput(_("请选择计分方式。"))
    metric = values.get("metric") or ""
    if metric and metric not in Metric.values:
        raise InvalidInput(_("请选择自动计算指标。"))
    result_class = values.get("result_class")
    if result_class is not None and (
        not isinstance(result_class, ResultClass) or result_class.congress_id != rubric.congress_id
    ):
        raise InvalidInput(_("请选择办理结果分类。"))
    cleaned = {
        "name": clean_text(values.get("name"), _("考评项目"), max_length=100),
        "kind": kind,
        "metric": metric,
        "result_class": result_class if metric == Metric.RESULT_SHARE else None,
        "weight": clean_points(values.get("weight") or 0, _("分值")),
        "per_unit": clean_points(values.get("per_unit") or 0, _("每次扣（加）分")),
        "cap": clean_points(values.get("cap") or 0, _("本项上限")),
        "lower_is_better": bool(values.get("lower_is_better")),
        "note": clean_text(values.get("note"), _("计分说明"), max_length=1000, required=False),
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
    rubric = lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    if item is not None and item.rubric_id != rubric.pk:
        raise InvalidInput(_("该项目不属于这个考评办法。"))
    cleaned = _clean_item(rubric, values)
    item = item or RubricItem(rubric=rubric)
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.save()
    audit(action=ScoringAudit.Action.ITEM_SAVE, actor=actor, rubric=rubric, note=item.name, data={"item": item.pk})
    return item


@transaction.atomic
def rubric_item_remove(*, item: RubricItem, actor: Any) -> None:
    """Take an item out of a draft rubric (a published one keeps every item)."""
    rubric = lock_rubric(item.rubric)
    policy.require(actor, Action.RUBRIC_EDIT, rubric)
    audit(action=ScoringAudit.Action.ITEM_REMOVE, actor=actor, rubric=rubric, note=item.name, data={"item": item.pk})
    item.delete()


@transaction.atomic
def rubric_publish(*, rubric: Rubric, actor: Any) -> Rubric:
    """Publish the version: from now on it never changes."""
    rubric = lock_rubric(rubric)
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
    check_transition(rubric, Rubric.Status.PUBLISHED)
    rubric.status = Rubric.Status.PUBLISHED
    rubric.published_by, rubric.published_at = actor, timezone.now()
    rubric.save()
    audit(
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
    rubric = lock_rubric(rubric)
    policy.require(actor, Action.RUBRIC_NEW_VERSION, rubric)
    same_year = Rubric.objects.filter(congress_id=rubric.congress_id, year=rubric.year)
    version = same_year.aggregate(v=Max("version"))["v"] + 1
    copy = Rubric.objects.create(
        congress_id=rubric.congress_id,
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
    audit(action=ScoringAudit.Action.RUBRIC_VERSION, actor=actor, rubric=copy, data={"based_on": rubric.pk})
    return copy
