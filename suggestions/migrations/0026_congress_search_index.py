"""Chinese search inside one congress walks that congress's matches only (issue 19).

The bigram indexes (migrations 0006 and 0014) hold every congress: a search in a township of a
province-wide deployment found the term's matches in all 1,500 congresses and then dropped the rows of
the others. With ``btree_gin`` the congress becomes the first column of a GIN index beside the bigrams,
so ``congress_id = X AND search_bigrams @@ …`` is one index condition: the index returns only that
congress's matches. The public variant holds the published suggestions' public versions, as 0014 does.
PostgreSQL only; on SQLite (no bigram columns) this does nothing.
"""

from django.db import migrations

# name -> (columns, predicate); also built at the end by generate_bench_data (BIGRAM_INDEXES).
INDEXES = {
    "sugg_congress_text_bigrams": ("congress_id, search_bigrams", ""),
    "sugg_congress_public_bigrams": ("congress_id, public_bigrams", " WHERE is_published"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name, (columns, where) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON suggestions_suggestion USING gin ({columns}){where}"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0025_congress_published_index")]

    operations = [migrations.RunPython(forwards, backwards)]
