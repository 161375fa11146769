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

from suggestions.models import AuditAction as Action

# The label of each audit action, from the one enumeration (``AuditLog.Action``).
ACTION_LABELS = dict(Action.choices)

DELEGATE, COSIGNER, OFFICE, STAFF, LEADER, PUBLIC = "delegate", "cosigner", "office", "staff", "leader", "public"
AUDIENCES = (DELEGATE, COSIGNER, OFFICE, STAFF, LEADER, PUBLIC)

_DELEGATES = frozenset({DELEGATE, COSIGNER})
_HANDLING = frozenset({DELEGATE, COSIGNER, OFFICE, STAFF, LEADER})

# Who may see each step. Staff see every step; an action not listed here is shown to staff only.
VISIBILITY = {
    # Drafting: the delegates' own, and the staff who review what was filed.
    Action.CREATE: _DELEGATES | {STAFF},
    Action.EDIT: frozenset({STAFF}),  # autosave writes one per change: the delegates' page would drown in them
    Action.ATTACH: _DELEGATES | {STAFF},
    Action.COSIGNER_INVITE: _DELEGATES | {STAFF},
    Action.COSIGNER_RESPOND: _DELEGATES | {STAFF},
    Action.COSIGNER_DROP: _DELEGATES | {STAFF},
    Action.SUBMIT: _DELEGATES | {STAFF},
    # Review: its reasons are written to the delegates.
    Action.RETURN: _DELEGATES | {STAFF},
    Action.REGISTER: _HANDLING | {PUBLIC},
    Action.NOT_REGISTER: _DELEGATES | {STAFF},
    Action.MERGE: _DELEGATES | {STAFF},
    Action.MERGE_IN: _DELEGATES | {STAFF},
    Action.WITHDRAW: _HANDLING,
    # Assignment and handling.
    Action.ASSIGN: _HANDLING | {PUBLIC},
    Action.SET_KEY: frozenset({STAFF, LEADER}),
    Action.SIGN: _HANDLING,
    Action.HANDLING_STARTED: frozenset({OFFICE, STAFF, LEADER}),
    Action.CONTACT: _HANDLING,
    Action.OPINION: frozenset({OFFICE, STAFF, LEADER}),
    Action.REPLY: _HANDLING | {PUBLIC},
    Action.REPLIED: frozenset({OFFICE, STAFF, LEADER}),
    Action.RATE: _HANDLING | {PUBLIC},
    Action.REHANDLE: _HANDLING | {PUBLIC},
    Action.CLOSE: _HANDLING,
    Action.FOLLOW_UP: _HANDLING,
    Action.FOLLOW_UP_CONFIRM: _HANDLING,
    # Internal to an office and the staff: reasons, decisions on them, reminders, who handles it, its files.
    Action.OFFICE_ATTACH: frozenset({OFFICE}),
    Action.SET_HANDLER: frozenset({OFFICE, STAFF}),
    Action.REQUEST_RETURN: frozenset({OFFICE, STAFF}),
    Action.RETURN_APPROVED: frozenset({OFFICE, STAFF}),
    Action.RETURN_REFUSED: frozenset({OFFICE, STAFF}),
    Action.REQUEST_EXTENSION: frozenset({OFFICE, STAFF}),
    Action.EXTENSION_APPROVED: frozenset({OFFICE, STAFF}),
    Action.EXTENSION_REFUSED: frozenset({OFFICE, STAFF}),
    Action.REMIND: frozenset({OFFICE, STAFF}),
    # Publication.
    Action.PUBLISH: frozenset({STAFF, PUBLIC}),
    Action.UNPUBLISH: frozenset({STAFF}),
    Action.EDIT_PUBLIC_TEXT: frozenset({STAFF}),
    # Reviewing what the public will read (the spans found and the decisions on them) is staff work.
    Action.REVIEW_PUBLIC_VERSION: frozenset({STAFF}),
    Action.PII_NOT_PERSONAL: frozenset({STAFF}),
    # 转交: the delegates read where their suggestion went; the receiving staff read where it came from.
    Action.TRANSFER: _DELEGATES | {STAFF},
    Action.TRANSFER_IN: frozenset({STAFF}),
    # The year's end: a re-survey is the staff's check on a rating (what the delegate said stays with staff);
    # a reopening and a 回头看 round are handling everyone of the suggestion follows (the public outcome page
    # shows a 回头看 round by its own dates, from the round: ``public_detail.followup_rounds``).
    Action.RESURVEY_SELECT: frozenset({STAFF}),
    Action.RESURVEY_RECORD: frozenset({STAFF}),
    Action.RESURVEY_REOPEN: _HANDLING,
    Action.CARRY_OVER: _HANDLING,
    Action.CARRY_SOLVED: _HANDLING,
    Action.LETTER_SEND: _DELEGATES | {STAFF},
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
    from suggestions import roles
    from suggestions.models import Assignment, CoSigner

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
                "label": str(
                    ACTION_LABELS.get(log.action, log.action)
                ),  # cached per language: a lazy one unpickles slowly
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
    from suggestions.models import Assignment, CoSigner, Rating

    data = item["data"] or {}
    action = item["action"]
    if action == Action.REGISTER and data.get("number"):
        number = suggestion.format_number(suggestion.series, data["number"])
        return gettext("编号：%(number)s") % {"number": number}
    if action == Action.ASSIGN and item["office"] and data.get("role"):
        role = _choice_label(Assignment.Role, data["role"])
        return gettext("承办方式：%(role)s，答复期限：%(due)s") % {"role": role, "due": data.get("due", "")}
    if action == Action.REHANDLE and data.get("due"):
        return gettext("第%(round)s轮重新办理，期限：%(due)s") % {"round": data.get("round", ""), "due": data["due"]}
    if action == Action.RATE and data.get("value"):
        value = _choice_label(Rating.Value, data["value"])
        return gettext("第%(round)s轮答复：%(value)s") % {"round": data.get("round", ""), "value": value}
    if action == Action.REPLY and data.get("result"):
        late = gettext("，逾期答复") if data.get("on_time") is False else ""
        return gettext("办理结果：%(result)s类%(late)s") % {"result": data["result"], "late": late}
    if action == Action.COSIGNER_RESPOND and item["to_status"]:
        answer = _choice_label(CoSigner.Status, item["to_status"])
        return gettext("%(name)s：%(answer)s") % {"name": item["note"], "answer": answer}
    if action == Action.EXTENSION_APPROVED and data.get("to"):
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
        if item["note"] in (item["actor"], item["office"]) or item["action"] == Action.COSIGNER_RESPOND:
            item["note"] = ""
        shown.append(item)
    return shown
