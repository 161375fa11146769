"""The bigram indexes keep a small pending list (migration 0033): plans stay on the index while drafts are saved."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

INDEXES = (
    "sugg_text_bigrams",
    "sugg_public_text_bigrams",
    "sugg_congress_text_bigrams",
    "sugg_congress_public_bigrams",
)


def test_every_bigram_index_has_a_64_kb_pending_list():
    if connection.vendor != "postgresql":
        pytest.fail("the bigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [list(INDEXES)])
        options = dict(cursor.fetchall())
    assert set(options) == set(INDEXES)
    assert all(opts and "gin_pending_list_limit=64" in opts for opts in options.values()), options


def test_the_bench_data_builds_them_the_same_way():
    from suggestions.management.commands import generate_bench_data

    assert set(generate_bench_data.BIGRAM_INDEXES) == set(INDEXES)
    assert generate_bench_data.PENDING_LIST_KB == 64
