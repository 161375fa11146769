"""Who acts in which congress: one login, a record per congress, the congress chosen, and the first guard."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from congresses import services
from congresses.models import Congress, first_congress
from suggestions import actions, policy, roles
from suggestions.actor import Actor
from suggestions.defaults import install_congress_defaults
from suggestions.errors import InvalidInput
from suggestions.policy import Action
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    city = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    install_congress_defaults(apps.get_model, congress=city)
    district = first_congress()
    district.parent = city
    district.save()
    return city


@pytest.fixture
def city_session(city):
    term = factories.TermFactory(congress=city, number=15, name="贵阳市第十五届人民代表大会")
    return factories.SessionFactory(term=term, number=5, name="贵阳市十五届人大五次会议")


@pytest.fixture
def both(delegate, city_session):
    """王秀英: a delegate of the district (the ``delegate`` fixture) and of the city, with one login."""
    record = factories.DelegateFactory(
        user=delegate.user,
        term=city_session.term,
        name=delegate.name,
        delegation=factories.DelegationFactory(term=city_session.term, name="花溪区代表团"),
    )
    return delegate.user, delegate, record


def test_a_person_of_two_congresses_acts_in_the_first_until_they_choose(both, city):
    user, district_record, city_record = both
    actor = Actor.of(user)
    assert actor.congress_id == first_congress().pk
    assert actor.delegate.pk == district_record.pk
    assert roles.acts_in_several(user)
    assert set(roles.congress_ids_of(user)) == {first_congress().pk, city.pk}

    services.act_in(user=user, congress_id=city.pk)
    roles.forget(user)
    actor = Actor.of(user)
    assert actor.congress_id == city.pk
    assert actor.delegate.pk == city_record.pk
    assert actor.congress.name == "贵阳市人大"


def test_nobody_switches_into_a_congress_where_they_hold_no_role(delegate, city):
    with pytest.raises(InvalidInput):
        services.act_in(user=delegate.user, congress_id=city.pk)
    assert Actor.of(delegate.user).congress_id == first_congress().pk


def test_a_draft_goes_to_the_session_of_the_congress_acted_in(both, city, city_session):
    user, _district_record, city_record = both
    services.act_in(user=user, congress_id=city.pk)
    roles.forget(user)
    category = city.categories.get(name="交通运输")
    draft = actions.suggestion_save_draft(
        actor=user, title="关于公交接驳的建议", body="建议增设微循环公交。", category=category
    )
    assert draft.session == city_session and draft.congress == city and draft.lead_delegate == city_record
    # The district's category cannot be used for a city suggestion.
    district_category = first_congress().categories.get(name="交通运输")
    with pytest.raises(InvalidInput):
        actions.suggestion_save_draft(
            actor=user, title="关于公交的建议", body="建议增设公交。", category=district_category
        )


def test_staff_belong_to_one_congress_and_the_rule_book_refuses_the_others_rows(submitted, city):
    district_staff = factories.StaffFactory()
    city_staff = factories.StaffFactory(congress=city)
    assert policy.may(district_staff, Action.REGISTER, submitted)
    refusal = policy.may(city_staff, Action.REGISTER, submitted)
    assert not refusal and "人大" in refusal.reason
    # In the staff group without a congress: not staff at all.
    stray = factories.UserFactory()
    stray.groups.add(Group.objects.get(name=roles.STAFF_GROUP))
    assert not roles.is_staff_member(stray)
    assert not policy.may(stray, Action.REGISTER, submitted)


def test_the_switcher_changes_the_congress_and_the_header_names_it(client, both, city):
    user, _district_record, _city_record = both
    client.force_login(user)
    home = client.get("/", follow=True).content.decode()
    assert "花溪区人大代表建议办理" in home and "贵阳市人大" in home  # the menu offers the other congress
    response = client.post("/congress/choose/", {"congress": city.pk}, follow=True)
    assert response.status_code == 200
    assert "贵阳市人大代表建议办理" in response.content.decode()
    # A congress that is not theirs: a message, nothing changed.
    other = factories.CongressFactory()
    response = client.post("/congress/choose/", {"congress": other.pk}, follow=True)
    assert "没有职务" in response.content.decode()
    assert Actor.of(user).congress_id == city.pk
