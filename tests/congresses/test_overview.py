"""The level above: the figures of every congress below side by side, and a read-only look into them."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congresses import queries
from congresses.models import Congress, first_congress
from suggestions import actions, policy
from suggestions.models import Suggestion
from suggestions.policy import Action
from suggestions.reporting import metrics
from tests import factories

from .conftest import congress_world


def _township_suggestion(township):
    session = township.sessions.get(is_current=True)
    delegate = factories.DelegateFactory(term=session.term, delegation=factories.DelegationFactory(term=session.term))
    category = township.categories.first()
    draft = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, category=category, title="青岩镇的建议"
    )
    return actions.suggestion_submit(suggestion=draft, actor=delegate.user)


@pytest.fixture
def levels(replied, delegate, township, city_staff):
    """A replied and rated suggestion in the district, a submitted one in the township."""
    actions.rating_submit(reply=replied, actor=delegate.user, value="satisfied")
    return {"district": first_congress(), "township": township, "town_suggestion": _township_suggestion(township)}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_congress_below_has_the_figures_of_the_reports(levels):
    city = levels["district"].parent
    below = queries.lower_congresses(city.pk)
    assert [c.name for c in below] == ["花溪区人大", "青岩镇人大"]
    figures = queries.figures_by_congress([c.pk for c in below])
    for congress in below:
        alone = metrics.session_figures(Suggestion.objects.filter(congress=congress, session__is_current=True))
        for key in ("reply_rate", "on_time_rate", "satisfaction", "first_satisfaction", "solved_rate", "met_rate"):
            mine, theirs = figures[congress.pk][key], alone[key]
            assert (mine.numerator, mine.denominator) == (theirs.numerator, theirs.denominator), (congress, key)
        assert figures[congress.pk]["counts"] == alone["counts"]
    every_session = queries.figures_by_congress([c.pk for c in below], current_only=False)
    for congress in below:
        alone = metrics.session_figures(Suggestion.objects.filter(congress=congress))
        assert every_session[congress.pk]["counts"] == alone["counts"]
        for key in ("reply_rate", "satisfaction", "solved_rate", "adopted_rate"):
            mine, theirs = every_session[congress.pk][key], alone[key]
            assert (mine.numerator, mine.denominator) == (theirs.numerator, theirs.denominator), (congress, key)
    district = figures[levels["district"].pk]
    assert (district["reply_rate"].numerator, district["reply_rate"].denominator) == (1, 1)
    assert (district["satisfaction"].numerator, district["satisfaction"].denominator) == (1, 1)
    assert figures[levels["township"].pk]["counts"]["filed"] == 1


def test_the_office_figures_of_each_congress_are_those_of_the_reports(levels, office):
    rows = {r["office__name"]: r for r in queries.offices_of(levels["district"])}
    alone = {
        r["office__name"]: r
        for r in metrics.by_office(Suggestion.objects.filter(congress=levels["district"], session__is_current=True))
    }
    assert rows.keys() == alone.keys() and office.name in rows
    for name, row in rows.items():
        assert (row["assigned"], row["overdue"]) == (alone[name]["assigned"], alone[name]["overdue"])
        for key in ("reply_rate", "on_time_rate", "satisfaction"):
            assert (row[key].numerator, row[key].denominator) == (
                alone[name][key].numerator,
                alone[name][key].denominator,
            )
    assert queries.offices_of(levels["township"]) == []  # no office of the township handles anything


def test_the_city_sees_its_congresses_side_by_side(levels, city_staff, office):
    client = _client(city_staff)
    html = client.get(reverse("congresses:overview")).content.decode()
    assert 'data-congress="huaxi"' in html and 'data-congress="qingyan"' in html
    assert "100.0%" in html
    # The offices are on each congress's own page, not on the overview (issue 19: thousands of rows there).
    assert office.name not in html
    listing = client.get(reverse("congresses:lower_list", args=[levels["district"].pk])).content.decode()
    assert f'data-office="{office.name}"' in listing and "100.0%" in listing


def test_the_query_count_does_not_grow_with_the_congresses(levels, city_staff):
    client = _client(city_staff)
    url = reverse("congresses:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    city = levels["district"].parent
    for n in range(3):
        county = factories.CongressFactory(name=f"测试县{n}人大", slug=f"county{n}", parent=city)
        congress_world(county, term_name=f"测试县{n}第十五届人民代表大会", session_name=f"测试县{n}十五届五次会议")
        _township_suggestion(county)
    client.get(url)  # the process keeps the congresses a minute: the new ones were read once
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("data-congress=") == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_drill_down_is_read_only_and_masks_contacts(levels, city_staff, delegate, replied):
    suggestion = replied.suggestion
    client = _client(city_staff)
    listing = client.get(reverse("congresses:lower_list", args=[levels["district"].pk])).content.decode()
    detail_url = reverse("congresses:lower_suggestion", args=[suggestion.pk])
    assert suggestion.title in listing and detail_url in listing
    html = client.get(detail_url).content.decode()
    assert suggestion.title in html and replied.office.name in html
    phone = delegate.contact.phone if hasattr(delegate, "contact") else None
    for secret in filter(None, [phone, "花溪区某路1号", delegate.user.username]):
        assert secret not in html
    assert not re.search(r"1\d{10}", html)  # no mobile number of anyone
    # No action of the lower congress is offered, and none is allowed.
    assert 'name="action"' not in html and reverse("staff:suggestion", args=[suggestion.pk]) not in html
    for action in (Action.CLOSE, Action.REHANDLE, Action.SET_KEY, Action.WITHDRAW, Action.STAFF_DESK):
        assert not policy.may(city_staff, action, suggestion)
    with pytest.raises(actions.NotPermitted):
        actions.suggestion_set_key(suggestion=suggestion, actor=city_staff, is_key=True)


def test_reading_below_is_by_ancestry_only(levels, staff, city_staff, township_staff, delegate):
    district, township = levels["district"], levels["township"]
    city = district.parent
    # The district reads its township, not the city above it.
    assert policy.may(staff, Action.VIEW_LOWER_CONGRESSES, township)
    assert not policy.may(staff, Action.VIEW_LOWER_CONGRESSES, city)
    assert policy.may(city_staff, Action.VIEW_LOWER_CONGRESSES, township)  # two levels down
    assert not policy.may(city_staff, Action.VIEW_LOWER_CONGRESSES, city)  # not itself
    assert not policy.may(township_staff, Action.VIEW_LOWER_CONGRESSES, None)
    assert not policy.may(delegate.user, Action.VIEW_LOWER_CONGRESSES, None)
    district_client = _client(staff)
    assert district_client.get(reverse("congresses:lower_list", args=[township.pk])).status_code == 200
    assert district_client.get(reverse("congresses:lower_list", args=[city.pk])).status_code == 404
    assert district_client.get(reverse("congresses:lower_list", args=[district.pk])).status_code == 404
    town = levels["town_suggestion"]
    assert district_client.get(reverse("congresses:lower_suggestion", args=[town.pk])).status_code == 200
    # A draft is nobody's business above, nor a suggestion of a congress not below.
    city_suggestion_client = _client(township_staff)
    assert city_suggestion_client.get(reverse("congresses:overview")).status_code == 403
    assert city_suggestion_client.get(reverse("congresses:lower_suggestion", args=[town.pk])).status_code == 403
    draft = factories.SuggestionFactory(session=town.session, lead_delegate=town.lead_delegate, category=town.category)
    assert district_client.get(reverse("congresses:lower_suggestion", args=[draft.pk])).status_code == 404
    delegate_client = _client(delegate.user)
    assert delegate_client.get(reverse("congresses:overview")).status_code == 403


def test_the_navigation_offers_the_view_below_only_to_those_allowed(levels, city_staff, township_staff):
    url = reverse("congresses:overview")
    assert f'href="{url}"' in _client(city_staff).get(reverse("staff:inbox")).content.decode()
    assert f'href="{url}"' not in _client(township_staff).get(reverse("staff:inbox")).content.decode()
    assert Congress.objects.get(slug="qingyan").level == Congress.Level.TOWNSHIP
