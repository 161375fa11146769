"""Reminder logs as staff and an office clerk see them, on a phone and a desktop."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from suggestions import actions, reminders
from suggestions.models import OfficeMember, ReminderDelivery
from tests import factories
from tests.browser.conftest import ARTIFACTS, AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
TZ = ZoneInfo("Asia/Shanghai")


def axe_violations(page, *, impacts=("serious", "critical")):
    """axe-core evaluated through the DevTools protocol (the CSP forbids the shared helper's inline <script>)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


@pytest.fixture
def logged(db):
    session = factories.SessionFactory()
    staff = factories.StaffFactory()
    delegate = factories.DelegateFactory(term=session.term)
    office = factories.OfficeFactory(name="区住房和城乡建设局")
    clerk = factories.OfficeMemberFactory(office=office, phone="13900000001").user
    factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD)
    for title in ("关于加快老旧小区改造步伐、完善配套设施建设的建议", "关于增设公交线路的建议"):
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title)
        with time_machine.travel(datetime.datetime(2026, 9, 11, 10, tzinfo=TZ), tick=False):
            actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
            actions.suggestion_register(suggestion=suggestion, actor=staff)
            actions.suggestion_assign(
                suggestion=suggestion, actor=staff, lead_office=office, due_date=datetime.date(2026, 10, 16)
            )
    reminders.scan(now=datetime.datetime(2026, 10, 19, 9, tzinfo=TZ))
    reminders.dispatch_pending()
    ReminderDelivery.objects.filter(channel="sms").update(status="failed", last_error="SMSError: 号码不存在")
    return {"staff": staff, "clerk": clerk, "suggestion": suggestion}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reminder_pages_read_well_on_phone_and_desktop(open_page, logged, viewport):
    name = "phone" if viewport == PHONE else "desktop"
    page = open_page(user=logged["staff"], viewport=viewport)
    page.goto("/reminders/")
    assert page.locator("h1").first.inner_text() == "催办记录"
    assert "发送失败" in page.content()
    assert_no_horizontal_scroll(page)
    assert not axe_violations(page)
    screenshot(page, f"reminders-list-{name}")
    page.screenshot(path=str(ARTIFACTS / f"reminders-list-{name}-top.png"))
    page.goto(f"/reminders/suggestions/{logged['suggestion'].pk}/")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"reminders-suggestion-{name}")
    page = open_page(user=logged["clerk"], viewport=viewport)
    page.goto("/reminders/office/")
    assert page.locator("h1").first.inner_text() == "收到的催办"
    assert_no_horizontal_scroll(page)
    assert not axe_violations(page)
    screenshot(page, f"reminders-office-{name}")
    page.screenshot(path=str(ARTIFACTS / f"reminders-office-{name}-top.png"))
