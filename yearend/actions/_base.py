"""What the scoring actions share: the audit row, input cleaning, the lock order (rubric, then sheet)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from suggestions import policy
from suggestions.errors import InvalidInput, TransitionNotAllowed
from yearend import scoring
from yearend.models import Rubric, ScoreSheet, ScoringAudit


def audit(*, action: str, actor: Any, rubric: Rubric, sheet: ScoreSheet | None = None, **fields: Any) -> None:
    ScoringAudit.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        rubric=rubric,
        sheet=sheet,
        **fields,
    )


def check_transition(obj: Any, to_status: str) -> None:
    refusal = policy.transition_refusal(obj, to_status)
    if refusal:
        raise TransitionNotAllowed(refusal)


def clean_text(value: str | None, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("请填写%(field)s。") % {"field": label})
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s不能超过%(max)s个字。") % {"field": label, "max": max_length})
    return value


def clean_points(value: Any, label: str, *, maximum: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("%(field)s须为数字。") % {"field": label}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("10000"):
        raise InvalidInput(_("%(field)s须为0到9999之间的数。") % {"field": label})
    if maximum is not None and number > maximum:
        raise InvalidInput(_("%(field)s不能超过%(max)s分。") % {"field": label, "max": maximum})
    return scoring.cents(number)


def lock_rubric(rubric: Rubric) -> Rubric:
    return Rubric.objects.select_for_update().get(pk=rubric.pk)


def lock_sheet(sheet: ScoreSheet) -> tuple[Rubric, ScoreSheet]:
    rubric = Rubric.objects.select_for_update().get(pk=sheet.rubric_id)
    locked = ScoreSheet.objects.select_for_update(of=("self",)).select_related("office").get(pk=sheet.pk)
    return rubric, locked


def retotal(rubric: Rubric, sheet: ScoreSheet) -> None:
    lines = sheet.lines.select_related("item")
    result = scoring.totals(rubric, [(line.item, line.points) for line in lines])
    sheet.base, sheet.deductions, sheet.bonuses, sheet.total = (
        result.base,
        result.deductions,
        result.bonuses,
        result.total,
    )
