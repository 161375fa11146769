"""Roster workbooks for staff: import templates and the sheet of activation links (built, never stored)."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from suggestions.reporting.xlsx import XLSX


def _safe_cell(value):
    value = str(value or "")
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def links_workbook(items):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("激活链接")
    headers = [_("姓名"), _("代表团或单位"), _("登录名"), _("激活链接"), _("有效期至")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        sheet.append(
            [
                _safe_cell(item["full_name"]),
                _safe_cell(item.get("unit", "")),
                item["username"],
                item["url"],
                item["expires_at"].strftime("%Y-%m-%d %H:%M"),
            ]
        )
    for letter, width in zip("ABCDE", (12, 24, 18, 80, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''activation-links.xlsx"
    response["Cache-Control"] = "private, no-store"
    return response
