"""Excel writers: the 汇总表 of a list of suggestions and the per-office table.

Workbooks are write-only (rows go straight to a temporary file, so memory stays
flat however many rows) and formatted for printing: landscape, fit to one page
wide, a title row, and the header row repeated on every page.
"""

import tempfile
from collections import Counter

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Prefetch, Q, Value
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from suggestions.models import Assignment, CoSigner, HandlingRound, Office, Rating, Reply, ResultClass, Suggestion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_ORDER = {Assignment.Role.LEAD: 0, Assignment.Role.CO: 1, Assignment.Role.SEPARATE: 2}
CHUNK = 500
# Text that a spreadsheet could read as a formula (or a DDE call): written as text, never live.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F3")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
PLAIN = Alignment(vertical="center")


class Sheet:
    """A print-ready write-only sheet: a title row, a header row, then body rows."""

    def __init__(self, workbook, *, name, title, columns):
        self.ws = workbook.create_sheet(name)
        self.columns = columns
        for index, (_header, width, _kind) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        setup = self.ws.page_setup
        setup.orientation = "landscape"
        setup.paperSize = "9"  # A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.print_title_rows = "1:2"
        self.ws.page_margins.left = self.ws.page_margins.right = 0.4
        self.ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
        self.ws.freeze_panes = "A3"
        last = get_column_letter(len(columns))
        self.ws.merged_cells.add(f"A1:{last}1")
        self.ws.row_dimensions[1].height = 32
        # Every row appended is a list of this sheet's own styled cells with their column set, so
        # openpyxl's per-value conversion (which tries each cell as a value, fails, and catches the
        # error) is skipped: only the row number is set. The file written is the same.
        self.ws._values_to_row = _cells_to_row
        self.ws.append([self._cell(title, column=1, font=TITLE_FONT, alignment=CENTER, border=None)])
        self.ws.append(
            [
                self._cell(header, column=index, font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
                for index, (header, _w, _k) in enumerate(columns, start=1)
            ]
        )
        self.count = 0

        # One set of styled cells per row kind, reused: a write-only sheet writes each row out on
        # append, and styling fresh cells for every row costs more than writing them.
        self._body = self._styled_row(BODY_FONT)
        self._bold = self._styled_row(HEADER_FONT)

    def _cell(self, value, *, column, font=BODY_FONT, alignment=PLAIN, border=BORDER, fill=None, number_format=None):
        cell = WriteOnlyCell(self.ws)
        _set_value(cell, value)
        cell.column = column
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        return cell

    def _styled_row(self, font):
        cells = []
        for column, (_header, _width, kind) in enumerate(self.columns, start=1):
            if kind == "date":
                cells.append(self._cell(None, column=column, font=font, alignment=CENTER, number_format="yyyy-mm-dd"))
            elif kind == "rate":
                cells.append(self._cell(None, column=column, font=font, alignment=CENTER, number_format="0.0%"))
            elif kind == "center":
                cells.append(self._cell(None, column=column, font=font, alignment=CENTER))
            elif kind == "wrap":
                cells.append(self._cell(None, column=column, font=font, alignment=WRAP))
            else:
                cells.append(self._cell(None, column=column, font=font))
        return cells

    def append(self, values, *, bold=False):
        cells = self._bold if bold else self._body
        for cell, value in zip(cells, values, strict=True):
            _set_value(cell, value)
        self.ws.append(cells)
        self.count += 1


def _set_value(cell, value):
    """Set a cell's value; text that starts like a formula is stored as text and marked as such."""
    cell.value = value
    risky = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if risky:
        cell.data_type = "s"  # openpyxl would write "=..." as a live formula
    if risky or cell.quotePrefix:
        cell.quotePrefix = risky  # Excel keeps it text even when the cell is edited


def _cells_to_row(cells, row_idx):
    for cell in cells:
        cell.row = row_idx
    return cells


def workbook_response(build, *, filename):
    """Build a write-only workbook into a temporary file and stream it back as an attachment.

    ``FileResponse`` reads the file in blocks and sets Content-Length, which the
    browser's progress bar uses.
    """
    workbook = Workbook(write_only=True)
    build(workbook)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


# --------------------------------------------------------------------------- 汇总表


def summary_columns():
    return [
        (_("序号"), 6, "center"),
        (_("编号"), 12, "center"),
        (_("标题"), 36, "wrap"),
        (_("领衔代表"), 10, "center"),
        (_("联名代表"), 16, "wrap"),
        (_("类别"), 10, "center"),
        (_("承办单位"), 26, "wrap"),
        (_("状态"), 12, "center"),
        (_("答复期限"), 12, "date"),
        (_("答复日期"), 12, "date"),
        (_("办理结果"), 14, "wrap"),
        (_("代表评价"), 14, "wrap"),
    ]


def summary_queryset(suggestions, *, keep_order=False):
    """The suggestions with everything a summary row shows, in a fixed number of queries per chunk."""
    # Long texts are not in the table: leaving them in the database keeps each chunk small.
    suggestions = suggestions.select_related("category", "lead_delegate", "session").defer("body", "status_reason")
    suggestions = suggestions.prefetch_related(
        Prefetch(
            "cosigners",
            queryset=CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).select_related("delegate"),
            to_attr="confirmed_cosigners",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status__in=[Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN])
            .select_related("office")
            .order_by("id"),
            to_attr="active_assignments",
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.filter(status=Reply.Status.SUBMITTED)
            .select_related("result_class", "round", "assignment__office")
            .defer("text", "public_text")
            .order_by("round__number", "submitted_at", "id"),
            to_attr="submitted_replies",
        ),
        Prefetch(
            "ratings",
            queryset=Rating.objects.select_related("round").defer("comment").order_by("id"),
            to_attr="all_ratings",
        ),
    )
    return _ordered(suggestions, keep_order=keep_order)


class Labels:
    """Translated labels looked up once per export, not once per cell."""

    def __init__(self):
        self.statuses = {value: str(label) for value, label in Suggestion.Status.choices}
        self.roles = {value: str(label) for value, label in Assignment.Role.choices}
        self.ratings = {value: str(label) for value, label in Rating.Value.choices}
        self.office_role = _("%(office)s（%(role)s）")
        self.office_result = _("%(office)s：%(code)s")
        self.recess_number = _("闭会第%(number)s号")
        self.session_number = _("第%(number)s号")

    # Small tables, read once per export (and only by ``write_summary``).
    @cached_property
    def offices(self):
        return dict(Office.objects.order_by().values_list("id", "name"))

    @cached_property
    def result_classes(self):
        return {pk: (code, name) for pk, code, name in ResultClass.objects.order_by().values_list("id", "code", "name")}


def _offices_text(assignments, labels):
    ordered = sorted(assignments, key=lambda a: (ROLE_ORDER.get(a.role, 9), a.pk))
    return "\n".join(labels.office_role % {"office": a.office.name, "role": labels.roles[a.role]} for a in ordered)


def _due_date(assignments):
    answering = [a.effective_due for a in assignments if a.answers_delegate]
    return min(answering) if answering else None


def _results_text(suggestion, labels):
    """The result class of each answering office's latest reply."""
    latest = {}
    for reply in suggestion.submitted_replies:
        latest[reply.assignment_id] = reply
    replies = list(latest.values())
    if len(replies) == 1:
        return str(replies[0].result_class or "")
    return "\n".join(
        labels.office_result
        % {"office": r.assignment.office.name, "code": r.result_class.code if r.result_class else ""}
        for r in replies
    )


def _ratings_text(suggestion, labels):
    """Ratings of the latest round: one word when all agree, otherwise how many of each."""
    current = [r for r in suggestion.all_ratings if r.round.number == suggestion.current_round]
    if not current:
        return ""
    counts = Counter(r.value for r in current)
    if len(counts) == 1:
        return labels.ratings[current[0].value]
    return "、".join(f"{labels.ratings[value]}{counts[value]}" for value in Rating.Value.values if counts.get(value))


def summary_row(index, suggestion, labels=None):
    labels = labels or Labels()
    assignments = suggestion.active_assignments
    replied = timezone.localtime(suggestion.first_replied_at).date() if suggestion.first_replied_at else None
    return [
        index,
        suggestion.number_display,
        suggestion.title,
        suggestion.lead_delegate.name,
        "、".join(c.delegate.name for c in suggestion.confirmed_cosigners),
        suggestion.category.name,
        _offices_text(assignments, labels),
        labels.statuses[suggestion.status],
        _due_date(assignments),
        replied,
        _results_text(suggestion, labels),
        _ratings_text(suggestion, labels),
    ]


def _ordered(suggestions, *, keep_order):
    if keep_order and suggestions.query.order_by:
        return suggestions
    return suggestions.order_by("session_id", "series", F("number").asc(nulls_last=True), "pk")


SUMMARY_FIELDS = (
    "pk",
    "series",
    "number",
    "title",
    "lead_delegate__name",
    "category__name",
    "status",
    "first_replied_at",
    "current_round",
)


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _AnyOf(Func):
    """``column = ANY(%s)`` with the ids as one array parameter: cheaper to build and send than ``IN`` with 500."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _any(ids):
    if connection.vendor != "postgresql":
        return Q(suggestion_id__in=ids)  # SQLite (make run) has no arrays: CHUNK ids stay under its variable limit
    return _AnyOf(F("suggestion_id"), Value(ids, output_field=ArrayField(BigIntegerField())))


def _grouped(queryset, ids, fields):
    """``{suggestion_id: [row, ...]}`` of the queryset's rows for these suggestions, in the queryset's order."""
    grouped = {}
    for row in queryset.filter(_any(ids)).values_list("suggestion_id", *fields):
        grouped.setdefault(row[0], []).append(row)
    return grouped


def _summary_chunk_rows(chunk, labels):
    """The summary cells of one chunk of ``SUMMARY_FIELDS`` rows: four queries, plain tuples, no model instances.

    Same content as ``summary_row`` over ``summary_queryset``.
    """
    ids = [row[0] for row in chunk]
    # Round numbers come from their own small query: joining the rounds table into the reply and
    # rating queries makes PostgreSQL hash the whole table once per chunk.
    rounds = dict(HandlingRound.objects.filter(_any(ids)).order_by().values_list("id", "number"))
    cosigners = _grouped(
        CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).order_by("invited_at", "id"), ids, ["delegate__name"]
    )
    assignments = _grouped(
        Assignment.objects.exclude(status__in=[Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN]).order_by("id"),
        ids,
        ["id", "role", "office__name", "due_date", "extended_due"],
    )
    # Ordered by round number, then submission time and id: the database sorts by the last two, and
    # a stable sort on the round number here keeps that order within each round.
    replies = _grouped(
        Reply.objects.filter(status=Reply.Status.SUBMITTED).order_by(F("submitted_at").asc(nulls_last=True), "id"),
        ids,
        ["round_id", "assignment_id", "assignment__office_id", "result_class_id"],
    )
    ratings = _grouped(Rating.objects.order_by("id"), ids, ["round_id", "value"])
    answering = (Assignment.Role.LEAD, Assignment.Role.SEPARATE)
    for pk, series, number, title, lead, category, status, first_replied_at, current_round in chunk:
        if not number:
            number_display = ""
        elif series == Suggestion.Series.RECESS:
            number_display = labels.recess_number % {"number": number}
        else:
            number_display = labels.session_number % {"number": number}

        active = assignments.get(pk, ())
        ordered = sorted(active, key=lambda a: (ROLE_ORDER.get(a[2], 9), a[1]))
        offices = "\n".join(labels.office_role % {"office": a[3], "role": labels.roles[a[2]]} for a in ordered)
        dues = [
            Assignment.deadline_of(role=a[2], due_date=a[4], extended_due=a[5]) for a in active if a[2] in answering
        ]

        latest = {}
        for reply in sorted(replies.get(pk, ()), key=lambda r: rounds[r[1]]):
            latest[reply[2]] = reply
        if len(latest) == 1:
            (reply,) = latest.values()
            results = "{} {}".format(*labels.result_classes[reply[4]]) if reply[4] is not None else ""
        else:
            results = "\n".join(
                labels.office_result
                % {"office": labels.offices[r[3]], "code": labels.result_classes[r[4]][0] if r[4] is not None else ""}
                for r in latest.values()
            )

        current = [r[2] for r in ratings.get(pk, ()) if rounds[r[1]] == current_round]
        if not current:
            rated = ""
        else:
            counts = Counter(current)
            if len(counts) == 1:
                rated = labels.ratings[current[0]]
            else:
                rated = "、".join(
                    f"{labels.ratings[value]}{counts[value]}" for value in Rating.Value.values if counts.get(value)
                )

        yield [
            number_display,
            title,
            lead,
            "、".join(c[1] for c in cosigners.get(pk, ())),
            category,
            offices,
            labels.statuses[status],
            min(dues) if dues else None,
            timezone.localtime(first_replied_at).date() if first_replied_at else None,
            results,
            rated,
        ]


def write_summary(workbook, suggestions, *, title, keep_order=False):
    sheet = Sheet(workbook, name=_("汇总表"), title=title, columns=summary_columns())
    labels = Labels()
    rows = _ordered(suggestions, keep_order=keep_order).values_list(*SUMMARY_FIELDS).iterator(chunk_size=CHUNK)
    index = 0
    for chunk in _chunks(rows, CHUNK):
        for cells in _summary_chunk_rows(chunk, labels):
            index += 1
            sheet.append([index, *cells])
    total = [""] * len(sheet.columns)
    total[0], total[2] = _("合计"), _("共%(n)s件") % {"n": sheet.count}
    sheet.append(total, bold=True)
    return sheet.count


# --------------------------------------------------------------------------- per office


def office_columns():
    return [
        (_("序号"), 6, "center"),
        (_("承办单位"), 28, "wrap"),
        (_("交办件数"), 10, "center"),
        (_("主办"), 8, "center"),
        (_("协办"), 8, "center"),
        (_("分办"), 8, "center"),
        (_("已答复"), 10, "center"),
        (_("办复率"), 10, "rate"),
        (_("按时答复"), 10, "center"),
        (_("按时办复率"), 12, "rate"),
        (_("评价数"), 10, "center"),
        (_("满意及基本满意"), 14, "center"),
        (_("满意率"), 10, "rate"),
        (_("逾期未答复"), 12, "center"),
    ]


def _fraction(figure):
    return figure.numerator / figure.denominator if figure.denominator else "—"


def write_offices(workbook, rows, *, title):
    """``rows`` come from ``metrics.by_office``."""
    from suggestions.reporting.metrics import Figure

    sheet = Sheet(workbook, name=_("承办单位统计"), title=title, columns=office_columns())
    totals = Counter()
    keys = ("assigned", "lead", "co", "separate", "replied", "on_time", "rated", "rated_ok", "overdue")
    for index, row in enumerate(rows, start=1):
        totals.update({k: row[k] for k in keys})
        sheet.append(
            [
                index,
                row["office__name"],
                row["assigned"],
                row["lead"],
                row["co"],
                row["separate"],
                row["replied"],
                _fraction(row["reply_rate"]),
                row["on_time"],
                _fraction(row["on_time_rate"]),
                row["rated"],
                row["rated_ok"],
                _fraction(row["satisfaction"]),
                row["overdue"],
            ]
        )
    sheet.append(
        [
            _("合计"),
            "",
            totals["assigned"],
            totals["lead"],
            totals["co"],
            totals["separate"],
            totals["replied"],
            _fraction(Figure("", totals["replied"], totals["assigned"])),
            totals["on_time"],
            _fraction(Figure("", totals["on_time"], totals["replied"])),
            totals["rated"],
            totals["rated_ok"],
            _fraction(Figure("", totals["rated_ok"], totals["rated"])),
            totals["overdue"],
        ],
        bold=True,
    )
    return len(rows)


def export_filename(stem):
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"


__all__ = ["XLSX", "workbook_response", "write_summary", "write_offices", "export_filename"]
