"""Every list endpoint runs a fixed number of queries, whatever the number of rows on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suggestions import actions
from suggestions.models import Notification
from tests import factories
from tests.api.conftest import bearer
from tests.conftest import carry_to_reply, publish

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _count(client, path):
    client.get(path)  # menus and statistics a first request fills the cache with
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def _filed(session, delegate, staff, office, clerk, n, *, publish_it=False):
    for _ in range(n):
        suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
        actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
        actions.suggestion_register(suggestion=suggestion, actor=staff)
        actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office, co_offices=[])
        if publish_it:
            suggestion.refresh_from_db()
            reply = carry_to_reply(suggestion, suggestion.assignments.get(), clerk)
            publish(reply, staff)


def _same_at_1_and_6(setup, client_for, path):
    setup(1)
    one = _count(client_for(), path)
    setup(5)
    six = _count(client_for(), path)
    assert one == six <= MAX_QUERIES, (one, six)


def test_suggestion_list_queries_are_fixed(session, delegate, staff, office, clerk, django_assert_max_num_queries):
    _same_at_1_and_6(
        lambda n: _filed(session, delegate, staff, office, clerk, n),
        lambda: bearer(delegate.user),
        "/api/v1/suggestions/?q=小区",
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        bearer(staff).get("/api/v1/suggestions/")


def test_office_inbox_queries_are_fixed(session, delegate, staff, office, clerk):
    _same_at_1_and_6(
        lambda n: _filed(session, delegate, staff, office, clerk, n),
        lambda: bearer(clerk),
        "/api/v1/office/assignments/",
    )


def test_notification_list_queries_are_fixed(delegate):
    def setup(n):
        for i in range(n):
            Notification.objects.create(user=delegate.user, title=f"通知{i}")

    _same_at_1_and_6(setup, lambda: bearer(delegate.user), "/api/v1/notifications/")


def test_invitation_list_queries_are_fixed(session, delegate, other_delegate):
    def setup(n):
        for _ in range(n):
            draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
            actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])

    _same_at_1_and_6(setup, lambda: bearer(other_delegate.user), "/api/v1/invitations/")


def test_public_outcome_list_queries_are_fixed(session, delegate, staff, office, clerk):
    from django.test import Client

    _same_at_1_and_6(
        lambda n: _filed(session, delegate, staff, office, clerk, n, publish_it=True),
        Client,
        "/api/v1/public/outcomes/",
    )
