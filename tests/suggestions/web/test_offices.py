"""Office clerks' pages: the inbox, the assignment page and every action on it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    ContactRecord,
    FollowUp,
    OfficeMember,
    Opinion,
    Reply,
    Suggestion,
)
from suggestions.reporting import worklists
from suggestions.workdays import work_calendar
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def url(name, assignment):
    return reverse(f"offices:{name}", args=[assignment.pk])


def login(client, user):
    client.force_login(user)
    return client


def assign_new(staff, office, *, co_offices=(), session=None, delegate=None, is_key=False, leader=None, title=None):
    """A fresh registered suggestion assigned to ``office`` (lead)."""
    delegate = delegate or factories.DelegateFactory()
    suggestion = factories.SuggestionFactory(
        session=session or factories.SessionFactory(),
        lead_delegate=delegate,
        **({"title": title} if title else {}),
    )
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(
        suggestion=suggestion,
        actor=staff,
        lead_office=office,
        co_offices=list(co_offices),
        is_key=is_key or None,
        leader=leader,
    )
    suggestion.refresh_from_db()
    return suggestion.assignments.get(office=office)


def contact(assignment, clerk, **kwargs):
    data = {
        "method": "visit",
        "date": timezone.localdate(),
        "participants": "王秀英代表、经办人",
        "summary": "上门沟通，商定年内完成改造。",
        "delegate_invited": True,
    }
    data.update(kwargs)
    return actions.contact_record(assignment=assignment, actor=clerk, **data)


# --------------------------------------------------------------------------- inbox


def test_the_inbox_lists_only_the_clerks_own_offices_assignments(
    client, lead_assignment, co_assignment, clerk, other_clerk, staff, other_office
):
    other = assign_new(staff, other_office, title="关于修缮某某桥梁的建议")
    response = login(client, clerk).get(reverse("offices:inbox"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [a.pk for a in rows] == [lead_assignment.pk]
    assert other.suggestion.title not in response.content.decode()
    response = login(client, other_clerk).get(reverse("offices:inbox"))
    assert [a.pk for a in response.context["rows"]] == [other.pk]
    assert lead_assignment.suggestion.title not in response.content.decode()


def test_the_inbox_groups_assignments_by_what_the_office_must_do(
    client, lead_assignment, co_assignment, clerk, co_clerk
):
    def group_of(user, assignment):
        rows = login(client, user).get(reverse("offices:inbox")).context["rows"]
        return {a.pk: a.group for a in rows}[assignment.pk]

    assert group_of(clerk, lead_assignment) == "sign"
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    assert group_of(clerk, lead_assignment) == "waiting"  # the co-office's opinion is still due
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    assert group_of(co_clerk, co_assignment) == "handling"
    actions.opinion_send(assignment=co_assignment, actor=co_clerk, text="同意主办单位意见。")
    assert group_of(co_clerk, co_assignment) == "replied"
    assert group_of(clerk, lead_assignment) == "handling"
    carry_to_reply(lead_assignment.suggestion, lead_assignment, clerk, code="B")
    assert group_of(clerk, lead_assignment) == "followup"


def test_the_inbox_tab_shows_one_group_and_counts_every_group(client, lead_assignment, staff, office, clerk):
    assign_new(staff, office)
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    response = login(client, clerk).get(reverse("offices:inbox"), {"group": "sign"})
    assert len(response.context["rows"]) == 1
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts[""] == 2 and counts["sign"] == 1 and counts["waiting"] == 1


def test_the_inbox_shows_working_days_left_and_urgency(client, staff, office, clerk):
    today = timezone.localdate()
    cal = work_calendar()
    late = assign_new(staff, office)
    soon = assign_new(staff, office)
    fine = assign_new(staff, office)
    late_due = today - datetime.timedelta(days=7)
    Assignment.objects.filter(pk=late.pk).update(due_date=late_due)
    Assignment.objects.filter(pk=soon.pk).update(due_date=cal.add_workdays(today, 3))
    worklists.refresh([late.suggestion_id, soon.suggestion_id])  # deadlines set around the actions
    response = login(client, clerk).get(reverse("offices:inbox"))
    rows = {a.pk: a for a in response.context["rows"]}
    late_days = -cal.workdays_between(today, late_due)  # a week back: 4 or 5 working days, by weekday and holidays
    assert rows[late.pk].urgency == "overdue" and rows[late.pk].overdue_days == late_days >= 3
    assert rows[soon.pk].urgency == "soon" and rows[soon.pk].days_left == 3
    assert rows[fine.pk].urgency == "ok"
    html = response.content.decode()
    assert "urgency-overdue" in html and "urgency-soon" in html and "urgency-ok" in html
    assert f"逾期{late_days}个工作日" in html and "剩3个工作日" in html
    assert response.context["stats"]["overdue"] == 1
    assert response.context["stats"]["soon"] == 1
    assert [a.pk for a in response.context["rows"]][0] == late.pk  # the most urgent first


def test_the_inbox_filters_by_role_overdue_key_mine_and_search(client, staff, office, co_office, clerk, leader):
    clerk2 = factories.OfficeMemberFactory(office=office).user
    lead = assign_new(staff, office, title="关于增设公交站台的建议")
    key = assign_new(staff, office, is_key=True, leader=leader, title="关于老旧小区改造的建议")
    co = assign_new(staff, co_office, co_offices=[office], title="关于河道治理的建议")
    co = co.suggestion.assignments.get(office=office)
    Assignment.objects.filter(pk=lead.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    actions.assignment_sign(assignment=key, actor=clerk2)
    login(client, clerk)

    def pks(**params):
        return {a.pk for a in client.get(reverse("offices:inbox"), params).context["rows"]}

    assert pks() == {lead.pk, key.pk, co.pk}
    assert pks(role="co") == {co.pk}
    assert pks(overdue="on") == {lead.pk}
    assert pks(key="on") == {key.pk}
    assert pks(q="公交") == {lead.pk}
    assert pks(q=str(key.suggestion.number)) >= {key.pk}
    login(client, clerk2)
    assert pks(mine="on") == {key.pk}
    assert pks(role="nonsense") == {lead.pk, key.pk, co.pk}  # a bad filter value never hides the list


def test_the_inbox_query_count_does_not_grow_with_rows(client, staff, office, clerk, django_assert_num_queries):
    assign_new(staff, office)
    assign_new(staff, office)
    login(client, clerk)
    client.get(reverse("offices:inbox"))  # warm up sessions, content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        response = client.get(reverse("offices:inbox"))
    assert len(response.context["rows"]) == 2
    for _ in range(10):
        assign_new(staff, office)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(reverse("offices:inbox"))
    assert len(response.context["rows"]) == 12
    assert len(two.captured_queries) <= 12 + 2  # and the two statements of the request's congress scope (rowscope)


def test_the_inbox_needs_an_office_account(client, delegate, staff):
    assert login(client, delegate.user).get(reverse("offices:inbox")).status_code == 403
    client.logout()
    assert client.get(reverse("offices:inbox")).status_code == 302


# --------------------------------------------------------------------------- refusals: another office


@pytest.mark.parametrize(
    "name,data",
    [
        ("assignment", None),
        ("letter", None),
        ("sign", {}),
        ("request_return", {"ret-reason": "不属于本单位职责"}),
        (
            "contact",
            {
                "contact-method": "phone",
                "contact-date": "2026-01-10",
                "contact-participants": "某",
                "contact-summary": "某",
            },
        ),
        ("opinion", {"op-text": "意见"}),
        ("reply", {"reply-text": "答复", "action": "draft"}),
        ("extension", {"ext-until": "2027-12-01", "ext-reason": "需要时间"}),
        ("followup", {"fu-text": "进展"}),
        ("handler", {"h-handler": "1"}),
    ],
)
def test_a_clerk_of_another_office_gets_404_for_every_page_and_action(
    client, lead_assignment, co_assignment, other_clerk, name, data
):
    login(client, other_clerk)
    for assignment in (lead_assignment, co_assignment):
        response = client.get(url(name, assignment)) if data is None else client.post(url(name, assignment), data)
        assert response.status_code == 404
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.PENDING
    assert not ContactRecord.objects.exists() and not Opinion.objects.exists() and not Reply.objects.exists()
    assert not AssignmentRequest.objects.exists()


def test_a_co_office_cannot_open_the_lead_offices_assignment_or_see_its_draft(
    client, lead_assignment, co_assignment, clerk, co_clerk
):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="秘密的答复草稿内容")
    login(client, co_clerk)
    assert client.get(url("assignment", lead_assignment)).status_code == 404
    assert client.get(url("letter", lead_assignment)).status_code == 404
    page = client.get(url("assignment", co_assignment)).content.decode()
    assert "秘密的答复草稿内容" not in page


def test_a_separate_office_does_not_see_another_offices_opinions_or_drafts(
    client, staff, office, other_office, clerk, other_clerk
):
    suggestion = factories.SuggestionFactory(session=factories.SessionFactory())
    actions.suggestion_submit(suggestion=suggestion, actor=suggestion.lead_delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    mine, theirs = actions.suggestion_assign(
        suggestion=suggestion, actor=staff, separate_offices=[office, other_office]
    )
    actions.assignment_sign(assignment=theirs, actor=other_clerk)
    actions.reply_save_draft(assignment=theirs, actor=other_clerk, text="交通局的草稿")
    page = login(client, clerk).get(url("assignment", mine)).content.decode()
    assert "交通局的草稿" not in page
    assert client.get(url("assignment", theirs)).status_code == 404


# --------------------------------------------------------------------------- sign and return


def test_signing_moves_the_assignment_into_handling(client, lead_assignment, clerk):
    response = login(client, clerk).post(url("sign", lead_assignment))
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.SIGNED and lead_assignment.handler == clerk


def test_a_return_request_carries_the_reason_and_the_suggested_office(client, lead_assignment, clerk, other_office):
    response = login(client, clerk).post(
        url("request_return", lead_assignment),
        {"ret-reason": "属于交通部门职责", "ret-suggested_office": other_office.pk},
    )
    assert response.status_code == 302
    request = AssignmentRequest.objects.get()
    assert request.reason == "属于交通部门职责" and request.suggested_office == other_office
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.RETURN_REQUESTED


def test_a_return_request_without_a_reason_keeps_the_form_and_says_why(client, lead_assignment, clerk):
    response = login(client, clerk).post(url("request_return", lead_assignment), {"ret-reason": ""})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"]
    assert not AssignmentRequest.objects.exists()


def test_a_return_request_after_the_window_is_refused_with_a_message(client, lead_assignment, clerk):
    Assignment.objects.filter(pk=lead_assignment.pk).update(return_by=timezone.localdate() - datetime.timedelta(1))
    response = login(client, clerk).post(url("request_return", lead_assignment), {"ret-reason": "不属于本单位"})
    assert response.status_code == 200
    assert "已超过申请退回期限" in response.content.decode()
    assert not AssignmentRequest.objects.exists()


# --------------------------------------------------------------------------- contacts


def test_recording_a_contact_keeps_what_was_agreed(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    response = login(client, clerk).post(
        url("contact", lead_assignment),
        {
            "contact-method": "meeting",
            "contact-date": timezone.localdate().isoformat(),
            "contact-participants": "代表、副局长",
            "contact-summary": "商定明年一季度开工。",
            "contact-delegate_invited": "on",
        },
    )
    assert response.status_code == 302
    record = ContactRecord.objects.get()
    assert record.method == "meeting" and record.delegate_invited and "开工" in record.summary


def test_a_contact_dated_in_the_future_is_refused_beside_the_form(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(client, clerk).post(
        url("contact", lead_assignment),
        {
            "contact-method": "phone",
            "contact-date": tomorrow.isoformat(),
            "contact-participants": "代表",
            "contact-summary": "电话沟通",
        },
    )
    assert response.status_code == 200
    assert "沟通日期不能晚于今天" in response.content.decode()
    assert "电话沟通" in response.content.decode()  # what the clerk typed is kept
    assert not ContactRecord.objects.exists()


def test_a_key_suggestion_page_says_the_delegate_must_be_invited(client, staff, office, clerk, leader):
    assignment = assign_new(staff, office, is_key=True, leader=leader)
    page = login(client, clerk).get(url("assignment", assignment)).content.decode()
    assert "须邀请代表" in page


# --------------------------------------------------------------------------- opinions


def test_a_co_office_sends_its_opinion_and_the_lead_office_sees_it(
    client, lead_assignment, co_assignment, clerk, co_clerk
):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    response = login(client, co_clerk).post(
        url("opinion", co_assignment), {"op-text": "建议由财政安排专项资金。", "op-file": pdf("意见.pdf")}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.attachment is not None
    co_assignment.refresh_from_db()
    assert co_assignment.status == Assignment.Status.OPINION_SENT
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    page = login(client, clerk).get(url("assignment", lead_assignment)).content.decode()
    assert "建议由财政安排专项资金。" in page and "区财政局" in page


def test_the_lead_office_cannot_send_a_co_handling_opinion(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    response = login(client, clerk).post(url("opinion", lead_assignment), {"op-text": "意见"})
    assert response.status_code == 200
    assert "只有协办单位需要提交协办意见" in response.content.decode()


# --------------------------------------------------------------------------- replies


def test_the_reply_form_says_why_it_cannot_be_submitted_yet(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    page = login(client, clerk).get(url("assignment", lead_assignment)).content.decode()
    assert "答复前须与代表沟通联系" in page
    response = client.post(
        url("reply", lead_assignment),
        {
            "reply-text": "经研究，已列入明年计划。",
            "reply-result_class": factories.result_class("B").pk,
            "reply-signed_off_by": "张局长",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert "草稿已保存，但还不能提交" in response.content.decode()
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.DRAFT and reply.text == "经研究，已列入明年计划。"


def test_a_draft_with_a_signed_letter_is_saved_and_then_submitted(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    contact(lead_assignment, clerk)
    login(client, clerk)
    response = client.post(
        url("reply", lead_assignment),
        {
            "reply-text": "已完成改造。",
            "reply-result_class": factories.result_class("A").pk,
            "reply-signed_off_by": "张局长",
            "reply-letter": pdf(),
            "action": "draft",
        },
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.attachment.content_type == "application/pdf"
    response = client.post(
        url("reply", lead_assignment),
        {
            "reply-text": "已完成改造。",
            "reply-result_class": factories.result_class("A").pk,
            "reply-signed_off_by": "张局长",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SUBMITTED and reply.attachment is not None
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.REPLIED


def test_a_reply_letter_that_is_not_pdf_or_image_is_refused_beside_the_field(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    doc = SimpleUploadedFile("答复.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 40)
    response = login(client, clerk).post(
        url("reply", lead_assignment),
        {
            "reply-text": "答复内容保留",
            "reply-letter": doc,
            "action": "draft",
        },
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors["letter"]
    assert "答复内容保留" in response.content.decode()
    assert not Reply.objects.exists()


def test_a_co_office_has_no_reply_form(client, co_assignment, co_clerk):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    response = login(client, co_clerk).get(url("assignment", co_assignment))
    assert not response.context["can_reply"]
    assert reverse("offices:reply", args=[co_assignment.pk]) not in response.content.decode()


@pytest.fixture
def joint(staff, office, clerk):
    """A suggestion by 王秀英 with 陈志强 as confirmed co-signer, assigned to ``office``."""
    session = factories.SessionFactory()
    wang = factories.DelegateFactory(name="王秀英", term=session.term)
    chen = factories.DelegateFactory(name="陈志强", term=session.term)
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=wang, title="关于加快老旧小区改造的建议")
    cosigner = actions.cosigner_invite(suggestion=suggestion, actor=wang.user, delegates=[chen])[0]
    actions.cosigner_respond(cosigner=cosigner, actor=chen.user, accept=True)
    actions.suggestion_submit(suggestion=suggestion, actor=wang.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    suggestion.refresh_from_db()
    return suggestion.assignments.get()


def test_the_reply_is_addressed_to_every_delegate_of_a_joint_suggestion(client, joint, clerk):
    actions.assignment_sign(assignment=joint, actor=clerk)
    page = login(client, clerk).get(url("assignment", joint)).content.decode()
    assert "王秀英代表、陈志强代表：" in page


def test_the_printable_letter_has_the_standard_form(client, joint, clerk):
    actions.assignment_sign(assignment=joint, actor=clerk)
    OfficeMember.objects.filter(user=clerk).update(phone="0851-83851234")
    actions.reply_save_draft(
        assignment=joint,
        actor=clerk,
        text="第一段。\n第二段。",
        result_class=factories.result_class("A"),
        signed_off_by="张局长",
    )
    response = login(client, clerk).get(url("letter", joint))
    html = response.content.decode()
    number = joint.suggestion.number
    assert f"关于《关于加快老旧小区改造的建议》（第{number}号）的答复" in html
    assert f"第{number}号建议的答复" in html
    assert "王秀英代表、陈志强代表：" in html
    assert 'class="reply-letter"' in html and "data-print" in html
    assert "签发人：张局长" in html and "区住房和城乡建设局" in html and "（盖章）" in html
    assert "<p>第一段。</p>" in html and "0851-83851234" in html


def test_the_letter_without_a_draft_sends_the_clerk_back_to_write_one(client, lead_assignment, clerk):
    response = login(client, clerk).get(url("letter", lead_assignment))
    assert response.status_code == 302


def test_the_lead_delegates_phone_is_shown_masked_to_the_assigned_office_with_a_reveal_button(
    client, lead_assignment, clerk
):
    phone = lead_assignment.suggestion.lead_delegate.contact.phone
    page = login(client, clerk).get(url("assignment", lead_assignment)).content.decode()
    assert phone not in page and f"{phone[:3]}****{phone[-4:]}" in page  # issue 20: masked
    assert 'id="reveal-phone"' in page  # revealing it is an audited action (tests/security/test_masking.py)


# --------------------------------------------------------------------------- extension


def test_an_extension_request_is_sent_before_the_due_date(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    until = lead_assignment.due_date + datetime.timedelta(days=30)
    response = login(client, clerk).post(
        url("extension", lead_assignment), {"ext-until": until.isoformat(), "ext-reason": "需协调资金。"}
    )
    assert response.status_code == 302
    request = AssignmentRequest.objects.get(kind=AssignmentRequest.Kind.EXTENSION)
    assert request.requested_until == until
    page = client.get(url("assignment", lead_assignment))
    assert page.context["pending_extension"] and not page.context["can_extend"]


def test_an_extension_beyond_the_limit_is_refused_with_the_limit(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    until = lead_assignment.due_date + datetime.timedelta(days=400)
    response = login(client, clerk).post(
        url("extension", lead_assignment), {"ext-until": until.isoformat(), "ext-reason": "需协调资金。"}
    )
    assert response.status_code == 200
    assert "延期最长至" in response.content.decode()
    assert not AssignmentRequest.objects.exists()


# --------------------------------------------------------------------------- re-handling and follow-up


def test_an_unsatisfied_rating_arrives_as_a_new_round_with_the_comment_on_top(client, replied, clerk, delegate):
    actions.rating_submit(reply=replied, actor=delegate.user, value="unsatisfied", comment="路灯仍未修好。")
    assignment = replied.assignment
    response = login(client, clerk).get(url("assignment", assignment))
    html = response.content.decode()
    assert "路灯仍未修好。" in html and "rehandling-notice" in html
    assert html.index("rehandling-notice") < html.index('id="h-body"')
    assert response.context["can_reply"]
    rows = client.get(reverse("offices:inbox"), {"group": "rehandling"}).context["rows"]
    assert [a.pk for a in rows] == [assignment.pk]


def test_a_b_class_reply_gets_progress_updates_until_reported_solved(client, assigned, lead_assignment, clerk):
    carry_to_reply(assigned, lead_assignment, clerk, code="B")
    login(client, clerk)
    assert client.get(url("assignment", lead_assignment)).context["follow_up_reply"] is not None
    response = client.post(url("followup", lead_assignment), {"fu-text": "资金已到位，正在施工。"})
    assert response.status_code == 302
    response = client.post(url("followup", lead_assignment), {"fu-text": "已完工。", "fu-solved": "on"})
    assert response.status_code == 302
    assert list(FollowUp.objects.values_list("status", flat=True)) == ["progress", "solved_claimed"]
    assert client.get(url("assignment", lead_assignment)).context["follow_up_reply"] is None


# --------------------------------------------------------------------------- office head


def test_an_office_head_reassigns_an_assignment_to_another_clerk(client, lead_assignment, office, clerk):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    login(client, head)
    response = client.get(url("assignment", lead_assignment))
    assert response.context["is_head"]
    response = client.post(url("handler", lead_assignment), {"h-handler": head.pk})
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    assert lead_assignment.handler == head


def test_a_clerk_cannot_reassign_and_sees_no_reassign_form(client, lead_assignment, office, clerk):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    login(client, clerk)
    assert (
        reverse("offices:handler", args=[lead_assignment.pk])
        not in client.get(url("assignment", lead_assignment)).content.decode()
    )
    response = client.post(url("handler", lead_assignment), {"h-handler": head.pk})
    assert response.status_code == 200
    assert "只有单位负责人可以调整经办人" in response.content.decode()


def test_a_head_cannot_hand_work_to_someone_outside_the_office(client, lead_assignment, office, other_clerk):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    response = login(client, head).post(url("handler", lead_assignment), {"h-handler": other_clerk.pk})
    assert response.status_code == 200
    assert response.context["handler_form"].errors["handler"]


def test_hostile_text_is_shown_as_text(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    contact(lead_assignment, clerk, summary="<script>alert(1)</script>")
    html = login(client, clerk).get(url("assignment", lead_assignment)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_suggestion_status_is_not_touched_by_the_views(lead_assignment):
    # Guard: the page module never sets status itself (everything goes through services).
    import inspect
    import re

    from suggestions.web import offices

    assert not re.search(r"\.status\s*=[^=]", inspect.getsource(offices))
    assert Suggestion.objects.get(pk=lead_assignment.suggestion_id).status == Suggestion.Status.ASSIGNED


def test_a_draft_reply_letter_downloads_for_its_office_only(client, lead_assignment, co_assignment, clerk, co_clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    login(client, clerk).post(
        url("reply", lead_assignment), {"reply-text": "草稿", "reply-letter": pdf(), "action": "draft"}
    )
    letter = Reply.objects.get().attachment
    assert client.get(reverse("suggestions:attachment", args=[letter.pk])).status_code == 200
    assert login(client, co_clerk).get(reverse("suggestions:attachment", args=[letter.pk])).status_code == 404
    page = client.get(url("assignment", co_assignment)).content.decode()
    assert reverse("suggestions:attachment", args=[letter.pk]) not in page


def test_a_co_offices_clock_is_its_opinion_deadline(client, co_assignment, co_clerk):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    Assignment.objects.filter(pk=co_assignment.pk).update(opinion_due=timezone.localdate() - datetime.timedelta(7))
    row = login(client, co_clerk).get(reverse("offices:inbox")).context["rows"][0]
    assert row.deadline == timezone.localdate() - datetime.timedelta(7) and row.urgency == "overdue"
    page = client.get(url("assignment", co_assignment)).content.decode()
    assert "已超过协办意见期限" in page


# --------------------------------------------------------------------------- issue 14: rules the pages ask


def test_the_reply_checklist_asks_for_the_signed_letter_until_it_is_uploaded(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    contact(lead_assignment, clerk)
    login(client, clerk)
    response = client.post(
        url("reply", lead_assignment),
        {
            "reply-text": "已完成改造。",
            "reply-result_class": factories.result_class("A").pk,
            "reply-signed_off_by": "张局长",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert "草稿已保存，但还不能提交" in response.content.decode()
    assert Reply.objects.get().status == Reply.Status.DRAFT
    page = client.get(url("assignment", lead_assignment))
    assert "请上传已签发盖章的答复函（PDF或图片）。" in page.context["reply_missing"]
    assert "请上传已签发盖章的答复函" in page.content.decode()
    client.post(url("reply", lead_assignment), {"reply-text": "已完成改造。", "reply-letter": pdf(), "action": "draft"})
    assert client.get(url("assignment", lead_assignment)).context["reply_missing"] == []


def test_a_reply_sent_without_a_letter_can_have_it_added_afterwards(client, session, lead_assignment, clerk):
    policy = actions.policy_for(session)
    policy.reply_letter_required = False
    policy.save()
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    contact(lead_assignment, clerk)
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
    )
    actions.reply_submit(reply=reply, actor=clerk)
    page = login(client, clerk).get(url("assignment", lead_assignment))
    assert page.context["letter_missing_reply"] == reply
    assert url("letter_upload", lead_assignment) in page.content.decode()
    response = client.post(url("letter_upload", lead_assignment), {"letter-letter": pdf("盖章答复函.pdf")})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.attachment.original_name == "盖章答复函.pdf"
    page = client.get(url("assignment", lead_assignment))
    assert page.context["letter_missing_reply"] is None
    assert url("letter_upload", lead_assignment) not in page.content.decode()
    with pytest.raises(actions.TransitionNotAllowed):
        actions.reply_attach_letter(reply=reply, actor=clerk, attachment=reply.attachment)


def test_a_co_office_posting_an_extension_request_is_refused(client, co_assignment, co_clerk):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    co_assignment.refresh_from_db()
    response = login(client, co_clerk).post(
        url("extension", co_assignment),
        {"ext-until": (co_assignment.due_date + datetime.timedelta(days=10)).isoformat(), "ext-reason": "需要时间"},
    )
    assert response.status_code == 200
    assert "协办单位不直接答复代表，不能申请延期" in response.content.decode()
    assert not AssignmentRequest.objects.exists()


def test_a_contact_dated_before_the_assignment_is_refused_with_a_message_on_the_form(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    response = login(client, clerk).post(
        url("contact", lead_assignment),
        {
            "contact-method": "phone",
            "contact-date": "0001-01-01",
            "contact-participants": "代表",
            "contact-summary": "电话沟通",
        },
    )
    assert response.status_code == 200
    assert "沟通日期不能早于交办日期" in response.content.decode()
    assert not ContactRecord.objects.exists()


def test_the_delegate_invited_box_is_never_pre_ticked_on_a_key_suggestion(client, staff, office, clerk, leader):
    assignment = assign_new(staff, office, is_key=True, leader=leader)
    actions.assignment_sign(assignment=assignment, actor=clerk)
    response = login(client, clerk).get(url("assignment", assignment))
    form = response.context["contact_form"]
    assert not form["delegate_invited"].value()
    box = response.content.decode().split('name="contact-delegate_invited"')[1].split(">")[0]
    assert "checked" not in box


def test_the_co_office_page_shows_no_lead_only_prompts(client, staff, assigned, co_assignment, co_clerk, leader):
    actions.suggestion_set_key(suggestion=assigned, actor=staff, is_key=True, leader=leader)
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    response = login(client, co_clerk).get(url("assignment", co_assignment))
    page = response.content.decode()
    assert "答复前须与代表沟通" not in page
    assert "重点督办建议须邀请代表" not in page
    assert "请上传已签发盖章的答复函" not in page
    assert "reply_missing" not in response.context
    assert '<details class="action-details stack" open>' not in page.split('id="contacts"')[1].split("</section>")[0]


def test_the_date_pickers_offer_only_the_dates_the_service_accepts(client, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    lead_assignment.refresh_from_db()
    page = login(client, clerk).get(url("assignment", lead_assignment)).content.decode()
    contact_date = page.split('name="contact-date"')[1].split(">")[0]
    today = timezone.localdate().isoformat()
    assert f'max="{today}"' in contact_date
    assert f'min="{timezone.localdate(lead_assignment.assigned_at).isoformat()}"' in contact_date
    until = page.split('name="ext-until"')[1].split(">")[0]
    limit = actions.extension_limit(assignment=lead_assignment)
    assert f'max="{limit.isoformat()}"' in until
    assert f'min="{(lead_assignment.effective_due + datetime.timedelta(days=1)).isoformat()}"' in until
