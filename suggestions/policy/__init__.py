"""The rule book: who may do what to a suggestion, and when. Nothing else decides.

``may(actor, action, obj)`` answers one question with a ``Decision`` (truthy when allowed; ``reason`` is the
Chinese message the page and the refusal show). ``available(actor, obj)`` lists every action of ``obj``'s kind
with its decision: pages offer a button or form only when it is allowed. Actions call ``require(...)`` with
the row they locked, which raises ``NotPermitted`` (not this person) or ``TransitionNotAllowed`` (not now).
Status conditions are read from the models' ``TRANSITIONS`` tables.

Where a rule lives (each module ends with its ``RULES`` table; ``actions.py`` lists every ``Action``):

- ``rules_drafting``: create, edit, submit, withdraw, co-signing, files
- ``rules_staff``: register, return, reject, merge, assign, key, close, re-handle, request decisions, remind,
  the staff's pages and the reminder log
- ``rules_office``: sign, return request, handler, contact, opinion, reply, letter, extension, follow-up
- ``rules_rating``: rate            - ``rules_publication``: publish, unpublish, public versions
- ``rules_reporting``: statistics and exports
- ``rules_people``: delegates, offices, accounts, roster import
- ``rules_stations``: liaison stations, residents' opinions, suggestions recorded in group discussion
- ``rules_followup``: re-surveys of satisfaction, 回头看 of B answers, the delegates' letters
- ``rules_scoring``: the year's office scoring: rubrics, score sheets, objections (app ``yearend``)
- ``base``: ``Decision``, the two kinds of refusal, and who is who (staff, lead delegate, the office)
- ``rules_congress``: the levels of congresses: transfer (转交), the view of the congresses below, creating them
- ``scope``: which congress an object belongs to; ``may`` refuses anything outside the actor's congress

What an action checks beyond this (typed input, the completeness of a reply: ``actions.reply_requirements``,
publication blockers: ``suggestions.publication``) is about the content given, not about who acts when.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from congresses.models import Congress
from delegates.models import Delegate
from stations.models import RecordedDraft, ResidentOpinion, Station
from suggestions.actor import Actor
from suggestions.errors import NotPermitted, TransitionNotAllowed
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    CoSigner,
    FollowUp,
    Office,
    Reply,
    Resurvey,
    Suggestion,
    Transfer,
)
from suggestions.policy import (
    rules_congress,
    rules_drafting,
    rules_followup,
    rules_office,
    rules_people,
    rules_publication,
    rules_rating,
    rules_reporting,
    rules_scoring,
    rules_staff,
    rules_stations,
)
from suggestions.policy.actions import Action
from suggestions.policy.base import (
    ALLOWED,
    PERMISSION,
    STATE,
    Decision,
    Rule,
    refuse,
    status_label,
    transition_refusal,
)
from suggestions.policy.scope import congress_id_of
from yearend.models import Objection, Rubric, ScoreSheet

__all__ = [
    "ALLOWED",
    "PERMISSION",
    "STATE",
    "Action",
    "Decision",
    "allowed",
    "available",
    "may",
    "require",
    "status_label",
    "transition_refusal",
]


def _one_table(*tables: dict[Action, Rule]) -> dict[Action, Rule]:
    """Every action's rule, each written once (a newcomer finds it by its ``Action`` in one ``rules_*`` module)."""
    merged: dict[Action, Rule] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise ImproperlyConfigured(f"A rule written twice: {sorted(twice)}")
        merged.update(table)
    missing = set(Action) - merged.keys()
    if missing:
        raise ImproperlyConfigured(f"An action without a rule: {sorted(missing)}")
    return merged


RULES = _one_table(
    rules_drafting.RULES,
    rules_staff.RULES,
    rules_office.RULES,
    rules_rating.RULES,
    rules_publication.RULES,
    rules_reporting.RULES,
    rules_people.RULES,
    rules_stations.RULES,
    rules_congress.RULES,
    rules_followup.RULES,
    rules_scoring.RULES,
)

# What ``available`` lists for each kind of object.
ACTIONS_ON: dict[type, tuple[Action, ...]] = {
    Suggestion: (
        Action.EDIT,
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.INVITE,
        Action.ATTACH,
        Action.REGISTER,
        Action.RETURN,
        Action.REJECT,
        Action.MERGE,
        Action.MERGE_INTO,
        Action.ASSIGN,
        Action.SET_KEY,
        Action.CLOSE,
        Action.REHANDLE,
        Action.SAVE_PUBLIC_VERSION,
        Action.TRANSFER,
    ),
    Assignment: (
        Action.SIGN,
        Action.REQUEST_RETURN,
        Action.SET_HANDLER,
        Action.CONTACT,
        Action.OPINION,
        Action.REPLY,
        Action.REQUEST_EXTENSION,
        Action.ATTACH,
        Action.REMIND,
    ),
    Reply: (
        Action.REPLY_SUBMIT,
        Action.ATTACH_LETTER,
        Action.FOLLOW_UP,
        Action.RATE,
        Action.PUBLISH,
        Action.UNPUBLISH,
        Action.SAVE_PUBLIC_VERSION,
    ),
    Resurvey: (Action.RESURVEY_RECORD, Action.RESURVEY_REOPEN),
    CoSigner: (Action.DROP_COSIGNER, Action.RESPOND),
    AssignmentRequest: (
        Action.APPROVE_RETURN,
        Action.REFUSE_RETURN,
        Action.APPROVE_EXTENSION,
        Action.REFUSE_EXTENSION,
    ),
    FollowUp: (Action.CONFIRM_SOLVED,),
    Delegate: (Action.MANAGE_PEOPLE, Action.LETTER_VIEW),
    Office: (Action.MANAGE_PEOPLE,),
    Station: (Action.STATION_MANAGE, Action.STATION_VIEW),
    ResidentOpinion: (
        Action.OPINION_VIEW,
        Action.OPINION_PERSONAL_DATA,
        Action.OPINION_ANSWER,
        Action.OPINION_FORWARD,
        Action.OPINION_MERGE,
        Action.OPINION_SUGGEST,
        Action.OPINION_OFFICE_SIGN,
        Action.OPINION_OFFICE_ANSWER,
        Action.OPINION_REQUEST_EXTENSION,
        Action.OPINION_DECIDE_EXTENSION,
        Action.OPINION_PUBLISH,
    ),
    RecordedDraft: (Action.RECORDED_DRAFT_EDIT, Action.RECORDED_DRAFT_CONFIRM),
    Transfer: (Action.VIEW_TRANSFER,),
    Congress: (Action.VIEW_LOWER_CONGRESSES, Action.MANAGE_CONGRESSES),
    Rubric: (
        Action.RUBRIC_EDIT,
        Action.RUBRIC_PUBLISH,
        Action.RUBRIC_NEW_VERSION,
        Action.SCORES_COMPUTE,
        Action.SCORES_VIEW,
        Action.SCORES_EXPORT,
    ),
    ScoreSheet: (
        Action.SCORES_VIEW,
        Action.SCORES_EXPORT,
        Action.SCORE_ENTER,
        Action.SCORE_RELEASE,
        Action.SCORE_OBJECT,
        Action.SCORE_LOCK,
    ),
    Objection: (Action.OBJECTION_ANSWER,),
}


def may(actor: Any, action: Action | str, obj: Any, *, today: datetime.date | None = None) -> Decision:
    """May ``actor`` (a user or an ``Actor``) do ``action`` to ``obj`` now? Anonymous users may do nothing."""
    who = Actor.of(actor)
    action = Action(action)
    if not who.is_authenticated:
        return refuse(_("请先登录。"))
    congress_id = congress_id_of(obj)
    if congress_id is not None and not who.acts_in(congress_id):
        return refuse(_("这不属于您所在的人大。"))
    return RULES[action](who, obj, today or timezone.localdate())


def require(actor: Any, action: Action | str, obj: Any, *, today: datetime.date | None = None) -> Decision:
    """``may``, raising ``NotPermitted`` (not this person) or ``TransitionNotAllowed`` (not now) on a refusal."""
    decision = may(actor, action, obj, today=today)
    if not decision:
        raise (TransitionNotAllowed if decision.kind == STATE else NotPermitted)(decision.reason)
    return decision


def available(actor: Any, obj: Any, *, today: datetime.date | None = None) -> dict[Action, Decision]:
    """Every action on ``obj``'s kind with ``actor``'s decision now (allowed ones are truthy)."""
    who = Actor.of(actor)
    today = today or timezone.localdate()
    return {action: may(who, action, obj, today=today) for action in ACTIONS_ON[type(obj)]}


def allowed(actor: Any, obj: Any, *, today: datetime.date | None = None) -> set[str]:
    """The names of the actions ``actor`` may do on ``obj`` now (for templates: ``"reply" in allowed``)."""
    return {str(action) for action, decision in available(actor, obj, today=today).items() if decision}
