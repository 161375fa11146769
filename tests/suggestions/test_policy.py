"""The rule book walked whole: every action × every role × every status it concerns.

The expected outcomes are the hand-written ``*_TABLE``s below (who may, per status; everybody else may not),
not computed from ``suggestions.policy``. Each case asserts that the policy's answer, the service's answer
(run in its own savepoint and rolled back) and, for the pages, the buttons offered all agree with the table.
The worlds (one suggestion per status) are built once per test. People and accounts (``rules_people``:
delegates, offices, activation links, roster imports) are walked the same way, role by role.
"""

import datetime
import inspect
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from suggestions import actions, policy
from suggestions.actions import accounts, roster_import
from suggestions.models import (
    AssignmentRequest,
    CoSigner,
    OfficeMember,
    Reply,
)
from suggestions.policy import Action
from tests import factories
from tests.conftest import carry_to_reply, publish

ROLES = (
    "lead",  # the lead delegate
    "cosigner",  # a confirmed co-signer
    "invited",  # an invited co-signer who has not answered
    "other_delegate",
    "lead_clerk",  # a clerk of the lead office
    "co_clerk",  # a clerk of the co-handling office
    "other_clerk",  # a clerk of an office not handling it
    "head",  # the head of the lead office
    "staff",
    "leader",
    "admin",  # a superuser outside the staff group
    "anonymous",
)
LEAD = {"lead"}
STAFF = {"staff", "admin"}
LEAD_OFFICE = {"lead_clerk", "head"}
CO_OFFICE = {"co_clerk"}
RATERS = {"lead", "cosigner"}

DRAFTING = ("draft", "draft_ready", "returned")
HANDLING = ("assigned", "handling", "return_requested", "replied", "rehandling", "closed")
NOT_CLOSED = DRAFTING + ("submitted", "registered", "assigned", "handling", "return_requested", "replied", "rehandling")
EVERY = NOT_CLOSED + ("not_registered", "merged", "withdrawn", "closed")

# --------------------------------------------------------------------------- the hand-written tables

# Suggestion actions: {action: {world: roles allowed}}; a world not listed: nobody.
SUGGESTION_TABLE = {
    Action.EDIT: dict.fromkeys(DRAFTING, LEAD),
    Action.SUBMIT: {"draft_ready": LEAD},  # draft and returned wait for an open invitation
    Action.WITHDRAW: {
        **dict.fromkeys(NOT_CLOSED, LEAD | STAFF),
        "replied": STAFF,  # the delegate rates first; a withdrawal now goes in writing through staff
    },
    Action.INVITE: dict.fromkeys(DRAFTING, LEAD),
    Action.ATTACH: {
        **dict.fromkeys(EVERY, STAFF),
        **dict.fromkeys(DRAFTING, LEAD | STAFF),
        **dict.fromkeys(HANDLING, STAFF | LEAD_OFFICE | CO_OFFICE),
    },
    Action.REGISTER: {"submitted": STAFF},
    Action.RETURN: {"submitted": STAFF},
    Action.REJECT: {"submitted": STAFF},
    Action.MERGE: {"submitted": STAFF, "registered": STAFF},
    Action.MERGE_INTO: dict.fromkeys(("submitted", "registered", "assigned", "handling", "return_requested"), STAFF),
    Action.ASSIGN: {"registered": STAFF},
    Action.SET_KEY: dict.fromkeys(NOT_CLOSED, STAFF),
    Action.CLOSE: {"replied": STAFF},
    Action.REHANDLE: {"replied": STAFF, "rehandling": STAFF},
    Action.SAVE_PUBLIC_VERSION: dict.fromkeys(EVERY, STAFF),
    # 转交 to the congress above (the world's district has the city above it), before any office works on it.
    Action.TRANSFER: {"submitted": STAFF, "registered": STAFF},
}

# Assignment actions: {action: {(world, "LA" lead assignment | "CA" co-handling assignment): roles allowed}}.
ASSIGNMENT_WORLDS = ("assigned", "handling", "return_requested", "replied", "rehandling", "closed")
ASSIGNMENT_TABLE = {
    Action.SIGN: {
        ("assigned", "LA"): LEAD_OFFICE,
        ("assigned", "CA"): CO_OFFICE,
        ("return_requested", "CA"): CO_OFFICE,
    },
    Action.REQUEST_RETURN: {
        ("assigned", "LA"): LEAD_OFFICE,
        ("handling", "LA"): LEAD_OFFICE,
        ("assigned", "CA"): CO_OFFICE,
        ("handling", "CA"): CO_OFFICE,
        ("return_requested", "CA"): CO_OFFICE,
    },
    Action.SET_HANDLER: {
        **{(w, "LA"): {"head"} | STAFF for w in ASSIGNMENT_WORLDS},
        **{(w, "CA"): STAFF for w in ASSIGNMENT_WORLDS},
    },
    Action.CONTACT: {
        **{(w, "LA"): LEAD_OFFICE for w in ("handling", "replied", "rehandling", "closed")},
        **{(w, "CA"): CO_OFFICE for w in ("handling", "replied", "rehandling", "closed")},
    },
    Action.OPINION: {("handling", "CA"): CO_OFFICE},
    # The co-handling office never replies nor asks for an extension: it sends its opinion to the lead office.
    Action.REPLY: {("handling", "LA"): LEAD_OFFICE, ("rehandling", "LA"): LEAD_OFFICE},
    Action.REQUEST_EXTENSION: {("handling", "LA"): LEAD_OFFICE, ("rehandling", "LA"): LEAD_OFFICE},
    Action.ATTACH: {
        **{(w, "LA"): LEAD_OFFICE | STAFF for w in ASSIGNMENT_WORLDS},
        **{(w, "CA"): CO_OFFICE | STAFF for w in ASSIGNMENT_WORLDS},
    },
    Action.REMIND: {
        **{(w, "LA"): STAFF for w in ("assigned", "handling", "return_requested", "rehandling")},
        **{(w, "CA"): STAFF for w in ("assigned", "handling", "return_requested")},
    },
}

# Actions on a reply, a request or a follow-up: {action: {object name: roles allowed}}.
# "draft": the lead office's unsent reply; "answered": the replied suggestion's reply (A class, not rated);
# "superseded": the first-round reply of the suggestion in re-handling; "letterless": a B-class reply of a closed
# suggestion without its signed letter, published; "claimed": a B-class reply whose solution waits for staff.
OTHER_TABLE = {
    # Co-signer rows: the open invitation of the draft, the confirmed co-signature of the draft, and an invitation
    # left on a submitted suggestion.
    Action.RESPOND: {"open_invitation": {"invited"}},
    Action.DROP_COSIGNER: {"open_invitation": LEAD, "confirmed_cosign": LEAD},
    Action.REPLY_SUBMIT: {"draft": LEAD_OFFICE},
    Action.ATTACH_LETTER: {"letterless": LEAD_OFFICE, "claimed": LEAD_OFFICE},
    Action.FOLLOW_UP: {"letterless": LEAD_OFFICE},
    Action.RATE: {"answered": RATERS, "claimed": RATERS},
    Action.PUBLISH: {"answered": STAFF, "letterless": STAFF, "claimed": STAFF},
    Action.UNPUBLISH: {"letterless": STAFF},
    Action.APPROVE_RETURN: {"return_request": STAFF},
    Action.REFUSE_RETURN: {"return_request": STAFF},
    Action.APPROVE_EXTENSION: {"extension_request": STAFF},  # not "co_extension_request": a co-office's
    Action.REFUSE_EXTENSION: {"extension_request": STAFF, "co_extension_request": STAFF},
    Action.CONFIRM_SOLVED: {"solved_claim": STAFF},
}
OTHER_OBJECTS = {
    Action.RESPOND: ("open_invitation", "confirmed_cosign", "stale_invitation"),
    Action.DROP_COSIGNER: ("open_invitation", "confirmed_cosign", "stale_invitation"),
    Action.REPLY_SUBMIT: ("draft", "answered", "letterless"),
    Action.ATTACH_LETTER: ("draft", "answered", "letterless", "claimed"),
    Action.FOLLOW_UP: ("answered", "letterless", "claimed", "draft"),
    Action.RATE: ("draft", "answered", "superseded", "letterless", "claimed"),
    Action.PUBLISH: ("draft", "answered", "superseded", "letterless", "claimed"),
    Action.UNPUBLISH: ("answered", "letterless"),
    Action.APPROVE_RETURN: ("return_request", "decided_request"),
    Action.REFUSE_RETURN: ("return_request", "decided_request"),
    Action.APPROVE_EXTENSION: ("extension_request", "co_extension_request"),
    Action.REFUSE_EXTENSION: ("extension_request", "co_extension_request"),
    Action.CONFIRM_SOLVED: ("solved_claim",),
}

# Services that do nothing (and refuse nothing) when the thing is already done: signing twice, taking back
# a publication that is not public.
NO_OPS = {(Action.SIGN, "handling", "LA"), (Action.SIGN, "handling", "CA"), (Action.UNPUBLISH, "answered")}


# --------------------------------------------------------------------------- the worlds


def _city_above(district):
    """The city congress above the world's district, with its current session and categories (for 转交)."""
    from django.apps import apps

    from congresses.models import Congress, forget_kept
    from suggestions.defaults import install_congress_defaults

    city = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    install_congress_defaults(apps.get_model, congress=city)
    factories.SessionFactory(term=factories.TermFactory(congress=city, number=15, name="贵阳市第十五届人民代表大会"))
    district.parent = city
    district.save()
    forget_kept()
    return city


def _pdf(name="文件.pdf"):
    return SimpleUploadedFile(name, factories.SIGNED_LETTER_PDF, content_type="application/pdf")


class World:
    """Everyone, and one suggestion in each status (built through the services, as the pages would)."""

    def __init__(self):
        self.session = factories.SessionFactory()
        self.city = _city_above(self.session.congress)
        self.delegates = {k: factories.DelegateFactory() for k in ("lead", "cosigner", "invited", "other", "extra")}
        self.lead_office = factories.OfficeFactory(name="区住房和城乡建设局")
        self.co_office = factories.OfficeFactory(name="区财政局")
        self.other_office = factories.OfficeFactory(name="区交通运输局")
        self.spare_office = factories.OfficeFactory(name="区水务局")
        self.users = {
            "lead": self.delegates["lead"].user,
            "cosigner": self.delegates["cosigner"].user,
            "invited": self.delegates["invited"].user,
            "other_delegate": self.delegates["other"].user,
            "lead_clerk": factories.OfficeMemberFactory(office=self.lead_office).user,
            "co_clerk": factories.OfficeMemberFactory(office=self.co_office).user,
            "other_clerk": factories.OfficeMemberFactory(office=self.other_office).user,
            "head": factories.OfficeMemberFactory(office=self.lead_office, role=OfficeMember.Role.HEAD).user,
            "staff": factories.StaffFactory(),
            "leader": factories.LeaderFactory().user,
            "admin": factories.UserFactory(is_superuser=True, is_staff=True),
            "anonymous": AnonymousUser(),
        }
        self.staff = self.users["staff"]
        self.clerk = self.users["lead_clerk"]
        self.s = {}
        self.objects = {}
        self._build()

    # -- steps
    def new(self, *, invite_open=False):
        suggestion = factories.SuggestionFactory(session=self.session, lead_delegate=self.delegates["lead"])
        lead = self.users["lead"]
        actions.cosigner_invite(suggestion=suggestion, actor=lead, delegates=[self.delegates["cosigner"]])
        actions.cosigner_respond(
            cosigner=suggestion.cosigners.get(delegate=self.delegates["cosigner"]),
            actor=self.users["cosigner"],
            accept=True,
        )
        if invite_open:
            actions.cosigner_invite(suggestion=suggestion, actor=lead, delegates=[self.delegates["invited"]])
        return suggestion

    def stale_invitation(self, suggestion):
        """The invited role on a suggestion past drafting: an invitation never answered (no powers)."""
        CoSigner.objects.create(suggestion=suggestion, delegate=self.delegates["invited"])

    def submitted(self):
        suggestion = self.new()
        actions.suggestion_submit(suggestion=suggestion, actor=self.users["lead"])
        self.stale_invitation(suggestion)
        return suggestion

    def registered(self):
        suggestion = self.submitted()
        return actions.suggestion_register(suggestion=suggestion, actor=self.staff)

    def assigned(self):
        suggestion = self.registered()
        actions.suggestion_assign(
            suggestion=suggestion, actor=self.staff, lead_office=self.lead_office, co_offices=[self.co_office]
        )
        return suggestion

    def la(self, suggestion):
        return suggestion.assignments.get(office=self.lead_office)

    def ca(self, suggestion):
        return suggestion.assignments.get(office=self.co_office)

    def handling(self):
        suggestion = self.assigned()
        actions.assignment_sign(assignment=self.la(suggestion), actor=self.clerk)
        actions.assignment_sign(assignment=self.ca(suggestion), actor=self.users["co_clerk"])
        return suggestion

    def draft_reply(self, suggestion, code="A"):
        assignment = self.la(suggestion)
        actions.contact_record(
            assignment=assignment,
            actor=self.clerk,
            method="visit",
            date=timezone.localdate(),
            participants="代表、经办人",
            summary="上门沟通。",
            delegate_invited=True,
        )
        return actions.reply_save_draft(
            assignment=assignment,
            actor=self.clerk,
            text="已按建议办理。",
            result_class=factories.result_class(code),
            signed_off_by="局长",
            attachment=factories.signed_letter(assignment, self.clerk),
        )

    def replied(self, code="A"):
        suggestion = self.handling()
        actions.opinion_send(assignment=self.ca(suggestion), actor=self.users["co_clerk"], text="同意主办意见。")
        reply = actions.reply_submit(reply=self.draft_reply(suggestion, code), actor=self.clerk)
        suggestion.refresh_from_db()
        return suggestion, reply

    def rate(self, reply, role, value="satisfied", comment=""):
        actions.rating_submit(reply=reply, actor=self.users[role], value=value, comment=comment)

    def _build(self):
        s, o = self.s, self.objects
        s["draft"] = self.new(invite_open=True)
        s["draft_ready"] = self.new()
        returned = self.submitted()
        CoSigner.objects.filter(suggestion=returned, delegate=self.delegates["invited"]).delete()
        actions.suggestion_return(suggestion=returned, actor=self.staff, reason="请补充具体位置。")
        actions.cosigner_invite(suggestion=returned, actor=self.users["lead"], delegates=[self.delegates["invited"]])
        s["returned"] = returned
        s["submitted"] = self.submitted()
        s["registered"] = self.registered()
        s["not_registered"] = actions.suggestion_reject(
            suggestion=self.submitted(), actor=self.staff, reason="无实际内容"
        )
        merged = self.submitted()
        actions.suggestion_merge(target=self.submitted(), sources=[merged], actor=self.staff)
        s["merged"] = merged
        s["withdrawn"] = actions.suggestion_withdraw(
            suggestion=self.registered(), actor=self.users["lead"], reason="问题已解决。"
        )
        s["assigned"] = self.assigned()
        s["handling"] = self.handling()
        return_requested = self.assigned()
        o["return_request"] = actions.assignment_request_return(
            assignment=self.la(return_requested), actor=self.clerk, reason="不属于本单位职责。"
        )
        s["return_requested"] = return_requested
        s["replied"], o["answered"] = self.replied()
        rehandling, o["superseded"] = self.replied()
        self.rate(o["superseded"], "lead", "unsatisfied", "没有解决。")
        rehandling.refresh_from_db()
        s["rehandling"] = rehandling
        closed, letterless = self.replied(code="B")
        self.rate(letterless, "lead")
        self.rate(letterless, "cosigner")
        publish(letterless, self.staff)
        Reply.objects.filter(pk=letterless.pk).update(attachment=None)  # replied before letters were required
        closed.refresh_from_db()
        s["closed"] = closed
        o["letterless"] = Reply.objects.get(pk=letterless.pk)
        o["late_letter"] = factories.signed_letter(self.la(closed), self.clerk, name="补传答复函.pdf")
        # A B-class reply whose solution the office reported: waiting for staff, still open for rating.
        claimed_suggestion, claimed = self.replied(code="B")
        Reply.objects.filter(pk=claimed.pk).update(attachment=None)
        o["solved_claim"] = actions.followup_post(reply=claimed, actor=self.clerk, text="已解决。", solved=True)
        o["claimed"] = Reply.objects.get(pk=claimed.pk)
        o["claimed_letter"] = factories.signed_letter(self.la(claimed_suggestion), self.clerk, name="答复函.pdf")
        # The draft reply of a suggestion in handling, complete and ready to send.
        drafting_reply = self.handling()
        o["draft"] = self.draft_reply(drafting_reply)
        # Extension requests: the lead office's, and one a co-handling office made before that was refused.
        extending = self.handling()
        la = self.la(extending)
        o["extension_request"] = actions.extension_request(
            assignment=la, actor=self.clerk, reason="需要协调。", until=la.effective_due + datetime.timedelta(days=10)
        )
        o["co_extension_request"] = AssignmentRequest.objects.create(
            assignment=self.ca(extending),
            kind=AssignmentRequest.Kind.EXTENSION,
            reason="需要协调。",
            requested_until=la.effective_due + datetime.timedelta(days=10),
            requested_by=self.users["co_clerk"],
        )
        decided = self.assigned()
        o["decided_request"] = actions.assignment_request_return(
            assignment=self.la(decided), actor=self.clerk, reason="不属于本单位职责。"
        )
        actions.return_request_refuse(request=o["decided_request"], actor=self.staff, note="仍由你单位办理。")
        self.target = self.submitted()  # the other suggestion of a merge
        o["open_invitation"] = s["draft"].cosigners.get(delegate=self.delegates["invited"])
        o["confirmed_cosign"] = s["draft"].cosigners.get(delegate=self.delegates["cosigner"])
        o["stale_invitation"] = s["submitted"].cosigners.get(delegate=self.delegates["invited"])

    def fresh(self, obj):
        return type(obj).objects.get(pk=obj.pk)


# --------------------------------------------------------------------------- what each service is asked


def _call_suggestion_service(world, action, suggestion, user):
    calls = {
        Action.EDIT: lambda: actions.suggestion_save_draft(
            actor=user, title="新标题", body="新内容。", category=suggestion.category, suggestion=suggestion
        ),
        Action.SUBMIT: lambda: actions.suggestion_submit(suggestion=suggestion, actor=user),
        Action.WITHDRAW: lambda: actions.suggestion_withdraw(suggestion=suggestion, actor=user, reason="不再需要。"),
        Action.INVITE: lambda: actions.cosigner_invite(
            suggestion=suggestion, actor=user, delegates=[world.delegates["extra"]]
        ),
        Action.ATTACH: lambda: actions.attachment_add(
            suggestion=suggestion, actor=user, uploaded_file=_pdf(), content_type="application/pdf"
        ),
        Action.REGISTER: lambda: actions.suggestion_register(suggestion=suggestion, actor=user),
        Action.RETURN: lambda: actions.suggestion_return(suggestion=suggestion, actor=user, reason="请补充。"),
        Action.REJECT: lambda: actions.suggestion_reject(suggestion=suggestion, actor=user, reason="无实际内容"),
        Action.MERGE: lambda: actions.suggestion_merge(target=world.target, sources=[suggestion], actor=user),
        Action.MERGE_INTO: lambda: actions.suggestion_merge(target=suggestion, sources=[world.target], actor=user),
        Action.ASSIGN: lambda: actions.suggestion_assign(
            suggestion=suggestion, actor=user, lead_office=world.spare_office
        ),
        Action.SET_KEY: lambda: actions.suggestion_set_key(suggestion=suggestion, actor=user, is_key=False),
        Action.CLOSE: lambda: actions.suggestion_close(suggestion=suggestion, actor=user),
        Action.REHANDLE: lambda: actions.round_open_rehandling(
            suggestion=suggestion, actor=user, assignments=[], reason="重新办理。"
        ),
        Action.SAVE_PUBLIC_VERSION: lambda: actions.suggestion_save_public_version(
            suggestion=suggestion, actor=user, public_title="公开标题", public_body="公开内容。"
        ),
        Action.TRANSFER: lambda: actions.suggestion_transfer(suggestion=suggestion, actor=user, reason="属市级事权。"),
    }
    return calls[action]()


def _call_assignment_service(world, action, assignment, user):
    handler = world.clerk if assignment.office_id == world.lead_office.pk else world.users["co_clerk"]
    calls = {
        Action.SIGN: lambda: actions.assignment_sign(assignment=assignment, actor=user),
        Action.REQUEST_RETURN: lambda: actions.assignment_request_return(
            assignment=assignment, actor=user, reason="不属于本单位职责。"
        ),
        Action.SET_HANDLER: lambda: actions.assignment_set_handler(assignment=assignment, actor=user, handler=handler),
        Action.CONTACT: lambda: actions.contact_record(
            assignment=assignment,
            actor=user,
            method="phone",
            date=timezone.localdate(),
            participants="代表",
            summary="电话沟通。",
        ),
        Action.OPINION: lambda: actions.opinion_send(assignment=assignment, actor=user, text="协办意见。"),
        Action.REPLY: lambda: actions.reply_save_draft(assignment=assignment, actor=user, text="答复。"),
        Action.REQUEST_EXTENSION: lambda: actions.extension_request(
            assignment=assignment,
            actor=user,
            reason="需要协调。",
            until=assignment.effective_due + datetime.timedelta(days=10),
        ),
        Action.ATTACH: lambda: actions.attachment_add(
            suggestion=assignment.suggestion,
            actor=user,
            uploaded_file=_pdf(),
            content_type="application/pdf",
            assignment=assignment,
        ),
        Action.REMIND: lambda: actions.reminder_manual(assignment=assignment, actor=user, message="请尽快办理。"),
    }
    return calls[action]()


def _call_other_service(world, action, obj, user, name):
    letters = {"letterless": "late_letter", "claimed": "claimed_letter"}
    calls = {
        Action.RESPOND: lambda: actions.cosigner_respond(cosigner=obj, actor=user, accept=True),
        Action.DROP_COSIGNER: lambda: actions.cosigner_drop(cosigner=obj, actor=user),
        Action.REPLY_SUBMIT: lambda: actions.reply_submit(reply=obj, actor=user),
        Action.ATTACH_LETTER: lambda: actions.reply_attach_letter(
            reply=obj,
            actor=user,
            attachment=world.objects[letters[name]]
            if name in letters
            else factories.signed_letter(obj.assignment, world.clerk),
        ),
        Action.FOLLOW_UP: lambda: actions.followup_post(reply=obj, actor=user, text="正在推进。"),
        Action.RATE: lambda: actions.rating_submit(reply=obj, actor=user, value="satisfied"),
        Action.PUBLISH: lambda: actions.reply_publish(
            reply=obj,
            actor=user,
            public_title=obj.suggestion.title,
            public_body=obj.suggestion.body,
            public_text=obj.text,
            early_reason="本测试不涉及代表评价",
        ),
        Action.UNPUBLISH: lambda: actions.reply_unpublish(reply=obj, actor=user),
        Action.APPROVE_RETURN: lambda: actions.return_request_approve(
            request=obj, actor=user, new_office=world.spare_office
        ),
        Action.REFUSE_RETURN: lambda: actions.return_request_refuse(request=obj, actor=user, note="仍由你单位办理。"),
        Action.APPROVE_EXTENSION: lambda: actions.extension_approve(request=obj, actor=user),
        Action.REFUSE_EXTENSION: lambda: actions.extension_refuse(request=obj, actor=user, note="请按期答复。"),
        Action.CONFIRM_SOLVED: lambda: actions.followup_confirm_solved(follow_up=obj, actor=user, accept=True),
    }
    return calls[action]()


# --------------------------------------------------------------------------- the walk


class Rollback(Exception):
    pass


def _service_answer(call, world, action, obj, user, *more):
    """Run ``call`` on a fresh copy of ``obj`` in a savepoint that is always rolled back: None when it went
    through, else the refusal."""
    outcome = None
    try:
        with transaction.atomic():
            try:
                call(world, action, world.fresh(obj), user, *more)
            except (actions.NotPermitted, actions.TransitionNotAllowed) as error:
                outcome = error
            raise Rollback
    except Rollback:
        pass
    return outcome


def _check(mismatches, label, expected, decision, refusal, *, no_op=False):
    if bool(decision) != expected:
        mismatches.append(f"{label}: policy says {bool(decision)} ({decision.reason}), table says {expected}")
    if no_op and not expected:
        return  # the service does nothing and refuses nothing
    if (refusal is None) != expected:
        mismatches.append(f"{label}: service {'refused: ' + refusal.message if refusal else 'went through'}")
    if refusal is not None and not decision and refusal.message != decision.reason:
        mismatches.append(f"{label}: service says {refusal.message!r}, policy says {decision.reason!r}")


@pytest.fixture
def world(db):
    from congresses.models import forget_kept

    yield World()
    forget_kept()  # the process keeps congresses a minute: the rolled-back city must not stay above the district


def test_every_suggestion_action_for_every_role_in_every_status(world):
    mismatches, cases = [], 0
    for action, table in SUGGESTION_TABLE.items():
        for status_name in EVERY:
            suggestion = world.fresh(world.s[status_name])
            for role in ROLES:
                expected = role in table.get(status_name, set())
                user = world.users[role]
                decision = policy.may(user, action, suggestion)
                refusal = _service_answer(_call_suggestion_service, world, action, suggestion, user)
                _check(mismatches, f"{action} {status_name} {role}", expected, decision, refusal)
                cases += 1
    assert not mismatches, "\n".join(mismatches)
    assert cases == len(SUGGESTION_TABLE) * len(EVERY) * len(ROLES)


def test_every_assignment_action_for_every_role_in_every_status(world):
    mismatches = []
    for action, table in ASSIGNMENT_TABLE.items():
        for status_name in ASSIGNMENT_WORLDS:
            for which in ("LA", "CA"):
                suggestion = world.s[status_name]
                assignment = world.la(suggestion) if which == "LA" else world.ca(suggestion)
                for role in ROLES:
                    expected = role in table.get((status_name, which), set())
                    user = world.users[role]
                    decision = policy.may(user, action, assignment)
                    refusal = _service_answer(_call_assignment_service, world, action, assignment, user)
                    _check(
                        mismatches,
                        f"{action} {status_name} {which} ({assignment.get_status_display()}) {role}",
                        expected,
                        decision,
                        refusal,
                        no_op=(action, status_name, which) in NO_OPS and role in LEAD_OFFICE | CO_OFFICE,
                    )
    assert not mismatches, "\n".join(mismatches)


def test_every_reply_request_and_follow_up_action_for_every_role(world):
    mismatches = []
    for action, names in OTHER_OBJECTS.items():
        for name in names:
            for role in ROLES:
                expected = role in OTHER_TABLE[action].get(name, set())
                user = world.users[role]
                obj = world.fresh(world.objects[name])
                decision = policy.may(user, action, obj)
                refusal = _service_answer(_call_other_service, world, action, obj, user, name)
                _check(
                    mismatches,
                    f"{action} {name} {role}",
                    expected,
                    decision,
                    refusal,
                    no_op=(action, name) in NO_OPS and role in STAFF,
                )
    assert not mismatches, "\n".join(mismatches)


def test_a_co_handling_office_may_neither_reply_nor_ask_for_an_extension(world):
    """The drift issue #17 was opened for, stated on its own: the page and the service give the same answer."""
    co = world.ca(world.s["handling"])
    for action in (Action.REPLY, Action.REQUEST_EXTENSION):
        decision = policy.may(world.users["co_clerk"], action, co)
        assert not decision and "协办单位不直接答复代表" in decision.reason
    assert policy.may(world.users["co_clerk"], Action.OPINION, co)


# --------------------------------------------------------------------------- the pages offer what the table allows

# The office page: the form each action posts to.
OFFICE_FORMS = {
    Action.SIGN: "offices:sign",
    Action.REQUEST_RETURN: "offices:request_return",
    Action.CONTACT: "offices:contact",
    Action.OPINION: "offices:opinion",
    Action.REPLY: "offices:reply",
    Action.REQUEST_EXTENSION: "offices:extension",
    Action.SET_HANDLER: "offices:handler",
}


def test_the_office_page_offers_exactly_the_allowed_forms(world):
    mismatches = []
    for status_name in ASSIGNMENT_WORLDS:
        for which, roles_ in (("LA", ("lead_clerk", "head")), ("CA", ("co_clerk",))):
            suggestion = world.s[status_name]
            assignment = world.la(suggestion) if which == "LA" else world.ca(suggestion)
            for role in roles_:
                client = Client()
                client.force_login(world.users[role])
                html = client.get(reverse("offices:assignment", args=[assignment.pk])).content.decode()
                for action, url_name in OFFICE_FORMS.items():
                    expected = role in ASSIGNMENT_TABLE[action].get((status_name, which), set())
                    shown = f'action="{reverse(url_name, args=[assignment.pk])}"' in html
                    if shown != expected:
                        mismatches.append(f"{action} {status_name} {which} {role}: page shows {shown}")
    assert not mismatches, "\n".join(mismatches)


def test_the_delegate_page_offers_exactly_the_allowed_buttons(world):
    mismatches = []
    for status_name in EVERY:
        suggestion = world.s[status_name]
        for role in ("lead", "cosigner"):
            client = Client()
            client.force_login(world.users[role])
            response = client.get(reverse("delegates:suggestion", args=[suggestion.pk]))
            html = response.content.decode()
            offered = {
                Action.EDIT: f'href="{reverse("delegates:edit", args=[suggestion.pk])}"' in html,
                Action.SUBMIT: f'action="{reverse("delegates:submit", args=[suggestion.pk])}"' in html,
                Action.WITHDRAW: f'action="{reverse("delegates:withdraw", args=[suggestion.pk])}"' in html,
                Action.INVITE: 'id="invite-q"' in html,
            }
            for action, shown in offered.items():
                expected = role in SUGGESTION_TABLE[action].get(status_name, set())
                if shown != expected:
                    mismatches.append(f"{action} {status_name} {role}: page shows {shown}")
    for name in ("open_invitation", "confirmed_cosign"):
        cosigner = world.objects[name]
        for role in ("lead", "cosigner", "invited"):
            client = Client()
            client.force_login(world.users[role])
            html = client.get(reverse("delegates:suggestion", args=[cosigner.suggestion_id])).content.decode()
            for action, url_name in ((Action.DROP_COSIGNER, "delegates:drop"), (Action.RESPOND, "delegates:respond")):
                shown = f'action="{reverse(url_name, args=[cosigner.pk])}"' in html
                if shown != (role in OTHER_TABLE[action].get(name, set())):
                    mismatches.append(f"{action} {name} {role}: page shows {shown}")
    for name in ("answered", "claimed", "superseded", "letterless"):
        reply = world.objects[name]
        for role in ("lead", "cosigner"):
            client = Client()
            client.force_login(world.users[role])
            html = client.get(reverse("delegates:suggestion", args=[reply.suggestion_id])).content.decode()
            shown = f'action="{reverse("delegates:rate", args=[reply.pk])}"' in html
            if shown != (role in OTHER_TABLE[Action.RATE].get(name, set())):
                mismatches.append(f"rate {name} {role}: page shows {shown}")
    assert not mismatches, "\n".join(mismatches)


# The staff page: the form of each action (its ``action`` field).
STAFF_FORMS = {
    Action.REGISTER: "register",
    Action.RETURN: "return",
    Action.REJECT: "reject",
    Action.WITHDRAW: "withdraw",
    Action.CLOSE: "close",
    Action.SET_KEY: "key",
}


def test_the_staff_page_offers_exactly_the_allowed_forms(world):
    mismatches = []
    client = Client()
    client.force_login(world.staff)
    for status_name in EVERY:
        if status_name in ("draft", "draft_ready"):
            continue  # staff never see drafts
        suggestion = world.s[status_name]
        html = client.get(reverse("staff:suggestion", args=[suggestion.pk])).content.decode()
        for action, name in STAFF_FORMS.items():
            expected = "staff" in SUGGESTION_TABLE[action].get(status_name, set())
            shown = f'name="action" value="{name}"' in html
            if shown != expected:
                mismatches.append(f"{action} {status_name}: page shows {shown}")
        assign_link = f'href="{reverse("staff:assign", args=[suggestion.pk])}"' in html
        if assign_link != ("staff" in SUGGESTION_TABLE[Action.ASSIGN].get(status_name, set())):
            mismatches.append(f"assign {status_name}: page shows {assign_link}")
        transfer_link = f'href="{reverse("congresses:transfer", args=[suggestion.pk])}"' in html
        if transfer_link != ("staff" in SUGGESTION_TABLE[Action.TRANSFER].get(status_name, set())):
            mismatches.append(f"transfer {status_name}: page shows {transfer_link}")
    assert not mismatches, "\n".join(mismatches)


def test_available_lists_each_action_of_the_object_with_its_decision(world):
    offered = policy.available(world.users["lead"], world.s["draft_ready"])
    assert offered[Action.SUBMIT] and offered[Action.EDIT] and not offered[Action.REGISTER]
    assert not offered[Action.REGISTER].allowed and offered[Action.REGISTER].reason
    assert set(offered) >= {Action.EDIT, Action.SUBMIT, Action.WITHDRAW, Action.ASSIGN}
    assert policy.allowed(world.users["staff"], world.fresh(world.s["submitted"])) >= {"register", "return", "reject"}


# --------------------------------------------------------------------------- people and accounts (rules_people)

# {action: {object name: roles allowed}}: staff alone manage delegates, offices, accounts and roster imports.
PEOPLE_TABLE = {
    Action.MANAGE_PEOPLE: dict.fromkeys(("new_delegate", "delegate", "office", "new_office", "activation"), STAFF),
    Action.ROSTER_IMPORT: {"offices": STAFF},
}


def _offices_file():
    workbook = Workbook()
    workbook.active.append(["单位名称", "简称", "联系人", "联系电话", "经办人账号"])
    workbook.active.append(["区甲局", "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("承办单位.xlsx", buffer.getvalue(), content_type="application/octet-stream")


def _people_case(world, action, name, user):
    """The object the policy is asked about, and the service call that does it."""
    term, extra = world.session.term, world.delegates["extra"]
    cases = {
        (Action.MANAGE_PEOPLE, "new_delegate"): (
            None,
            lambda: accounts.delegate_save(actor=user, term=term, values={"name": "新代表"}),
        ),
        (Action.MANAGE_PEOPLE, "delegate"): (
            extra,
            lambda: accounts.delegate_save(actor=user, term=term, values={"work_unit": "社区"}, delegate=extra),
        ),
        (Action.MANAGE_PEOPLE, "office"): (
            world.spare_office,
            lambda: accounts.office_save(actor=user, values={"short_name": "水务"}, office=world.spare_office),
        ),
        (Action.MANAGE_PEOPLE, "new_office"): (
            None,
            lambda: accounts.office_save(actor=user, values={"name": "区新设局"}),
        ),
        (Action.MANAGE_PEOPLE, "activation"): (
            None,
            lambda: accounts.activation_issue(actor=user, users=[extra.user]),
        ),
        (Action.ROSTER_IMPORT, "offices"): (
            "offices",
            lambda: roster_import.apply("offices", roster_import.stash(_offices_file()), actor=user),
        ),
    }
    return cases[(action, name)]


def test_every_people_and_account_action_for_every_role(world):
    mismatches = []
    for action, table in PEOPLE_TABLE.items():
        for name, allowed_roles in table.items():
            for role in ROLES:
                expected = role in allowed_roles
                user = world.users[role]
                obj, call = _people_case(world, action, name, user)
                decision = policy.may(user, action, obj)
                refusal = None
                try:
                    with transaction.atomic():
                        try:
                            call()
                        except (actions.NotPermitted, roster_import.ImportFailed) as error:
                            refusal = error
                        raise Rollback
                except Rollback:
                    pass
                _check(mismatches, f"{action} {name} {role}", expected, decision, refusal)
    assert not mismatches, "\n".join(mismatches)


def test_the_roster_pages_open_exactly_for_those_the_table_allows(world):
    pages = {
        Action.MANAGE_PEOPLE: [reverse("roster:home"), reverse("roster:activations")],
        Action.ROSTER_IMPORT: [reverse("roster:import", kwargs={"kind": "offices"})],
    }
    mismatches = []
    for action, urls in pages.items():
        allowed_roles = set().union(*PEOPLE_TABLE[action].values())
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            for url in urls:
                status = client.get(url).status_code
                if (status == 200) != (role in allowed_roles):
                    mismatches.append(f"{action} {url} {role}: page answers {status}")
    assert not mismatches, "\n".join(mismatches)


# --------------------------------------------------------------------------- whole areas (rules_staff, rules_reporting)

# {action: roles allowed}: the areas a page opens, or a link it offers, by asking the rule book.
AREA_TABLE = {
    Action.STAFF_DESK: STAFF,
    Action.VIEW_REMINDER_LOG: STAFF,
    Action.VIEW_REPORTS: STAFF | {"leader"},
    Action.EXPORT: STAFF,
    # The congresses below the district (none yet: the page is empty) and creating them.
    Action.VIEW_LOWER_CONGRESSES: STAFF,
    Action.MANAGE_CONGRESSES: STAFF,
}


def _area_pages(world):
    submitted = world.s["submitted"]
    return {
        Action.STAFF_DESK: (None, [reverse("staff:inbox"), reverse("staff:suggestion", args=[submitted.pk])]),
        Action.VIEW_REMINDER_LOG: (
            submitted,
            [reverse("reminders:list"), reverse("reminders:suggestion", args=[submitted.pk])],
        ),
        Action.VIEW_REPORTS: (None, [reverse("reports:dashboard"), reverse("staff:leader_home")]),
        Action.EXPORT: (None, [reverse("reports:export_summary"), reverse("reports:export_offices")]),
        Action.VIEW_LOWER_CONGRESSES: (None, [reverse("congresses:overview")]),
        Action.MANAGE_CONGRESSES: (None, [reverse("congresses:manage")]),
    }


def test_every_area_opens_exactly_for_those_the_table_allows(world):
    mismatches = []
    for action, (obj, urls) in _area_pages(world).items():
        allowed_roles = AREA_TABLE[action]
        for role in ROLES:
            expected = role in allowed_roles
            if bool(policy.may(world.users[role], action, obj)) != expected:
                mismatches.append(f"{action} {role}: policy says {not expected}, table says {expected}")
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            for url in urls:
                status = client.get(url).status_code
                if (status == 200) != expected:
                    mismatches.append(f"{action} {url} {role}: page answers {status}")
    assert not mismatches, "\n".join(mismatches)


def test_the_pages_offer_exports_and_reminder_logs_only_to_those_the_table_allows(world):
    submitted = world.s["submitted"]
    export_url = reverse("reports:export_summary")
    log_url = reverse("reminders:suggestion", args=[submitted.pk])
    for role in ("staff", "admin", "leader"):
        client = Client()
        client.force_login(world.users[role])
        dashboard = client.get(reverse("reports:dashboard")).content.decode()
        assert (export_url in dashboard) == (role in AREA_TABLE[Action.EXPORT]), role
        detail = client.get(reverse("suggestions:detail", args=[submitted.pk]))
        if detail.status_code == 200:
            assert (log_url in detail.content.decode()) == (role in AREA_TABLE[Action.VIEW_REMINDER_LOG]), role


# --------------------------------------------------------------------------- nothing else decides


def test_every_action_asks_the_rule_book_and_none_can_skip_it():
    """Each action that writes calls ``policy.require`` (or is two steps of actions that do); no flag skips it."""
    public = {name: getattr(actions, name) for name in actions.__all__}
    public |= {f"accounts.{n}": getattr(accounts, n) for n in ("delegate_save", "office_save", "activation_issue")}
    public["roster_import.apply"] = roster_import.apply
    checked = []
    for name, func in public.items():
        if not inspect.isfunction(func):
            continue
        assert not any(p.startswith("_") for p in inspect.signature(func).parameters), name
        source = inspect.getsource(func)
        if "@transaction.atomic" not in source and "@atomic_action" not in source:
            continue  # reads (deadlines, bounds, requirements) and the user's own notifications
        steps = [other for other in actions.__all__ if other != name and f" {other}(" in source]
        assert "require(" in source or steps, f"{name} writes without asking the rule book"
        checked.append(name)
    assert len(checked) > 40


# --------------------------------------------------------------------------- the year's end (rules_followup)

# {action: {object name: roles allowed}}. "pending_resurvey": the lead delegate's re-survey of the closed
# suggestion, not yet recorded; "differing_resurvey": the co-signer's, recorded 不满意 against an online 满意;
# "old_b": a B answer of last year's closed suggestion; "letterless": this year's B answer (closed, not earlier);
# "answered": an A answer; "lead_delegate" / "cosigner_delegate": whose letter it is; "this_session" /
# "last_session": a session.
FOLLOWUP_TABLE = {
    Action.RESURVEY_SELECT: {"last_session": STAFF},
    Action.RESURVEY_RECORD: {"pending_resurvey": STAFF},
    Action.RESURVEY_REOPEN: {"differing_resurvey": STAFF},
    Action.CARRY_OVER: {"old_b": STAFF},
    Action.CARRY_SOLVED: {"old_b": STAFF, "letterless": STAFF},
    Action.LETTER_VIEW: {"lead_delegate": LEAD | STAFF, "cosigner_delegate": {"cosigner"} | STAFF},
    Action.LETTER_SEND: {"this_session": STAFF},
}
FOLLOWUP_OBJECTS = {
    Action.RESURVEY_SELECT: ("last_session",),
    Action.RESURVEY_RECORD: ("pending_resurvey", "differing_resurvey"),
    Action.RESURVEY_REOPEN: ("pending_resurvey", "differing_resurvey"),
    Action.CARRY_OVER: ("old_b", "letterless", "answered"),
    Action.CARRY_SOLVED: ("old_b", "letterless", "answered"),
    Action.LETTER_VIEW: ("lead_delegate", "cosigner_delegate"),
    Action.LETTER_SEND: ("this_session",),
}


def _followup_objects(world):
    objects = dict(world.objects)
    last = factories.SessionFactory(
        term=world.session.term,
        number=world.session.number - 1,
        start_date=world.session.start_date - datetime.timedelta(days=365),
        end_date=world.session.end_date - datetime.timedelta(days=365),
        is_current=False,
    )
    old = factories.SuggestionFactory(session=last, lead_delegate=world.delegates["lead"])
    actions.suggestion_submit(suggestion=old, actor=world.users["lead"])
    actions.suggestion_register(suggestion=old, actor=world.staff)
    actions.suggestion_assign(suggestion=old, actor=world.staff, lead_office=world.lead_office)
    old_b = carry_to_reply(old, old.assignments.get(), world.clerk, code="B")
    actions.rating_submit(reply=old_b, actor=world.users["lead"], value="satisfied")
    batch = actions.resurvey_select(session=world.session, actor=world.staff, method="all")
    closed = world.s["closed"]
    objects["pending_resurvey"] = batch.resurveys.get(suggestion=closed, delegate=world.delegates["lead"])
    differing = batch.resurveys.get(suggestion=closed, delegate=world.delegates["cosigner"])
    actions.resurvey_record(resurvey=differing, actor=world.staff, channel="phone", value="unsatisfied", note="不满意")
    objects["differing_resurvey"] = differing
    objects["old_b"] = old_b
    objects["lead_delegate"] = world.delegates["lead"]
    objects["cosigner_delegate"] = world.delegates["cosigner"]
    objects["this_session"] = world.session
    objects["last_session"] = last
    return objects


def _call_followup_service(world, action, obj, user):
    calls = {
        Action.RESURVEY_SELECT: lambda: actions.resurvey_select(session=obj, actor=user, method="all"),
        Action.RESURVEY_RECORD: lambda: actions.resurvey_record(
            resurvey=obj, actor=user, channel="visit", value="satisfied"
        ),
        Action.RESURVEY_REOPEN: lambda: actions.resurvey_reopen(resurvey=obj, actor=user, reason="回访不一致。"),
        Action.CARRY_OVER: lambda: actions.carryover_create(replies=[obj], actor=user),
        Action.CARRY_SOLVED: lambda: actions.carryover_confirm_solved(reply=obj, actor=user, note="已解决。"),
        Action.LETTER_SEND: lambda: actions.letters_send(session=obj, actor=user, kind="assignment"),
    }
    return calls[action]()


# --------------------------------------------------------------------------- the year's office scoring (rules_scoring)

READERS = STAFF | {"leader"}

# {action: {object name: roles allowed}}; an object not listed: nobody.
SCORING_TABLE = {
    Action.RUBRIC_EDIT: {"new_rubric": STAFF, "rubric_draft": STAFF},
    Action.RUBRIC_PUBLISH: {"rubric_draft": STAFF},
    Action.RUBRIC_NEW_VERSION: {"rubric_published": STAFF},
    Action.SCORES_COMPUTE: {"rubric_published": STAFF},
    Action.SCORES_VIEW: {
        "new_rubric": READERS,  # the list of every office's scores
        "rubric_draft": READERS,
        "rubric_published": READERS,
        "sheet_draft": READERS,  # not yet released: not even its own office
        "sheet_open": READERS | LEAD_OFFICE,
        "sheet_closed": READERS | CO_OFFICE,
        "sheet_objected": READERS | CO_OFFICE,
        "sheet_final": READERS | LEAD_OFFICE,
    },
    Action.SCORES_EXPORT: {
        "rubric_published": STAFF,
        "sheet_draft": READERS,
        "sheet_open": READERS | LEAD_OFFICE,
        "sheet_final": READERS | LEAD_OFFICE,
    },
    Action.SCORE_ENTER: dict.fromkeys(("sheet_draft", "sheet_open", "sheet_closed", "sheet_objected"), STAFF),
    Action.SCORE_RELEASE: {"sheet_draft": STAFF},
    Action.SCORE_OBJECT: {"sheet_open": LEAD_OFFICE},  # closed window, open objection, draft, final: nobody
    Action.OBJECTION_ANSWER: {"objection_open": STAFF},
    Action.SCORE_LOCK: {"sheet_closed": STAFF},  # the window is open, an objection waits, or done already
}
SCORING_OBJECTS = {
    Action.RUBRIC_EDIT: ("new_rubric", "rubric_draft", "rubric_published"),
    Action.RUBRIC_PUBLISH: ("rubric_draft", "rubric_published"),
    Action.RUBRIC_NEW_VERSION: ("rubric_draft", "rubric_published"),
    Action.SCORES_COMPUTE: ("rubric_draft", "rubric_published"),
    Action.SCORES_VIEW: tuple(SCORING_TABLE[Action.SCORES_VIEW]),
    Action.SCORES_EXPORT: ("rubric_published", "sheet_draft", "sheet_open", "sheet_final"),
    Action.SCORE_ENTER: ("sheet_draft", "sheet_open", "sheet_closed", "sheet_objected", "sheet_final"),
    Action.SCORE_RELEASE: ("sheet_draft", "sheet_open", "sheet_final"),
    Action.SCORE_OBJECT: ("sheet_draft", "sheet_open", "sheet_closed", "sheet_objected", "sheet_final"),
    Action.OBJECTION_ANSWER: ("objection_open", "objection_answered"),
    Action.SCORE_LOCK: ("sheet_draft", "sheet_open", "sheet_closed", "sheet_objected", "sheet_final"),
}


def _scoring_objects(world):
    """Rubrics, sheets and objections of the world's 2026 in every state, built through ``yearend.actions``."""
    from yearend import actions as scoring

    staff, lead_clerk, co_clerk = world.staff, world.users["lead_clerk"], world.users["co_clerk"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def published(rubric):
        rubric = scoring.rubric_publish(rubric=rubric, actor=staff)
        sheets = {s.office_id: s for s in scoring.scores_compute(rubric=rubric, actor=staff)}
        item = rubric.items.get()
        return rubric, item, sheets[world.lead_office.pk], sheets[world.co_office.pk]

    def scored_and_released(sheet, item):
        scoring.score_enter(sheet=sheet, item=item, actor=staff, points="80", reason="答复规范。")
        return scoring.sheet_release(sheet=sheet, actor=staff)

    def close_window(sheet):
        type(sheet).objects.filter(pk=sheet.pk).update(objection_deadline=yesterday)

    o = {"new_rubric": None}
    first = scoring.rubric_create(actor=staff, year=2026, title="考评办法")
    scoring.rubric_item_save(rubric=first, actor=staff, values={"name": "答复质量", "kind": "manual", "weight": "100"})
    draft_copy = scoring.rubric_create(actor=staff, year=2026, title="考评办法（草稿）")
    scoring.rubric_item_save(
        rubric=draft_copy, actor=staff, values={"name": "答复质量", "kind": "manual", "weight": "100"}
    )
    o["rubric_draft"] = draft_copy
    p1, item1, lead1, co1 = published(first)
    o["rubric_published"] = p1
    o["sheet_open"] = scored_and_released(lead1, item1)
    answered = scoring.objection_file(sheet=lead1, actor=lead_clerk, text="请复核。")
    o["objection_answered"] = scoring.objection_answer(objection=answered, actor=staff, accept=False, answer="维持。")
    o["sheet_closed"] = scored_and_released(co1, item1)
    close_window(co1)
    p2, item2, lead2, co2 = published(scoring.rubric_new_version(rubric=p1, actor=staff))
    scoring.score_enter(sheet=lead2, item=item2, actor=staff, points="85", reason="答复规范。")
    o["sheet_draft"] = lead2
    scored_and_released(co2, item2)
    o["objection_open"] = scoring.objection_file(sheet=co2, actor=co_clerk, text="协办意见是按时送达的。")
    close_window(co2)
    o["sheet_objected"] = co2
    p3, item3, lead3, _co3 = published(scoring.rubric_new_version(rubric=p1, actor=staff))
    scored_and_released(lead3, item3)
    close_window(lead3)
    o["sheet_final"] = scoring.sheet_lock(sheet=lead3, actor=staff)
    o["items"] = {p1.pk: item1, p2.pk: item2, p3.pk: item3}
    return o


def _call_scoring_service(world, action, obj, user, objects):
    from yearend import actions as scoring

    calls = {
        Action.RUBRIC_EDIT: lambda: (
            scoring.rubric_create(actor=user, year=2026, title="新办法")
            if obj is None
            else scoring.rubric_update(rubric=obj, actor=user, values={"title": "改名"})
        ),
        Action.RUBRIC_PUBLISH: lambda: scoring.rubric_publish(rubric=obj, actor=user),
        Action.RUBRIC_NEW_VERSION: lambda: scoring.rubric_new_version(rubric=obj, actor=user),
        Action.SCORES_COMPUTE: lambda: scoring.scores_compute(rubric=obj, actor=user),
        Action.SCORE_ENTER: lambda: scoring.score_enter(
            sheet=obj, item=objects["items"][obj.rubric_id], actor=user, points="90", reason="复核后调整。"
        ),
        Action.SCORE_RELEASE: lambda: scoring.sheet_release(sheet=obj, actor=user),
        Action.SCORE_OBJECT: lambda: scoring.objection_file(sheet=obj, actor=user, text="有异议。"),
        Action.OBJECTION_ANSWER: lambda: scoring.objection_answer(
            objection=obj, actor=user, accept=True, answer="采纳。"
        ),
        Action.SCORE_LOCK: lambda: scoring.sheet_lock(sheet=obj, actor=user),
    }
    return calls[action]()


def test_every_year_end_action_for_every_role(world):
    objects = _followup_objects(world)
    mismatches = []
    for action, names in FOLLOWUP_OBJECTS.items():
        for name in names:
            for role in ROLES:
                expected = role in FOLLOWUP_TABLE[action].get(name, set())
                user = world.users[role]
                obj = world.fresh(objects[name])
                decision = policy.may(user, action, obj)
                if action == Action.LETTER_VIEW:  # a read: the page answers for it
                    if bool(decision) != expected:
                        mismatches.append(f"{action} {name} {role}: policy says {bool(decision)}")
                    continue
                refusal = _service_answer(
                    lambda w, a, o, u: _call_followup_service(w, a, o, u), world, action, obj, user
                )
                _check(mismatches, f"{action} {name} {role}", expected, decision, refusal)
    assert not mismatches, "\n".join(mismatches)


def test_the_letter_pages_open_exactly_for_those_the_table_allows(world):
    lead = world.delegates["lead"]
    mismatches = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        printed = client.get(reverse("staff:letter", args=[lead.pk]), {"session": world.session.pk}).status_code
        if (printed == 200) != (role in STAFF):
            mismatches.append(f"staff letter {role}: {printed}")
        own = client.get(reverse("delegates:letter"), {"session": world.session.pk})
        has_letter = role in {"lead", "cosigner", "invited", "other_delegate"}
        if (own.status_code == 200) != has_letter:
            mismatches.append(f"own letter {role}: {own.status_code}")
        if own.status_code == 200 and own.context["delegate"] != world.delegates.get(
            {"lead": "lead", "cosigner": "cosigner", "invited": "invited", "other_delegate": "other"}[role]
        ):
            mismatches.append(f"own letter {role}: someone else's")
    assert not mismatches, "\n".join(mismatches)


def test_every_scoring_action_for_every_role(world):
    """rules_scoring against its table; the services agree (reads: the sheet page opens exactly as allowed)."""
    objects = _scoring_objects(world)
    mismatches = []
    for action, names in SCORING_OBJECTS.items():
        for name in names:
            for role in ROLES:
                expected = role in SCORING_TABLE[action].get(name, set())
                user = world.users[role]
                obj = objects[name] if objects[name] is None else world.fresh(objects[name])
                decision = policy.may(user, action, obj)
                if action in (Action.SCORES_VIEW, Action.SCORES_EXPORT):
                    if bool(decision) != expected:
                        mismatches.append(f"{action} {name} {role}: policy says {bool(decision)}, table {expected}")
                    continue
                refusal = None
                try:
                    with transaction.atomic():
                        try:
                            _call_scoring_service(world, action, obj, user, objects)
                        except (actions.NotPermitted, actions.TransitionNotAllowed) as error:
                            refusal = error
                        raise Rollback
                except Rollback:
                    pass
                _check(mismatches, f"{action} {name} {role}", expected, decision, refusal)
    # The office's page opens exactly for those who may read the sheet.
    for name in ("sheet_draft", "sheet_open", "sheet_closed", "sheet_final"):
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            status = client.get(reverse("yearend:sheet", args=[objects[name].pk])).status_code
            if (status == 200) != (role in SCORING_TABLE[Action.SCORES_VIEW][name]):
                mismatches.append(f"sheet page {name} {role}: {status}")
    assert not mismatches, "\n".join(mismatches)
