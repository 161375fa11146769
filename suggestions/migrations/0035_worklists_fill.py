"""Fill the delegate home's and the office inbox's tallies from the workflow tables (``reporting.worklists``)."""

from django.db import migrations


def fill(apps, schema_editor):
    # The recount is set-based SQL over today's tables (a few statements; about a minute at a million). It
    # reads every congress: row-level security hides every row from an unscoped transaction, and
    # ``migrate`` runs without a scope (manage.py), so the widening is the audited system one.
    from huaxi_renda import rowscope
    from suggestions.reporting import worklists

    with rowscope.system("migration suggestions.0035_worklists_fill"):
        worklists.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0034_worklists"),
        ("congresses", "0002_row_security"),
        ("security", "0006_scope_widen"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
