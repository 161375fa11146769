"""The assignment's effective deadline: one rule, the same in Python and in SQL."""

import datetime

import pytest
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, Rating, Suggestion
from tests import factories
from tests.conftest import carry_to_reply

A = Assignment.Status


@pytest.fixture
def every_kind_of_assignment(session, staff, office, co_office, other_office, clerk, co_clerk, other_clerk, delegate):
    """Lead (replied, then re-handling), co (open and opinion sent), separate (open and extended)."""
    today = timezone.localdate()

    def registered():
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        return actions.suggestion_register(suggestion=suggestion, actor=staff)

    first = registered()
    actions.suggestion_assign(
        suggestion=first,
        actor=staff,
        lead_office=office,
        co_offices=[co_office],
        opinion_due=today + datetime.timedelta(days=20),
    )
    first.refresh_from_db()
    reply = carry_to_reply(first, first.assignments.get(office=office), clerk)
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="没有解决。")

    second = registered()
    actions.suggestion_assign(suggestion=second, actor=staff, lead_office=office, co_offices=[co_office])
    co = second.assignments.get(office=co_office)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意主办单位意见。")

    third = registered()
    actions.suggestion_assign(suggestion=third, actor=staff, separate_offices=[office, other_office])
    separate = third.assignments.get(office=other_office)
    actions.assignment_sign(assignment=separate, actor=other_clerk)
    request = actions.extension_request(
        assignment=separate,
        actor=other_clerk,
        reason="需协调资金。",
        until=separate.due_date + datetime.timedelta(days=30),
    )
    actions.extension_approve(request=request, actor=staff)
    return Assignment.objects.filter(suggestion__in=[first, second, third])


def test_effective_due_is_the_same_in_python_and_sql_for_every_role_and_state(every_kind_of_assignment):
    rows = list(every_kind_of_assignment.annotate(sql_due=Assignment.effective_due_expression()))
    kinds = {(a.role, a.status, a.extended_due is not None) for a in rows}
    assert {
        ("lead", A.REHANDLING, False),
        ("co", A.PENDING, False),
        ("co", A.OPINION_SENT, False),
        ("lead", A.PENDING, False),
        ("separate", A.PENDING, False),
        ("separate", A.SIGNED, True),
    } <= kinds
    for a in rows:
        assert a.sql_due == a.effective_due, (a.role, a.status)
        for lookup in ("exact", "lt", "lte", "gt", "gte"):
            via_q = set(every_kind_of_assignment.filter(Assignment.effective_due_q(lookup, a.effective_due)))
            via_expression = set(
                every_kind_of_assignment.annotate(due=Assignment.effective_due_expression()).filter(
                    **{f"due__{lookup}": a.effective_due}
                )
            )
            assert via_q == via_expression, lookup
        in_q = every_kind_of_assignment.filter(Assignment.effective_due_q("in", [a.effective_due]))
        assert a in set(in_q)
    # Through a relation (``prefix``) the SQL form agrees too.
    for a in rows:
        through = (
            Suggestion.objects.filter(assignments__pk=a.pk)
            .annotate(due=Assignment.effective_due_expression("assignments__"))
            .values_list("due", flat=True)
        )
        assert list(through) == [a.effective_due]


def test_co_office_deadline_is_its_opinion_deadline(assigned, co_assignment, lead_assignment):
    co_assignment.refresh_from_db()
    assert co_assignment.opinion_due != co_assignment.due_date
    assert co_assignment.effective_due == co_assignment.opinion_due
    assert lead_assignment.effective_due == lead_assignment.due_date


def test_extension_and_rehandling_move_the_lead_deadline(replied, lead_assignment, delegate):
    lead_assignment.refresh_from_db()
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="不满意。")
    lead_assignment.refresh_from_db()
    round_two = replied.suggestion.rounds.get(number=2)
    assert lead_assignment.status == A.REHANDLING
    assert lead_assignment.effective_due == round_two.due_date
