"""Planning a roster import: which row of the file becomes which delegate or office, and what to warn about.

Matching existing people: by login account when the row gives one, otherwise by name **and** delegation
(or constituency when the row has no delegation) — never by name alone. Reads only; ``roster_import``
previews the plan and applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delegates import names as roster_names
from delegates import phones
from delegates.models import Delegate, Delegation
from delegates.roster_read import (
    DELEGATE_COLUMNS,
    OFFICE_COLUMNS,
    SPACES_RE,
    RowError,
    RowWarning,
    check_username,
)
from suggestions import roles
from suggestions.models import Office

if TYPE_CHECKING:
    from delegates.models import Term

ACTION_LABELS = {
    "new": gettext_lazy("新增"),
    "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("不变"),
}
LOOK_ALIKE_REASONS = {
    "pinyin": gettext_lazy("读音相同"),
    "one_char": gettext_lazy("只差一个字"),
    "abbreviation": gettext_lazy("可能是简称"),
}


@dataclass
class RowPlan:
    """What importing one row does: a new, updated or unchanged delegate or office, with the changes shown."""

    row: int
    label: str
    action: str
    values: dict
    changes: list = field(default_factory=list)
    target: object = None
    new_username: str = ""  # the account an import with "create accounts" makes for this row
    needs_account: bool = False
    note: str = ""

    @property
    def action_label(self) -> str:
        """新增, 更新 or 不变."""
        return ACTION_LABELS[self.action]


@dataclass
class Preview:
    """What importing a file would do: its row plans, errors, warnings, skipped rows and the columns read."""

    kind: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (rows text, reason)
    columns: list = field(default_factory=list)  # (file header, read as, or "" when ignored)
    token: str = ""
    activations: list = field(default_factory=list)  # filled by apply: accounts.IssuedLink

    @property
    def ok(self) -> bool:
        """Something to import and no error."""
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        """How many rows are new, updated or unchanged (``action``)."""
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new(self) -> int:
        """How many rows are new."""
        return self.count("new")

    @property
    def updated(self) -> int:
        """How many rows update someone."""
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        """How many rows change nothing."""
        return self.count("unchanged")

    @property
    def ignored_columns(self) -> list[str]:
        """The file's headers not read as any column."""
        return [header for header, read_as in self.columns if not read_as]

    @property
    def without_account(self) -> list[RowPlan]:
        """Rows of people who would have no login account."""
        return [r for r in self.rows if r.needs_account]

    @property
    def accounts_to_create(self) -> list[RowPlan]:
        """Rows for which "create accounts" makes one."""
        return [r for r in self.rows if r.new_username]


def _display(key, value):
    return phones.mask(value) if key in ("phone", "landline") else value


def _changes(columns, current, values):
    by_key = {c.key: c for c in columns}
    changes = []
    for key, new in values.items():
        old = current.get(key, "")
        if key in ("username", "clerk_username") and not new:
            continue  # a blank account cell never unlinks an account
        if old != new:
            changes.append((by_key[key].header, _display(key, old), _display(key, new)))
    return changes


def _taken_usernames(bases, explicit):
    """Login names in use that the rule of ``delegates.names`` could produce from ``bases``."""
    User = get_user_model()
    taken = set(explicit)
    if bases:
        query = Q()
        for base in bases:
            query |= Q(username__startswith=base)
        taken |= set(User.objects.filter(query).values_list("username", flat=True))
    return taken


def _assign_usernames(plans, name_of, explicit):
    needing = [p for p in plans if p.needs_account and name_of(p)]
    taken = _taken_usernames({roster_names.login_base(name_of(p)) for p in needing}, explicit)
    for plan in needing:
        plan.new_username = roster_names.login_name(name_of(plan), taken)


def _warn_look_alikes(warnings, first_rows, new_names, existing_names, *, column, what):
    for a, b, reason in roster_names.near_duplicates(new_names, existing_names):
        warnings.append(
            RowWarning(
                first_rows.get(a, 0),
                column,
                _("“%(a)s”与“%(b)s”%(reason)s，请确认不是同一个%(what)s的不同写法")
                % {"a": a, "b": b, "reason": LOOK_ALIKE_REASONS[reason], "what": what},
            )
        )


# --------------------------------------------------------------------------- delegates


def _delegate_current(delegate):
    contact = getattr(delegate, "contact", None)
    return {
        "name": delegate.name,
        "delegation": delegate.delegation.name if delegate.delegation_id else "",
        "constituency": delegate.constituency.name if delegate.constituency_id else "",
        "work_unit": delegate.work_unit,
        "phone": contact.phone if contact else "",
        "landline": contact.landline if contact else "",
        "email": contact.email if contact else "",
        "username": delegate.user.username if delegate.user_id else "",
    }


def _who(delegate):
    parts = [delegate.delegation.name if delegate.delegation_id else _("无代表团")]
    if delegate.constituency_id:
        parts.append(delegate.constituency.name)
    parts.append(_("账号%(u)s") % {"u": delegate.user.username} if delegate.user_id else _("无账号"))
    return _("%(name)s（%(details)s）") % {"name": delegate.name, "details": "，".join(parts)}


def _delegate_candidates(same_name, delegation, constituency, username):
    """Existing delegates this row is: by name and delegation (or constituency), never by name alone."""

    def named(obj, attr):
        return getattr(obj, attr).name if getattr(obj, f"{attr}_id") else ""

    if delegation:
        found = [d for d in same_name if named(d, "delegation") == delegation]
        if not found:  # entered before with no delegation: the roster fills it in
            found = [
                d
                for d in same_name
                if not d.delegation_id and (not constituency or named(d, "constituency") in ("", constituency))
            ]
    elif constituency:
        found = [d for d in same_name if named(d, "constituency") == constituency]
        if not found:
            found = [d for d in same_name if not d.constituency_id and not d.delegation_id]
    else:
        found = list(same_name)
    if username:  # an account cell tells same-named people of one delegation apart
        found = [d for d in found if not d.user_id or d.user.username == username]
    return found


def plan_delegates(
    parsed: list[tuple[int, dict, dict]], errors: list[RowError], warnings: list[RowWarning], *, term: Term | None
) -> list[RowPlan]:
    """One plan per delegate row (new, updated or unchanged); a row's problems go to ``errors`` or ``warnings``."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    User = get_user_model()
    by_key = {c.key: c for c in DELEGATE_COLUMNS}
    names = {v["name"] for _r, v, _s in parsed if v.get("name")}
    usernames = {v["username"] for _r, v, _s in parsed if v.get("username")}
    existing = list(
        Delegate.objects.filter(term=term, name__in=names)
        .select_related("delegation", "constituency", "contact", "user")
        .order_by("name", "pk")  # people of one name in the order they were added: a stable message
    )
    by_name = {}
    for d in existing:
        by_name.setdefault(d.name, []).append(d)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).prefetch_related(
            "groups", "office_memberships", "delegate_records"
        )
    }
    seen_people, seen_names, seen_usernames = {}, {}, {}
    delegation_rows = {}
    plans = []
    for row, values, sources in parsed:
        if "name" not in values:
            continue

        def col(key, sources=sources):
            return sources.get(key) or by_key[key].header

        name, username = values["name"], values.get("username", "")
        delegation, constituency = values.get("delegation", ""), values.get("constituency", "")
        if delegation:
            delegation_rows.setdefault(delegation, row)
        ok = check_username(row, col("username"), username, errors)
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.append(RowError(row, col("email"), _("不是有效的电子邮箱")))
                ok = False
        if username:
            if username in seen_usernames:
                errors.append(
                    RowError(row, col("username"), _("与第%(row)s行重复") % {"row": seen_usernames[username]})
                )
                ok = False
            seen_usernames.setdefault(username, row)
        person = (name, delegation or constituency, username)
        if person in seen_people:
            errors.append(
                RowError(
                    row,
                    col("name"),
                    _("与第%(row)s行是同一人（姓名和代表团相同），请删除重复的一行") % {"row": seen_people[person]},
                )
            )
            ok = False
        seen_people.setdefault(person, row)
        if not ok:
            continue
        target, note = None, ""
        user = users.get(username) if username else None
        if user is not None:
            # One record per person and congress: the account may be a delegate of another congress as well.
            linked = next((d for d in user.delegate_records.all() if d.congress_id == term.congress_id), None)
            if linked is not None and linked.term_id != term.pk:
                errors.append(RowError(row, col("username"), _("该账号已属于其他届的代表")))
                continue
            if linked is None and (roles.is_staff_member(user) or user.office_memberships.all()):
                errors.append(RowError(row, col("username"), _("该账号已被工作人员或承办单位使用")))
                continue
            if linked is not None:
                target = next((d for d in existing if d.pk == linked.pk), None) or Delegate.objects.select_related(
                    "delegation", "constituency", "contact", "user"
                ).get(pk=linked.pk)
        if target is None:
            same_name = by_name.get(name, [])
            candidates = _delegate_candidates(same_name, delegation, constituency, username)
            if len(candidates) > 1:
                errors.append(
                    RowError(
                        row,
                        col("name"),
                        _("系统中有%(n)s位代表与此行相符：%(who)s。请在“登录账号”列填写账号以区分")
                        % {"n": len(candidates), "who": "；".join(_who(d) for d in candidates)},
                    )
                )
                continue
            target = candidates[0] if candidates else None
            if target is None and (same_name or name in seen_names):
                note = _("同名不同代表团，按新代表导入")
                others = "；".join(_who(d) for d in same_name) or _("第%(row)s行") % {"row": seen_names[name]}
                warnings.append(
                    RowWarning(row, col("name"), _("与%(who)s同名不同代表团，按新代表导入") % {"who": others})
                )
        seen_names.setdefault(name, row)
        if target is None:
            plans.append(RowPlan(row, name, "new", values, needs_account=not username, note=note))
            continue
        changes = _changes(DELEGATE_COLUMNS, _delegate_current(target), values)
        plans.append(
            RowPlan(
                row,
                name,
                "updated" if changes else "unchanged",
                values,
                changes,
                target,
                needs_account=not username and not target.user_id,
            )
        )
    _warn_shared_phones(plans, warnings, column=by_key["phone"].header)  # by the keyed hash (issue 20)
    _assign_usernames(plans, lambda p: p.values["name"], usernames)
    existing_delegations = Delegation.objects.filter(term=term).values_list("name", flat=True)
    known = set(existing_delegations)
    _warn_look_alikes(
        warnings,
        delegation_rows,
        [n for n in delegation_rows if n not in known],
        list(known) + [n for n in delegation_rows if n in known],
        column=next((s["delegation"] for _r, _v, s in parsed if "delegation" in s), ""),
        what=_("代表团"),
    )
    return plans


def _warn_shared_phones(plans, warnings, *, column):
    """A new delegate whose mobile an existing delegate already has: perhaps the same person under another name."""
    new = [p for p in plans if p.action == "new" and p.values.get("phone")]
    found = phones.holders([p.values["phone"] for p in new])
    for plan in new:
        for other in found.get(plan.values["phone"], []):
            warnings.append(
                RowWarning(
                    plan.row,
                    column,
                    _("手机号码与现有代表%(who)s相同，请确认不是同一人") % {"who": _who(other)},
                )
            )


# --------------------------------------------------------------------------- offices


def _merge_duplicate_offices(parsed, warnings):
    """One entry per office name: a repeated row fills blanks of the first and is reported, not refused."""
    by_key = {c.key: c for c in OFFICE_COLUMNS}
    groups = {}
    for row, values, sources in parsed:
        name = values.get("name")
        if not name:
            continue
        values["name"] = name = SPACES_RE.sub("", name)
        if name not in groups:
            groups[name] = (row, values, sources)
            continue
        first_row, first, first_sources = groups[name]
        differing = []
        for key, value in values.items():
            if value and not first.get(key):
                first[key] = value
                first_sources.setdefault(key, sources.get(key))
            elif value and value != first.get(key):
                differing.append(str(sources.get(key) or by_key[key].header))
        message = _("与第%(row)s行是同一单位，已合并为一行") % {"row": first_row}
        if differing:
            message += _("；“%(columns)s”与第%(row)s行不同，采用第%(row)s行的") % {
                "columns": "、".join(differing),
                "row": first_row,
            }
        warnings.append(RowWarning(row, sources.get("name") or by_key["name"].header, message))
    return list(groups.values())


def plan_offices(
    parsed: list[tuple[int, dict, dict]], errors: list[RowError], warnings: list[RowWarning], *, congress_id: int
) -> list[RowPlan]:
    """One plan per office row (duplicates merged first); a row's problems go to ``errors`` or ``warnings``."""
    User = get_user_model()
    by_key = {c.key: c for c in OFFICE_COLUMNS}
    parsed = _merge_duplicate_offices(parsed, warnings)
    names = {v["name"] for _r, v, _s in parsed}
    usernames = {v["clerk_username"] for _r, v, _s in parsed if v.get("clerk_username")}
    in_congress = Office.objects.filter(congress_id=congress_id)
    offices = {o.name: o for o in in_congress.filter(name__in=names).prefetch_related("members")}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).prefetch_related(
            "groups", "office_memberships__office", "delegate_records"
        )
    }
    seen_usernames = {}
    plans = []
    for row, values, sources in parsed:

        def col(key, sources=sources):
            return sources.get(key) or by_key[key].header

        name = values["name"]
        username, contact = values.get("clerk_username", ""), values.get("contact_name", "")
        ok = check_username(row, col("clerk_username"), username, errors)
        if username:
            if username in seen_usernames:
                errors.append(
                    RowError(row, col("clerk_username"), _("与第%(row)s行重复") % {"row": seen_usernames[username]})
                )
                ok = False
            seen_usernames.setdefault(username, row)
        user = users.get(username) if username else None
        office = offices.get(name)
        member = None
        if user is not None:
            others = [m for m in user.office_memberships.all() if not office or m.office_id != office.pk]
            if others:
                errors.append(
                    RowError(
                        row,
                        col("clerk_username"),
                        _("该账号已是“%(office)s”的经办人") % {"office": others[0].office.name},
                    )
                )
                ok = False
            elif user.delegate_records.all() or roles.is_staff_member(user):
                errors.append(RowError(row, col("clerk_username"), _("该账号已被代表或工作人员使用")))
                ok = False
            member = next((m for m in user.office_memberships.all() if office and m.office_id == office.pk), None)
        elif username and not contact:
            errors.append(RowError(row, col("contact_name"), _("新建经办人账号须填写联系人（经办人姓名）")))
            ok = False
        if not ok:
            continue
        has_clerk = bool(username) or (office is not None and bool(office.members.all()))
        plan = RowPlan(row, name, "new", values, target=office, needs_account=not has_clerk)
        if office is not None:
            current = {
                "name": office.name,
                "short_name": office.short_name,
                "contact_name": office.contact_name,
                "phone": office.contact_phone,
            }
            if username:
                current["clerk_username"] = username if member else ""
            plan.changes = _changes(OFFICE_COLUMNS, current, values)
            plan.action = "updated" if plan.changes else "unchanged"
        if plan.needs_account and not contact:
            plan.note = _("没有联系人，无法创建经办人账号")
        plans.append(plan)
    _assign_usernames(plans, lambda p: p.values.get("contact_name", ""), usernames)
    first_rows = {v["name"]: r for r, v, _s in parsed}
    known = set(in_congress.values_list("name", flat=True))
    _warn_look_alikes(
        warnings,
        first_rows,
        [n for n in first_rows if n not in known],
        list(known),
        column=next((s["name"] for _r, _v, s in parsed if "name" in s), ""),
        what=_("单位"),
    )
    return plans
