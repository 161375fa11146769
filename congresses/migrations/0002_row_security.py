"""PostgreSQL row-level security: the second guard between congresses (README "Row-level security").

The workflow tables are visible only for the congresses of the current transaction's scope, which
``huaxi_renda.rowscope`` sets with ``set_config(..., true)`` (``SET LOCAL``) in each transaction: an unset or
empty scope shows nothing (fail closed). ``huaxi.scope_all = on`` is the audited widening of the system paths
(beat's scans, the administrators); ``rowscope.widen`` is the only code that sets it. FORCE makes the table
owner obey the policies too; only a superuser or a BYPASSRLS role passes them, which the site's role is not.
On SQLite nothing happens: the code-level scoping is the only guard there.
"""

from django.db import migrations

SCOPE = "(huaxi_scope_all() OR congress_id = ANY (huaxi_scope()))"
# The tables with a congress column, and the delegates' own records (the role lookup before the congress is known).
DIRECT = {
    "suggestions_suggestion": SCOPE,
    "suggestions_office": SCOPE,
    "stations_station": SCOPE,
    "delegates_delegate": f"({SCOPE[1:-1]} OR user_id = huaxi_user())",
}
# Children of the suggestion: visible when their suggestion is (that subquery obeys the suggestion's policy).
THROUGH_SUGGESTION = "(huaxi_scope_all() OR EXISTS (SELECT 1 FROM suggestions_suggestion s WHERE s.id = suggestion_id))"
CHILDREN = ("suggestions_assignment", "suggestions_reply")
TABLES = (*DIRECT, *CHILDREN)

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION huaxi_scope() RETURNS bigint[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_to_array(nullif(current_setting('huaxi.congresses', true), ''), ',')::bigint[]
$$;
CREATE OR REPLACE FUNCTION huaxi_scope_all() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('huaxi.scope_all', true), '') = 'on'
$$;
CREATE OR REPLACE FUNCTION huaxi_user() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('huaxi.user', true), '')::bigint
$$;
-- The congresses a user holds any role in (what suggestions.roles reads before the congress acted in is known).
-- The SET clause widens only for the function's own queries and is undone when it returns.
CREATE OR REPLACE FUNCTION huaxi_user_congresses(uid bigint) RETURNS bigint[] LANGUAGE sql STABLE
SET huaxi.scope_all = 'on' AS $$
    SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') FROM (
        SELECT congress_id AS c FROM congresses_staffmembership WHERE user_id = uid
        UNION SELECT congress_id FROM delegates_delegate WHERE user_id = uid AND is_active
        UNION SELECT o.congress_id FROM suggestions_officemember m
              JOIN suggestions_office o ON o.id = m.office_id WHERE m.user_id = uid
        UNION SELECT congress_id FROM suggestions_leader WHERE user_id = uid
        UNION SELECT t.congress_id FROM delegates_delegation d
              JOIN delegates_term t ON t.id = d.term_id WHERE d.secretary_id = uid
        UNION SELECT s.congress_id FROM stations_station_staff m
              JOIN stations_station s ON s.id = m.station_id WHERE m.user_id = uid
        UNION SELECT congress_id FROM congresses_actingchoice WHERE user_id = uid
    ) AS held
$$;
-- A congress and every congress below it (with_ancestors: and the chain above it).
CREATE OR REPLACE FUNCTION huaxi_congress_tree(root bigint, with_ancestors boolean) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE below AS (
        SELECT id FROM congresses_congress WHERE id = root
        UNION SELECT c.id FROM congresses_congress c JOIN below b ON c.parent_id = b.id
    ), above AS (
        SELECT parent_id AS id FROM congresses_congress WHERE id = root AND with_ancestors
        UNION SELECT c.parent_id FROM congresses_congress c JOIN above a ON c.id = a.id
    )
    SELECT coalesce(array_agg(DISTINCT id ORDER BY id), '{}')
    FROM (SELECT id FROM below UNION SELECT id FROM above) AS tree WHERE id IS NOT NULL
$$;
-- The congress of a resident's page (a station's or a delegate's QR code, an opinion's tracking code, a station).
CREATE OR REPLACE FUNCTION huaxi_resident_congress(code text, station bigint) RETURNS bigint LANGUAGE sql STABLE
SET huaxi.scope_all = 'on' AS $$
    SELECT coalesce(
        (SELECT congress_id FROM stations_station WHERE code = $1 OR id = $2 LIMIT 1),
        (SELECT s.congress_id FROM stations_stationdelegate d
         JOIN stations_station s ON s.id = d.station_id WHERE d.code = $1),
        (SELECT s.congress_id FROM stations_residentopinion o
         JOIN stations_station s ON s.id = o.station_id WHERE o.tracking_code = $1)
    )
$$;
"""


# Under row-level security PostgreSQL uses a query's condition in an index only when its operator is LEAKPROOF
# (else it might reveal a row the policy hides before the policy ran): the search's ``tsvector @@ tsquery`` is
# not marked so, and a search then reads every row of the congress (2.4-3.0 s instead of 0.14-0.27 s at 100k).
# Only a superuser may mark it; a migration run as the owner leaves it to the DBA (README "Row-level security").
LEAKPROOF = "ALTER FUNCTION ts_match_vq(tsvector, tsquery) {}LEAKPROOF"


def policies(schema_editor, *, on):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if on:
            cursor.execute(FUNCTIONS)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute(LEAKPROOF.format("" if on else "NOT "))
        for table in TABLES:
            cursor.execute(f"DROP POLICY IF EXISTS congress_scope ON {table}")
            if on:
                rule = DIRECT.get(table, THROUGH_SUGGESTION)
                cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
                cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
                cursor.execute(f"CREATE POLICY congress_scope ON {table} USING {rule} WITH CHECK {rule}")
            else:
                cursor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
                cursor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        if not on:
            cursor.execute(
                "DROP FUNCTION IF EXISTS huaxi_resident_congress(text, bigint), huaxi_congress_tree(bigint, boolean),"
                " huaxi_user_congresses(bigint), huaxi_user(), huaxi_scope_all(), huaxi_scope()"
            )


def forwards(apps, schema_editor):
    policies(schema_editor, on=True)


def backwards(apps, schema_editor):
    policies(schema_editor, on=False)


class Migration(migrations.Migration):
    dependencies = [
        ("congresses", "0001_initial"),
        ("delegates", "0005_congress"),
        ("stations", "0004_office_handling"),
        ("suggestions", "0028_inbox_order"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
