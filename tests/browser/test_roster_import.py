"""Staff import a roster as it came, hand out activation links, and a delegate activates the account."""

import pytest

from delegates.models import Delegate
from tests import factories
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot
from tests.browser.test_reports_dashboard import axe_violations
from tests.delegates import roster_files

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Huaxi-renda-2026"


@pytest.fixture
def world(db):
    from delegates.models import Delegation

    session = factories.SessionFactory(is_current=True)
    staff = factories.StaffFactory()
    for name, delegation, username in roster_files.EXISTING_WITH_ACCOUNTS:
        factories.DelegateFactory(
            term=session.term,
            name=name,
            delegation=Delegation.objects.get_or_create(term=session.term, name=delegation)[0],
            user=factories.UserFactory(username=username),
        )
    return {"staff": staff, "term": session.term}


def test_staff_import_a_real_roster_and_a_delegate_activates_the_account(open_page, world, tmp_path, live_server):
    path = tmp_path / "第十八届代表名单.xlsx"
    path.write_bytes(roster_files.delegate_roster())
    page = open_page(user=world["staff"], viewport=DESKTOP)
    page.goto("/staff/")
    page.get_by_role("link", name="代表与单位").first.click()
    page.get_by_role("link", name="导入代表名单").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("[data-import-preview]")
    assert page.locator("[data-count=new] .stat-value").inner_text() == "49"
    assert page.locator("[data-count=updated] .stat-value").inner_text() == "11"
    report = page.locator("[data-import-report]").inner_text()
    assert "表格下方的备注、说明" in report and "表头上方的标题" in report
    assert "性别" in page.locator("[data-ignored-columns]").inner_text()
    assert "同名不同代表团，按新代表导入" in page.locator("[data-import-warnings]").inner_text()
    assert "读音相同" in page.locator("[data-import-warnings]").inner_text()
    screenshot(page, "roster-import-preview-desktop")
    assert axe_violations(page) == []
    assert page.locator(".nav-menu [aria-current=page]").inner_text() == "代表与单位"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-import-report]").screenshot(path=str(ARTIFACTS / "roster-import-report-detail.png"))
    page.locator("[data-import-warnings]").screenshot(path=str(ARTIFACTS / "roster-import-warnings-detail.png"))
    page.locator("[data-plan-row='5']").screenshot(path=str(ARTIFACTS / "roster-import-row-detail.png"))
    assert page.locator("input[name=create_accounts]").is_checked()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("[data-links]")
    assert "新建登录账号49个" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-activation-link]").count() == 49
    screenshot(page, "roster-activation-links-desktop")
    assert axe_violations(page) == []
    row = page.locator("[data-link-user=wangfang2]")
    link = row.locator("[data-activation-link]").get_attribute("href")
    assert Delegate.objects.filter(term=world["term"]).count() == 60

    person = open_page(viewport=PHONE)
    person.goto(link)
    assert person.locator("[data-username]").inner_text() == "wangfang2"
    assert_no_horizontal_scroll(person)
    screenshot(person, "roster-activate-phone")
    assert axe_violations(person) == []
    person.fill("#id_new_password1", "12345678")
    person.fill("#id_new_password2", "12345678")
    person.get_by_role("button", name="设置密码").click()
    person.wait_for_selector(".field-error")
    screenshot(person, "roster-activate-weak-password-phone")
    person.fill("#id_new_password1", PASSWORD)
    person.fill("#id_new_password2", PASSWORD)
    person.get_by_role("button", name="设置密码").click()
    person.wait_for_selector(".alert-success")
    assert "wangfang2" in person.locator(".alert-success").inner_text()
    person.fill("#id_username", "wangfang2")
    person.fill("#id_password", PASSWORD)
    person.get_by_role("button", name="登录").click()
    person.wait_for_url(f"{live_server.url}/delegate/")
    assert "王芳" in person.locator(".nav-user-name").inner_text()
    screenshot(person, "roster-activated-delegate-home-phone")
    person.goto(link)
    assert "激活链接无效、已使用或已过期" in person.locator("[data-activation-invalid]").inner_text()


def test_staff_import_a_real_office_list_and_create_clerk_accounts(open_page, world, tmp_path):
    from suggestions.models import Office, OfficeMember

    factories.OfficeFactory(name="区住房和城乡建设局")
    path = tmp_path / "承办单位及联系人.xlsx"
    path.write_bytes(roster_files.office_roster())
    page = open_page(user=world["staff"], viewport=PHONE)
    page.goto("/staff/roster/")
    page.get_by_role("link", name="导入承办单位").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("[data-import-preview]")
    warnings = page.locator("[data-import-warnings]").inner_text()
    assert "已合并为一行" in warnings and "可能是简称" in warnings
    assert "18个单位还没有经办人账号" in page.locator("[data-without-clerk]").inner_text()
    assert_no_horizontal_scroll(page)
    screenshot(page, "roster-office-preview-phone")
    page.locator("[data-import-warnings]").screenshot(path=str(ARTIFACTS / "roster-office-warnings-phone.png"))
    page.locator("[data-without-clerk]").screenshot(path=str(ARTIFACTS / "roster-office-without-clerk-phone.png"))
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("[data-links]")
    assert page.locator("[data-activation-link]").count() == 18
    screenshot(page, "roster-office-links-phone")
    assert OfficeMember.objects.filter(office=Office.objects.get(name="区住建局"), user__username="liming").exists()
