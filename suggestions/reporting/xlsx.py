"""Print-ready Excel sheets, written without holding rows in memory, and the response that streams them.

Workbooks are write-only (rows go straight to a temporary file, so memory stays
flat however many rows) and formatted for printing: landscape, fit to one page
wide, a title row, and the header row repeated on every page.
"""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
        set_value(cell, value)
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
            set_value(cell, value)
        self.ws.append(cells)
        self.count += 1


def set_value(cell, value):
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


def export_filename(stem):
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
