"""Two congresses' public sites in a browser: each named after its congress, each with its own outcomes,
and the city's page of its congresses (screenshots in tests/artifacts/screenshots/public-congress-*)."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_public_pages import _check

# The page tests' fixtures (``city``, ``two``: one published outcome in each congress) serve here too.
from tests.suggestions.web.test_public_congresses import CITY_TITLE, HUAXI_TITLE, city, two  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sites(request):
    found = request.getfixturevalue("two")
    cache.clear()
    yield found
    cache.clear()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_two_congresses_have_their_own_public_sites(open_page, sites, viewport):
    size = "phone" if viewport == PHONE else "desktop"
    page = open_page(viewport=viewport)

    page.goto("/public/")
    assert "花溪区人大" in page.locator(".brand-text").inner_text()
    titles = page.locator(".news-list h3 a").all_inner_texts()
    assert HUAXI_TITLE in titles and CITY_TITLE not in titles
    _check(page, f"public-congress-huaxi-list-{size}")

    page.goto("/guiyang/public/")
    assert "贵阳市人大" in page.locator(".brand-text").inner_text()
    assert "贵阳市人大" in page.title()
    titles = page.locator(".news-list h3 a").all_inner_texts()
    assert CITY_TITLE in titles and HUAXI_TITLE not in titles
    _check(page, f"public-congress-guiyang-list-{size}")

    page.fill("input[name=q]", "停车")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    assert page.locator(".news-list h3 a").all_inner_texts() == [CITY_TITLE]

    page.get_by_role("link", name=CITY_TITLE).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == CITY_TITLE
    assert "/guiyang/public/outcomes/" in page.url
    _check(page, f"public-congress-guiyang-outcome-{size}")

    page.goto("/guiyang/public/stats/")
    page.wait_for_selector("#chart-category svg")
    _check(page, f"public-congress-guiyang-stats-{size}")

    page.goto("/guiyang/public/")
    page.get_by_role("link", name="本级及下级人大").click()
    page.wait_for_load_state()
    titles = page.locator(".news-list h3 a").all_inner_texts()
    assert CITY_TITLE in titles and HUAXI_TITLE in titles
    assert page.get_by_role("link", name="花溪区人大").first.is_visible()
    _check(page, f"public-congress-guiyang-congresses-{size}")
