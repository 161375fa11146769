"""The queue of offices' return and extension requests, and of claimed solutions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import actions
from suggestions.models import Assignment, AssignmentRequest, FollowUp
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def return_request(lead_assignment, clerk, other_office):
    return actions.assignment_request_return(
        assignment=lead_assignment, actor=clerk, reason="不属于本单位职责", suggested_office=other_office
    )


@pytest.fixture
def extension_request(lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    until = lead_assignment.due_date + datetime.timedelta(days=30)
    return actions.extension_request(assignment=lead_assignment, actor=clerk, reason="需要协调资金", until=until)


def test_the_queue_lists_pending_requests_with_the_suggested_office_prefilled(
    client, staff, return_request, other_office
):
    client.force_login(staff)
    response = client.get(reverse("staff:requests"))
    assert response.status_code == 200
    [row] = response.context["returns"]
    assert row.approve_form.initial["new_office"] == other_office.pk
    assert "不属于本单位职责" in response.content.decode()


def test_approving_a_return_reassigns_the_same_role_to_the_new_office(
    client, staff, return_request, lead_assignment, other_office
):
    client.force_login(staff)
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": return_request.pk,
            "action": "return_approve",
            f"r{return_request.pk}-new_office": other_office.pk,
            f"r{return_request.pk}-note": "同意",
        },
    )
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.RETURNED
    new = Assignment.objects.get(suggestion=lead_assignment.suggestion, office=other_office)
    assert new.role == "lead" and new.replaces_id == lead_assignment.pk


def test_approving_a_return_to_an_office_already_handling_it_is_explained(
    client, staff, return_request, co_office, lead_assignment
):
    client.force_login(staff)
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": return_request.pk,
            "action": "return_approve",
            f"r{return_request.pk}-new_office": co_office.pk,
        },
    )
    assert response.status_code == 400
    assert "已在承办此建议" in response.content.decode()
    return_request.refresh_from_db()
    assert return_request.status == AssignmentRequest.Status.PENDING


def test_refusing_a_return_needs_a_reason_and_puts_the_assignment_back(client, staff, return_request, lead_assignment):
    client.force_login(staff)
    url = reverse("staff:requests")
    response = client.post(url, {"request_id": return_request.pk, "action": "return_refuse"})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "request_id": return_request.pk,
            "action": "return_refuse",
            f"r{return_request.pk}-refuse-note": "属于贵单位职责",
        },
    )
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    return_request.refresh_from_db()
    assert return_request.status == AssignmentRequest.Status.REFUSED
    assert lead_assignment.status == Assignment.Status.PENDING


def test_approving_an_extension_sets_the_new_deadline(client, staff, extension_request, lead_assignment):
    client.force_login(staff)
    until = extension_request.requested_until
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": extension_request.pk,
            "action": "extension_approve",
            f"r{extension_request.pk}-until": until.isoformat(),
        },
    )
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    assert lead_assignment.extended_due == until


def test_an_extension_beyond_the_policy_limit_is_refused_with_the_limit_shown(
    client, staff, extension_request, lead_assignment
):
    limit = actions.extension_limit(assignment=lead_assignment)
    client.force_login(staff)
    response = client.get(reverse("staff:requests"))
    assert response.context["extensions"][0].limit == limit
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": extension_request.pk,
            "action": "extension_approve",
            f"r{extension_request.pk}-until": (limit + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "延期最长至" in response.content.decode()
    lead_assignment.refresh_from_db()
    assert lead_assignment.extended_due is None


def test_refusing_an_extension(client, staff, extension_request):
    client.force_login(staff)
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": extension_request.pk,
            "action": "extension_refuse",
            f"r{extension_request.pk}-refuse-note": "请按期答复",
        },
    )
    assert response.status_code == 302
    extension_request.refresh_from_db()
    assert extension_request.status == AssignmentRequest.Status.REFUSED


def test_a_request_decided_twice_shows_a_clear_message(client, staff, extension_request):
    actions.extension_refuse(request=extension_request, actor=staff, note="请按期答复")
    client.force_login(staff)
    response = client.post(
        reverse("staff:requests"),
        {
            "request_id": extension_request.pk,
            "action": "extension_refuse",
            f"r{extension_request.pk}-refuse-note": "再次",
        },
        follow=True,
    )
    assert "该申请已经审核过了" in response.content.decode()


@pytest.fixture
def solved_claim(assigned, lead_assignment, clerk):
    reply = carry_to_reply(assigned, lead_assignment, clerk, code="B", text="列入明年计划。")
    return actions.followup_post(reply=reply, actor=clerk, text="已完工。", solved=True)


@pytest.mark.parametrize("accept", [True, False])
def test_staff_confirm_or_refuse_a_claimed_solution_from_the_queue(client, staff, solved_claim, accept):
    client.force_login(staff)
    assert client.get(reverse("staff:requests")).context["claims"] == [solved_claim]
    response = client.post(
        reverse("staff:requests"),
        {
            "followup_id": solved_claim.pk,
            "action": "followup_confirm" if accept else "followup_refuse",
            f"f{solved_claim.pk}-note": "现场核实",
        },
    )
    assert response.status_code == 302
    solved_claim.refresh_from_db()
    assert solved_claim.status == (FollowUp.Status.SOLVED_CONFIRMED if accept else FollowUp.Status.SOLVED_REFUSED)
    solved_claim.reply.refresh_from_db()
    assert solved_claim.reply.result_class.code == ("A" if accept else "B")


def test_the_queue_holds_a_fixed_query_count(client, staff, session, delegate, office, clerk, other_office):
    def make_requests(n):
        for _ in range(n):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            [assignment] = actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
            actions.assignment_request_return(
                assignment=assignment, actor=clerk, reason="不属于本单位", suggested_office=other_office
            )
            suggestion2 = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.suggestion_submit(suggestion=suggestion2, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion2, actor=staff)
            [assignment2] = actions.suggestion_assign(suggestion=suggestion2, actor=staff, lead_office=office)
            actions.assignment_sign(assignment=assignment2, actor=clerk)
            actions.extension_request(
                assignment=assignment2,
                actor=clerk,
                reason="协调中",
                until=assignment2.due_date + datetime.timedelta(days=10),
            )

    client.force_login(staff)
    make_requests(1)
    client.get(reverse("staff:requests"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:requests"))
    make_requests(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:requests"))
    assert len(response.context["returns"]) == 7 and len(response.context["extensions"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("field", ["request_id", "followup_id"])
@pytest.mark.parametrize("value", ["abc", "", "-1", "99999999999999999999", "<script>"])
def test_a_hostile_id_in_the_queue_is_a_404_not_a_server_error(client, staff, field, value):
    client.force_login(staff)
    action = "followup_confirm" if field == "followup_id" else "return_approve"
    assert client.post(reverse("staff:requests"), {field: value, "action": action}).status_code == 404
