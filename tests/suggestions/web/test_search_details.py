"""Issue #16's search details through the pages people search on: the public outcome list and staff's
track list. ``tests/test_search.py`` tests the same rules on ``apply_text_search`` itself."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from suggestions import actions
from tests import factories
from tests.conftest import carry_to_reply, publish

pytestmark = pytest.mark.django_db

FULL, HALF, OTHER = "关于加强ＰＭ２.５治理的建议", "关于PM2.5监测站点布局的建议", "关于整治河道污染的建议"
# A query in either width, and what it finds: the term, width-folded, inside the title or the body.
WIDTHS = [
    ("ＰＭ２.５", {FULL, HALF}),
    ("PM2.5", {FULL, HALF}),
    ("pm2.5", {FULL, HALF}),
    ("ｐｍ２．５", {FULL, HALF}),
    ("ＰＭ２.５治理", {FULL, HALF}),  # through the bigram index on PostgreSQL: the term has Chinese in it
    ("ＰＭ２.５监测", {HALF}),
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outcomes(session, delegate, staff, office, clerk):
    """Three published outcomes: PM2.5 written in full width, in half width, and neither."""
    bodies = {
        FULL: "空气中ＰＭ２.５浓度偏高，治理要加强。",
        HALF: "PM2.5治理需要更多监测站点。",
        OTHER: "河道污水直排。",
    }
    for title, body in bodies.items():
        s = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, body=body)
        actions.suggestion_submit(suggestion=s, actor=delegate.user)
        actions.suggestion_register(suggestion=s, actor=staff)
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
        publish(carry_to_reply(s, s.assignments.get(), clerk, code="B"), staff)


def _public(client, q):
    return client.get(reverse("public:list"), {"q": q}).content.decode()


def _staff_titles(client, q):
    response = client.get(reverse("staff:track"), {"q": q})
    return {s.title for s in response.context["page"].object_list}


@pytest.mark.parametrize(("q", "expected"), WIDTHS)
def test_the_public_list_finds_pm25_in_either_width_and_says_how_many(client, outcomes, q, expected):
    body = _public(client, q)
    assert {t for t in (FULL, HALF, OTHER) if t in body} == expected
    assert f"找到{len(expected)}件办理结果" in body


@pytest.mark.parametrize(("q", "expected"), WIDTHS)
def test_staff_search_finds_pm25_in_either_width(client, staff, outcomes, q, expected):
    client.force_login(staff)
    assert _staff_titles(client, q) == expected


@pytest.mark.parametrize("q", ["，。！？", "　", "  ", "（）【】", "!!!"])
def test_a_punctuation_or_space_only_query_is_no_query_on_either_list(client, staff, outcomes, q):
    body = _public(client, q)
    assert all(t in body for t in (FULL, HALF, OTHER))
    assert "match-count" not in body  # no search, so no count of matches
    client.force_login(staff)
    assert _staff_titles(client, q) == {FULL, HALF, OTHER}
