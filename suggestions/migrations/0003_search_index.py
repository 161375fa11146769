"""Bigram index for Chinese search (see suggestions/search.py). PostgreSQL only; SQLite searches with LIKE."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION huaxi_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT substr(u, i, 2))), ''::tsvector)
  FROM (SELECT upper(t) AS u) s, generate_series(1, char_length(u) - 1) AS i
$$;
COMMENT ON FUNCTION huaxi_bigrams(text) IS
  'Every overlapping two-character piece of upper(t): the document side of Chinese search.';
CREATE OR REPLACE FUNCTION huaxi_bigram_query(term text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
  FROM (SELECT DISTINCT substr(u, i, 2) AS g
        FROM (SELECT upper(term) AS u) s, generate_series(1, char_length(u) - 1) AS i) x
$$;
COMMENT ON FUNCTION huaxi_bigram_query(text) IS
  'AND of the two-character pieces of upper(term): the query side of Chinese search.';
CREATE INDEX IF NOT EXISTS sugg_text_bigrams ON suggestions_suggestion
  USING gin (huaxi_bigrams(title || ' ' || body));
"""

BACKWARD = """
DROP INDEX IF EXISTS sugg_text_bigrams;
DROP FUNCTION IF EXISTS huaxi_bigram_query(text);
DROP FUNCTION IF EXISTS huaxi_bigrams(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0002_defaults")]

    operations = [migrations.RunPython(forwards, backwards)]
