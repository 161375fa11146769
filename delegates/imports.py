"""Import delegates and offices from the Excel lists staff receive.

upload → ``preview`` (what is new, updated, unchanged; or every error with its
row and column) → ``apply`` the same file in one transaction. A file with any
error imports nothing.
"""

import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from suggestions import roles
from suggestions.models import Office
from suggestions.services import WorkflowError

from . import services
from .models import Delegate, Session

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
STASH_SECONDS = 24 * 3600
HEADER_SEARCH_ROWS = 10
USERNAME_RE = re.compile(r"^[A-Za-z0-9@.+_-]+$")
MOBILE_RE = re.compile(r"^1\d{10}$")
PHONE_RE = re.compile(r"^[0-9+\-()（）转 ]{5,30}$")
SPACES_RE = re.compile(r"[\s\u3000]+")


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
    Column("delegation", "代表团", ("代表团（组）", "代表组", "所在代表团"), example="花溪街道代表团"),
    Column("constituency", "选区", ("选举单位",), example="花溪街道第3选区"),
    Column(
        "work_unit",
        "工作单位及职务",
        ("工作单位", "单位及职务", "工作单位和职务"),
        max_length=200,
        example="花溪街道清华社区居委会主任",
    ),
    Column("phone", "手机号码", ("手机", "联系电话", "手机号"), max_length=30, example="13800000001"),
    Column("username", "登录账号", ("账号", "用户名"), max_length=150, example="daibiao_wang"),
)
OFFICE_COLUMNS = (
    Column(
        "name",
        "单位名称",
        ("承办单位", "单位", "承办单位名称"),
        required=True,
        max_length=100,
        example="区住房和城乡建设局",
    ),
    Column("short_name", "简称", ("单位简称",), max_length=50, example="住建局"),
    Column("clerk_name", "经办人姓名", ("经办人",), max_length=150, example="李明"),
    Column("clerk_username", "经办人账号", ("登录账号", "账号"), max_length=150, example="zhujian"),
    Column("phone", "联系电话", ("电话", "手机号码", "手机"), max_length=30, example="0851-83600000"),
)
COLUMNS = {"delegates": DELEGATE_COLUMNS, "offices": OFFICE_COLUMNS}
ACTION_LABELS = {
    "new": gettext_lazy("新增"),
    "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("不变"),
}


class ImportFailed(WorkflowError):
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


@dataclass
class RowPlan:
    row: int
    label: str
    action: str
    values: dict
    changes: list = field(default_factory=list)
    target: object = None

    @property
    def action_label(self):
        return ACTION_LABELS[self.action]


@dataclass
class Preview:
    kind: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    token: str = ""

    @property
    def ok(self):
        return not self.errors and bool(self.rows)

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new(self):
        return self.count("new")

    @property
    def updated(self):
        return self.count("updated")

    @property
    def unchanged(self):
        return self.count("unchanged")


# --------------------------------------------------------------------------- form


class ImportForm(forms.Form):
    term = forms.ModelChoiceField(label=gettext_lazy("届次"), queryset=None, required=False, empty_label=None)
    file = forms.FileField(label=gettext_lazy("Excel 文件"), help_text=gettext_lazy("请使用 .xlsx 格式，最大 5 MB。"))

    def __init__(self, *args, kind, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "delegates":
            from .models import Term

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


# --------------------------------------------------------------------------- reading


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _read_rows(file_obj):
    """(header_row_number, {key: column_index}, [(row_number, [values])]) or raise ImportFailed."""
    try:
        workbook = load_workbook(file_obj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFailed(_("无法读取该文件，请确认是 Excel（.xlsx）文件。")) from error
    try:
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
    finally:
        workbook.close()


def _find_header(raw_rows, columns):
    names = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            names[SPACES_RE.sub("", name)] = column.key
    for index, raw in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for position, value in enumerate(raw or ()):
            key = names.get(SPACES_RE.sub("", _text(value)))
            if key and key not in found:
                found[key] = position
        if any(c.required and c.key in found for c in columns):
            return index, found
    return None, {}


def _parse(kind, file_obj):
    """Rows of cleaned values keyed by column, and format errors."""
    columns = COLUMNS[kind]
    by_key = {c.key: c for c in columns}
    raw_rows = _read_rows(file_obj)
    header_index, positions = _find_header(raw_rows, columns)
    required = [c for c in columns if c.required]
    if header_index is None:
        raise ImportFailed(
            _("找不到表头：第一个工作表的前%(n)s行中应有“%(column)s”列。")
            % {"n": HEADER_SEARCH_ROWS, "column": required[0].header}
        )
    parsed, errors = [], []
    for offset, raw in enumerate(raw_rows[header_index + 1 :], start=header_index + 2):
        raw = raw or ()
        if not any(_text(v) for v in raw):
            continue
        if len(parsed) >= MAX_ROWS:
            raise ImportFailed(_("一次最多导入%(n)s行，请分批导入。") % {"n": MAX_ROWS})
        values = {}
        for key, position in positions.items():
            column = by_key[key]
            value = _text(raw[position] if position < len(raw) else None)
            if key == "name" and kind == "delegates":
                value = SPACES_RE.sub("", value)  # "王  芳" is padded for alignment, not two words
            if key in ("phone", "username", "clerk_username"):
                value = SPACES_RE.sub("", value)
            if key == "phone" and kind == "delegates":
                value = value.replace("-", "")
            if column.required and not value:
                errors.append(RowError(offset, column.header, _("不能为空")))
                continue
            if len(value) > column.max_length:
                errors.append(RowError(offset, column.header, _("不能超过%(n)s个字") % {"n": column.max_length}))
                continue
            values[key] = value
        parsed.append((offset, values))
    if not parsed and not errors:
        raise ImportFailed(_("文件中没有数据行。"))
    return parsed, errors


def _check_username(row, header, username, errors):
    if username and not USERNAME_RE.match(username):
        errors.append(RowError(row, header, _("只能包含英文字母、数字和 @ . + - _")))
        return False
    return True


# --------------------------------------------------------------------------- delegates


def _delegate_current(delegate):
    contact = getattr(delegate, "contact", None)
    return {
        "name": delegate.name,
        "delegation": delegate.delegation.name if delegate.delegation_id else "",
        "constituency": delegate.constituency.name if delegate.constituency_id else "",
        "work_unit": delegate.work_unit,
        "phone": contact.phone if contact else "",
        "username": delegate.user.username if delegate.user_id else "",
    }


def _changes(columns, current, values):
    by_key = {c.key: c for c in columns}
    changes = []
    for key, new in values.items():
        old = current.get(key, "")
        if key in ("username", "clerk_username") and not new:
            continue  # a blank account cell never unlinks an account
        if old != new:
            changes.append((by_key[key].header, old, new))
    return changes


def _plan_delegates(parsed, errors, *, term):
    User = get_user_model()
    names = {v["name"] for _r, v in parsed if v.get("name")}
    usernames = {v["username"] for _r, v in parsed if v.get("username")}
    existing = list(
        Delegate.objects.filter(term=term, name__in=names).select_related(
            "delegation", "constituency", "contact", "user"
        )
    )
    by_name = {}
    for d in existing:
        by_name.setdefault(d.name, []).append(d)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames)
        .select_related("delegate")
        .prefetch_related("groups", "office_memberships")
    }
    header = {c.key: c.header for c in DELEGATE_COLUMNS}
    seen_usernames, seen_names = {}, {}
    plans = []
    for row, values in parsed:
        if "name" not in values:
            continue
        name, username = values["name"], values.get("username", "")
        ok = _check_username(row, header["username"], username, errors)
        phone = values.get("phone", "")
        if phone and not MOBILE_RE.match(phone):
            errors.append(RowError(row, header["phone"], _("应为11位手机号码，如13800000000")))
            ok = False
        if username:
            if username in seen_usernames:
                errors.append(
                    RowError(row, header["username"], _("与第%(row)s行重复") % {"row": seen_usernames[username]})
                )
                ok = False
            seen_usernames.setdefault(username, row)
        if name in seen_names and not (username and seen_names[name][1]):
            errors.append(
                RowError(
                    row, header["name"], _("与第%(row)s行同名，请填写登录账号以区分") % {"row": seen_names[name][0]}
                )
            )
            ok = False
        seen_names.setdefault(name, (row, username))
        if not ok:
            continue
        target = None
        user = users.get(username) if username else None
        if user is not None:
            linked = getattr(user, "delegate", None)
            if linked is not None and linked.term_id != term.pk:
                errors.append(RowError(row, header["username"], _("该账号已属于其他届的代表")))
                continue
            if linked is None and (roles.is_staff_member(user) or user.office_memberships.all()):
                errors.append(RowError(row, header["username"], _("该账号已被工作人员或承办单位使用")))
                continue
            if linked is not None:
                target = next((d for d in existing if d.pk == linked.pk), None) or Delegate.objects.select_related(
                    "delegation", "constituency", "contact", "user"
                ).get(pk=linked.pk)
        if target is None:
            candidates = [d for d in by_name.get(name, []) if not username or d.user_id is None]
            if len(candidates) > 1:
                errors.append(RowError(row, header["name"], _("系统中有多位同名代表，请填写登录账号以区分")))
                continue
            target = candidates[0] if candidates else None
        if target is None:
            plans.append(RowPlan(row, name, "new", values))
            continue
        changes = _changes(DELEGATE_COLUMNS, _delegate_current(target), values)
        plans.append(RowPlan(row, name, "updated" if changes else "unchanged", values, changes, target))
    return plans


# --------------------------------------------------------------------------- offices


def _plan_offices(parsed, errors):
    User = get_user_model()
    names = {v["name"] for _r, v in parsed if v.get("name")}
    usernames = {v["clerk_username"] for _r, v in parsed if v.get("clerk_username")}
    offices = {o.name: o for o in Office.objects.filter(name__in=names)}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames)
        .select_related("delegate")
        .prefetch_related("groups", "office_memberships__office")
    }
    header = {c.key: c.header for c in OFFICE_COLUMNS}
    seen_names, seen_usernames = {}, {}
    plans = []
    for row, values in parsed:
        if "name" not in values:
            continue
        name = values["name"]
        username, clerk_name = values.get("clerk_username", ""), values.get("clerk_name", "")
        ok = _check_username(row, header["clerk_username"], username, errors)
        if name in seen_names:
            errors.append(RowError(row, header["name"], _("与第%(row)s行重复") % {"row": seen_names[name]}))
            ok = False
        seen_names.setdefault(name, row)
        if username:
            if username in seen_usernames:
                errors.append(
                    RowError(row, header["clerk_username"], _("与第%(row)s行重复") % {"row": seen_usernames[username]})
                )
                ok = False
            seen_usernames.setdefault(username, row)
        elif clerk_name:
            errors.append(RowError(row, header["clerk_username"], _("填写了经办人姓名，请同时填写经办人账号")))
            ok = False
        phone = values.get("phone", "")
        if phone and not PHONE_RE.match(phone):
            errors.append(RowError(row, header["phone"], _("应为电话号码，如0851-83600000或13800000000")))
            ok = False
        user = users.get(username) if username else None
        office = offices.get(name)
        member = None
        if user is not None:
            others = [m for m in user.office_memberships.all() if not office or m.office_id != office.pk]
            if others:
                errors.append(
                    RowError(
                        row,
                        header["clerk_username"],
                        _("该账号已是“%(office)s”的经办人") % {"office": others[0].office.name},
                    )
                )
                ok = False
            elif getattr(user, "delegate", None) is not None or roles.is_staff_member(user):
                errors.append(RowError(row, header["clerk_username"], _("该账号已被代表或工作人员使用")))
                ok = False
            member = next((m for m in user.office_memberships.all() if office and m.office_id == office.pk), None)
        elif username and not clerk_name:
            errors.append(RowError(row, header["clerk_name"], _("新建经办人账号须填写经办人姓名")))
            ok = False
        if not ok:
            continue
        if office is None:
            plans.append(RowPlan(row, name, "new", values))
            continue
        current = {"name": office.name, "short_name": office.short_name}
        if username:
            current["clerk_username"] = username if member else ""
            current["clerk_name"] = user.first_name if user else ""
            current["phone"] = member.phone if member else ""
        elif "phone" in values:
            values = {k: v for k, v in values.items() if k != "phone"}  # a phone number belongs to a clerk
        plans.append(RowPlan(row, name, "unchanged", values, target=office))
        changes = _changes(OFFICE_COLUMNS, current, values)
        plans[-1].changes = changes
        plans[-1].action = "updated" if changes else "unchanged"
    return plans


# --------------------------------------------------------------------------- entry points


def preview(kind, file_obj, *, term=None):
    """What importing the file would do, or why it cannot be imported."""
    result = Preview(kind)
    try:
        parsed, errors = _parse(kind, file_obj)
    except ImportFailed as error:
        result.errors.append(RowError(0, "", error.message))
        return result
    if kind == "delegates":
        result.rows = _plan_delegates(parsed, errors, term=term)
    else:
        result.rows = _plan_offices(parsed, errors)
    result.errors = sorted(errors, key=lambda e: e.row)
    return result


def _stash_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale_stashes(directory):
    """Files previewed but never confirmed are dropped after a day."""
    cutoff = time.time() - STASH_SECONDS
    for path in directory.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request removed it first
            pass


def stash(upload):
    """Keep the uploaded file (outside the web root) until the user confirms; return its token."""
    _remove_stale_stashes(_stash_dir())
    token = uuid.uuid4().hex
    upload.seek(0)
    with open(_stash_dir() / f"{token}.xlsx", "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token


def _stashed_path(token):
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ImportFailed(_("导入文件已失效，请重新上传。"))
    path = _stash_dir() / f"{token}.xlsx"
    if not path.exists():
        raise ImportFailed(_("导入文件已失效，请重新上传。"))
    return path


def apply(kind, token, *, actor, term=None):
    """Import the previewed file: every row or none."""
    path = _stashed_path(token)
    with open(path, "rb") as handle:
        result = preview(kind, handle, term=term)
    if result.errors:
        raise ImportFailed(
            _("文件有%(n)s处错误，未导入任何数据：%(first)s") % {"n": len(result.errors), "first": result.errors[0]}
        )
    try:
        with transaction.atomic():
            for plan in result.rows:
                if plan.action == "unchanged":
                    continue
                if kind == "delegates":
                    services.delegate_save(actor=actor, term=term, values=plan.values, delegate=plan.target)
                else:
                    services.office_save(actor=actor, values=plan.values, office=plan.target)
    except IntegrityError as error:
        raise ImportFailed(_("导入时数据已被他人修改，未导入任何数据，请重新上传。")) from error
    except WorkflowError as error:
        raise ImportFailed(error.message) from error
    path.unlink(missing_ok=True)
    return result


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
                "表头可以不在第一行（上面可有标题行）；空行会被跳过；新建的登录账号没有密码，"
                "须由管理员设置密码后才能登录。"
            ),
        ]
    )
