"""Prepared queries (huaxi_renda.prepared): compiled once, they read what a fresh queryset reads."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huaxi_renda import prepared
from huaxi_renda.prepared import Prepared
from suggestions import roles
from suggestions.models import CoSigner
from tests import factories


def test_a_prepared_query_reads_the_same_rows_as_the_queryset_for_each_value(db):
    users = [factories.UserFactory() for _ in range(3)]
    by_pks = Prepared(lambda *, pks: get_user_model().objects.filter(pk__in=pks).order_by("pk"))

    for chosen in ([users[0].pk], [users[1].pk, users[2].pk], [u.pk for u in users]):
        assert [u.pk for u in by_pks(pks=tuple(chosen))] == chosen


def test_a_prepared_query_is_compiled_once_per_shape(db, monkeypatch):
    built = []

    def build(*, pk, active):
        built.append(pk)
        return get_user_model().objects.filter(pk=pk, is_active=active)

    user = factories.UserFactory()
    monkeypatch.setattr("django.conf.settings.PREPARED_QUERIES_CHECK", False)
    by_pk = Prepared(build)
    assert [u.pk for u in by_pk(pk=user.pk, active=True)] == [user.pk]
    assert by_pk(pk=user.pk + 1000, active=True) == []
    assert by_pk(pk=user.pk, active=False) == []
    # The first call builds twice (its model, then its stand-ins compiled); a new shape (active) once more.
    assert len(built) == 3


def test_the_user_with_roles_is_one_query_and_carries_its_related_leader(db, leader):
    with CaptureQueriesContext(connection) as queries:
        user = roles.RoleAwareModelBackend().get_user(leader.user_id)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert user.leader == leader
    assert len(queries) == 0


def test_a_value_read_inside_the_build_and_not_passed_in_is_caught_by_the_check(db):
    # The clock read by the build itself would be frozen into the compiled query: the check compares each call
    # with a fresh compile and fails.
    invited = Prepared(lambda *, pk: CoSigner.objects.filter(pk=pk, deadline__gte=timezone.now()))
    with pytest.raises(AssertionError, match="differs"):
        invited(pk=1)


def test_a_value_passed_in_is_not_frozen(db):
    invited = Prepared(lambda *, pk, now: CoSigner.objects.filter(pk=pk, deadline__gte=now))
    now = timezone.now()
    invited(pk=1, now=now)
    invited(pk=1, now=now + datetime.timedelta(days=1))


def test_a_value_that_reaches_the_sql_changed_is_not_prepared_but_runs_as_a_queryset(db, draft):
    # A datetime turned into a date (``__date``) is not the stand-in any more: compiled, it would be frozen in.
    # (SQLite sends every date and time as text: there these shapes always run this way.)
    cosigner = CoSigner.objects.create(
        suggestion=draft, delegate=factories.DelegateFactory(), deadline=timezone.now() + datetime.timedelta(days=2)
    )
    by_day = Prepared(lambda *, when: CoSigner.objects.filter(deadline__date=when.date()))
    assert by_day(when=timezone.localtime(cosigner.deadline)) == [cosigner]
    assert by_day(when=timezone.now()) == []
    assert all(compiled is prepared._UNPREPARED for compiled in by_day._compiled.values())


def test_a_shape_that_matches_nothing_runs_no_query(db):
    none_of = Prepared(lambda *, pks: get_user_model().objects.filter(pk__in=pks))
    with CaptureQueriesContext(connection) as queries:
        assert none_of(pks=()) == []
    assert len(queries) == 0


def test_a_person_with_no_role_and_an_id_out_of_range_find_no_suggestion(client, db, draft):
    client.force_login(factories.UserFactory())
    assert client.get(f"/suggestions/{draft.pk}/").status_code == 404
    client.force_login(draft.lead_delegate.user)
    assert client.get(f"/suggestions/{draft.pk}/").status_code == 200
    assert client.get(f"/suggestions/{2**40}/").status_code == 404
