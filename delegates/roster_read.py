"""Reading a roster file as it comes: columns as people name them, the header row wherever it is,
rows skipped with a reason (titles, blank rows, a repeated header, a 备注/说明 block under the table),
and telephone numbers sorted into mobiles and landlines. The workflow app plans and applies the import.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from delegates import phones
from delegates.errors import RosterError
from delegates.models import Session, Term

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
STASH_SECONDS = 24 * 3600
HEADER_SEARCH_ROWS = 10
USERNAME_RE = re.compile(r"^[A-Za-z0-9@.+_-]+$")
SPACES_RE = re.compile(r"[\s\u3000]+")
HEADER_NOISE_RE = re.compile(r"[\s\u3000*＊:：]+")
BRACKETS_RE = re.compile(r"[（(][^）)]*[）)]")
# The first cell of a note under the table: 备注、注、说明、填表说明、附注、制表人 …
FOOTNOTE_RE = re.compile(r"^(备\s*注|注|说\s*明|填表说明|附注|制表|审核|联系人[:：]|数据截至)\s*[:：\d一二三、.．\s]")
PHONE_KEYS = ("phone", "landline")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple = ()
    required: bool = False
    max_length: int = 100
    example: str = ""


DELEGATE_COLUMNS = (
    Column("name", "姓名", ("代表姓名",), required=True, max_length=50, example="王秀英"),
    Column(
        "delegation",
        "代表团",
        ("代表团（组）", "代表组", "所在代表团", "代表团名称", "所属代表团"),
        example="花溪街道代表团",
    ),
    Column("constituency", "选区", ("选举单位", "选区名称", "所在选区"), example="花溪街道第3选区"),
    Column(
        "work_unit",
        "工作单位及职务",
        ("工作单位", "单位及职务", "工作单位和职务", "单位职务", "职务", "单位", "单位名称"),
        max_length=200,
        example="花溪街道清华社区居委会主任",
    ),
    Column(
        "phone",
        "手机号码",
        ("手机", "联系电话", "手机号", "电话", "联系方式", "移动电话", "电话号码"),
        max_length=60,
        example="13800000001",
    ),
    Column(
        "landline", "固定电话", ("办公电话", "座机", "单位电话", "座机号码"), max_length=60, example="0851-83600000"
    ),
    Column("email", "电子邮箱", ("邮箱", "电子邮件", "e-mail", "email"), max_length=254, example="wang@example.com"),
    Column("username", "登录账号", ("账号", "用户名", "登录名"), max_length=150, example="wangxiuying"),
)
OFFICE_COLUMNS = (
    Column(
        "name",
        "单位名称",
        ("承办单位", "单位", "承办单位名称", "单位全称", "部门", "部门名称"),
        required=True,
        max_length=100,
        example="区住房和城乡建设局",
    ),
    Column("short_name", "简称", ("单位简称",), max_length=50, example="住建局"),
    Column("contact_name", "联系人", ("经办人", "经办人姓名", "联系人姓名", "办理人"), max_length=150, example="李明"),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号码", "手机号", "联系方式", "办公电话", "固定电话"),
        max_length=60,
        example="0851-83600000",
    ),
    Column("clerk_username", "经办人账号", ("登录账号", "账号", "用户名"), max_length=150, example="zhujian"),
)
COLUMNS = {"delegates": DELEGATE_COLUMNS, "offices": OFFICE_COLUMNS}


class ImportFailed(RosterError):
    """The file cannot be imported; ``message`` says why, in Chinese."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("第%(row)s行“%(column)s”：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("第%(row)s行：%(message)s") % {"row": self.row, "message": self.message}
        return self.message


RowWarning = RowError  # same shape: a row (or 0), a column (or ""), a message


# --------------------------------------------------------------------------- reading


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()


def _read_rows(file_obj):
    """The first sheet's rows of values, or raise ImportFailed."""
    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFailed(_("无法读取该文件，请确认是 Excel（.xlsx）文件。")) from error
    try:
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
    finally:
        workbook.close()


def _header_key(text):
    return HEADER_NOISE_RE.sub("", _text(text)).lower()


def _column_names(columns):
    names = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            names.setdefault(_header_key(name), column.key)
    return names


def _read_as(names, text):
    key = _header_key(text)
    if not key:
        return None
    return names.get(key) or names.get(BRACKETS_RE.sub("", key))


def _find_header(raw_rows, columns):
    """(row index, [(position, file header, key or None)]) of the row that names the most columns."""
    names = _column_names(columns)
    required = {c.key for c in columns if c.required}
    best = (0, None, [])
    for index, raw in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        # The file's own header text (not normalized) is what the preview and the errors name.
        cells = [(p, str(v).strip(), _read_as(names, v)) for p, v in enumerate(raw or ()) if _text(v)]
        keys = {key for _p, _t, key in cells if key}
        if required <= keys and len(keys) > best[0]:
            best = (len(keys), index, cells)
    return best[1], best[2]


def _map_columns(cells, kind):
    """{key: [positions]} and [(file header, read as)]: a second 电话 column of a delegate is a landline."""
    by_key = {c.key: c for c in COLUMNS[kind]}
    positions, report = {}, []
    for position, header, key in cells:
        if key and key in positions and kind == "delegates" and key == "phone":
            positions[key].append(position)  # 手机 and 联系电话 side by side: numbers of both are sorted out
        elif key and key in positions:
            key = None  # a column read twice is listed as ignored
        elif key:
            positions[key] = [position]
        label = str(by_key[key].header) if key else ""
        if kind == "delegates" and key in PHONE_KEYS:
            label = _("电话（手机存为手机号码，座机存为固定电话）")
        report.append((header, label))
    return positions, report


def _is_blank(raw):
    return not any(_text(v) for v in raw or ())


def _first_text(raw):
    return next((_text(v) for v in raw or () if _text(v)), "")


def _row_ranges(numbers):
    """[3, 4, 5, 9] → "第3–5、9行"."""
    ranges, start, last = [], None, None
    for n in sorted(numbers):
        if start is None:
            start = last = n
        elif n == last + 1:
            last = n
        else:
            ranges.append((start, last))
            start = last = n
    if start is not None:
        ranges.append((start, last))
    text = "、".join(f"{a}–{b}" if a != b else str(a) for a, b in ranges)
    return _("第%(rows)s行") % {"rows": text}


def _is_note(raw, name_position):
    """One sentence in one cell, not in the name column: how a note under a table looks."""
    filled = [(p, _text(v)) for p, v in enumerate(raw or ()) if _text(v)]
    return len(filled) == 1 and filled[0][0] != name_position and len(filled[0][1]) >= 6


def _note_tail(rows, *, name_position):
    """The first row number from which every row is blank or a note, or infinity."""
    start = float("inf")
    for offset, raw in reversed(rows):
        if _is_blank(raw) or _is_note(raw, name_position):
            if not _is_blank(raw):
                start = offset
            continue
        break
    return start


def parse_rows(kind, file_obj, result):
    """Rows of cleaned values keyed by column, with each value's file header; fills skips and column report."""
    columns = COLUMNS[kind]
    by_key = {c.key: c for c in columns}
    raw_rows = _read_rows(file_obj)
    header_index, cells = _find_header(raw_rows, columns)
    if header_index is None:
        required = [c for c in columns if c.required]
        raise ImportFailed(
            _("找不到表头：第一个工作表的前%(n)s行中应有“%(column)s”列（也可写作：%(aliases)s）。")
            % {"n": HEADER_SEARCH_ROWS, "column": required[0].header, "aliases": "、".join(required[0].aliases)}
        )
    positions, result.columns = _map_columns(cells, kind)
    headers = {p: h for p, h, _k in cells}
    header_keys = [_header_key(h) for _p, h, _k in cells]
    if header_index:
        result.skipped.append((_row_ranges(range(1, header_index + 1)), _("表头上方的标题")))
    parsed, errors, blank, footnote, repeated = [], [], [], [], []
    rows = list(enumerate(raw_rows[header_index + 1 :], start=header_index + 2))
    note_from = _note_tail(rows, name_position=positions["name"][0])
    for offset, raw in rows:
        raw = raw or ()
        if offset >= note_from and not footnote and not _is_blank(raw):
            footnote.append(offset)  # "本名单共60人" alone under the table: a note without a keyword
            continue
        if footnote:
            if not _is_blank(raw):
                footnote.append(offset)
            continue
        if _is_blank(raw):
            blank.append(offset)
            continue
        if FOOTNOTE_RE.match(_first_text(raw)):
            footnote.append(offset)
            continue
        if [_header_key(v) for v in raw if _text(v)] == header_keys:
            repeated.append(offset)
            continue
        if len(parsed) >= MAX_ROWS:
            raise ImportFailed(_("一次最多导入%(n)s行，请分批导入。") % {"n": MAX_ROWS})
        values, sources = {}, {}
        for key, places in positions.items():
            column = by_key[key]
            texts = [_text(raw[p] if p < len(raw) else None) for p in places]
            if key == "name":
                texts = [SPACES_RE.sub("", t) for t in texts]  # "王  芳" is padded for alignment
            if key in ("username", "clerk_username", "email"):
                texts = [SPACES_RE.sub("", t) for t in texts]
            header = headers[places[0]]
            if column.required and not texts[0]:
                errors.append(RowError(offset, header, _("不能为空")))
                continue
            too_long = next((i for i, t in enumerate(texts) if len(t) > column.max_length), None)
            if too_long is not None:
                errors.append(
                    RowError(offset, headers[places[too_long]], _("不能超过%(n)s个字") % {"n": column.max_length})
                )
                continue
            if key in PHONE_KEYS:
                values[key] = [(headers[p], t) for p, t in zip(places, texts, strict=True) if t]
            else:
                values[key] = texts[0]
            sources[key] = header
        _sort_phones(offset, values, errors, kind=kind, present=positions)
        parsed.append((offset, values, sources))
    last_data = max((r for r, _v, _s in parsed), default=0)
    blank = [r for r in blank if r < last_data]
    if blank:
        result.skipped.append((_row_ranges(blank), _("空行")))
    if repeated:
        result.skipped.append((_row_ranges(repeated), _("重复的表头")))
    if footnote:
        result.skipped.append((_row_ranges(footnote), _("表格下方的备注、说明")))
    if not parsed and not errors:
        raise ImportFailed(_("文件中没有数据行。"))
    return parsed, errors


def _sort_phones(row, values, errors, *, kind, present):
    """Replace the phone cells of a row by one mobile and one landline (delegates) or one number (offices)."""
    cells = values.pop("phone", []) + values.pop("landline", [])
    mobiles, landlines = [], []
    for header, text in cells:
        for part in phones.split_numbers(text):
            sort, number = phones.classify(part)
            if sort is None:
                errors.append(
                    RowError(
                        row,
                        header,
                        _("“%(value)s”不是电话号码（手机如13800000000，固定电话如0851-83600000）")
                        % {"value": part[:30]},
                    )
                )
                return  # the row's other cells are still checked; nothing is imported anyway
            (mobiles if sort == "mobile" else landlines).append(number)
    if kind == "delegates":
        # A column that is not in the file leaves the stored number alone; a landline found in a
        # 联系电话 column is stored as the landline.
        if "phone" in present:
            values["phone"] = mobiles[0] if mobiles else ""
        if "landline" in present or landlines:
            values["landline"] = landlines[0] if landlines else ""
    elif "phone" in present:
        numbers = mobiles + landlines
        values["phone"] = numbers[0] if numbers else ""


def check_username(row, header, username, errors):
    if username and not USERNAME_RE.match(username):
        errors.append(RowError(row, header, _("只能包含英文字母、数字和 @ . + - _")))
        return False
    return True


# --------------------------------------------------------------------------- form


class ImportForm(forms.Form):
    term = forms.ModelChoiceField(label=gettext_lazy("届次"), queryset=None, required=False, empty_label=None)
    file = forms.FileField(label=gettext_lazy("Excel 文件"), help_text=gettext_lazy("请使用 .xlsx 格式，最大 5 MB。"))

    def __init__(self, *args, kind, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "delegates":
            self.fields["term"].queryset = Term.objects.order_by("-number")
            self.fields["term"].required = True
            current = Session.objects.filter(is_current=True).values_list("term_id", flat=True).first()
            self.fields["term"].initial = current or (terms[0].pk if terms else None)
        else:
            del self.fields["term"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 Excel（.xlsx）文件；旧版 .xls 文件请先在 Excel 中另存为 .xlsx。"))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        upload.seek(0)
        if upload.read(4) != b"PK\x03\x04":
            raise forms.ValidationError(_("这不是有效的 Excel（.xlsx）文件。"))
        upload.seek(0)
        return upload


# --------------------------------------------------------------------------- template


def write_template(workbook, kind):
    """An empty list with the expected headers, and a sheet that explains each column."""
    columns = COLUMNS[kind]
    sheet = workbook.create_sheet(_("代表名单") if kind == "delegates" else _("承办单位"))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, 2.2 * len(column.example) + 2)
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    notes = workbook.create_sheet(_("填写说明"))
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 30
    notes.append([_("列名"), _("说明"), _("示例")])
    for column in columns:
        text = _("必填") if column.required else _("选填")
        if column.aliases:
            text += _("；也可写作：%(aliases)s") % {"aliases": "、".join(column.aliases)}
        notes.append([column.header, text, column.example])
    notes.append([])
    notes.append(
        [
            _("提示"),
            _(
                "表头可以不在第一行（上面可有合并的标题行）；空行和表格下方的备注、说明会被跳过；"
                "手机号可带+86、空格或短横线，固定电话（如0851-83600000转801）按固定电话保存。"
                "已有的代表按登录账号，或按姓名和代表团（没有代表团时按选区）对应，不会只按姓名对应。"
            ),
        ]
    )
    notes.append(
        [
            _("登录账号"),
            _(
                "导入时可为没有账号的代表和单位联系人创建账号：登录名为姓名全拼（如 wangxiuying），"
                "已被占用时依次加 2、3……；新账号没有密码，本人用一次性激活链接设置密码。"
            ),
        ]
    )
