from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from suggestions.actor import Actor, actor_of
from suggestions.models import OfficeMember
from tests import factories


def test_an_actor_carries_the_roles_offices_and_delegate_of_its_user(db, office, co_office, delegate, staff):
    head = factories.OfficeMemberFactory(office=office, role=OfficeMember.Role.HEAD).user
    factories.OfficeMemberFactory(office=co_office, user=head)
    actor = Actor.of(head)
    assert actor.is_authenticated and not actor.is_staff and actor.delegate is None
    assert actor.office_ids == {office.pk, co_office.pk}
    assert actor.head_office_ids == {office.pk}
    assert actor.heads(office.pk) and not actor.heads(co_office.pk) and actor.works_for(co_office.pk)
    assert Actor.of(delegate.user).delegate_id == delegate.pk
    assert Actor.of(staff).is_staff and not Actor.of(staff).is_admin


def test_an_admin_counts_as_staff_and_anonymous_as_nobody(db):
    admin = Actor.of(factories.UserFactory(is_superuser=True))
    assert admin.is_admin and admin.is_staff
    nobody = Actor.of(AnonymousUser())
    assert not nobody.is_authenticated and not nobody.office_ids and nobody.delegate is None
    assert Actor.of(nobody) is nobody


def test_the_actor_of_a_request_is_built_once(db, staff):
    request = RequestFactory().get("/")
    request.user = staff
    assert actor_of(request) is actor_of(request)
