"""The ranking as a server-rendered SVG bar chart (no script, prints as it shows)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = 22
GAP = 8
LABEL = 170
WIDTH = 640


def ranking_svg(sheets: list, *, title: str) -> SafeString:
    """Horizontal bars of each office's total, best first; every text is escaped."""
    if not sheets:
        return mark_safe("")  # noqa: S308 - empty
    top = max((max(s.total, Decimal("0")) for s in sheets), default=Decimal("0")) or Decimal("1")
    span = WIDTH - LABEL - 60
    height = len(sheets) * (BAR + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ranking-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, sheet in enumerate(sheets):
        y = GAP + index * (BAR + GAP)
        width = int(span * max(sheet.total, Decimal("0")) / top)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR - 6}" text-anchor="end" font-size="13">'
            f"{escape(sheet.rank)}. {escape(sheet.office.short_name or sheet.office.name)}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" fill="#2f6fb0"></rect>'
            f'<text x="{LABEL + width + 6}" y="{y + BAR - 6}" font-size="13">{escape(sheet.total)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
