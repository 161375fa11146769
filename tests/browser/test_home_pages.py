"""Each role logs in through the login form and lands on its own home page, in Chinese."""

import pytest

from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    session = factories.SessionFactory()
    office = factories.OfficeFactory(name="区住房和城乡建设局")
    return {
        "delegate": (factories.DelegateFactory(term=session.term).user, "我的建议"),
        "staff": (factories.StaffFactory(), "待审查建议"),
        "office": (factories.OfficeMemberFactory(office=office).user, "承办事项"),
        "leader": (factories.LeaderFactory().user, "重点督办建议"),
    }


@pytest.mark.parametrize("role", ["delegate", "staff", "office", "leader"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_role_logs_in_and_sees_its_home_page_in_chinese(open_page, people, role, viewport):
    user, heading = people[role]
    page = open_page(viewport=viewport)
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith(heading)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, f"home-{role}-{'phone' if viewport == PHONE else 'desktop'}")


def test_a_wrong_password_shows_a_chinese_message(open_page, people):
    user, _ = people["staff"]
    page = open_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.locator(".alert-error").inner_text()
