"""Fill the delegate home's and the office inbox's tallies from the workflow tables (``reporting.worklists``)."""

from django.db import migrations


def fill(apps, schema_editor):
    # The recount is set-based SQL over today's tables (a few statements; about a minute at a million).
    from suggestions.reporting import worklists

    worklists.rebuild()


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0032_worklists")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
