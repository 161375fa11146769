"""A delegate files a joint suggestion on a phone and on a desktop, follows it and rates it twice.

draft → invite → co-signer confirms → submit → (staff and office steps through services) →
rate unsatisfied → re-handling visible → rate satisfied. Screenshots go to tests/artifacts/screenshots/.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from suggestions import actions
from suggestions.models import CoSigner, Suggestion
from tests import factories
from tests.browser.conftest import AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot
from tests.conftest import carry_to_reply, publish

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "关于花溪大道增设公交站点的建议"


@pytest.fixture
def world(db):
    session = factories.SessionFactory()
    earlier = factories.SessionFactory(number=4, is_current=False)
    lead = factories.DelegateFactory(term=session.term, name="张明")
    cosigner = factories.DelegateFactory(term=session.term, name="李芳")
    staff = factories.StaffFactory()
    office = factories.OfficeFactory(name="区交通运输局")
    clerk = factories.OfficeMemberFactory(office=office).user
    factories.CategoryFactory(name="交通运输")
    # An earlier, published suggestion on the same matter: the form hints at it.
    old = factories.SuggestionFactory(
        session=earlier, lead_delegate=factories.DelegateFactory(), title="关于花溪大道公交站点设置的建议"
    )
    actions.suggestion_submit(suggestion=old, actor=old.lead_delegate.user)
    actions.suggestion_register(suggestion=old, actor=staff)
    actions.suggestion_assign(suggestion=old, actor=staff, lead_office=office)
    publish(carry_to_reply(old, old.assignments.get(), clerk, code="B", text="已列入计划。"), staff)
    return {"lead": lead, "cosigner": cosigner, "staff": staff, "office": office, "clerk": clerk}


def axe_violations(page, *, impacts=("serious", "critical")):
    """axe-core run through DevTools evaluation: the shared helper's script tag is blocked by our strict CSP."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def check_page(page, name):
    assert_no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    screenshot(page, name)


def rate(page, value, comment=""):
    page.get_by_label(value, exact=True).check()
    if comment:
        page.locator("form.rating-form textarea").fill(comment)
    page.locator("form.rating-form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_delegate_files_a_joint_suggestion_follows_it_and_rates_twice(open_page, world, viewport):
    tag = "phone" if viewport == PHONE else "desktop"
    lead, cosigner, staff, office, clerk = (world[k] for k in ("lead", "cosigner", "staff", "office", "clerk"))

    # 1. Draft, with the similar-suggestion hint while the title is typed.
    page = open_page(user=lead.user, viewport=viewport)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/delegate/new/")
    assert "一事一议：一件建议只写一个事项" in page.content()
    page.fill("#id_title", TITLE)
    page.wait_for_selector("#similar-box:not([hidden])")
    assert "关于花溪大道公交站点设置的建议" in page.locator("#similar-list").inner_text()
    assert "B" in page.locator("#similar-list").inner_text()
    page.select_option("#id_category", label="交通运输")
    page.fill("#id_body", "花溪大道沿线小区多，公交站点间距过大，居民出行不便。建议在中段增设一处站点。")
    check_page(page, f"delegate-1-form-{tag}")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator(".messages").inner_text()
    suggestion = Suggestion.objects.get(lead_delegate=lead)

    # 2. Invite a co-signer by name.
    page.goto(f"/delegate/suggestions/{suggestion.pk}/")
    page.fill("#invite-q", "李")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("button", name="邀请联名 李芳").click()
    page.wait_for_load_state()
    assert "已邀请李芳联名" in page.content()
    # Not offered while the invitation is open (policy.Action.SUBMIT): the page says why instead.
    assert page.get_by_role("button", name="提交建议").count() == 0
    assert page.locator(".alert-warning", has_text="还有联名邀请未答复（李芳）").count() == 1
    check_page(page, f"delegate-2-invited-{tag}")

    # 3. The co-signer reads the invitation on the home page and confirms.
    other = open_page(user=cosigner.user, viewport=viewport)
    other.on("dialog", lambda dialog: dialog.accept())
    other.goto("/delegate/")
    assert TITLE in other.locator("#invitations").inner_text()
    check_page(other, f"delegate-3-invitation-{tag}")
    other.locator("#invitations").get_by_role("link", name=TITLE).click()
    assert "花溪大道沿线小区多" in other.content()
    other.get_by_role("button", name="确认联名").click()
    other.wait_for_load_state()
    assert "您已确认联名" in other.content()

    # 4. The lead sees the confirmation and submits.
    page.reload()
    assert "已确认" in page.locator("#cosigners").inner_text()
    page.get_by_role("button", name="提交建议").first.click()
    page.wait_for_load_state()
    assert "建议已提交" in page.locator(".messages").inner_text()

    # 5. Staff and office steps, through actions.
    suggestion.refresh_from_db()
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    reply = carry_to_reply(
        suggestion, suggestion.assignments.get(), clerk, code="C", text="受道路条件限制，暂不能增设。"
    )

    # 6. Rate unsatisfied: a comment is required; then the new round and its deadline show.
    page.goto("/delegate/")
    assert TITLE in page.locator("#to-rate").inner_text()
    page.locator("#to-rate").get_by_role("link", name=TITLE).click()
    assert "区交通运输局" in page.content() and "受道路条件限制" in page.content()
    rate(page, "不满意")
    assert "请写明不满意的理由" in page.locator(".field-error").inner_text()
    rate(page, "不满意", "中段人口密集，请重新研究。")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REHANDLING
    due = suggestion.rounds.get(number=2).due_date
    assert f"正在第2轮重新办理，答复期限：{due:%Y-%m-%d}" in page.content()
    check_page(page, f"delegate-4-rehandling-{tag}")

    # 7. The office replies again; both delegates rate satisfied and the suggestion closes.
    assignment = suggestion.assignments.get()
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="site",
        date=timezone.localdate(),
        participants="张明、经办人",
        summary="现场察看。",
        delegate_invited=True,
    )
    second = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="已在中段增设站点。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=second, actor=clerk)
    page.reload()
    assert "第2轮" in page.content()
    rate(page, "满意")
    assert "评价已提交" in page.content()
    other.goto(f"/delegate/suggestions/{suggestion.pk}/")
    rate(other, "满意")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CLOSED
    assert reply.ratings.count() == 1
    page.reload()
    check_page(page, f"delegate-5-closed-{tag}")

    # 8. Home and record.
    page.goto("/delegate/")
    assert TITLE in page.locator("#finished").inner_text()
    check_page(page, f"delegate-6-home-{tag}")
    page.goto("/delegate/record/")
    assert "第2轮：满意" in page.content() and "第1轮：不满意" in page.content()
    check_page(page, f"delegate-7-record-{tag}")
    other.goto("/delegate/record/")
    assert TITLE in other.content()


def test_typed_text_survives_an_expired_login_and_is_restored(open_page, world, live_server):
    lead = world["lead"]
    page = open_page(user=lead.user, viewport=PHONE)
    page.goto("/delegate/new/")
    page.fill("#id_title", "关于老旧小区加装电梯的建议")
    page.select_option("#id_category", label="交通运输")
    page.fill("#id_body", "第一段。")
    page.locator("#id_title").focus()  # the body loses focus: autosave
    page.wait_for_function("() => location.pathname.endsWith('/edit/')")
    suggestion = Suggestion.objects.get(lead_delegate=lead)
    assert suggestion.body == "第一段。"
    assert "草稿已自动保存" in page.locator("#autosave-status").inner_text()

    # The login expires while the delegate keeps typing.
    kept = [c for c in page.context.cookies() if c["name"] != settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.fill("#id_body", "第一段。\n第二段，登录过期后输入的。")
    page.locator("#id_title").focus()
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.includes('登录已过期')")
    check_page(page, "delegate-8-login-expired-phone")

    # Log in again and open the draft: what was typed comes back.
    client = Client()
    client.force_login(lead.user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"/delegate/suggestions/{suggestion.pk}/edit/")
    assert page.input_value("#id_body") == "第一段。\n第二段，登录过期后输入的。"
    assert "已恢复" in page.locator("#autosave-status").inner_text()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    suggestion.refresh_from_db()
    assert "第二段" in suggestion.body
    assert not CoSigner.objects.exists()
