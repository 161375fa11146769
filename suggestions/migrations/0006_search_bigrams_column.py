"""Keep each suggestion's bigrams in a stored column and index that column.

Migration 0003 indexed the expression ``huaxi_bigrams(title || ' ' || body)``. Whenever the
planner reached a suggestion by another way (a session and category, an office's replies),
it tested the term by computing that expression for the row: splitting a whole body into
pieces, about 0.6 ms a row, 160 ms for a filtered search on the benchmark data; and since it
also charges that cost to every row a bitmap scan of the index rechecks, no function cost
made it choose well. A generated column is computed once when a suggestion is written; a
test against it costs microseconds, and the planner's estimates are true again.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE suggestions_suggestion
  ADD COLUMN IF NOT EXISTS search_bigrams tsvector
  GENERATED ALWAYS AS (huaxi_bigrams(title || ' ' || body)) STORED;
COMMENT ON COLUMN suggestions_suggestion.search_bigrams IS
  'huaxi_bigrams(title || '' '' || body): written by PostgreSQL, read by suggestions.search.BigramMatch.';
DROP INDEX IF EXISTS sugg_text_bigrams;
CREATE INDEX sugg_text_bigrams ON suggestions_suggestion USING gin (search_bigrams);
ANALYZE suggestions_suggestion;
"""

BACKWARD = """
DROP INDEX IF EXISTS sugg_text_bigrams;
ALTER TABLE suggestions_suggestion DROP COLUMN IF EXISTS search_bigrams;
CREATE INDEX sugg_text_bigrams ON suggestions_suggestion USING gin (huaxi_bigrams(title || ' ' || body));
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0005_statistics_tallies")]

    operations = [migrations.RunPython(forwards, backwards)]
