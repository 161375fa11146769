"""The hint's retrieval at scale: a budget of index entries, the query's own word kept, the plan on the index."""

import pytest
from django.db import connection, transaction

from suggestions.models import Suggestion
from suggestions.queries import similar
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_budget_takes_the_rarest_terms_first_and_always_keeps_the_querys_own():
    postings = {"常见": 48_000.0, "少见": 300.0, "稀有": 1.0, "中等": 15_000.0, "较多": 6_000.0}.__getitem__
    terms = ["常见", "中等", "较多", "少见", "稀有"]
    # Rarest first while they fit: 稀有, 少见, 较多 (6,301), then 中等 would pass 20,000.
    assert similar._within_budget(terms, postings, 20_000) == ["较多", "少见", "稀有"]
    # 48,000 entries are over the budget: kept as the query's own first word, outside it; the rest as before.
    assert similar._within_budget(terms, postings, 20_000, keep=["常见"]) == ["常见", "较多", "少见", "稀有"]


def test_the_retrieval_plan_settings_are_put_back_inside_an_outer_transaction():
    with transaction.atomic():
        rows = similar._on_the_index(connection, "SELECT current_setting('enable_seqscan')", [])
        assert rows == [("off",)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
            assert cursor.fetchone() == ("on", "on")


def test_a_term_the_statistics_do_not_list_still_retrieves(delegate, monkeypatch):
    """At a million the statistics' floor is below one suggestion: a word filed since they were read (shared by
    two suggestions now) must still find the other one."""
    session = factories.SessionFactory()
    category = factories.CategoryFactory()
    made = [
        Suggestion.objects.create(
            session=session,
            title=title,
            body="",
            category=category,
            lead_delegate=delegate,
            status=Suggestion.Status.REGISTERED,
        )
        for title in ("关于鸬鹚湾湿地保护的建议", "鸬鹚湾水质监测", "关于菜市场摊位的建议")
    ]
    listed = {"关于": 0.9, "建议": 0.9}
    monkeypatch.setattr(similar, "table_statistics", lambda conn: (1_000_000.0, listed, 0.4e-6))
    hits = similar.find(
        Suggestion.objects.filter(status__in=similar.HINT_STATUSES),
        "鸬鹚湾水质监测",
        congress_id=made[0].congress_id,
        exclude_pk=made[1].pk,
        method="index",
    )
    assert [h.suggestion.pk for h in hits][:1] == [made[0].pk]
