"""Administration: an administrator of a city creates congresses below it and their first staff accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from congresses import services
from congresses.models import Congress, StaffMembership, first_congress
from delegates.models import AccountActivation
from suggestions import actions, policy, roles
from suggestions.models import AuditLog, Category, ResultClass
from suggestions.policy import Action
from tests import factories

COUNTY = Congress.Level.COUNTY


def _create(actor, parent, **values):
    fields = {"name": "云岩区人大", "slug": "yunyan", "level": COUNTY, "full_name": "贵阳市云岩区人民代表大会"}
    return services.congress_create(actor=actor, parent=parent, **{**fields, **values})


def test_a_city_administrator_creates_a_congress_below_with_its_defaults(city, city_staff):
    congress = _create(city_staff, city)
    assert (congress.parent, congress.level, congress.slug) == (city, COUNTY, "yunyan")
    assert Category.objects.filter(congress=congress).count() == 13
    assert set(ResultClass.objects.filter(congress=congress).values_list("code", flat=True)) == {"A", "B", "C", "D"}
    row = AuditLog.objects.get(action=AuditLog.Action.CONGRESS_CREATE)
    assert (row.actor, row.data["congress"]) == (city_staff, congress.pk)


def test_and_its_first_staff_account_with_an_activation_link(city, city_staff):
    congress = _create(city_staff, city)
    user, issued = services.staff_account_create(
        actor=city_staff, congress=congress, username="yy_li", full_name="李丽"
    )
    assert user.groups.filter(name=roles.STAFF_GROUP).exists() and not user.has_usable_password()
    assert StaffMembership.objects.get(user=user).congress == congress
    assert len(issued) == 1 and AccountActivation.objects.filter(user=user, used_at__isnull=True).count() == 1
    user = get_user_model().objects.get(pk=user.pk)
    assert roles.congress_id_of(user) == congress.pk and roles.is_staff_member(user)
    # The new staff configure their own congress: they are its staff, nobody else's.
    assert policy.may(user, Action.MANAGE_PEOPLE, None)
    assert not policy.may(user, Action.STAFF_DESK, factories.OfficeFactory())  # an office of 花溪区人大
    with pytest.raises(actions.InvalidInput):
        services.staff_account_create(actor=city_staff, congress=congress, username="YY_LI", full_name="另一人")


def test_only_below_ones_own_congress(city, city_staff, staff, township):
    district = first_congress()
    # The district's staff create below the district, never beside or above it.
    assert _create(staff, district, name="石板镇人大", slug="shiban", level=Congress.Level.TOWNSHIP).parent == district
    with pytest.raises(actions.NotPermitted):
        _create(staff, city)
    with pytest.raises(actions.NotPermitted):
        services.staff_account_create(actor=staff, congress=city, username="sneaky", full_name="某人")
    with pytest.raises(actions.NotPermitted):
        services.staff_account_create(actor=staff, congress=district, username="sneaky", full_name="某人")
    township_staff = factories.StaffFactory(congress=township)
    with pytest.raises(actions.NotPermitted):
        _create(township_staff, township, level=Congress.Level.TOWNSHIP)
    delegate = factories.DelegateFactory()
    assert not policy.may(delegate.user, Action.MANAGE_CONGRESSES, None)
    # A superuser may anywhere.
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    assert _create(admin, city, name="白云区人大", slug="baiyun").parent == city
    assert not get_user_model().objects.filter(username="sneaky").exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": Congress.Level.CITY}, "层级"),
        ({"slug": "Bad slug!"}, "网址标识"),
        ({"slug": "huaxi"}, "已被使用"),
        ({"name": "花溪区人大"}, "已有"),
        ({"name": " "}, "简称"),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_saved(city, city_staff, values, message):
    before = Congress.objects.count()
    with pytest.raises(actions.InvalidInput) as error:
        _create(city_staff, city, **values)
    assert message in error.value.message
    assert Congress.objects.count() == before


def test_the_management_pages(city, city_staff, township):
    client = Client()
    client.force_login(city_staff)
    url = reverse("congresses:manage")
    html = client.get(url).content.decode()
    assert 'data-congress="huaxi"' in html and 'data-congress="qingyan"' in html
    response = client.post(url, {"name": "云岩区人大", "slug": "Bad slug", "level": COUNTY, "parent": city.pk})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    response = client.post(url, {"name": "云岩区人大", "slug": "yunyan", "level": COUNTY, "parent": city.pk})
    congress = Congress.objects.get(slug="yunyan")
    assert response["Location"] == reverse("congresses:staff_new", args=[congress.pk])
    response = client.post(response["Location"], {"full_name": "李丽", "username": "yy_li"})
    assert response["Location"] == reverse("roster:links")
    assert "/activate/" in client.get(reverse("roster:links")).content.decode()
    # Another congress's id (the city itself, above nobody's reach) is not there.
    assert client.get(reverse("congresses:staff_new", args=[city.pk])).status_code == 404


def test_the_management_pages_are_closed_to_others(city, township):
    for user in (factories.StaffFactory(congress=township), factories.DelegateFactory().user):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("congresses:manage")).status_code == 403
        assert client.get(reverse("congresses:staff_new", args=[township.pk])).status_code == 403


def test_deadline_policies_are_per_session_so_per_congress(city_session, session):
    city_policy = actions.policy_for(city_session)
    district_policy = actions.policy_for(session)
    assert city_policy.pk != district_policy.pk
    assert city_policy.session.congress_id != district_policy.session.congress_id
