"""Staff assign registered suggestions: one at a time or many to the same offices at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def _registered(session, delegate, staff, title="关于改善花溪大道交通拥堵的建议", category=None):
    suggestion = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, title=title, **({"category": category} if category else {})
    )
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    return actions.suggestion_register(suggestion=suggestion, actor=staff)


def _later(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_deadlines_are_prefilled_from_the_session_policy(client, staff, registered):
    client.force_login(staff)
    response = client.get(reverse("staff:assign", args=[registered.pk]))
    expected = actions.assignment_deadlines(session=registered.session, assigned_on=timezone.localdate())
    initial = response.context["form"].initial
    assert initial["due_date"] == expected["due_date"]
    assert initial["opinion_due"] == expected["opinion_due"]
    assert initial["return_by"] == expected["return_by"]
    assert expected["due_date"].isoformat() in response.content.decode()


def test_the_office_most_often_given_this_category_in_earlier_sessions_is_suggested_first(
    client, staff, registered, office, other_office, delegate
):
    earlier = factories.SessionFactory(
        number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
    )
    for n in range(2):
        old = _registered(earlier, delegate, staff, title=f"往届建议{n}", category=registered.category)
        actions.suggestion_assign(suggestion=old, actor=staff, lead_office=other_office)
    old = _registered(earlier, delegate, staff, title="往届建议X", category=registered.category)
    actions.suggestion_assign(suggestion=old, actor=staff, lead_office=office)
    client.force_login(staff)
    response = client.get(reverse("staff:assign", args=[registered.pk]))
    assert [o.pk for o in response.context["suggested"]] == [other_office.pk, office.pk]
    assert response.context["form"].initial["lead_office"] == other_office.pk
    content = response.content.decode()
    assert content.index(other_office.name) < content.index(office.name)


def test_assigning_to_a_lead_and_co_offices_with_adjusted_deadlines(
    client, staff, registered, office, co_office, other_office, leader
):
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign", args=[registered.pk]),
        {
            "mode": "lead",
            "lead_office": office.pk,
            "co_offices": [co_office.pk, other_office.pk],
            "due_date": _later(100),
            "opinion_due": _later(40),
            "return_by": _later(9),
            "is_key": "on",
            "leader": leader.pk,
        },
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == S.ASSIGNED and registered.is_key and registered.leader == leader
    roles = dict(registered.assignments.values_list("office_id", "role"))
    assert roles == {office.pk: "lead", co_office.pk: "co", other_office.pk: "co"}
    lead = registered.assignments.get(office=office)
    assert lead.due_date.isoformat() == _later(100) and lead.return_by.isoformat() == _later(9)
    assert registered.assignments.get(office=co_office).opinion_due.isoformat() == _later(40)


def test_assigning_to_several_separate_offices(client, staff, registered, office, other_office):
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign", args=[registered.pk]),
        {
            "mode": "separate",
            "lead_office": office.pk,
            "separate_offices": [office.pk, other_office.pk],
            "due_date": _later(90),
            "return_by": _later(9),
        },
    )
    assert response.status_code == 302
    assert set(registered.assignments.values_list("role", flat=True)) == {"separate"}
    assert registered.assignments.count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"mode": "lead"}, "请选择主办单位"),
        ({"mode": "separate"}, "请至少选择一个分办单位"),
        ({"mode": "lead", "is_key": "on"}, "重点督办建议须指定领衔督办领导"),
        ({"mode": "lead", "due_date": "2020-01-01"}, "答复期限必须晚于今天"),
        ({"mode": "lead", "due_date": "9999-12-31"}, "答复期限不能晚于"),
        ({"mode": "lead", "return_by": "0001-01-01"}, "申请退回截止日期不能早于今天"),
        ({"mode": "lead", "return_by": "9999-12-31"}, "申请退回截止日期不能晚于答复期限"),
    ],
)
def test_an_invalid_assignment_is_explained_beside_the_form_and_nothing_is_saved(
    client, staff, registered, office, data, message
):
    client.force_login(staff)
    post = {
        "lead_office": office.pk if "主办" not in message else "",
        "due_date": _later(90),
        "return_by": _later(9),
        **data,
    }
    response = client.post(reverse("staff:assign", args=[registered.pk]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    registered.refresh_from_db()
    assert registered.status == S.REGISTERED and not registered.assignments.exists()


def test_the_lead_office_cannot_also_be_a_co_office(client, staff, registered, office):
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign", args=[registered.pk]),
        {
            "mode": "lead",
            "lead_office": office.pk,
            "co_offices": [office.pk],
            "due_date": _later(90),
            "return_by": _later(9),
        },
    )
    assert response.status_code == 400
    assert "主办单位不能同时是协办单位" in response.content.decode()


def test_bulk_assignment_gives_every_ticked_suggestion_the_same_offices(
    client, staff, session, delegate, office, co_office
):
    first = _registered(session, delegate, staff, "关于甲的建议")
    second = _registered(session, delegate, staff, "关于乙的建议")
    left = _registered(session, delegate, staff, "关于丙的建议")
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign_list"),
        {
            "suggestions": [first.pk, second.pk],
            "mode": "lead",
            "lead_office": office.pk,
            "co_offices": [co_office.pk],
            "due_date": _later(90),
            "opinion_due": _later(30),
            "return_by": _later(9),
        },
        follow=True,
    )
    assert "已交办2件" in response.content.decode()
    for suggestion in (first, second):
        assert dict(suggestion.assignments.values_list("office_id", "role")) == {office.pk: "lead", co_office.pk: "co"}
    left.refresh_from_db()
    assert left.status == S.REGISTERED


def test_bulk_assignment_reports_each_failure_and_still_assigns_the_rest(
    client, staff, session, delegate, office, monkeypatch
):
    first = _registered(session, delegate, staff, "关于甲的建议")
    second = _registered(session, delegate, staff, "关于乙的建议")
    real = actions.suggestion_assign

    def racing(*, suggestion, **kwargs):
        if suggestion.pk == second.pk:  # someone withdrew it while staff were ticking boxes
            actions.suggestion_withdraw(suggestion=suggestion, actor=staff, reason="代表书面撤回")
        return real(suggestion=suggestion, **kwargs)

    monkeypatch.setattr(actions, "suggestion_assign", racing)
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign_list"),
        {
            "suggestions": [first.pk, second.pk],
            "mode": "lead",
            "lead_office": office.pk,
            "due_date": _later(90),
            "return_by": _later(9),
        },
        follow=True,
    )
    content = response.content.decode()
    assert "已交办1件" in content
    assert "关于乙的建议”未能交办" in content and "不能变更为" in content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.ASSIGNED and second.status == S.WITHDRAWN
    assert not Assignment.objects.filter(suggestion=second).exists()


def test_bulk_assignment_without_any_ticked_suggestion_is_refused(client, staff, registered, office):
    client.force_login(staff)
    response = client.post(
        reverse("staff:assign_list"),
        {
            "mode": "lead",
            "lead_office": office.pk,
            "due_date": _later(90),
            "return_by": _later(9),
        },
    )
    assert response.status_code == 400
    assert "请勾选要交办的建议" in response.content.decode()


def test_the_assignment_list_holds_a_fixed_query_count(client, staff, session, delegate, office, other_office):
    client.force_login(staff)
    for n in range(2):
        _registered(session, delegate, staff, f"关于第{n}件的建议")
    client.get(reverse("staff:assign_list"))  # the session's deadline policy is created on first use
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:assign_list"))
    for n in range(2, 14):
        _registered(session, delegate, staff, f"关于第{n}件的建议")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:assign_list"))
    assert len(response.context["rows"]) == 14
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_assign_form_date_pickers_stop_at_the_policy_maximum(client, staff, registered):
    client.force_login(staff)
    page = client.get(reverse("staff:assign", args=[registered.pk])).content.decode()
    latest = actions.latest_due_date(session=registered.session, assigned_on=timezone.localdate())
    due = page.split('name="due_date"')[1].split(">")[0]
    assert f'max="{latest.isoformat()}"' in due
