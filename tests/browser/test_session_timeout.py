"""The idle warning in a real browser: it appears before the timeout, "继续使用" keeps the session, then it ends."""

import pytest
from django.urls import reverse

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_idle_warning_appears_and_the_stay_button_keeps_the_session(open_page, staff, settings):
    settings.SESSION_IDLE_WARNING_SECONDS = 2
    page = open_page(staff)
    page.goto(reverse("staff:inbox"))
    warning = page.locator("#idle-warning")
    assert not warning.is_visible()
    warning.wait_for(state="visible", timeout=10000)
    screenshot(page, "idle-warning")
    with page.expect_response(lambda r: r.url.endswith(reverse("security:stay"))) as stay:
        page.get_by_role("button", name="继续使用").click()
    assert stay.value.status == 200
    assert not warning.is_visible()


def test_an_idle_page_goes_to_the_login_page_when_the_session_ends(open_page, staff, settings):
    settings.SESSION_IDLE_WARNING_SECONDS = 1
    settings.SESSION_IDLE_SECONDS = 3
    page = open_page(staff)
    page.goto(reverse("staff:inbox"))
    page.wait_for_url(lambda url: reverse("login") in url, timeout=15000)
    page.goto(reverse("staff:inbox"))
    assert reverse("login") in page.url  # the server ended it too
