"""The whole lifecycle through the service layer: every step, every refusal, one audit row per transition."""

import datetime

import pytest
from django.utils import timezone

from suggestions import actions, policy
from suggestions.actions import drafting, office, replies
from suggestions.models import (
    Assignment,
    AssignmentRequest,
    Attachment,
    AuditLog,
    CoSigner,
    FollowUp,
    HandlingRound,
    Notification,
    Rating,
    Reply,
    Suggestion,
)
from suggestions.workdays import work_calendar
from tests import factories
from tests.conftest import carry_to_reply, publish

S = Suggestion.Status
A = Assignment.Status


def audit_actions(suggestion):
    return list(AuditLog.objects.filter(suggestion=suggestion).order_by("id").values_list("action", flat=True))


# ------------------------------------------------------------------ the happy path


def test_full_lifecycle_from_draft_to_published_with_an_audit_row_per_step(
    session, delegate, other_delegate, staff, office, co_office, clerk, co_clerk
):
    s = actions.suggestion_save_draft(
        actor=delegate.user,
        title="关于老旧小区改造的建议",
        body="内容",
        category=factories.CategoryFactory(),
        session=session,
    )
    assert s.status == S.DRAFT and s.lead_delegate == delegate
    actions.cosigner_invite(suggestion=s, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=s.cosigners.get(), actor=other_delegate.user, accept=True)
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_return(suggestion=s, actor=staff, reason="请补充具体地点。")
    s.refresh_from_db()
    assert s.status == S.RETURNED and s.status_reason == "请补充具体地点。"
    actions.suggestion_save_draft(
        actor=delegate.user, suggestion=s, title=s.title, body="补充：9855厂家属区。", category=s.category
    )
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    s.refresh_from_db()
    assert s.number == 1 and s.status == S.REGISTERED
    lead, co = actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    actions.assignment_sign(assignment=lead, actor=clerk)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    s.refresh_from_db()
    assert s.status == S.HANDLING
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意安排资金。")
    actions.contact_record(
        assignment=lead,
        actor=clerk,
        method="site",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="现场察看。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=lead,
        actor=clerk,
        text="已列入改造计划并完工。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(lead, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    s.refresh_from_db()
    assert s.status == S.REPLIED and s.first_replied_at
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED)
    s.refresh_from_db()
    assert s.status == S.REPLIED  # the co-signer has not rated yet
    actions.rating_submit(reply=reply, actor=other_delegate.user, value=Rating.Value.BASIC, comment="")
    s.refresh_from_db()
    assert s.status == S.CLOSED and s.closed_at
    publish(reply, staff, public_text="已列入改造计划并完工。")
    s.refresh_from_db()
    assert s.is_published and s.published_at

    transitions = (
        AuditLog.objects.filter(suggestion=s, assignment__isnull=True)
        .exclude(from_status="")
        .exclude(action__startswith="cosigner")
    )
    assert [(a.from_status, a.to_status) for a in transitions if a.from_status != a.to_status] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "registered"),
        ("registered", "assigned"),
        ("assigned", "handling"),
        ("handling", "replied"),
        ("replied", "closed"),
    ]
    assert {
        "create",
        "cosigner_invite",
        "cosigner_respond",
        "assign",
        "sign",
        "opinion",
        "contact",
        "reply",
        "rate",
        "publish",
    } <= set(audit_actions(s))


# ------------------------------------------------------------------ refusals: transitions


@pytest.mark.parametrize(
    "step",
    ["register", "return", "reject", "assign"],
)
def test_a_draft_cannot_be_reviewed_or_assigned(draft, staff, office, step):
    calls = {
        "register": lambda: actions.suggestion_register(suggestion=draft, actor=staff),
        "return": lambda: actions.suggestion_return(suggestion=draft, actor=staff, reason="x"),
        "reject": lambda: actions.suggestion_reject(suggestion=draft, actor=staff, reason="x"),
        "assign": lambda: actions.suggestion_assign(suggestion=draft, actor=staff, lead_office=office),
    }
    with pytest.raises(actions.TransitionNotAllowed) as error:
        calls[step]()
    assert "当前状态为“草稿”" in error.value.message
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submitting_twice_is_refused_with_a_chinese_message(submitted, delegate):
    with pytest.raises(actions.TransitionNotAllowed) as error:
        actions.suggestion_submit(suggestion=submitted, actor=delegate.user)
    assert "已提交待审查" in error.value.message


def test_a_submitted_suggestion_cannot_be_assigned_before_registration(submitted, staff, office):
    with pytest.raises(actions.TransitionNotAllowed):
        actions.suggestion_assign(suggestion=submitted, actor=staff, lead_office=office)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("status_fixture", ["registered", "assigned"])
def test_terminal_states_accept_nothing(request, status_fixture, staff, delegate):
    s = request.getfixturevalue(status_fixture)
    actions.suggestion_withdraw(suggestion=s, actor=delegate.user, reason="已通过其他渠道解决。")
    for call in (
        lambda: actions.suggestion_submit(suggestion=s, actor=delegate.user),
        lambda: actions.suggestion_register(suggestion=s, actor=staff),
        lambda: actions.suggestion_withdraw(suggestion=s, actor=delegate.user, reason="again"),
        lambda: actions.suggestion_close(suggestion=s, actor=staff),
    ):
        with pytest.raises(actions.TransitionNotAllowed):
            call()


def test_withdrawing_an_assigned_suggestion_withdraws_its_assignments(assigned, delegate):
    actions.suggestion_withdraw(suggestion=assigned, actor=delegate.user, reason="问题已解决。")
    assert set(assigned.assignments.values_list("status", flat=True)) == {A.WITHDRAWN}


def test_not_registered_needs_a_reason_and_keeps_it(submitted, staff):
    with pytest.raises(actions.InvalidInput) as error:
        actions.suggestion_reject(suggestion=submitted, actor=staff, reason="  ")
    assert error.value.message == "请填写不予立案理由。"
    actions.suggestion_reject(suggestion=submitted, actor=staff, reason=actions.not_registered_reasons()[0])
    submitted.refresh_from_db()
    assert submitted.status == S.NOT_REGISTERED and "个人事务" in submitted.status_reason


def test_an_open_invitation_blocks_submission_until_dropped(draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    with pytest.raises(actions.TransitionNotAllowed) as error:
        actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    assert other_delegate.name in error.value.message
    actions.cosigner_drop(cosigner=draft.cosigners.get(), actor=delegate.user)
    actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    assert draft.cosigners.get().status == CoSigner.Status.DROPPED


def test_signing_twice_does_nothing_the_second_time(lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    count = AuditLog.objects.count()
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    assert AuditLog.objects.count() == count


def test_a_reply_cannot_be_submitted_before_the_delegate_was_contacted(lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复",
        result_class=factories.result_class("C"),
        signed_off_by="局长",
        attachment=factories.signed_letter(lead_assignment, clerk),
    )
    with pytest.raises(actions.InvalidInput) as error:
        actions.reply_submit(reply=reply, actor=clerk)
    assert "答复前须与代表沟通联系" in error.value.message
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == A.SIGNED


def test_a_key_suggestion_needs_the_delegate_invited_face_to_face(assigned, lead_assignment, clerk, staff, leader):
    actions.suggestion_set_key(suggestion=assigned, actor=staff, is_key=True, leader=leader)
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    actions.contact_record(
        assignment=lead_assignment,
        actor=clerk,
        method="phone",
        date=timezone.localdate(),
        participants="经办人",
        summary="电话沟通。",
    )
    lead_assignment.refresh_from_db()
    assert any("重点督办" in m for m in actions.reply_requirements(assignment=lead_assignment))
    actions.contact_record(
        assignment=lead_assignment,
        actor=clerk,
        method="meeting",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="座谈。",
        delegate_invited=True,
    )
    actions.reply_save_draft(
        assignment=lead_assignment, actor=clerk, text="答复", attachment=factories.signed_letter(lead_assignment, clerk)
    )
    assert actions.reply_requirements(assignment=lead_assignment) == []


def test_a_co_office_sends_an_opinion_and_cannot_reply(co_assignment, co_clerk):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    with pytest.raises(actions.TransitionNotAllowed):
        actions.reply_save_draft(assignment=co_assignment, actor=co_clerk, text="x")
    actions.opinion_send(assignment=co_assignment, actor=co_clerk, text="协办意见")
    co_assignment.refresh_from_db()
    assert co_assignment.status == A.OPINION_SENT
    with pytest.raises(actions.TransitionNotAllowed):
        actions.opinion_send(assignment=co_assignment, actor=co_clerk, text="again")


def test_key_suggestions_need_a_leading_leader(registered, staff, office):
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office, is_key=True)
    registered.refresh_from_db()
    assert registered.status == S.REGISTERED


def test_lead_and_separate_offices_cannot_be_mixed(registered, staff, office, other_office):
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(
            suggestion=registered, actor=staff, lead_office=office, separate_offices=[other_office]
        )
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office, co_offices=[office])


# ------------------------------------------------------------------ refusals: permission


def test_only_staff_review_and_assign(submitted, delegate, clerk, leader, office):
    for actor in (delegate.user, clerk, leader.user):
        with pytest.raises(actions.NotPermitted):
            actions.suggestion_register(suggestion=submitted, actor=actor)
        with pytest.raises(actions.NotPermitted):
            actions.suggestion_return(suggestion=submitted, actor=actor, reason="x")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_another_delegate_cannot_edit_submit_or_withdraw(draft, other_delegate):
    with pytest.raises(actions.NotPermitted):
        actions.suggestion_save_draft(
            actor=other_delegate.user, suggestion=draft, title="x", body="y", category=draft.category
        )
    with pytest.raises(actions.NotPermitted):
        actions.suggestion_submit(suggestion=draft, actor=other_delegate.user)
    with pytest.raises(actions.NotPermitted):
        actions.suggestion_withdraw(suggestion=draft, actor=other_delegate.user, reason="x")


def test_a_clerk_of_another_office_cannot_act_on_the_assignment(lead_assignment, other_clerk):
    for call in (
        lambda: actions.assignment_sign(assignment=lead_assignment, actor=other_clerk),
        lambda: actions.assignment_request_return(assignment=lead_assignment, actor=other_clerk, reason="x"),
        lambda: actions.contact_record(
            assignment=lead_assignment,
            actor=other_clerk,
            method="phone",
            date=timezone.localdate(),
            participants="x",
            summary="y",
        ),
        lambda: actions.reply_save_draft(assignment=lead_assignment, actor=other_clerk, text="x"),
        lambda: actions.extension_request(
            assignment=lead_assignment, actor=other_clerk, reason="x", until=datetime.date(2099, 1, 1)
        ),
    ):
        with pytest.raises(actions.NotPermitted) as error:
            call()
        assert "区住房和城乡建设局" in error.value.message


def test_only_the_suggestions_delegates_rate_and_only_once(replied, delegate, other_delegate, staff):
    for actor in (other_delegate.user, staff):
        with pytest.raises(actions.NotPermitted):
            actions.rating_submit(reply=replied, actor=actor, value=Rating.Value.SATISFIED)
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.SATISFIED)
    with pytest.raises(actions.TransitionNotAllowed):
        actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.SATISFIED)


# ------------------------------------------------------------------ re-handling, separate offices, follow-up


def test_unsatisfied_needs_a_comment_and_opens_a_rehandling_round(replied, delegate, clerk):
    with pytest.raises(actions.InvalidInput) as error:
        actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.UNSATISFIED)
    assert "不满意的理由" in error.value.message
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="措施不具体。")
    s = Suggestion.objects.get(pk=replied.suggestion_id)
    assert s.status == S.REHANDLING and s.current_round == 2
    round2 = HandlingRound.objects.get(suggestion=s, number=2)
    assert round2.reason == "措施不具体。" and round2.due_date > timezone.localdate()
    assignment = Assignment.objects.get(pk=replied.assignment_id)
    assert assignment.status == A.REHANDLING and assignment.due_date == round2.due_date
    # The office must contact the delegate again in this round before replying.
    assert actions.reply_requirements(assignment=assignment)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="再次上门。",
        delegate_invited=True,
    )
    second = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="新的措施。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=second, actor=clerk)
    s.refresh_from_db()
    assert s.status == S.REPLIED
    actions.rating_submit(reply=second, actor=delegate.user, value=Rating.Value.SATISFIED)
    s.refresh_from_db()
    assert s.status == S.CLOSED
    assert s.replies.count() == 2  # the earlier reply stays on record


def test_separate_handling_is_replied_when_every_office_has_answered(
    registered, staff, office, other_office, clerk, other_clerk
):
    first, second = actions.suggestion_assign(
        suggestion=registered, actor=staff, separate_offices=[office, other_office]
    )
    carry_to_reply(registered, first, clerk)
    registered.refresh_from_db()
    assert registered.status == S.HANDLING
    carry_to_reply(registered, second, other_clerk)
    registered.refresh_from_db()
    assert registered.status == S.REPLIED


def test_return_request_approved_reassigns_and_refused_restores(
    lead_assignment, clerk, staff, other_office, other_clerk
):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    request = actions.assignment_request_return(
        assignment=lead_assignment, actor=clerk, reason="不属于本单位职责。", suggested_office=other_office
    )
    actions.return_request_refuse(request=request, actor=staff, note="属于本单位职责。")
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == A.SIGNED
    request = actions.assignment_request_return(assignment=lead_assignment, actor=clerk, reason="确实不属于。")
    new = actions.return_request_approve(request=request, actor=staff, new_office=other_office)
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == A.RETURNED
    assert new.office == other_office and new.role == Assignment.Role.LEAD and new.replaces == lead_assignment
    with pytest.raises(actions.TransitionNotAllowed):
        actions.return_request_approve(request=request, actor=staff, new_office=other_office)


def test_return_requests_close_after_the_window(lead_assignment, clerk):
    lead_assignment.return_by = timezone.localdate() - datetime.timedelta(days=1)
    lead_assignment.save()
    with pytest.raises(actions.TransitionNotAllowed) as error:
        actions.assignment_request_return(assignment=lead_assignment, actor=clerk, reason="x")
    assert "已超过申请退回期限" in error.value.message


def test_extensions_are_capped_by_the_policy(lead_assignment, clerk, staff):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    limit = actions.extension_limit(assignment=lead_assignment)
    with pytest.raises(actions.InvalidInput):
        actions.extension_request(
            assignment=lead_assignment, actor=clerk, reason="x", until=limit + datetime.timedelta(days=1)
        )
    request = actions.extension_request(assignment=lead_assignment, actor=clerk, reason="需协调用地。", until=limit)
    with pytest.raises(actions.TransitionNotAllowed):
        actions.extension_request(assignment=lead_assignment, actor=clerk, reason="again", until=limit)
    actions.extension_approve(request=request, actor=staff)
    lead_assignment.refresh_from_db()
    assert lead_assignment.extended_due == limit and lead_assignment.effective_due == limit
    assert AssignmentRequest.objects.get(pk=request.pk).status == AssignmentRequest.Status.APPROVED


def test_a_b_reply_is_followed_up_until_staff_confirm_it_solved(assigned, lead_assignment, clerk, staff):
    reply = carry_to_reply(assigned, lead_assignment, clerk, code="B")
    actions.followup_post(reply=reply, actor=clerk, text="主体工程已开工。")
    claim = actions.followup_post(reply=reply, actor=clerk, text="已全部完工。", solved=True)
    assert claim.status == FollowUp.Status.SOLVED_CLAIMED
    actions.followup_confirm_solved(follow_up=claim, actor=staff, accept=True)
    reply.refresh_from_db()
    assert reply.result_class.code == "A"
    log = AuditLog.objects.get(action="follow_up_confirm")
    assert log.data["from"] == "B" and log.data["to"] == "A"


def test_follow_up_is_only_for_b_replies(replied, clerk):
    with pytest.raises(actions.TransitionNotAllowed):
        actions.followup_post(reply=replied, actor=clerk, text="x")


def test_merging_makes_the_other_lead_delegate_a_cosigner(session, delegate, other_delegate, staff):
    a = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    b = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=a, actor=delegate.user)
    actions.suggestion_submit(suggestion=b, actor=other_delegate.user)
    actions.suggestion_merge(target=a, sources=[b], actor=staff, note="同一事项")
    b.refresh_from_db()
    assert b.status == S.MERGED and b.merged_into == a
    assert a.cosigners.get().delegate == other_delegate


def test_unpublishing_the_last_reply_hides_the_suggestion(replied, staff):
    publish(replied, staff, public_text="公开版本")
    actions.reply_unpublish(reply=replied, actor=staff)
    s = Suggestion.objects.get(pk=replied.suggestion_id)
    assert not s.is_published and s.published_at is None


def test_a_draft_reply_cannot_be_published(assigned, lead_assignment, clerk, staff):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    reply = actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿")
    with pytest.raises(actions.TransitionNotAllowed):
        publish(reply, staff)


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_never_fails_a_service(settings, staff, lead_assignment):
    """The reminder row is the source of truth; queuing after commit to a dead broker is only logged."""
    from huaxi_renda.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        reminder = actions.reminder_manual(assignment=lead_assignment, actor=staff, message="请尽快办理。")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert reminder.pk and reminder.message == "请尽快办理。"


# --------------------------------------------------------------------------- notifications name the suggestion


def test_every_notification_names_its_suggestion_with_number_and_link(registered, staff, office, clerk):
    from suggestions.models import Notification

    actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office)
    for note in Notification.objects.filter(suggestion=registered):
        assert registered.number_display in note.body, (note.title, note.body)
        assert registered.title in note.body, (note.title, note.body)
        assert note.url, note.title


def test_a_rating_notification_to_the_office_says_which_suggestion(lead_assignment, clerk, delegate):
    from suggestions.models import Notification
    from tests.conftest import carry_to_reply

    suggestion = lead_assignment.suggestion
    reply = carry_to_reply(suggestion, lead_assignment, clerk)
    actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")
    (note,) = Notification.objects.filter(user=clerk, title__contains="评价")
    assert note.body.startswith(f"建议：{suggestion.number_display}《{suggestion.title}》")
    assert note.url == lead_assignment.get_absolute_url()


def test_a_leader_named_to_lead_a_key_suggestion_is_notified_once(registered, staff, office, leader, client):
    from suggestions.models import Notification

    actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office, is_key=True, leader=leader)
    (note,) = Notification.objects.filter(user=leader.user)
    assert registered.title in note.title and registered.number_display in note.body
    actions.suggestion_set_key(suggestion=registered, actor=staff, is_key=True, leader=leader)  # same leader
    assert Notification.objects.filter(user=leader.user).count() == 1
    client.force_login(leader.user)
    assert client.get(note.url).status_code == 200


def test_a_leader_named_later_through_set_key_is_notified(assigned, staff, leader):
    from suggestions.models import Notification

    actions.suggestion_set_key(suggestion=assigned, actor=staff, is_key=True, leader=leader)
    (note,) = Notification.objects.filter(user=leader.user)
    assert "领衔督办" in note.title and note.url == assigned.get_absolute_url()


# ------------------------------------------------------------------ issue 14: service rules


def _contacted(assignment, clerk):
    actions.assignment_sign(assignment=assignment, actor=clerk)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="上门沟通。",
        delegate_invited=True,
    )


def test_a_reply_cannot_be_submitted_without_the_signed_letter(lead_assignment, clerk):
    _contacted(lead_assignment, clerk)
    lead_assignment.refresh_from_db()
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
    )
    assert "请上传已签发盖章的答复函（PDF或图片）。" in actions.reply_requirements(assignment=lead_assignment)
    with pytest.raises(actions.InvalidInput) as error:
        actions.reply_submit(reply=reply, actor=clerk)
    assert "盖章的答复函" in error.value.message
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(lead_assignment, clerk),
    )
    assert actions.reply_requirements(assignment=lead_assignment) == []
    actions.reply_submit(reply=reply, actor=clerk)
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == A.REPLIED


def test_every_rehandling_round_needs_its_own_signed_letter(replied, delegate, clerk, lead_assignment):
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="没解决。")
    actions.contact_record(
        assignment=lead_assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="再次上门。",
        delegate_invited=True,
    )
    second = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="第二轮",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
    )
    with pytest.raises(actions.InvalidInput) as error:
        actions.reply_submit(reply=second, actor=clerk)
    assert "盖章的答复函" in error.value.message


def test_the_letter_rule_is_a_per_session_setting_that_defaults_to_required(session, lead_assignment, clerk):
    policy = actions.policy_for(session)
    assert policy.reply_letter_required is True
    policy.reply_letter_required = False
    policy.save()
    _contacted(lead_assignment, clerk)
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
    )
    actions.reply_submit(reply=reply, actor=clerk)


def test_a_co_office_cannot_request_an_extension(co_assignment, co_clerk):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    co_assignment.refresh_from_db()
    with pytest.raises(actions.TransitionNotAllowed) as error:
        actions.extension_request(
            assignment=co_assignment,
            actor=co_clerk,
            reason="需要更多时间。",
            until=co_assignment.due_date + datetime.timedelta(days=10),
        )
    assert "协办单位" in error.value.message
    assert not AssignmentRequest.objects.filter(assignment=co_assignment).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"due_date": datetime.date(9999, 12, 31)}, "答复期限不能晚于"),
        ({"due_date": datetime.date(1, 1, 1)}, "答复期限必须晚于今天"),
        ({"opinion_due": datetime.date(9999, 12, 31)}, "协办意见期限不能晚于答复期限"),
        ({"return_by": datetime.date(1, 1, 1)}, "申请退回截止日期不能早于今天"),
        ({"return_by": datetime.date(9999, 12, 31)}, "申请退回截止日期不能晚于答复期限"),
    ],
)
def test_assignment_dates_are_bounded_by_the_policy(registered, staff, office, co_office, kwargs, message):
    with pytest.raises(actions.InvalidInput) as error:
        actions.suggestion_assign(
            suggestion=registered, actor=staff, lead_office=office, co_offices=[co_office], **kwargs
        )
    assert message in error.value.message
    registered.refresh_from_db()
    assert registered.status == S.REGISTERED and not registered.assignments.exists()


def test_the_latest_allowed_due_date_is_the_reply_months_plus_the_longest_extension(registered, staff, office):
    today = timezone.localdate()
    latest = actions.latest_due_date(session=registered.session, assigned_on=today)
    assert latest == work_calendar().add_months(today, 6)
    (assignment,) = actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office, due_date=latest)
    assert assignment.due_date == latest


@pytest.mark.parametrize(
    ("date", "message"),
    [(datetime.date(1, 1, 1), "沟通日期不能早于交办日期"), (datetime.date(9999, 12, 31), "沟通日期不能晚于今天")],
)
def test_contact_dates_lie_between_the_assignment_and_today(lead_assignment, clerk, date, message):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    with pytest.raises(actions.InvalidInput) as error:
        actions.contact_record(
            assignment=lead_assignment, actor=clerk, method="phone", date=date, participants="经办人", summary="电话。"
        )
    assert message in error.value.message


def test_extension_dates_are_bounded_by_the_policy_maximum(lead_assignment, clerk, staff):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    for until in (datetime.date(9999, 12, 31), datetime.date(1, 1, 1)):
        with pytest.raises(actions.InvalidInput):
            actions.extension_request(assignment=lead_assignment, actor=clerk, reason="需协调。", until=until)
    limit = actions.extension_limit(assignment=lead_assignment)
    request = actions.extension_request(assignment=lead_assignment, actor=clerk, reason="需协调。", until=limit)
    with pytest.raises(actions.InvalidInput):
        actions.extension_approve(request=request, actor=staff, until=datetime.date(9999, 12, 31))


def test_a_delegate_cannot_withdraw_while_the_reply_waits_for_the_rating(replied, delegate, staff):
    suggestion = replied.suggestion
    assert suggestion.status == S.REPLIED
    refusal = policy.may(delegate.user, policy.Action.WITHDRAW, suggestion).reason
    assert refusal and "请先评价答复" in refusal
    with pytest.raises(actions.TransitionNotAllowed) as error:
        actions.suggestion_withdraw(suggestion=suggestion, actor=delegate.user, reason="不想要了。")
    assert error.value.message == refusal
    # A written request registered by staff still withdraws it (domain.md: before it is closed).
    assert policy.may(staff, policy.Action.WITHDRAW, suggestion)
    actions.suggestion_withdraw(suggestion=suggestion, actor=staff, reason="代表书面申请撤回。")
    suggestion.refresh_from_db()
    assert suggestion.status == S.WITHDRAWN


def test_a_delegate_may_withdraw_during_handling_and_rehandling(replied, delegate):
    suggestion = replied.suggestion
    actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="没解决。")
    suggestion.refresh_from_db()
    assert suggestion.status == S.REHANDLING
    assert policy.may(delegate.user, policy.Action.WITHDRAW, suggestion)


def test_a_co_office_extension_request_left_from_before_cannot_be_approved(co_assignment, co_clerk, staff):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    co_assignment.refresh_from_db()
    request = AssignmentRequest.objects.create(
        assignment=co_assignment,
        kind=AssignmentRequest.Kind.EXTENSION,
        reason="旧申请",
        requested_until=co_assignment.due_date + datetime.timedelta(days=10),
        requested_by=co_clerk,
    )
    with pytest.raises(actions.TransitionNotAllowed):
        actions.extension_approve(request=request, actor=staff)
    actions.extension_refuse(request=request, actor=staff, note="协办单位按意见期限办理。")
    co_assignment.refresh_from_db()
    assert co_assignment.extended_due is None


# --------------------------------------------------------------------------- steps with their files, in one transaction


def _pdf(name="盖章答复函.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return (SimpleUploadedFile(name, factories.SIGNED_LETTER_PDF, content_type="application/pdf"), "application/pdf")


# Each step refuses in turn where the two-step action looks it up (its area module).


def _refuse(*args, **kwargs):
    raise actions.TransitionNotAllowed("拒绝")


def test_a_reply_draft_and_its_letter_are_saved_together_or_not_at_all(lead_assignment, clerk, monkeypatch):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    files = Attachment.objects.filter(suggestion=lead_assignment.suggestion)
    with monkeypatch.context() as patched:
        patched.setattr(replies, "reply_save_draft", _refuse)
        with pytest.raises(actions.TransitionNotAllowed):
            actions.reply_save_draft_with_letter(
                assignment=lead_assignment, actor=clerk, text="已解决。", letter=_pdf()
            )
    assert files.count() == 0
    reply = actions.reply_save_draft_with_letter(
        assignment=lead_assignment,
        actor=clerk,
        text="已解决。",
        result_class=factories.result_class("A"),
        letter=_pdf(),
    )
    assert reply.attachment == files.get()


def test_an_opinion_and_its_file_are_sent_together_or_not_at_all(co_assignment, co_clerk, monkeypatch):
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    with monkeypatch.context() as patched:
        patched.setattr(office, "opinion_send", _refuse)
        with pytest.raises(actions.TransitionNotAllowed):
            actions.opinion_send_with_file(
                assignment=co_assignment, actor=co_clerk, text="同意。", upload=_pdf("意见.pdf")
            )
    assert not Attachment.objects.filter(suggestion=co_assignment.suggestion).exists()
    opinion = actions.opinion_send_with_file(
        assignment=co_assignment, actor=co_clerk, text="同意。", upload=_pdf("意见.pdf")
    )
    assert opinion.attachment.original_name == "意见.pdf"


def test_a_draft_whose_file_is_refused_is_not_created(session, delegate, monkeypatch):
    before = Suggestion.objects.count()
    with monkeypatch.context() as patched:
        patched.setattr(drafting, "add_file", _refuse)
        with pytest.raises(actions.TransitionNotAllowed):
            actions.suggestion_save_draft_with_files(
                actor=delegate.user, title="标题", body="内容", category=factories.CategoryFactory(), uploads=[_pdf()]
            )
    assert Suggestion.objects.count() == before
    saved = actions.suggestion_save_draft_with_files(
        actor=delegate.user, title="标题", body="内容", category=factories.CategoryFactory(), uploads=[_pdf("附件.pdf")]
    )
    assert [a.original_name for a in saved.attachments.all()] == ["附件.pdf"]


def test_a_late_letter_is_stored_and_attached_together_or_not_at_all(lead_assignment, clerk, monkeypatch):
    reply = carry_to_reply(lead_assignment.suggestion, lead_assignment, clerk)
    Reply.objects.filter(pk=reply.pk).update(attachment=None)
    reply.refresh_from_db()
    files = Attachment.objects.filter(suggestion=lead_assignment.suggestion)
    count = files.count()
    with monkeypatch.context() as patched:
        patched.setattr(replies, "reply_attach_letter", _refuse)
        with pytest.raises(actions.TransitionNotAllowed):
            actions.reply_attach_uploaded_letter(reply=reply, actor=clerk, letter=_pdf("补传.pdf"))
    assert files.count() == count
    actions.reply_attach_uploaded_letter(reply=reply, actor=clerk, letter=_pdf("补传.pdf"))
    reply.refresh_from_db()
    assert reply.attachment.original_name == "补传.pdf"


# --------------------------------------------------------------------------- notifications read


def test_marking_notifications_read_touches_only_the_users_own(clerk, staff):
    mine = [Notification.objects.create(user=clerk, title=f"通知{n}") for n in range(3)]
    theirs = Notification.objects.create(user=staff, title="别人的")
    assert actions.notification_mark_read(user=clerk, notification=mine[0]) == 1
    assert actions.notification_mark_read(user=clerk, notification=theirs) == 0
    assert actions.notification_mark_read(user=clerk) == 2
    assert not Notification.objects.filter(user=clerk, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
