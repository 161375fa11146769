"""Writes of the scores: count, score by hand, release to the office, objections and their answers, the lock."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.actions.notifications import notify, office_users, staff_users
from suggestions.errors import InvalidInput
from suggestions.models import Suggestion
from suggestions.policy import Action
from suggestions.workdays import work_calendar
from yearend import metrics, scoring
from yearend.actions._base import audit, check_transition, clean_points, clean_text, lock_rubric, lock_sheet, retotal
from yearend.models import Objection, Rubric, RubricItem, ScoreLine, ScoreSheet, ScoringAudit

K = RubricItem.Kind
SS = ScoreSheet.Status


@transaction.atomic
def scores_compute(*, rubric: Rubric, actor: Any, as_of: datetime.date | None = None) -> list[ScoreSheet]:
    """Count every automatic item for every office with work in the year, and total each sheet.

    Sheets not yet locked are recounted (hand-entered points are kept); a locked sheet never changes.
    """
    rubric = lock_rubric(rubric)
    policy.require(actor, Action.SCORES_COMPUTE, rubric)
    as_of = as_of or timezone.localdate()
    # Only the rubric's congress: its suggestions, hence its offices.
    figures = metrics.year_figures(
        rubric.year, as_of=as_of, suggestions=Suggestion.objects.filter(congress_id=rubric.congress_id)
    )
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
    audit(
        action=ScoringAudit.Action.COMPUTE,
        actor=actor,
        rubric=rubric,
        data={"as_of": as_of.isoformat(), "sheets": {str(s.office_id): str(s.total) for s in sheets}},
    )
    return sheets


@transaction.atomic
def score_enter(*, sheet: ScoreSheet, item: RubricItem, actor: Any, points: Any, reason: str) -> ScoreLine:
    """Staff score a hand-scored item (or a hand deduction or bonus) with a reason; the total follows."""
    rubric, sheet = lock_sheet(sheet)
    policy.require(actor, Action.SCORE_ENTER, sheet)
    if item.rubric_id != rubric.pk or item.is_automatic:
        raise InvalidInput(_("这个项目由系统自动计算，不能人工评分。"))
    value = clean_points(points, item.name, maximum=item.max_points)
    reason = clean_text(reason, _("评分理由"), max_length=1000)
    line, _created = ScoreLine.objects.select_for_update().get_or_create(sheet=sheet, item=item)
    before = line.points if line.scored else None
    line.points, line.reason, line.scored = value, reason, True
    line.scored_by, line.scored_at = actor, timezone.now()
    line.save()
    retotal(rubric, sheet)
    sheet.save(update_fields=["base", "deductions", "bonuses", "total"])
    audit(
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
    rubric, sheet = lock_sheet(sheet)
    policy.require(actor, Action.SCORE_RELEASE, sheet)
    unscored = sheet.lines.filter(item__kind=K.MANUAL, scored=False).select_related("item")
    missing = [line.item.name for line in unscored]
    if missing or sheet.computed_at is None:
        raise InvalidInput(
            _("%(office)s还有未评分的项目：%(items)s。")
            % {"office": sheet.office.name, "items": "、".join(missing) or _("尚未计算")}
        )
    check_transition(sheet, SS.RELEASED)
    today = timezone.localdate()
    sheet.status = SS.RELEASED
    sheet.released_at = timezone.now()
    sheet.objection_deadline = work_calendar().add_workdays(today, rubric.objection_workdays)
    sheet.save()
    audit(
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
    rubric = lock_rubric(rubric)
    policy.require(actor, Action.SCORES_COMPUTE, rubric)
    sheets = list(ScoreSheet.objects.filter(rubric=rubric, status=SS.DRAFT).order_by("pk"))
    for sheet in sheets:
        sheet_release(sheet=sheet, actor=actor)
    return len(sheets)


@transaction.atomic
def objection_file(*, sheet: ScoreSheet, actor: Any, text: str, item: RubricItem | None = None) -> Objection:
    """The office objects to its score (one open objection at a time, within the window)."""
    rubric, sheet = lock_sheet(sheet)
    policy.require(actor, Action.SCORE_OBJECT, sheet)
    if item is not None and item.rubric_id != rubric.pk:
        raise InvalidInput(_("该项目不属于这个考评办法。"))
    objection = Objection.objects.create(
        sheet=sheet, item=item, text=clean_text(text, _("异议内容"), max_length=2000), filed_by=actor
    )
    audit(
        action=ScoringAudit.Action.OBJECT,
        actor=actor,
        rubric=rubric,
        sheet=sheet,
        to_status=objection.status,
        note=objection.text,
        data={"objection": objection.pk, "item": item.pk if item else None},
    )
    notify(
        staff_users(rubric.congress_id),
        title=_("%(office)s对%(year)s年度考评得分提出异议") % {"office": sheet.office.name, "year": rubric.year},
        body=objection.text[:500],
        url=sheet.get_absolute_url(),
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, actor: Any, accept: bool, answer: str) -> Objection:
    """Staff answer an objection (a score it corrects is changed with ``score_enter`` or a recount)."""
    rubric, sheet = lock_sheet(objection.sheet)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    policy.require(actor, Action.OBJECTION_ANSWER, objection)
    to_status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
    check_transition(objection, to_status)
    objection.status = to_status
    objection.answer = clean_text(answer, _("答复"), max_length=2000)
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()
    audit(
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
    rubric, sheet = lock_sheet(sheet)
    policy.require(actor, Action.SCORE_LOCK, sheet)
    check_transition(sheet, SS.FINAL)
    sheet.status = SS.FINAL
    sheet.locked_at, sheet.locked_by = timezone.now(), actor
    sheet.save()
    lines = sheet.lines.select_related("item")
    audit(
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
    rubric = lock_rubric(rubric)
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
