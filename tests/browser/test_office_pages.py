"""Office clerks in the browser: sign → contact → opinion → reply, return, extension, re-handling, the inbox."""

import datetime

import pytest
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, AssignmentRequest, Opinion, Reply
from suggestions.workdays import work_calendar
from tests import factories
from tests.browser.conftest import ARTIFACTS, AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def axe_violations(page, *, impacts=("serious", "critical")):
    """Like the shared helper, but loads axe-core through the DevTools protocol: the site's CSP forbids
    the inline <script> that ``page.add_script_tag`` inserts."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def screenshot_slices(page, name, *, height=900):
    """A long phone page in screen-sized slices as well, so each part can be read."""
    screenshot(page, name)
    total = page.evaluate("() => document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    for index, top in enumerate(range(0, total, height)):
        clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
        page.screenshot(path=str(ARTIFACTS / f"{name}-{index + 1}.png"), full_page=True, clip=clip)


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_lead_and_a_co_office_walk_sign_contact_opinion_reply(
    open_page, lead_assignment, co_assignment, clerk, co_clerk, tmp_path
):
    title = lead_assignment.suggestion.title
    # The co-handling office signs and sends its opinion.
    page = open_page(user=co_clerk, viewport=PHONE)
    accept_dialogs(page)
    page.goto("/office/")
    page.get_by_role("link", name=title).click()
    page.click("#sign-button")
    assert "已签收" in page.locator(".messages").inner_text()
    page.fill("#id_op-text", "财政局意见：可安排专项资金200万元。")
    page.get_by_role("button", name="送主办单位").click()
    assert "协办意见已送主办单位" in page.locator(".messages").inner_text()
    assert Opinion.objects.filter(assignment=co_assignment).exists()
    assert_no_horizontal_scroll(page)

    # The lead office signs, records a contact, sees the opinion beside its draft and replies.
    page = open_page(user=clerk, viewport=DESKTOP)
    accept_dialogs(page)
    page.goto("/office/")
    page.get_by_role("link", name=title).click()
    page.click("#sign-button")
    assert "答复前须与代表沟通联系" in page.locator(".reply-missing").inner_text()
    page.select_option("#id_contact-method", "visit")
    page.fill("#id_contact-participants", "领衔代表、副局长、经办人")
    page.fill("#id_contact-summary", "上门走访，商定年内完成改造。")
    page.check("#id_contact-delegate_invited")
    page.get_by_role("button", name="保存沟通记录").click()
    assert "沟通联系情况已记录" in page.locator(".messages").inner_text()
    # What is still missing is the signed letter, until a draft carries it.
    assert page.locator(".reply-missing").inner_text().count("。") == 1
    assert "请上传已签发盖章的答复函" in page.locator(".reply-missing").inner_text()
    assert "可安排专项资金200万元" in page.locator("#co-opinions").inner_text()
    page.fill("#id_reply-text", "经研究，已将该小区列入今年改造计划。\n预计年底完工。")
    page.select_option("#id_reply-result_class", label="A 已经解决或者基本解决")
    page.fill("#id_reply-signed_off_by", "张局长")
    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(PDF)
    page.set_input_files("#id_reply-letter", str(letter))
    page.get_by_role("button", name="保存草稿").click()
    assert "答复草稿已保存" in page.locator(".messages").inner_text()
    assert page.locator(".reply-missing").count() == 0
    screenshot(page, "office-assignment-draft-desktop")
    page.get_by_role("link", name="打印答复函").first.click()
    assert page.locator(".reply-letter .letter-title").inner_text().startswith("关于《")
    assert page.locator("button[data-print]").is_visible()
    screenshot(page, "office-reply-letter-desktop")
    page.go_back()
    page.get_by_role("button", name="提交答复").click()
    assert "答复已提交" in page.locator(".messages").inner_text()
    reply = Reply.objects.get(assignment=lead_assignment)
    assert reply.status == Reply.Status.SUBMITTED and reply.attachment is not None
    assert axe_violations(page) == []


def test_a_clerk_asks_to_have_an_assignment_returned(open_page, lead_assignment, clerk, other_office):
    page = open_page(user=clerk, viewport=PHONE)
    accept_dialogs(page)
    page.goto(f"/office/assignments/{lead_assignment.pk}/")
    page.get_by_text("申请退回", exact=True).click()
    page.get_by_role("button", name="提交退回申请").click()  # no reason: the form says so, in Chinese
    assert page.locator("#requests .field-error").count() >= 1 or page.locator("#id_ret-reason:invalid").count() == 1
    page.fill("#id_ret-reason", "该事项属于交通部门职责。")
    page.select_option("#id_ret-suggested_office", label=other_office.name)
    page.get_by_role("button", name="提交退回申请").click()
    assert "退回申请已提交" in page.locator(".messages").inner_text()
    request = AssignmentRequest.objects.get()
    assert request.suggested_office == other_office
    assert "申请退回" in page.locator("#requests").inner_text()
    screenshot(page, "office-return-request-phone")


def test_a_clerk_requests_an_extension(open_page, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    page = open_page(user=clerk, viewport=DESKTOP)
    page.goto(f"/office/assignments/{lead_assignment.pk}/")
    page.get_by_text("申请延期", exact=True).click()
    until = lead_assignment.due_date + datetime.timedelta(days=30)
    page.fill("#id_ext-until", until.isoformat())
    page.fill("#id_ext-reason", "需协调专项资金，申请延期一个月。")
    page.get_by_role("button", name="提交延期申请").click()
    assert "延期申请已提交" in page.locator(".messages").inner_text()
    assert "延期申请正在审核" in page.locator("#requests").inner_text()
    assert AssignmentRequest.objects.get().requested_until == until


def test_a_re_handling_round_shows_the_delegates_comment_and_is_answered(open_page, replied, clerk, delegate, tmp_path):
    actions.rating_submit(reply=replied, actor=delegate.user, value="unsatisfied", comment="路灯仍然不亮，请再落实。")
    assignment = replied.assignment
    page = open_page(user=clerk, viewport=PHONE)
    accept_dialogs(page)
    page.goto("/office/?group=rehandling")
    page.get_by_role("link", name=assignment.suggestion.title).click()
    notice = page.locator(".rehandling-notice")
    assert "路灯仍然不亮" in notice.inner_text() and "第2轮" in notice.inner_text()
    screenshot_slices(page, "office-rehandling-phone")
    page.select_option("#id_contact-method", "phone")
    page.fill("#id_contact-participants", "代表、经办人")
    page.fill("#id_contact-summary", "电话沟通，约定本周内维修。")
    page.get_by_role("button", name="保存沟通记录").click()
    page.fill("#id_reply-text", "路灯已全部修复，并安排专人巡查。")
    page.select_option("#id_reply-result_class", label="A 已经解决或者基本解决")
    page.fill("#id_reply-signed_off_by", "张局长")
    letter = tmp_path / "第二轮答复函.pdf"
    letter.write_bytes(PDF)
    page.set_input_files("#id_reply-letter", str(letter))  # every round's reply carries its own signed letter
    page.get_by_role("button", name="提交答复").click()
    assert "答复已提交" in page.locator(".messages").inner_text()
    assert Reply.objects.filter(assignment=assignment, round__number=2, status="submitted").exists()
    assert_no_horizontal_scroll(page)


@pytest.fixture
def busy_inbox(staff, office, co_office, clerk, co_clerk, leader):
    """An inbox with something in every stage and every urgency."""
    session = factories.SessionFactory()
    today = timezone.localdate()
    cal = work_calendar()
    titles = [
        "关于加快花溪大道沿线老旧小区改造的建议",
        "关于增设青岩古镇公交站台的建议",
        "关于整治十里河滩周边环境的建议",
        "关于改善贵州大学周边交通秩序的建议",
        "关于加强农村饮水安全保障的建议",
        "关于完善社区养老服务设施的建议",
    ]
    made = []
    for i, title in enumerate(titles):
        delegate = factories.DelegateFactory(term=session.term)
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title)
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(
            suggestion=suggestion,
            actor=staff,
            lead_office=office,
            co_offices=[co_office] if i % 2 else [],
            is_key=(i == 0) or None,
            leader=leader if i == 0 else None,
        )
        made.append(suggestion.assignments.get(office=office))
    Assignment.objects.filter(pk=made[0].pk).update(due_date=today - datetime.timedelta(days=10))
    Assignment.objects.filter(pk=made[1].pk).update(due_date=cal.add_workdays(today, 3))
    actions.assignment_sign(assignment=made[1], actor=clerk)
    actions.assignment_sign(assignment=made[2], actor=clerk)
    carry_to_reply(made[3].suggestion, made[3], clerk, code="B")
    carry_to_reply(made[4].suggestion, made[4], clerk, code="A")
    return made


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_inbox_on_a_phone_and_a_desktop(open_page, busy_inbox, clerk, viewport):
    page = open_page(user=clerk, viewport=viewport)
    page.goto("/office/")
    assert page.locator("h1").first.inner_text() == "承办事项"
    assert page.locator("tbody tr").count() == len(busy_inbox)
    assert page.locator(".urgency-overdue").count() >= 1
    assert page.locator(".urgency-soon").count() >= 1
    assert page.locator(".urgency-ok").count() >= 1
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    name = "phone" if viewport == PHONE else "desktop"
    screenshot(page, f"office-inbox-{name}")
    page.locator(".tabs a[data-group='followup']").click()
    assert page.locator("tbody tr").count() == 1
    assert "B类" in page.locator("tbody").inner_text()


def test_a_reply_sent_without_its_signed_letter_gets_it_uploaded_afterwards(
    open_page, session, lead_assignment, clerk, tmp_path
):
    policy = actions.policy_for(session)
    policy.reply_letter_required = False  # as replies sent before the letter was required
    policy.save()
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    actions.contact_record(
        assignment=lead_assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="上门沟通。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=lead_assignment,
        actor=clerk,
        text="答复。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
    )
    actions.reply_submit(reply=reply, actor=clerk)
    page = open_page(user=clerk, viewport=PHONE)
    page.goto(f"/office/assignments/{lead_assignment.pk}/")
    assert "还没有已签发盖章的答复函" in page.locator("#letter-upload").inner_text()
    screenshot(page, "office-letter-missing-phone")
    letter = tmp_path / "盖章答复函.pdf"
    letter.write_bytes(PDF)
    page.set_input_files("#id_letter-letter", str(letter))
    page.get_by_role("button", name="上传盖章答复函").click()
    assert "盖章答复函已上传" in page.locator(".messages").inner_text()
    assert page.locator("#letter-upload").count() == 0
    reply.refresh_from_db()
    assert reply.attachment.original_name == "盖章答复函.pdf"
    assert_no_horizontal_scroll(page)


def test_the_co_office_page_on_a_phone_shows_only_what_a_co_office_does(
    open_page, staff, leader, assigned, co_assignment, co_clerk
):
    actions.suggestion_set_key(suggestion=assigned, actor=staff, is_key=True, leader=leader)
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    page = open_page(user=co_clerk, viewport=PHONE)
    page.goto(f"/office/assignments/{co_assignment.pk}/")
    text = page.locator("main").inner_text()
    assert "协办意见" in text and "答复前须与代表沟通" not in text and "重点督办建议须邀请代表" not in text
    assert not page.locator("#contacts details").evaluate("d => d.open")
    screenshot(page, "office-co-office-phone")
    assert_no_horizontal_scroll(page)
