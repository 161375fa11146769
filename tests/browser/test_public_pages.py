"""An anonymous visitor reads the published outcomes on a phone and on a desktop, with the demo data."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from suggestions.management.commands.seed_demo import SHOWCASE_TITLE
from suggestions.models import Office, Suggestion
from tests.browser.conftest import AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cache.clear()
    yield Suggestion.objects.get(title=SHOWCASE_TITLE)
    cache.clear()


def axe_violations(page, *, impacts=("serious", "critical")):
    """The shared helper's <script> tag is refused by the site's CSP; evaluate axe-core through DevTools instead."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def _check(page, name):
    assert_no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    screenshot(page, name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_searches_reads_the_renovation_outcome_and_the_statistics(open_page, demo, viewport):
    size = "phone" if viewport == PHONE else "desktop"
    page = open_page(viewport=viewport)
    page.goto("/public/")
    assert page.locator("h1").first.inner_text() == "建议办理结果公开"
    _check(page, f"public-list-{size}")

    page.fill("input[name=q]", "小区")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    results = page.locator(".news-list h3 a")
    titles = results.all_inner_texts()
    assert SHOWCASE_TITLE in titles
    assert all("小区" in t for t in titles) or len(titles) >= 1
    _check(page, f"public-search-{size}")

    page.get_by_role("link", name=SHOWCASE_TITLE).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == SHOWCASE_TITLE
    lead = page.locator(".lead").inner_text()
    assert "王秀英代表领衔" in lead and "陈志强代表联名" in lead
    assert "区委书记李建国领衔督办" in lead
    assert "满意" in lead
    reply = page.locator(".reply-public").first.inner_text()
    assert "列入年度老旧小区改造计划" in reply
    assert "0851-8888" not in page.content()  # the internal version's contact line was redacted
    assert page.url.endswith(f"/public/outcomes/{demo.pk}/")
    _check(page, f"public-outcome-{size}")
    if viewport == DESKTOP:
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="打印本页").is_visible()
        assert page.locator(".site-header").is_hidden()
        screenshot(page, "public-outcome-print")
        page.emulate_media(media="screen")

    page.goto("/public/stats/")
    page.wait_for_selector("#chart-category svg")
    assert page.locator("h1").first.inner_text() == "办理情况统计"
    assert page.locator("table").count() >= 3
    _check(page, f"public-stats-{size}")


def test_the_office_page_and_an_older_session_on_a_phone(open_page, demo):
    office = Office.objects.get(name="区住房和城乡建设局")
    page = open_page(viewport=PHONE)
    page.goto(f"/public/stats/?session={demo.session_id}")
    page.wait_for_selector("#chart-office svg")
    _check(page, "public-stats-2025-phone")
    page.goto(f"/public/offices/{office.pk}/")
    assert page.locator("h1").first.inner_text() == office.name
    assert SHOWCASE_TITLE in page.content()
    _check(page, "public-office-phone")
