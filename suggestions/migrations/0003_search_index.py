"""Bigram index for Chinese search (see suggestions/search.py). PostgreSQL only; SQLite searches with LIKE."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION huaxi_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_to_tsvector(array_agg(x.a || x.b)), ''::tsvector)
  FROM (SELECT string_to_array(upper(t), NULL) AS c) s,
       unnest(s.c[1:cardinality(s.c) - 1], s.c[2:]) AS x(a, b)
$$;
COMMENT ON FUNCTION huaxi_bigrams(text) IS
  'Every overlapping two-character piece of upper(t): the document side of Chinese search.';
CREATE OR REPLACE FUNCTION huaxi_bigram_query(term text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
  FROM (SELECT DISTINCT x.a || x.b AS g
        FROM (SELECT string_to_array(upper(term), NULL) AS c) s,
             unnest(s.c[1:cardinality(s.c) - 1], s.c[2:]) AS x(a, b)) y
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
