"""The staff detail page: shared detail context plus staff actions; the leaders' home."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import actions
from suggestions.models import AuditLog, Reminder, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def test_the_page_shows_the_full_timeline_and_the_actions_that_fit_the_status(client, staff, assigned):
    client.force_login(staff)
    response = client.get(reverse("staff:suggestion", args=[assigned.pk]))
    assert response.status_code == 200
    assert response.context["remind_form"] is not None and response.context["withdraw_form"] is not None
    assert response.context["register_form"] is None and response.context["close_form"] is None
    content = response.content.decode()
    assert "办理过程" in content and "交办" in content and "工作人员操作" in content


def test_a_manual_reminder_goes_to_the_chosen_office_with_the_message(client, staff, assigned, lead_assignment):
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[assigned.pk]),
        {
            "action": "remind",
            "remind-assignment": lead_assignment.pk,
            "remind-message": "请于本周内答复代表。",
        },
    )
    assert response.status_code == 302
    reminder = Reminder.objects.get(kind=Reminder.Kind.MANUAL)
    assert reminder.assignment == lead_assignment and reminder.message == "请于本周内答复代表。"


def test_a_reminder_without_a_message_is_refused_beside_the_form(client, staff, assigned, lead_assignment):
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[assigned.pk]),
        {
            "action": "remind",
            "remind-assignment": lead_assignment.pk,
            "remind-message": "",
        },
    )
    assert response.status_code == 400
    assert not Reminder.objects.exists()


def test_a_reminder_to_another_suggestions_assignment_is_refused(
    client, staff, assigned, session, other_delegate, other_office
):
    other = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=other, actor=other_delegate.user)
    actions.suggestion_register(suggestion=other, actor=staff)
    [foreign] = actions.suggestion_assign(suggestion=other, actor=staff, lead_office=other_office)
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[assigned.pk]),
        {
            "action": "remind",
            "remind-assignment": foreign.pk,
            "remind-message": "催办",
        },
    )
    assert response.status_code == 400
    assert not Reminder.objects.exists()


def test_setting_key_supervision_needs_a_leader(client, staff, assigned, leader):
    client.force_login(staff)
    url = reverse("staff:suggestion", args=[assigned.pk])
    response = client.post(url, {"action": "key", "key-is_key": "on"})
    assert response.status_code == 400
    assert "须指定领衔督办领导" in response.content.decode()
    response = client.post(url, {"action": "key", "key-is_key": "on", "key-leader": leader.pk})
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.is_key and assigned.leader == leader


def test_staff_record_a_written_withdrawal(client, staff, assigned):
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[assigned.pk]), {"action": "withdraw", "withdraw-reason": "代表书面申请撤回"}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == S.WITHDRAWN
    assert set(assigned.assignments.values_list("status", flat=True)) == {"withdrawn"}


def test_staff_close_a_replied_suggestion(client, staff, replied):
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[replied.suggestion_id]), {"action": "close", "close-note": "评价期已过"}
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=replied.suggestion_id).status == S.CLOSED


def test_an_action_that_no_longer_fits_the_status_is_explained(client, staff, assigned):
    client.force_login(staff)
    response = client.post(
        reverse("staff:suggestion", args=[assigned.pk]), {"action": "register", "register-number": "3"}, follow=True
    )
    assert "不能进行此操作" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.status == S.ASSIGNED and assigned.number != 3
    assert not AuditLog.objects.filter(suggestion=assigned, action="register", data__number=3).exists()


def test_drafts_are_not_shown_to_staff(client, staff, draft):
    client.force_login(staff)
    assert client.get(reverse("staff:suggestion", args=[draft.pk])).status_code == 404


def test_the_leader_home_shows_progress_and_holds_a_fixed_query_count(
    client, staff, leader, session, delegate, office, co_office
):
    def make(n):
        for _ in range(n):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(
                suggestion=suggestion,
                actor=staff,
                lead_office=office,
                co_offices=[co_office],
                is_key=True,
                leader=leader,
            )

    client.force_login(leader.user)
    make(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:leader_home"))
    make(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:leader_home"))
    rows = response.context["key_suggestions"]
    assert len(rows) == 12
    assert rows[0].answering_count == 1 and rows[0].replied_count == 0 and rows[0].next_due is not None
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_shared_parts_are_cached_until_the_next_audit_row_of_the_suggestion(
    client, staff, clerk, assigned, lead_assignment
):
    """Assignments, co-signers, timeline and attachments are cached per suggestion and audit version."""
    url = reverse("staff:suggestion", args=[assigned.pk])
    client.force_login(staff)
    client.get(url)  # fills the cache
    with CaptureQueriesContext(connection) as cached:
        response = client.get(url)
    assert not [q for q in cached.captured_queries if "suggestions_auditlog" in q["sql"] and "FROM" in q["sql"][:40]]
    assert response.context["assignments"][0].status == "pending"
    from django.contrib.auth.hashers import identify_hasher
    from django.core.cache import cache

    hasher = identify_hasher(staff.password).algorithm  # nothing secret goes into the cache
    assert not [v for v in cache._cache.values() if f"{hasher}$".encode() in v]
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)  # writes an audit row
    response = client.get(url)
    statuses = {a.pk: a.status for a in response.context["assignments"]}
    assert statuses[lead_assignment.pk] == "signed"
    timeline_actions = [item["action"] for item in response.context["timeline"]]
    assert len(timeline_actions) == AuditLog.objects.filter(suggestion=assigned).count()


def test_the_detail_page_works_with_the_cache_down(client, staff, assigned, settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    try:
        client.force_login(staff)
        assert client.get(reverse("suggestions:detail", args=[assigned.pk])).status_code == 200
    finally:
        caches["default"].close()


def test_submitted_replies_are_cached_and_a_draft_is_shown_only_to_its_office(
    client, staff, clerk, co_clerk, replied, assigned, lead_assignment
):
    """Submitted replies and their ratings come from the cache until the next audit row of the
    suggestion; a draft is read fresh, and only the office writing it sees it."""
    url = reverse("suggestions:detail", args=[assigned.pk])
    client.force_login(staff)
    client.get(url)  # fills the cache
    with CaptureQueriesContext(connection) as cached:
        page = client.get(url).content.decode()
    assert "已解决。" in page
    assert not [q for q in cached.captured_queries if 'FROM "suggestions_reply"' in q["sql"]]

    # 不满意 writes an audit row: the page shows the rating at once, and the office re-handles.
    delegate = assigned.lead_delegate
    actions.rating_submit(reply=replied, actor=delegate.user, value="unsatisfied", comment="问题没有解决")
    assert "问题没有解决" in client.get(url).content.decode()

    actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="第二轮答复草稿")  # no audit row
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "第二轮答复草稿" in page and "草稿，未提交" in page
    assert page.index("已解决。") < page.index("第二轮答复草稿")  # after the submitted replies
    for other in (staff, co_clerk, delegate.user):
        client.force_login(other)
        response = client.get(url)
        assert response.status_code == 200
        assert "第二轮答复草稿" not in response.content.decode()


def test_the_co_office_is_shown_with_its_opinion_deadline_not_the_lead_reply_deadline(
    client, staff, assigned, co_assignment, lead_assignment
):
    co_assignment.refresh_from_db()
    client.force_login(staff)
    content = client.get(reverse("staff:suggestion", args=[assigned.pk])).content.decode()
    row = content[content.index(co_assignment.office.name) :].split("</tr>")[0]
    assert f"{co_assignment.opinion_due:%Y-%m-%d}" in row and "协办意见期限" in row
    assert f"{co_assignment.due_date:%Y-%m-%d}" not in row
