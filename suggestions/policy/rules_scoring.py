"""Rules of the year's office scoring (办理绩效考评, app ``yearend``).

Staff write the rubric, compute and enter the scores, release them to the offices, answer objections and lock
the final scores; leaders read them. An office reads only its own sheet, and only once it was released to it;
it may object while the window is open. A published rubric never changes (``Rubric.TRANSITIONS``), nor does a
locked sheet (``ScoreSheet.TRANSITIONS``). A rubric belongs to a congress, a sheet through its office:
``policy.may`` keeps each actor to their own congress before these rules run (``policy.scope``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from suggestions.actor import Actor
from suggestions.policy.actions import Action
from suggestions.policy.base import ALLOWED, Decision, Rule, first, may_move, not_now, refuse, staff
from yearend.models import Objection, Rubric, ScoreSheet

SS = ScoreSheet.Status


def _staff_or_leader(actor: Actor) -> Decision:
    if actor.is_staff or actor.is_leader:
        return ALLOWED
    return refuse(_("只有人大工作人员和领导可以查看各单位的考评得分。"))


def _has_open_objection(sheet: ScoreSheet) -> bool:
    loaded = getattr(sheet, "open_objection_count", None)
    if loaded is not None:
        return loaded > 0
    return sheet.objections.filter(status=Objection.Status.OPEN).exists()


def rubric_edit(actor: Actor, rubric: Rubric | None, today: datetime.date) -> Decision:
    """Staff write a new rubric, and change a draft; a published version is locked."""

    def draft() -> Decision:
        if rubric is None or rubric.status == Rubric.Status.DRAFT:
            return ALLOWED
        return not_now(_("考评办法已发布，不能再修改；如需调整，请新建版本。"))

    return first(staff(actor), draft)


def rubric_publish(actor: Actor, rubric: Rubric, today: datetime.date) -> Decision:
    return first(staff(actor), lambda: may_move(rubric, Rubric.Status.PUBLISHED))


def rubric_new_version(actor: Actor, rubric: Rubric, today: datetime.date) -> Decision:
    def published() -> Decision:
        if rubric.status == Rubric.Status.PUBLISHED:
            return ALLOWED
        return not_now(_("草稿可以直接修改，不需要新建版本。"))

    return first(staff(actor), published)


def scores_compute(actor: Actor, rubric: Rubric, today: datetime.date) -> Decision:
    def published() -> Decision:
        if rubric.status == Rubric.Status.PUBLISHED:
            return ALLOWED
        return not_now(_("考评办法发布后才能计算得分。"))

    return first(staff(actor), published)


def scores_view(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    """Staff and leaders read every office's score; an office reads its own sheet once released to it."""
    if not isinstance(obj, ScoreSheet):
        return _staff_or_leader(actor)
    if actor.is_staff or actor.is_leader:
        return ALLOWED
    if not actor.works_for(obj.office_id):
        return refuse(_("只能查看本单位的考评得分。"))
    if obj.status == SS.DRAFT:
        return not_now(_("本单位的考评得分尚未反馈。"))
    return ALLOWED


def scores_export(actor: Actor, obj: Any, today: datetime.date) -> Decision:
    """Staff export the table; a sheet goes to whoever may read it."""
    if isinstance(obj, ScoreSheet):
        return scores_view(actor, obj, today)
    return staff(actor)


def score_enter(actor: Actor, sheet: ScoreSheet, today: datetime.date) -> Decision:
    """Staff score the items by hand (and correct them after an objection) until the sheet is locked."""

    def open_sheet() -> Decision:
        if sheet.status != SS.FINAL:
            return ALLOWED
        return not_now(_("最终得分已锁定，不能再修改。"))

    return first(staff(actor), open_sheet)


def score_release(actor: Actor, sheet: ScoreSheet, today: datetime.date) -> Decision:
    return first(staff(actor), lambda: may_move(sheet, SS.RELEASED))


def score_object(actor: Actor, sheet: ScoreSheet, today: datetime.date) -> Decision:
    """The office objects to its released score, within the window, one objection open at a time."""

    def office() -> Decision:
        if actor.works_for(sheet.office_id):
            return ALLOWED
        return refuse(_("只有被考评单位可以对本单位得分提出异议。"))

    def in_window() -> Decision:
        if sheet.status != SS.RELEASED:
            return not_now(_("当前不在异议期内。"))
        if sheet.objection_deadline is not None and today > sheet.objection_deadline:
            return not_now(_("异议期已于%(date)s截止。") % {"date": sheet.objection_deadline})
        if _has_open_objection(sheet):
            return not_now(_("已有一条异议等待答复，请等待答复后再提出。"))
        return ALLOWED

    return first(office(), in_window)


def objection_answer(actor: Actor, objection: Objection, today: datetime.date) -> Decision:
    """Staff of the objection's congress answer it (an objection has no congress of its own for ``scope``)."""

    def same_congress() -> Decision:
        if actor.acts_in(objection.sheet.rubric.congress_id):
            return ALLOWED
        return refuse(_("这不属于您所在的人大。"))

    def still_open() -> Decision:
        if objection.status == Objection.Status.OPEN:
            return ALLOWED
        return not_now(_("这条异议已经答复。"))

    return first(staff(actor), same_congress, still_open)


def score_lock(actor: Actor, sheet: ScoreSheet, today: datetime.date) -> Decision:
    """Staff lock the final score once the window closed and every objection was answered."""

    def ready() -> Decision:
        moved = may_move(sheet, SS.FINAL)
        if not moved:
            return moved
        if sheet.objection_deadline is not None and today <= sheet.objection_deadline:
            return not_now(_("异议期至%(date)s，期满后才能锁定。") % {"date": sheet.objection_deadline})
        if _has_open_objection(sheet):
            return not_now(_("还有异议未答复，答复后才能锁定。"))
        return ALLOWED

    return first(staff(actor), ready)


RULES: dict[Action, Rule] = {
    Action.RUBRIC_EDIT: rubric_edit,
    Action.RUBRIC_PUBLISH: rubric_publish,
    Action.RUBRIC_NEW_VERSION: rubric_new_version,
    Action.SCORES_COMPUTE: scores_compute,
    Action.SCORES_VIEW: scores_view,
    Action.SCORES_EXPORT: scores_export,
    Action.SCORE_ENTER: score_enter,
    Action.SCORE_RELEASE: score_release,
    Action.SCORE_OBJECT: score_object,
    Action.OBJECTION_ANSWER: objection_answer,
    Action.SCORE_LOCK: score_lock,
}
