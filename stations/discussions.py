"""Suggestions recorded for delegates (分组审议, or drafted by station staff from opinions) and their confirmation.

The recorder may see and edit such a draft until its lead delegate confirms it; the confirmation invites the
co-signers the record named (the delegate submits once they answered) or submits it for review directly.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Delegation
from stations.actions import _audit, _text, notify
from stations.models import GroupDiscussion, RecordedDraft
from suggestions import actions as suggestion_actions
from suggestions import policy
from suggestions.errors import InvalidInput
from suggestions.models import AuditAction, AuditLog, Suggestion
from suggestions.policy import Action
from suggestions.reporting import worklists

MAX_ROWS = 100


@dataclass
class RecordedRow:
    """One suggestion of a discussion as entered: its text and the delegates who raised it (lead first)."""

    title: str
    body: str
    delegates: list = field(default_factory=list)
    line: int = 0


def delegates_by_names(*, names: str, term: Any) -> list:
    """The delegates of ``term`` named in ``names`` (separated by 、，, or spaces), in order; unknown names refused."""
    from delegates.models import Delegate

    wanted = [n for n in names.replace("，", "、").replace(",", "、").replace(" ", "、").split("、") if n.strip()]
    found = []
    for name in wanted:
        matches = list(Delegate.objects.filter(term=term, name=name.strip(), is_active=True))
        if len(matches) != 1:
            raise InvalidInput(
                (_("找不到代表“%(name)s”。") if not matches else _("有多位代表名为“%(name)s”，请到系统中逐件录入。"))
                % {"name": name.strip()}
            )
        if matches[0] not in found:
            found.append(matches[0])
    return found


def rows_from_excel(*, upload: Any, term: Any) -> list[RecordedRow]:
    """Rows of an Excel sheet with the columns 标题、内容、提出代表 (lead first); a clear message per bad row."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    except Exception:  # noqa: BLE001 - any unreadable file gets the same message
        raise InvalidInput(_("无法读取该Excel文件，请使用.xlsx格式。"))
    if not values or [str(v or "").strip() for v in values[0][:3]] != ["标题", "内容", "提出代表"]:
        raise InvalidInput(_("Excel第一行须为：标题、内容、提出代表。"))
    rows = []
    for number, row in enumerate(values[1:], start=2):
        cells = [str(v or "").strip() for v in (list(row) + [None] * 3)[:3]]
        if not any(cells):
            continue
        try:
            rows.append(RecordedRow(cells[0], cells[1], delegates_by_names(names=cells[2], term=term), number))
        except InvalidInput as refusal:
            raise InvalidInput(_("第%(line)s行：%(error)s") % {"line": number, "error": refusal})
    return rows


@transaction.atomic
def discussion_record(
    *,
    actor: Any,
    session: Any,
    delegation: Any,
    date: datetime.date,
    place: str,
    rows: Sequence[RecordedRow],
    category: Any,
) -> GroupDiscussion:
    """Record a group discussion and its suggestions: each a draft of its lead delegate awaiting confirmation."""
    policy.require(actor, Action.DISCUSSION_RECORD, None)
    if session is None or delegation is None or date is None:
        raise InvalidInput(_("请填写会议、代表团和日期。"))
    # A secretary records for their own delegation only: asked again on the locked delegation.
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    policy.require(actor, Action.DISCUSSION_RECORD, delegation)
    if category is None:
        raise InvalidInput(_("请选择类别。"))
    congress_id = delegation.term.congress_id
    if session.congress_id != congress_id or category.congress_id != congress_id:
        raise InvalidInput(_("会议、代表团和类别须属于同一人大。"))
    if not rows:
        raise InvalidInput(_("请至少录入一件建议。"))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_("一次最多录入%(n)s件建议。") % {"n": MAX_ROWS})
    discussion = GroupDiscussion.objects.create(
        session=session, delegation=delegation, date=date, place=(place or "").strip()[:100], recorder=actor
    )
    for index, row in enumerate(rows, start=1):
        where = _("第%(n)s件：") % {"n": row.line or index}
        try:
            title = _text(row.title, _("标题"), max_length=200)
            body = _text(row.body, _("内容"), max_length=20000)
            if not row.delegates:
                raise InvalidInput(_("请填写提出建议的代表。"))
        except InvalidInput as refusal:
            raise InvalidInput(f"{where}{refusal}")
        lead, *cosigners = row.delegates
        suggestion = Suggestion.objects.create(
            session=session,
            series=Suggestion.Series.SESSION,
            title=title,
            body=body,
            category=category,
            lead_delegate=lead,
        )
        worklists.note(suggestion.pk)  # a draft on the lead's home page
        AuditLog.objects.create(
            suggestion=suggestion,
            actor=actor,
            action=AuditAction.CREATE,
            to_status=Suggestion.Status.DRAFT,
            note=_("分组审议录入（%(delegation)s，%(date)s）")
            % {"delegation": delegation.name, "date": date.isoformat()},
        )
        draft = RecordedDraft.objects.create(suggestion=suggestion, discussion=discussion, recorder=actor)
        draft.cosigners.set(cosigners)
        if lead.user_id:
            notify(
                [lead.user],
                title=_("分组审议中您提出的建议已录入，请确认：%(title)s") % {"title": title[:60]},
                url="/stations/drafts/",
            )
    _audit(action="discussion_record", actor=actor, data={"discussion": discussion.pk, "suggestions": len(rows)})
    return discussion


@transaction.atomic
def recorded_draft_edit(*, draft: RecordedDraft, actor: Any, title: str, body: str) -> RecordedDraft:
    """The recorder corrects a draft the delegate has not confirmed yet."""
    draft = RecordedDraft.objects.select_for_update().select_related("suggestion").get(pk=draft.pk)
    Suggestion.objects.select_for_update().filter(pk=draft.suggestion_id).first()
    policy.require(actor, Action.RECORDED_DRAFT_EDIT, draft)
    suggestion = draft.suggestion
    suggestion.title = _text(title, _("标题"), max_length=200)
    suggestion.body = _text(body, _("内容"), max_length=20000)
    suggestion.save()
    AuditLog.objects.create(
        suggestion=suggestion,
        actor=actor,
        action=AuditAction.EDIT,
        from_status=suggestion.status,
        to_status=suggestion.status,
        note=_("录入人修改"),
    )
    return draft


@transaction.atomic
def recorded_draft_confirm(*, draft: RecordedDraft, actor: Any) -> Suggestion:
    """The lead delegate confirms: co-signers are invited, or (none named) the suggestion goes to review."""
    draft = RecordedDraft.objects.select_for_update().select_related("suggestion").get(pk=draft.pk)
    policy.require(actor, Action.RECORDED_DRAFT_CONFIRM, draft)
    draft.confirmed_at = timezone.now()
    draft.save(update_fields=["confirmed_at"])
    AuditLog.objects.create(
        suggestion=draft.suggestion,
        actor=actor,
        action=AuditAction.EDIT,
        from_status="draft",
        to_status="draft",
        note=_("代表确认录入的建议"),
        data={"recorded_by": draft.recorder_id},
    )
    cosigners = list(draft.cosigners.all())
    if cosigners:
        suggestion_actions.cosigner_invite(suggestion=draft.suggestion, actor=actor, delegates=cosigners)
        return draft.suggestion
    return suggestion_actions.suggestion_submit(suggestion=draft.suggestion, actor=actor)
