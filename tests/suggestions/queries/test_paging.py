"""Keyset paging (suggestions.queries.paging) through the delegate home's section pages."""

import re

import pytest
from django.urls import reverse

from suggestions.queries.delegate_selectors import SECTION_PAGE
from tests import factories

pytestmark = pytest.mark.django_db

OLDER = re.compile(r'href="(\?[^"#]*before=[^"#]+)')
NEWER = re.compile(r'href="(\?[^"#]*after=[^"#]+)')


def _titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_section_pages_walk_every_row_once_newest_first_and_back(client, session, delegate):
    total = 2 * SECTION_PAGE + 5
    for i in range(total):
        factories.SuggestionFactory(session=session, lead_delegate=delegate, status="closed", title=f"已办结{i:03d}")
    client.force_login(delegate.user)
    home = reverse("delegates:home")
    url, seen, pages = f"{home}?section=finished", [], []
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        seen += _titles(html)
        older = OLDER.search(html)
        url = home + older.group(1).replace("&amp;", "&") if older else None
    assert seen == [f"已办结{i:03d}" for i in reversed(range(total))]
    assert [len(_titles(p)) for p in pages] == [SECTION_PAGE, SECTION_PAGE, 5]
    assert not NEWER.search(pages[0])
    back = client.get(home + NEWER.search(pages[-1]).group(1).replace("&amp;", "&")).content.decode()
    assert _titles(back) == _titles(pages[1])


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "1.",
        ".1",
        "99999999999999999.1",
        "-99999999999999999.1",
        "1.9999999999999999999",
        "%00",
        "1.1.1",
        "１.１",
    ],
)
@pytest.mark.parametrize("direction", ["before", "after"])
def test_a_cursor_that_is_not_ours_gives_page_one(client, session, delegate, cursor, direction):
    for i in range(3):
        factories.SuggestionFactory(session=session, lead_delegate=delegate, status="closed", title=f"已办结{i}")
    client.force_login(delegate.user)
    response = client.get(reverse("delegates:home"), {"section": "finished", direction: cursor})
    assert response.status_code == 200
    assert _titles(response.content.decode()) == ["已办结2", "已办结1", "已办结0"]


def test_an_unknown_section_is_the_home_page(client, session, delegate):
    client.force_login(delegate.user)
    response = client.get(reverse("delegates:home"), {"section": "<script>"})
    assert response.status_code == 200 and "counts" in response.context
