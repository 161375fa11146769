"""The worklists' recount under row-level security: the data migration widens to every congress (audited)."""

import importlib

import pytest
from django.db import transaction

from suggestions.models import HomeEntry, InboxFact
from suggestions.reporting import worklists
from tests.test_row_security import as_restricted_role, two  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)
fill = importlib.import_module("suggestions.migrations.0035_worklists_fill").fill


def test_the_data_migration_counts_every_congress_though_migrate_runs_without_a_scope(two):  # noqa: F811
    a, b = two
    with as_restricted_role():
        with transaction.atomic():
            worklists.rebuild()  # no scope: row-level security shows no suggestion, so nothing is counted
            assert not HomeEntry.objects.exists() and not InboxFact.objects.exists()
            transaction.set_rollback(True)
        fill(None, None)
    assert set(HomeEntry.objects.values_list("delegate_id", flat=True)) >= {a.delegate.pk, b.delegate.pk}
    assert set(InboxFact.objects.values_list("suggestion_id", flat=True)) == {a.suggestion.pk, b.suggestion.pk}
    assert worklists.stored() == worklists.derived()
