"""The score table and an office's score sheet as print-ready Excel (``suggestions.reporting.xlsx``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from suggestions.reporting.xlsx import Sheet, export_filename, workbook_response
from yearend import queries
from yearend.models import Rubric, ScoreSheet


def _line_columns():
    return [
        (_("考评项目"), 26, "wrap"),
        (_("计分方式"), 12, "center"),
        (_("分值/上限"), 10, "center"),
        (_("分子"), 8, "center"),
        (_("分母"), 8, "center"),
        (_("比例"), 9, "rate"),
        (_("得分"), 9, "center"),
        (_("计分说明或评分理由"), 44, "wrap"),
    ]


def _line_row(line):
    item = line.item
    rate = None
    if line.denominator:
        rate = line.numerator / line.denominator
    explanation = line.reason or item.note
    return [
        item.name,
        item.get_kind_display(),
        float(item.max_points),
        line.numerator,
        line.denominator,
        rate,
        float(line.points) if line.scored else _("未评分"),
        explanation,
    ]


def score_table_response(rubric: Rubric):
    """The ranking (with last year's scores) and every office's lines, one worksheet each."""
    sheets = queries.ranking(rubric)
    queries.with_last_year(rubric, sheets)

    def build(workbook):
        table = Sheet(
            workbook,
            name=_("考评得分"),
            title=_("%(rubric)s 承办单位得分排名") % {"rubric": rubric},
            columns=[
                (_("名次"), 7, "center"),
                (_("承办单位"), 28, "wrap"),
                (_("基本分"), 10, "center"),
                (_("扣分"), 9, "center"),
                (_("加分"), 9, "center"),
                (_("总分"), 10, "center"),
                (_("状态"), 12, "center"),
                (_("上年总分"), 10, "center"),
                (_("上年名次"), 9, "center"),
                (_("增减"), 9, "center"),
            ],
        )
        for s in sheets:
            table.append(
                [
                    s.rank,
                    s.office.name,
                    float(s.base),
                    float(s.deductions),
                    float(s.bonuses),
                    float(s.total),
                    s.get_status_display(),
                    float(s.last_total) if s.last_total is not None else None,
                    s.last_rank,
                    float(s.change) if s.change is not None else None,
                ]
            )
        detail = Sheet(
            workbook,
            name=_("得分明细"),
            title=_("%(rubric)s 各单位得分明细") % {"rubric": rubric},
            columns=[(_("承办单位"), 24, "wrap"), *_line_columns()],
        )
        for s in sheets:
            for line in queries.sheet_lines(s):
                detail.append([s.office.name, *_line_row(line)])

    return workbook_response(build, filename=export_filename(f"办理绩效考评-{rubric.year}"))


def score_sheet_response(sheet: ScoreSheet):
    """One office's sheet: every item with its figures and points, then the totals."""
    rubric = sheet.rubric

    def build(workbook):
        out = Sheet(
            workbook,
            name=_("得分表"),
            title=_("%(office)s %(year)s年度办理绩效考评得分表") % {"office": sheet.office.name, "year": rubric.year},
            columns=_line_columns(),
        )
        for line in queries.sheet_lines(sheet):
            out.append(_line_row(line))
        blank = [None] * 5
        deductions = _("扣分（上限%(cap)s分）") % {"cap": rubric.deduction_cap}
        bonuses = _("加分（上限%(cap)s分）") % {"cap": rubric.bonus_cap}
        total = _("总分（%(status)s）") % {"status": sheet.get_status_display()}
        out.append([_("基本分"), *blank, float(sheet.base), ""], bold=True)
        out.append([deductions, *blank, -float(sheet.deductions), ""], bold=True)
        out.append([bonuses, *blank, float(sheet.bonuses), ""], bold=True)
        out.append([total, *blank, float(sheet.total), str(rubric)], bold=True)

    name = sheet.office.short_name or sheet.office.name
    return workbook_response(build, filename=export_filename(f"考评得分-{name}-{rubric.year}"))
