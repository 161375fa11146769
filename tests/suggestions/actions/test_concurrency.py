"""Two staff acting at the same moment: one wins, the other gets a clear message, nothing is lost."""

import threading

import pytest
from django.db import connection

from suggestions import actions
from suggestions.models import Suggestion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run the calls in threads that start at the same moment; return their results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def submitted_suggestions(n):
    session = factories.SessionFactory()
    out = []
    for _ in range(n):
        s = factories.SuggestionFactory(session=session)
        actions.suggestion_submit(suggestion=s, actor=s.lead_delegate.user)
        out.append(s)
    return out


def test_two_staff_registering_different_suggestions_at_once_get_different_numbers():
    a, b = submitted_suggestions(2)
    staff1, staff2 = factories.StaffFactory(), factories.StaffFactory()
    results = run_together(
        lambda: actions.suggestion_register(suggestion=a, actor=staff1),
        lambda: actions.suggestion_register(suggestion=b, actor=staff2),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Suggestion.objects.values_list("number", flat=True)) == [1, 2]


def test_the_same_number_typed_by_two_staff_goes_to_one_and_the_other_is_told():
    a, b = submitted_suggestions(2)
    staff1, staff2 = factories.StaffFactory(), factories.StaffFactory()
    results = run_together(
        lambda: actions.suggestion_register(suggestion=a, actor=staff1, number=12),
        lambda: actions.suggestion_register(suggestion=b, actor=staff2, number=12),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], actions.NumberTaken)
    assert "编号12已被使用" in errors[0].message
    assert Suggestion.objects.filter(number=12).count() == 1
    assert Suggestion.objects.filter(status="submitted").count() == 1  # the loser is untouched


def test_two_staff_registering_the_same_suggestion_one_wins():
    (a,) = submitted_suggestions(1)
    staff1, staff2 = factories.StaffFactory(), factories.StaffFactory()
    results = run_together(
        lambda: actions.suggestion_register(suggestion=a, actor=staff1),
        lambda: actions.suggestion_register(suggestion=a, actor=staff2),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], actions.TransitionNotAllowed)
    assert "已立案" in errors[0].message
    a.refresh_from_db()
    assert a.number == 1
    assert a.audit_logs.filter(action="register").count() == 1


def assigned_suggestion():
    (s,) = submitted_suggestions(1)
    actions.suggestion_register(suggestion=s, actor=factories.StaffFactory())
    return s


def test_two_staff_assigning_at_once_create_one_set_of_assignments():
    s = assigned_suggestion()
    office_a, office_b = factories.OfficeFactory(), factories.OfficeFactory()
    staff1, staff2 = factories.StaffFactory(), factories.StaffFactory()
    results = run_together(
        lambda: actions.suggestion_assign(suggestion=s, actor=staff1, lead_office=office_a),
        lambda: actions.suggestion_assign(suggestion=s, actor=staff2, lead_office=office_b),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], actions.TransitionNotAllowed)
    assert s.assignments.count() == 1


def test_two_clerks_submitting_the_same_reply_at_once_send_it_once():
    from django.utils import timezone

    s = assigned_suggestion()
    office = factories.OfficeFactory()
    clerk1 = factories.OfficeMemberFactory(office=office).user
    clerk2 = factories.OfficeMemberFactory(office=office).user
    (assignment,) = actions.suggestion_assign(suggestion=s, actor=factories.StaffFactory(), lead_office=office)
    actions.assignment_sign(assignment=assignment, actor=clerk1)
    actions.contact_record(
        assignment=assignment,
        actor=clerk1,
        method="phone",
        date=timezone.localdate(),
        participants="代表",
        summary="电话沟通。",
    )
    reply = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk1,
        text="答复",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk1),
    )
    results = run_together(
        lambda: actions.reply_submit(reply=reply, actor=clerk1),
        lambda: actions.reply_submit(reply=reply, actor=clerk2),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and "本轮答复已提交" in errors[0].message
    assert s.audit_logs.filter(action="reply").count() == 1


def test_a_delegate_rating_twice_at_once_is_recorded_once():
    from django.utils import timezone

    s = assigned_suggestion()
    office = factories.OfficeFactory()
    clerk = factories.OfficeMemberFactory(office=office).user
    (assignment,) = actions.suggestion_assign(suggestion=s, actor=factories.StaffFactory(), lead_office=office)
    actions.assignment_sign(assignment=assignment, actor=clerk)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="phone",
        date=timezone.localdate(),
        participants="代表",
        summary="电话沟通。",
    )
    reply = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="答复",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    user = s.lead_delegate.user
    results = run_together(
        lambda: actions.rating_submit(reply=reply, actor=user, value="satisfied"),
        lambda: actions.rating_submit(reply=reply, actor=user, value="unsatisfied", comment="不满意"),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and "已经评价过" in errors[0].message
    assert reply.ratings.count() == 1
