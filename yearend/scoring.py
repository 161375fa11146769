"""How figures become points: one item's points, and a sheet's totals with the rubric's caps (no queries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yearend.models import Metric, Rubric, RubricItem

CENT = Decimal("0.01")
ZERO = Decimal("0")
K = RubricItem.Kind

# Metrics that are counts of events (points per event), not shares of cases.
COUNT_METRICS = (Metric.REMINDERS, Metric.EXTENSIONS, Metric.RETURNS)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def automatic_points(item: RubricItem, numerator: int, denominator: int) -> Decimal:
    """An automatic item's points from its figures.

    A rate item gives its weight × numerator ÷ denominator (× the rest when a lower share is better); with no
    case to judge (denominator 0) nothing went wrong, and it gives its whole weight. A deduction or bonus with a
    metric gives ``per_unit`` per event counted, at most its cap.
    """
    if item.kind == K.RATE:
        if not denominator:
            return cents(item.weight)
        share = Decimal(numerator) / Decimal(denominator)
        if item.lower_is_better:
            share = 1 - share
        return cents(item.weight * share)
    return cents(min(item.per_unit * numerator, item.cap))


@dataclass(frozen=True)
class Totals:
    base: Decimal
    deductions: Decimal
    bonuses: Decimal
    total: Decimal


def totals(rubric: Rubric, lines: Iterable[tuple[RubricItem, Decimal]]) -> Totals:
    """基本分 (rate and hand-scored items) − deductions (at most the rubric's cap) + bonuses (at most its cap)."""
    base = deductions = bonuses = ZERO
    for item, points in lines:
        if item.kind == K.DEDUCTION:
            deductions += points
        elif item.kind == K.BONUS:
            bonuses += points
        else:
            base += points
    deductions = min(deductions, rubric.deduction_cap)
    bonuses = min(bonuses, rubric.bonus_cap)
    return Totals(cents(base), cents(deductions), cents(bonuses), cents(base - deductions + bonuses))


def ranked(sheets: Iterable) -> list:
    """Sheets best first, each with ``rank`` set (equal totals share a rank: 1, 2, 2, 4)."""
    ordered = sorted(sheets, key=lambda s: (-s.total, s.office.order, s.office.name))
    previous, rank = None, 0
    for position, sheet in enumerate(ordered, start=1):
        if sheet.total != previous:
            rank, previous = position, sheet.total
        sheet.rank = rank
    return ordered
