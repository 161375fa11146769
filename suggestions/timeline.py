"""Turns audit rows into the handling timeline people read, and decides who may read each row.

``VISIBILITY`` is the one table of who sees which step: audit action → the audiences that may see
it. Every timeline (the shared detail page, the delegate page, the office page) is filtered through
it for the person looking, after the cache: the cached rows are the same for everyone, what each
person is shown is not. An action missing from the table is shown to staff only.

Audiences:

- ``delegate``: the lead delegate; ``cosigner``: a confirmed co-signer (an invitee reads the text
  to decide, not the handling);
- ``office``: for a step of one office's assignment, that office only; for a step of the
  suggestion itself, every office handling it (an office whose return was granted no longer reads
  the suggestion at all);
- ``staff``, ``leader`` (the supervising leader of a key suggestion), ``public`` (the public
  outcome page, dates only).

Internal handling notes stay internal: an office's return and extension reasons, staff decision
notes on them, 催办 messages and who handles an assignment are for staff and that office.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "create": _("创建草稿"),
    "edit": _("修改建议"),
    "attach": _("上传附件"),
    "office_attach": _("上传办理文件"),
    "cosigner_invite": _("邀请联名"),
    "cosigner_respond": _("答复联名邀请"),
    "cosigner_drop": _("撤销联名邀请"),
    "submit": _("提交建议"),
    "return": _("退回修改"),
    "register": _("立案"),
    "not_register": _("不予立案"),
    "withdraw": _("撤回"),
    "merge": _("并案"),
    "merge_in": _("并入其他建议"),
    "assign": _("交办"),
    "set_key": _("设置重点督办"),
    "sign": _("签收"),
    "handling_started": _("开始办理"),
    "set_handler": _("指定经办人"),
    "request_return": _("申请退回"),
    "return_approved": _("同意退回并重新交办"),
    "return_refused": _("不同意退回"),
    "contact": _("沟通联系"),
    "opinion": _("提交协办意见"),
    "reply": _("答复"),
    "replied": _("全部答复完成"),
    "request_extension": _("申请延期"),
    "extension_approved": _("同意延期"),
    "extension_refused": _("不同意延期"),
    "rate": _("代表评价"),
    "rehandle": _("重新办理"),
    "close": _("办结"),
    "follow_up": _("跟踪督办进展"),
    "follow_up_confirm": _("确认解决情况"),
    "publish": _("公开答复"),
    "unpublish": _("撤回公开"),
    "edit_public_text": _("审核答复公开版本"),
    "review_public_version": _("审核建议公开版本"),
    "pii_not_personal": _("确认非个人信息"),
    "remind": _("催办"),
}

DELEGATE, COSIGNER, OFFICE, STAFF, LEADER, PUBLIC = "delegate", "cosigner", "office", "staff", "leader", "public"
AUDIENCES = (DELEGATE, COSIGNER, OFFICE, STAFF, LEADER, PUBLIC)

_DELEGATES = frozenset({DELEGATE, COSIGNER})
_HANDLING = frozenset({DELEGATE, COSIGNER, OFFICE, STAFF, LEADER})

# Who may see each step. Staff see every step; an action not listed here is shown to staff only.
VISIBILITY = {
    # Drafting: the delegates' own, and the staff who review what was filed.
    "create": _DELEGATES | {STAFF},
    "edit": frozenset({STAFF}),  # autosave writes one per change: the delegates' page would drown in them
    "attach": _DELEGATES | {STAFF},
    "cosigner_invite": _DELEGATES | {STAFF},
    "cosigner_respond": _DELEGATES | {STAFF},
    "cosigner_drop": _DELEGATES | {STAFF},
    "submit": _DELEGATES | {STAFF},
    # Review: its reasons are written to the delegates.
    "return": _DELEGATES | {STAFF},
    "register": _HANDLING | {PUBLIC},
    "not_register": _DELEGATES | {STAFF},
    "merge": _DELEGATES | {STAFF},
    "merge_in": _DELEGATES | {STAFF},
    "withdraw": _HANDLING,
    # Assignment and handling.
    "assign": _HANDLING | {PUBLIC},
    "set_key": frozenset({STAFF, LEADER}),
    "sign": _HANDLING,
    "handling_started": frozenset({OFFICE, STAFF, LEADER}),
    "contact": _HANDLING,
    "opinion": frozenset({OFFICE, STAFF, LEADER}),
    "reply": _HANDLING | {PUBLIC},
    "replied": frozenset({OFFICE, STAFF, LEADER}),
    "rate": _HANDLING | {PUBLIC},
    "rehandle": _HANDLING | {PUBLIC},
    "close": _HANDLING,
    "follow_up": _HANDLING,
    "follow_up_confirm": _HANDLING,
    # Internal to an office and the staff: reasons, decisions on them, reminders, who handles it, its files.
    "office_attach": frozenset({OFFICE}),
    "set_handler": frozenset({OFFICE, STAFF}),
    "request_return": frozenset({OFFICE, STAFF}),
    "return_approved": frozenset({OFFICE, STAFF}),
    "return_refused": frozenset({OFFICE, STAFF}),
    "request_extension": frozenset({OFFICE, STAFF}),
    "extension_approved": frozenset({OFFICE, STAFF}),
    "extension_refused": frozenset({OFFICE, STAFF}),
    "remind": frozenset({OFFICE, STAFF}),
    # Publication.
    "publish": frozenset({STAFF, PUBLIC}),
    "unpublish": frozenset({STAFF}),
    "edit_public_text": frozenset({STAFF}),
    # Reviewing what the public will read (the spans found and the decisions on them) is staff work.
    "review_public_version": frozenset({STAFF}),
    "pii_not_personal": frozenset({STAFF}),
}
STAFF_ONLY = frozenset({STAFF})


def audiences_for(action):
    """The audiences that may see a step of ``action``: staff only for an action the table does not name."""
    return VISIBILITY.get(action, STAFF_ONLY)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a suggestion's timeline: their audiences and the offices they look as."""

    audiences: frozenset
    office_ids: frozenset = frozenset()

    def may_see(self, item):
        allowed = audiences_for(item["action"])
        if self.audiences & (allowed - {OFFICE}):
            return True
        if OFFICE in allowed and self.office_ids:
            office_id = item.get("office_id")
            return office_id is None or office_id in self.office_ids
        return False

    def sees_actor(self, item):
        """Names of the people who acted: for staff, and for an office on its own steps."""
        return STAFF in self.audiences or (item.get("office_id") is not None and item["office_id"] in self.office_ids)


PUBLIC_VIEWER = Viewer(audiences=frozenset({PUBLIC}))


def viewer_of(user, suggestion, *, assignments, cosigners):
    """The ``Viewer`` for ``user`` on ``suggestion``, from rows the page has already loaded (no query)."""
    from . import roles
    from .models import Assignment, CoSigner

    audiences = set()
    if roles.is_staff_member(user):
        audiences.add(STAFF)
    delegate = roles.delegate_of(user)
    if delegate is not None:
        if delegate.pk == suggestion.lead_delegate_id:
            audiences.add(DELEGATE)
        if any(c.delegate_id == delegate.pk and c.status == CoSigner.Status.CONFIRMED for c in cosigners):
            audiences.add(COSIGNER)
    leader = roles.leader_of(user)
    if leader is not None and suggestion.is_key and suggestion.leader_id == leader.pk:
        audiences.add(LEADER)
    my_offices = roles.office_ids_of(user)
    office_ids = frozenset(
        a.office_id for a in assignments if a.office_id in my_offices and a.status != Assignment.Status.RETURNED
    )
    if office_ids:
        audiences.add(OFFICE)
    return Viewer(audiences=frozenset(audiences), office_ids=office_ids)


def build_timeline(logs):
    """Every audit row as a plain dict (what the detail page caches); filter with ``timeline_for``."""
    items = []
    for log in logs:
        office = log.assignment.office if log.assignment_id and log.assignment else None
        items.append(
            {
                "at": log.created_at,
                "action": log.action,
                "label": ACTION_LABELS.get(log.action, log.action),
                "office": office.name if office else "",
                "office_id": office.pk if office else None,
                "actor": (log.actor.get_full_name() or log.actor.username) if log.actor_id and log.actor else "",
                "note": log.note,
                "data": log.data,
                "from_status": log.from_status,
                "to_status": log.to_status,
            }
        )
    return items


def _choice_label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def step_detail(item, suggestion):
    """A plain-words line under a step (number, role and due date, round, rating, result, new deadline)."""
    from .models import Assignment, CoSigner, Rating

    data = item["data"] or {}
    action = item["action"]
    if action == "register" and data.get("number"):
        number = suggestion.format_number(suggestion.series, data["number"])
        return gettext("编号：%(number)s") % {"number": number}
    if action == "assign" and item["office"] and data.get("role"):
        role = _choice_label(Assignment.Role, data["role"])
        return gettext("承办方式：%(role)s，答复期限：%(due)s") % {"role": role, "due": data.get("due", "")}
    if action == "rehandle" and data.get("due"):
        return gettext("第%(round)s轮重新办理，期限：%(due)s") % {"round": data.get("round", ""), "due": data["due"]}
    if action == "rate" and data.get("value"):
        value = _choice_label(Rating.Value, data["value"])
        return gettext("第%(round)s轮答复：%(value)s") % {"round": data.get("round", ""), "value": value}
    if action == "reply" and data.get("result"):
        late = gettext("，逾期答复") if data.get("on_time") is False else ""
        return gettext("办理结果：%(result)s类%(late)s") % {"result": data["result"], "late": late}
    if action == "cosigner_respond" and item["to_status"]:
        answer = _choice_label(CoSigner.Status, item["to_status"])
        return gettext("%(name)s：%(answer)s") % {"name": item["note"], "answer": answer}
    if action == "extension_approved" and data.get("to"):
        return gettext("答复期限延至%(date)s") % {"date": data["to"]}
    return ""


def timeline_for(viewer, items, *, suggestion):
    """The steps ``viewer`` may see, each a new dict (the cached ones are never changed) with its
    ``detail`` line; the actor's name only where ``viewer`` may see it, and never twice."""
    shown = []
    for item in items:
        if not viewer.may_see(item):
            continue
        item = dict(item)
        item["detail"] = step_detail(item, suggestion)
        if not viewer.sees_actor(item):
            item["actor"] = ""
        # The note of some steps names who acted or which office: it is in the title or detail already.
        if item["note"] in (item["actor"], item["office"]) or item["action"] == "cosigner_respond":
            item["note"] = ""
        shown.append(item)
    return shown
