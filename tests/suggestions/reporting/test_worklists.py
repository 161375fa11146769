"""The home and inbox tallies (``suggestions.reporting.worklists``) always equal a plain recount.

A suggestion with a co-signer and a co-office walks the workflow through the actions (invitation,
submission, review, assignment, signing, the co-office's opinion, the reply, both ratings, 不满意 and
re-handling, an extension, a return, withdrawal, merging, closing); after every step the stored entries,
facts and tallies equal a fresh derivation, and what the pages show equals the rows counted the plain
way (every row of the delegate or office read and sorted into its section or tab).
"""

import ast
import datetime
import importlib
import inspect
import pkgutil

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from suggestions import actions
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    CoSigner,
    HomeEntry,
    HomeTally,
    InboxTally,
    Rating,
    Reply,
    ResultClass,
    Suggestion,
)
from suggestions.queries import delegate_selectors, office_selectors
from suggestions.reporting import worklists
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def plain_home(delegate):
    """Each home section counted from the workflow tables, every row of the delegate read."""
    led = list(Suggestion.objects.filter(lead_delegate=delegate))
    joint = list(
        Suggestion.objects.filter(cosigners__delegate=delegate, cosigners__status=CoSigner.Status.CONFIRMED).exclude(
            lead_delegate=delegate
        )
    )

    def waits(s):
        if s.status not in worklists.HANDLING_STATUSES:
            return False
        replies = Reply.objects.filter(suggestion=s, status=Reply.Status.SUBMITTED, round__number=s.current_round)
        return any(not Rating.objects.filter(reply=r, delegate=delegate).exists() for r in replies)

    counts = dict.fromkeys(delegate_selectors.HOME_SECTIONS, 0)
    for s in led:
        if waits(s):
            counts["to-rate"] += 1
        elif s.status in worklists.DRAFT_STATUSES:
            counts["drafts"] += 1
        elif s.status == S.SUBMITTED:
            counts["submitted"] += 1
        elif s.status in worklists.HANDLING_STATUSES:
            counts["handling"] += 1
        elif s.status in worklists.FINISHED_STATUSES:
            counts["finished"] += 1
    for s in joint:
        counts["cosigned"] += 1
        counts["to-rate"] += waits(s)
    return counts


def plain_inbox(office, today, soon_until):
    """The inbox's tabs and figures from every live row of the office, each row's group worked out."""
    rows = list(
        office_selectors.annotate_groups(
            Assignment.objects.filter(office=office).exclude(status__in=Assignment.ENDED), [office.pk]
        ).values_list("group", "status", "deadline")
    )
    active = [(status, due) for _group, status, due in rows if status in Assignment.ACTIVE]
    groups = {}
    for group, _status, _due in rows:
        groups[group] = groups.get(group, 0) + 1
    stats = {
        "to_sign": sum(1 for _g, status, _d in rows if status == Assignment.Status.PENDING),
        "overdue": sum(1 for _s, due in active if due < today),
        "soon": sum(1 for _s, due in active if today <= due <= soon_until),
        "waiting": groups.get("waiting", 0),
    }
    return groups, stats


def assert_kept(delegates, offices, today=None):
    assert worklists.stored() == worklists.derived()
    for delegate in delegates:
        assert delegate_selectors.home_counts(delegate) == plain_home(delegate), delegate
    today = today or timezone.localdate()
    soon_until = today + datetime.timedelta(days=7)
    for office, clerk in offices:
        assert office_selectors.inbox_figures(clerk, today=today, soon_until=soon_until) == plain_inbox(
            office, today, soon_until
        ), office


def test_every_step_of_the_workflow_keeps_the_home_and_inbox_tallies_equal_to_a_recount(
    session, delegate, other_delegate, staff, office, co_office, other_office, clerk, co_clerk, other_clerk
):
    people = [delegate, other_delegate]
    offices = [(office, clerk), (co_office, co_clerk), (other_office, other_clerk)]
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="关于改善背街小巷照明的建议")
    assert_kept(people, offices)
    (invited,) = actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=invited, actor=other_delegate.user, accept=True)
    assert_kept(people, offices)
    s = actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    assert_kept(people, offices)
    s = actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    assert_kept(people, offices)
    assert _tabs(clerk) == {"sign": 1} == _tabs(co_clerk)
    co = s.assignments.get(office=co_office)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    assert_kept(people, offices)  # signed, the co-office still owes its opinion: the lead waits
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意主办单位意见。")
    assert_kept(people, offices)  # the co-office answered: the lead leaves 待协办意见
    lead = s.assignments.get(office=office)
    reply = carry_to_reply(s, lead, clerk, code="B")  # 正在解决: the lead's row is in 跟踪督办
    assert_kept(people, offices)
    assert _tabs(clerk) == {"followup": 1}
    assert delegate_selectors.home_counts(other_delegate)["to-rate"] == 1
    actions.rating_submit(reply=reply, actor=other_delegate.user, value="satisfied", comment="")
    assert_kept(people, offices)  # the co-signer rated: out of their 待评价, still in the lead's
    actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment="没有解决。")
    s.refresh_from_db()
    if s.status == S.REPLIED:  # the round may need staff to open it
        actions.round_open_rehandling(suggestion=s, actor=staff, assignments=[lead], reason="代表不满意。")
    assert_kept(people, offices)

    # An extension moves the lead's deadline; the clock passing it moves it to overdue without a write.
    lead.refresh_from_db()
    if lead.status in Assignment.ACTIVE:
        until = actions.extension_limit(assignment=lead)
        request = actions.extension_request(assignment=lead, actor=clerk, reason="需要现场勘测。", until=until)
        actions.extension_approve(request=request, actor=staff)
        assert_kept(people, offices)
        assert_kept(people, offices, today=timezone.localdate() + datetime.timedelta(days=400))

    # A return to staff and a new office; withdrawal; merging; closing.
    t = _registered(session, delegate, staff)
    actions.suggestion_assign(suggestion=t, actor=staff, lead_office=other_office)
    returned = actions.assignment_request_return(
        assignment=t.assignments.get(office=other_office), actor=other_clerk, reason="不属于本单位职责。"
    )
    assert isinstance(returned, AssignmentRequest)
    actions.return_request_approve(request=returned, actor=staff, new_office=office)
    assert_kept(people, offices)
    actions.suggestion_withdraw(suggestion=t, actor=staff, reason="代表撤回。")
    assert_kept(people, offices)
    a, b = _registered(session, delegate, staff), _registered(session, other_delegate, staff)
    actions.suggestion_merge(target=a, sources=[b], actor=staff, note="内容相近。")
    assert_kept(people, offices)
    c = _registered(session, delegate, staff)
    actions.suggestion_assign(suggestion=c, actor=staff, lead_office=office)
    reply_c = carry_to_reply(c, c.assignments.get(office=office), clerk)
    assert_kept(people, offices)
    actions.rating_submit(reply=reply_c, actor=delegate.user, value="satisfied", comment="")
    c.refresh_from_db()
    if c.status != S.CLOSED:
        actions.suggestion_close(suggestion=c, actor=staff)
    assert_kept(people, offices)
    returned_draft = _registered(session, delegate, staff, register=False)
    actions.suggestion_return(suggestion=returned_draft, actor=staff, reason="请补充具体地点。")
    assert_kept(people, offices)


def _tabs(clerk):
    today = timezone.localdate()
    return office_selectors.inbox_figures(clerk, today=today, soon_until=today)[0]


def _registered(session, delegate, staff, *, register=True):
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    s = actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    return actions.suggestion_register(suggestion=s, actor=staff) if register else s


def test_a_recount_gives_what_the_actions_kept(session, delegate, other_delegate, staff, office, clerk):
    s = _registered(session, delegate, staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    carry_to_reply(s, s.assignments.get(office=office), clerk)
    factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    kept = worklists.stored()
    call_command("recount_worklists", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert worklists.stored() == kept
    # A catch-up of a suggestion changed around the actions (a hand fix) brings it back in line.
    Suggestion.objects.filter(pk=s.pk).update(status=S.CLOSED)
    assert worklists.stored() != worklists.derived()
    call_command("recount_worklists", "--suggestions", str(s.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert worklists.stored() == worklists.derived()


def test_the_home_lists_each_sections_newest_from_its_index(session, delegate, staff):
    """The newest ten of a section are those of its entries, newest first; a section page walks them too."""
    made = [factories.SuggestionFactory(session=session, lead_delegate=delegate) for _ in range(13)]
    counts = delegate_selectors.home_counts(delegate)
    assert counts["drafts"] == 13
    rows = delegate_selectors.home_suggestions(delegate, counts)["drafts"]
    newest = sorted(made, key=lambda s: (s.created_at, s.pk), reverse=True)
    assert [r.pk for r in rows] == [s.pk for s in newest[: delegate_selectors.HOME_SHOWN]]
    page = delegate_selectors.home_section_page(delegate, "drafts", {})
    assert [r.pk for r in page.rows] == [s.pk for s in newest]
    assert HomeEntry.objects.filter(delegate_id=delegate.pk).count() == 13


def test_tally_rows_are_added_to_not_overwritten(session, delegate, staff):
    """Two changes to one delegate's counts add up (``n = n + delta``): nothing read, then written back."""
    worklists._add(HomeTally, worklists.HOME_KEY, {(delegate.pk, "drafts"): 2})
    worklists._add(HomeTally, worklists.HOME_KEY, {(delegate.pk, "drafts"): 3, (delegate.pk, "finished"): -1})
    assert dict(HomeTally.objects.filter(delegate_id=delegate.pk).values_list("section", "n")) == {
        "drafts": 5,
        "finished": -1,
    }
    assert not InboxTally.objects.exists()


def test_every_action_that_audits_a_suggestion_keeps_the_worklists():
    """Each public action that writes an audit row runs in ``atomic_action``, which refreshes the worklists of
    what it audited before it commits (an action called only from another may go without)."""
    audits = ("audit(", "set_suggestion_status(", "set_assignment_status(")
    called_within = {"opinion_send_with_file", "suggestion_save_draft_with_files", "reply_save_draft_with_letter"}
    bare, seen = [], 0
    for info in pkgutil.iter_modules(actions.__path__, "suggestions.actions."):
        if info.name.endswith(("accounts", "roster_import", "roster_plan", "_base")):
            continue
        source = inspect.getsource(importlib.import_module(info.name))
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = ast.get_source_segment(source, node)
            if not any(a in body for a in audits):
                continue
            seen += 1
            decorators = {ast.unparse(d) for d in node.decorator_list}
            if "atomic_action" not in decorators and node.name not in called_within:
                bare.append(node.name)
    assert seen > 30
    assert not bare, f"actions that audit without keeping the worklists: {bare}"


def test_home_counts_are_one_read_of_the_tally(django_assert_num_queries, session, delegate):
    for _ in range(3):
        factories.SuggestionFactory(session=session, lead_delegate=delegate)
    with django_assert_num_queries(1):
        counts = delegate_selectors.home_counts(delegate)
    assert counts["drafts"] == 3
    assert HomeTally.objects.values("delegate_id").annotate(n=Count("pk")).count() == 1


def test_a_lead_waits_for_its_co_office_until_the_opinion_comes(
    session, delegate, staff, office, co_office, clerk, co_clerk
):
    s = _registered(session, delegate, staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    actions.assignment_sign(assignment=s.assignments.get(office=office), actor=clerk)
    assert _tabs(clerk) == {"waiting": 1}
    co = s.assignments.get(office=co_office)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意主办单位意见。")
    assert _tabs(clerk) == {"handling": 1} and _tabs(co_clerk) == {"replied": 1}
    assert worklists.stored() == worklists.derived()


def test_a_result_class_that_stops_needing_follow_up_moves_its_replies_out_of_the_follow_up_tab(
    session, delegate, staff, office, clerk
):
    s = _registered(session, delegate, staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    carry_to_reply(s, s.assignments.get(office=office), clerk, code="B")
    assert _tabs(clerk) == {"followup": 1}
    b = factories.result_class("B")
    ResultClass.objects.filter(pk=b.pk).update(needs_follow_up=False)  # as the admin saves it
    worklists.result_class_changed(b.pk)  # what the admin calls when the flag changed
    assert _tabs(clerk) == {"replied": 1}
    assert worklists.stored() == worklists.derived()
