"""The demo's three congresses in a browser: the city looks down on the district and the township, the
delegate of two congresses switches between them, and each level is named on its own pages
(screenshots in tests/artifacts/screenshots/levels-*)."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_public_pages import _check, demo  # noqa: F401 - the demo fixture serves here too

pytestmark = pytest.mark.django_db(transaction=True)

CITY_ITEM = "关于加快轨道交通3号线花溪段配套公交接驳的建议"
TOWN_ITEM = "关于缓解青岩古镇节假日停车难的建议"
TRANSFERRED = "关于在花溪大道增设通往主城区的公交专用道的建议"


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_demo_shows_the_three_levels(open_page, demo, viewport):  # noqa: F811
    size = "phone" if viewport == PHONE else "desktop"

    # The city's staff: the congresses below side by side, then one of them read-only.
    page = open_page(user=_user("staff_gy"), viewport=viewport)
    page.goto("/congress/lower/")
    assert "贵阳市人大" in page.locator(".brand-text").inner_text()
    body = page.locator("main").inner_text()
    assert "花溪区人大" in body and "青岩镇人大" in body
    _check(page, f"levels-city-overview-{size}")
    page.get_by_role("link", name="青岩镇人大").first.click()
    page.wait_for_load_state()
    assert TOWN_ITEM in page.locator("main").inner_text()
    _check(page, f"levels-city-reads-township-{size}")
    # The item the district passed up waits in the city's own review.
    page.goto("/staff/")
    assert TRANSFERRED in page.locator("main").inner_text()

    # 王秀英: a district delegate who is also a city delegate switches congress in the menu.
    page = open_page(user=_user("daibiao_wang"), viewport=viewport)
    page.goto("/delegate/")
    assert "花溪区人大" in page.locator(".brand-text").inner_text()
    assert CITY_ITEM not in page.locator("main").inner_text()
    if viewport == PHONE:
        page.get_by_role("button", name="菜单").click()
    page.select_option("#congress-switch", label="贵阳市人大")
    page.locator(".congress-switch button").click()
    page.wait_for_load_state()
    assert "贵阳市人大" in page.locator(".brand-text").inner_text()
    page.goto("/delegate/")
    assert CITY_ITEM in page.locator("main").inner_text()
    _check(page, f"levels-delegate-of-two-in-city-{size}")

    # The township's staff see only their own congress; its public site is its own.
    page = open_page(user=_user("staff_qy"), viewport=viewport)
    page.goto("/staff/track/")
    assert "青岩镇人大" in page.locator(".brand-text").inner_text()
    text = page.locator("main").inner_text()
    assert TOWN_ITEM in text and CITY_ITEM not in text
    _check(page, f"levels-township-staff-{size}")
    page = open_page(viewport=viewport)
    page.goto("/qingyan/public/")
    assert "青岩镇人大" in page.locator(".brand-text").inner_text()
    assert TOWN_ITEM in page.locator("main").inner_text()
    _check(page, f"levels-township-public-{size}")
