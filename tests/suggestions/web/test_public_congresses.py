"""Each congress's public site: its own outcomes, statistics, search, API and cache, never another's;
``/public/`` is the first congress; a city's page lists its own and its lower congresses' outcomes."""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse

from congresses.models import Congress, first_congress
from suggestions import actions
from suggestions.defaults import install_congress_defaults
from suggestions.models import Category
from suggestions.queries.public_congress import public_congress
from tests import factories
from tests.conftest import publish

HUAXI_TITLE = "关于花溪区十字街停车难问题的建议"
CITY_TITLE = "关于贵阳市中心城区停车场建设的建议"
HUAXI_OFFICE = "区住房和城乡建设局"
CITY_OFFICE = "市住房和城乡建设局MARKER"
CITY_SESSION = "贵阳市十五届人大四次会议"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _published(*, congress, session, delegate, staff, office, clerk, title):
    """A suggestion of ``congress`` filed, registered, assigned, answered (class A) and published."""
    from django.utils import timezone

    category = Category.objects.filter(congress=congress).order_by("pk").first()
    s = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, category=category, title=title, body="停车位不足，建议增建。"
    )
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    assignment = s.assignments.get()
    actions.assignment_sign(assignment=assignment, actor=clerk)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="上门沟通。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="已解决。",
        result_class=factories.result_class("A", congress=congress),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    reply.refresh_from_db()
    publish(reply, staff)
    s.refresh_from_db()
    return s


@pytest.fixture
def city(db):
    """贵阳市人大, the city above 花溪区人大 (the first congress)."""
    city = factories.CongressFactory(
        name="贵阳市人大", full_name="贵阳市人民代表大会", slug="guiyang", level=Congress.Level.CITY
    )
    huaxi = first_congress()
    huaxi.parent = city
    huaxi.save()
    install_congress_defaults(apps.get_model, congress=city)
    return city


@pytest.fixture
def two(city, session, staff, delegate):
    """One published outcome in each of the two congresses, each with its own office."""
    office = factories.OfficeFactory(name=HUAXI_OFFICE)
    huaxi = _published(
        congress=first_congress(),
        session=session,
        delegate=delegate,
        staff=staff,
        office=office,
        clerk=factories.OfficeMemberFactory(office=office).user,
        title=HUAXI_TITLE,
    )
    term = factories.TermFactory(congress=city, number=15, name="贵阳市第十五届人民代表大会")
    city_session = factories.SessionFactory(term=term, number=4, name=CITY_SESSION, is_current=True)
    city_delegate = factories.DelegateFactory(
        term=term, name="市代表甲", delegation=factories.DelegationFactory(term=term, name="花溪区代表团")
    )
    city_office = factories.OfficeFactory(congress=city, name=CITY_OFFICE)
    city_outcome = _published(
        congress=city,
        session=city_session,
        delegate=city_delegate,
        staff=factories.StaffFactory(congress=city),
        office=city_office,
        clerk=factories.OfficeMemberFactory(office=city_office).user,
        title=CITY_TITLE,
    )
    return {"huaxi": huaxi, "city": city_outcome, "office": office, "city_office": city_office, "congress": city}


def _city(name, *args):
    kwargs = {"congress_slug": "guiyang"}
    if args:
        kwargs["pk"] = args[0]
    return reverse(f"congress_public:{name}", kwargs=kwargs)


def _text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _site_urls(two):
    huaxi = [
        reverse("public:list"),
        reverse("public:list") + "?q=停车",
        reverse("public:detail", args=[two["huaxi"].pk]),
        reverse("public:stats"),
        reverse("public:office", args=[two["office"].pk]),
        reverse("public:csv"),
        reverse("public:feed"),
        "/api/v1/public/outcomes/",
        "/api/v1/public/outcomes/?q=停车",
        f"/api/v1/public/outcomes/{two['huaxi'].pk}/",
        "/api/v1/public/statistics/",
        "/api/v1/public/menus/",
    ]
    city = [
        _city("list"),
        _city("list") + "?q=停车",
        _city("detail", two["city"].pk),
        _city("stats"),
        _city("office", two["city_office"].pk),
        _city("csv"),
        _city("feed"),
        "/api/v1/public/outcomes/?congress=guiyang",
        "/api/v1/public/outcomes/?congress=guiyang&q=停车",
        f"/api/v1/public/outcomes/{two['city'].pk}/?congress=guiyang",
        "/api/v1/public/statistics/?congress=guiyang",
        "/api/v1/public/menus/?congress=guiyang",
    ]
    return huaxi, city


# --------------------------------------------------------------------------- isolation


def test_each_public_site_shows_only_its_own_outcomes_statistics_search_and_api(client, two):
    huaxi_urls, city_urls = _site_urls(two)
    for url in huaxi_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for foreign in (CITY_TITLE, CITY_OFFICE, CITY_SESSION, "guiyang"):
            assert foreign not in text, (url, foreign)
    for url in city_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for foreign in (HUAXI_TITLE, HUAXI_OFFICE, "花溪区十八届"):
            assert foreign not in text, (url, foreign)
    # And each shows its own.
    assert HUAXI_TITLE in client.get(reverse("public:list"), {"q": "停车"}).content.decode()
    assert CITY_TITLE in client.get(_city("list"), {"q": "停车"}).content.decode()
    assert CITY_TITLE in _text(client.get(_city("csv")))
    assert CITY_TITLE in client.get("/api/v1/public/outcomes/?congress=guiyang").content.decode()
    assert CITY_SESSION in client.get(_city("stats")).content.decode()
    assert CITY_OFFICE in client.get(_city("stats")).content.decode()


def test_an_outcome_or_office_of_another_congress_is_a_404(client, two):
    assert client.get(_city("detail", two["huaxi"].pk)).status_code == 404
    assert client.get(reverse("public:detail", args=[two["city"].pk])).status_code == 404
    assert client.get(_city("office", two["office"].pk)).status_code == 404
    assert client.get(reverse("public:office", args=[two["city_office"].pk])).status_code == 404
    assert client.get(f"/api/v1/public/outcomes/{two['huaxi'].pk}/?congress=guiyang").status_code == 404
    assert client.get(f"/api/v1/public/outcomes/{two['city'].pk}/").status_code == 404


def test_an_unknown_or_inactive_congress_is_a_404(client, two):
    assert client.get("/nosuch/public/").status_code == 404
    assert client.get("/nosuch/public/stats/").status_code == 404
    assert client.get("/api/v1/public/outcomes/?congress=nosuch").status_code == 404
    assert client.get(_city("list")).status_code == 200
    two["congress"].is_active = False
    two["congress"].save()
    for url in (_city("list"), _city("stats"), _city("detail", two["city"].pk), _city("feed"), _city("congresses")):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/public/outcomes/?congress=guiyang").status_code == 404


def test_a_filter_value_of_another_congress_is_not_a_choice(client, two):
    response = client.get(reverse("public:list"), {"office": two["city_office"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert CITY_OFFICE not in html and CITY_TITLE not in html
    assert "field-error" in html
    city_html = client.get(_city("list")).content.decode()
    assert CITY_OFFICE in city_html and HUAXI_OFFICE not in city_html


def test_a_warm_cache_of_one_congress_never_answers_for_another(client, two, staff):
    """Warm every page of the first congress (anonymous and signed in), then ask the city's: its own only."""
    huaxi_urls, city_urls = _site_urls(two)
    for url in huaxi_urls:
        client.get(url)
    client.force_login(staff)
    for url in huaxi_urls:
        client.get(url)
    for url in city_urls:
        text = _text(client.get(url))
        assert HUAXI_TITLE not in text and HUAXI_OFFICE not in text, url
    client.logout()
    for url in city_urls:
        text = _text(client.get(url))
        assert HUAXI_TITLE not in text and HUAXI_OFFICE not in text, url
    # The other way round too, with the city's pages now warm.
    for url in huaxi_urls:
        text = _text(client.get(url))
        assert CITY_TITLE not in text and CITY_OFFICE not in text, url


def _cache_keys():
    """Every key in the cache, without Django's prefix and version (``:1:``)."""
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # the local memory cache
        raw = list(store)
    else:
        raw = [k.decode() for k in cache._cache.get_client().keys("*")]
    return [k.split(":", 2)[-1] for k in raw]


def test_every_public_cache_key_names_the_congress(client, two, staff):
    huaxi_urls, city_urls = _site_urls(two)
    for url in huaxi_urls + city_urls:
        client.get(url)
    client.force_login(staff)
    client.get(_city("list"))
    ids = {str(first_congress().pk), str(two["congress"].pk)}
    # public:<congress>:<page>:…, public:row:<congress>:…, public:choices:<congress>:…
    keys = [k for k in _cache_keys() if k.startswith("public:") and k != "public:version"]
    assert len(keys) > 10
    for key in keys:
        parts = key.split(":")
        assert parts[1] in ids or (parts[1] in ("row", "choices") and parts[2] in ids), key


# --------------------------------------------------------------------------- the sites themselves


def test_public_is_the_first_congress_and_each_site_is_named_after_its_congress(client, two):
    first = client.get("/public/").content.decode()
    assert "花溪区人大代表建议办理" in first and "贵阳市花溪区人民代表大会常务委员会" in first
    assert client.get("/huaxi/public/").status_code == 200
    assert HUAXI_TITLE in client.get("/huaxi/public/").content.decode()
    city = client.get("/guiyang/public/").content.decode()
    assert "贵阳市人大代表建议办理" in city
    assert "<title>建议办理结果公开 · 贵阳市人大代表建议办理结果公开</title>" in city
    assert "贵阳市人民代表大会常务委员会" in city and "贵阳市花溪区人民代表大会常务委员会" not in city
    # The site's own links stay on the site.
    assert f'href="{_city("detail", two["city"].pk)}"' in city
    assert f'href="{_city("stats")}"' in city
    assert 'href="/public/stats/"' not in city


def test_a_township_site_is_signed_by_its_presidium_not_a_standing_committee(client, db):
    from congresses.models import Congress

    town = Congress.objects.create(
        name="青岩镇人大", full_name="花溪区青岩镇人民代表大会", slug="qingyan", level=Congress.Level.TOWNSHIP
    )
    page = client.get("/qingyan/public/").content.decode()
    assert "花溪区青岩镇人民代表大会主席团" in page
    assert "常务委员会" not in page
    assert town.organ_name == "花溪区青岩镇人民代表大会主席团"


def test_a_city_page_lists_its_own_and_its_lower_congresses_outcomes_and_figures(client, two):
    response = client.get(_city("congresses"))
    assert response.status_code == 200
    html = response.content.decode()
    assert CITY_TITLE in html and HUAXI_TITLE in html
    assert 'href="/public/"' in html and f'href="{_city("list")}"' in html  # each congress's own site
    assert f'href="{reverse("public:detail", args=[two["huaxi"].pk])}"' in html
    assert f'href="{_city("detail", two["city"].pk)}"' in html
    assert "办复率" in html and "满意率" in html and CITY_SESSION in html
    # Linked from the city's public pages; a district has no such page.
    assert f'href="{_city("congresses")}"' in client.get(_city("list")).content.decode()
    assert client.get(reverse("public:congresses")).status_code == 404
    # The district's own site does not list the city's outcomes.
    assert CITY_TITLE not in client.get(reverse("public:list")).content.decode()


def test_a_congress_site_holds_the_same_query_count_as_the_first(client, two):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        cache.clear()
        public_congress()
        public_congress("guiyang")  # the congress of an address is kept by the process a minute
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    # Each with its transaction's congress scope (row-level security): one statement.
    assert count(_city("list")) == count(reverse("public:list")) == 7  # the four menus in one statement
    assert count(_city("detail", two["city"].pk)) == count(reverse("public:detail", args=[two["huaxi"].pk])) == 7
