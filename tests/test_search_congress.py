"""Chinese search inside one congress reads that congress's matches only (issue 19, migration 0026).

With ``btree_gin`` the congress is the first column of a GIN index beside the bigrams: in a deployment of
many congresses, ``congress_id = X AND search_bigrams @@ …`` is one index condition, and the index hands back
the matches of congress X alone instead of every congress's matches for a filter to drop.
"""

import pytest
from django.db import connection
from django.db.models import F

from suggestions.models import Suggestion
from suggestions.queries import selectors
from suggestions.queries.search import apply_text_search

from . import factories

pytestmark = pytest.mark.django_db

# The indexes that compete with the composite ones on a sample this small (the bigram indexes of every
# congress, and the btree indexes led by the congress: on twelve rows reading a congress's rows is as cheap);
# dropped inside the test's transaction (rolled back with it), as the plan tests of test_search.py do.
COMPETING = ["sugg_text_bigrams", "sugg_public_text_bigrams", "sugg_published"]


@pytest.fixture
def two_congresses(session, delegate):
    """Twelve suggestions about 老旧小区 and others; half of them moved to a second congress."""
    other = factories.CongressFactory(name="测试乡镇人大", slug="test-town", level="township")
    category = factories.CategoryFactory()
    rows = [
        Suggestion.objects.create(
            session=session,
            title=f"关于老旧小区改造的建议{i}" if i % 3 else f"关于公交线路调整的建议{i}",
            body="花溪街道老旧小区管网老化，雨季积水。" if i % 3 else "建议增开至青岩古镇的公交线路。",
            category=category,
            lead_delegate=delegate,
        )
        for i in range(12)
    ]
    Suggestion.objects.filter(pk__in=[s.pk for s in rows[6:]]).update(congress=other)
    Suggestion.objects.filter(pk__in=[s.pk for s in rows]).update(
        is_published=True, status=Suggestion.Status.CLOSED, public_title=F("title"), public_body=F("body")
    )
    return session.congress, other, rows


def _plan(qs):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'suggestions_suggestion' "
            "AND indexdef LIKE '%%btree (congress_id%%'"
        )
        for name in COMPETING + [row[0] for row in cursor.fetchall()]:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("ANALYZE suggestions_suggestion")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_composite_indexes_exist_with_the_congress_first():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('sugg_congress_text_bigrams', 'sugg_congress_public_bigrams')"
        )
        # Their pending lists kept small (migration 0033): the option stands between the columns and the predicate.
        found = {name: d.replace(" WITH (gin_pending_list_limit='64')", "") for name, d in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'")
        assert cursor.fetchone()
    assert "USING gin (congress_id, search_bigrams)" in found["sugg_congress_text_bigrams"]
    assert "USING gin (congress_id, public_bigrams) WHERE is_published" in found["sugg_congress_public_bigrams"]


@pytest.mark.parametrize("term", ["小区", "老旧小区"])
def test_a_search_in_one_congress_has_the_congress_as_an_index_condition(two_congresses, term):
    first, other, rows = two_congresses
    qs = apply_text_search(Suggestion.objects.filter(congress=other), term).order_by()
    plan = _plan(qs)
    assert "sugg_congress_text_bigrams" in plan, plan
    index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "congress_id =" in index_cond and "search_bigrams @@" in index_cond, plan
    expected = {s.pk for s in rows[6:] if "老旧小区" in s.title}
    assert set(qs.values_list("pk", flat=True)) == expected


def test_the_public_search_of_one_congress_uses_the_composite_public_index(two_congresses):
    first, other, rows = two_congresses
    fields = ("public_title", "public_body")
    qs = apply_text_search(selectors.public_suggestions().filter(congress=first), "老旧小区", fields=fields)
    with connection.cursor() as cursor:
        # The staff's composite index would serve as an index of the congress alone here.
        cursor.execute("DROP INDEX sugg_congress_text_bigrams")
    plan = _plan(qs.order_by())
    assert "sugg_congress_public_bigrams" in plan, plan
    index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "congress_id =" in index_cond and "public_bigrams @@" in index_cond, plan
    assert set(qs.values_list("pk", flat=True)) == {s.pk for s in rows[:6] if "老旧小区" in s.title}
