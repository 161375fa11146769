"""Security audit records are append-only: PostgreSQL refuses UPDATE and DELETE of them.

Even the table's owner is refused; only a superuser (or the owner) can switch the trigger off, and
the SM3 chain (``manage.py verify_audit``) shows any row changed that way. TRUNCATE is left to the
privilege system (the site's role is granted SELECT and INSERT only, see README): Django's test
flush truncates every table. SQLite (local runs) skips this.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'security audit records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER security_event_no_update_delete
    BEFORE UPDATE OR DELETE ON security_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS security_event_no_update_delete ON security_securityevent;
DROP FUNCTION IF EXISTS security_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("security", "0002_accounts_and_audit_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
