"""Staff review a suggestion whose body holds a phone number and an address, publish it, and the public
page and public search show neither (issue #14)."""

import pytest

from suggestions import actions
from suggestions.models import Rating, Suggestion
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, assert_no_horizontal_scroll, axe_violations, screenshot
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "13985012345"
BODY = f"我家住青岩镇龙井村3组12号，门前道路坑洼不平，雨天积水严重。联系电话{MOBILE}。建议尽快硬化道路。"


@pytest.fixture
def replied(db):
    session = factories.SessionFactory()
    delegate = factories.DelegateFactory(term=session.term)
    office = factories.OfficeFactory(name="区交通运输局")
    clerk = factories.OfficeMemberFactory(office=office).user
    staff = factories.StaffFactory()
    s = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, title="关于硬化龙井村道路的建议", body=BODY
    )
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    [assignment] = actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    reply = carry_to_reply(s, assignment, clerk, text="已将该道路硬化列入2025年计划。经办人电话13608512345。")
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED)
    return {"staff": staff, "suggestion": s, "reply": reply}


def _check(page, name, viewport):
    assert_no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["help"]) for v in violations]
    screenshot(page, f"publication-privacy-{name}-{'phone' if viewport == PHONE else 'desktop'}")


def test_staff_review_masks_the_phone_and_the_public_page_and_search_never_show_it(open_page, replied):
    staff, suggestion = replied["staff"], replied["suggestion"]
    page = open_page(user=staff, viewport=DESKTOP)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/staff/publication/")
    page.get_by_role("link", name="审核", exact=True).click()
    # The original shows the personal data marked; the public version is pre-filled masked.
    assert page.locator('mark.pii[title="手机号码"]').first.inner_text() == MOBILE
    assert page.locator('mark.pii[title="详细地址"]').first.inner_text() == "3组12号"
    body = page.locator("#id_public_body").input_value()
    assert MOBILE not in body and "139****2345" in body and "村*组**号" in body
    assert "13608512345" not in page.locator("#id_public_text").input_value()
    _check(page, "review", DESKTOP)
    # Putting the number back is refused: the page names it and offers to record it as not personal.
    page.fill("#id_public_body", BODY)
    page.get_by_role("button", name="保存并公开").click()
    page.wait_for_load_state()
    assert "仍有未隐去的个人信息" in page.locator("main").inner_text()
    assert page.locator(f'input[name="not_personal"][value="{MOBILE}"]').count() == 1
    assert not Suggestion.objects.get(pk=suggestion.pk).is_published
    _check(page, "refused", DESKTOP)
    page.fill("#id_public_body", body)
    page.get_by_role("button", name="保存并公开").click()
    page.wait_for_load_state()
    assert "答复已公开" in page.locator(".messages").inner_text()
    assert Suggestion.objects.get(pk=suggestion.pk).is_published

    public = open_page(viewport=PHONE)
    public.goto(f"/public/outcomes/{suggestion.pk}/")
    text = public.locator("main").inner_text()
    assert "门前道路坑洼不平" in text and "139****2345" in text
    assert MOBILE not in text and "3组12号" not in text and "13608512345" not in text
    _check(public, "outcome", PHONE)
    public.goto(f"/public/?q={MOBILE}")
    assert suggestion.title not in public.locator("main").inner_text()
    public.goto("/public/?q=道路坑洼")
    assert suggestion.title in public.locator("main").inner_text()
    _check(public, "search", PHONE)
