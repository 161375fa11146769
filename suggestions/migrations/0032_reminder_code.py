"""Issue 25: a reminder's key as one number (``reminders.keys``), unique with the suggestion; no index of its
own on the suggestion (the unique key leads with it) nor on the assignment (no page looks reminders up by it)."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def codes_from_keys(apps, schema_editor):
    from suggestions.reminders.keys import code_of

    Reminder = apps.get_model("suggestions", "Reminder")
    rows = []
    for pk, key in Reminder.objects.order_by("pk").values_list("pk", "key").iterator(chunk_size=BATCH):
        try:
            value = code_of(key)
        except (ValueError, KeyError):  # manual 催办, the bench data's own rows: never due twice
            continue
        rows.append(Reminder(pk=pk, code=value))
        if len(rows) == BATCH:
            Reminder.objects.bulk_update(rows, ["code"])
            rows = []
    Reminder.objects.bulk_update(rows, ["code"])


def keys_from_codes(apps, schema_editor):
    from suggestions.reminders.keys import key_of

    Reminder = apps.get_model("suggestions", "Reminder")
    rows = [
        Reminder(pk=pk, key=key_of(code) if code is not None else f"{kind}:#{pk}")
        for pk, kind, code in Reminder.objects.values_list("pk", "kind", "code").iterator(chunk_size=BATCH)
    ]
    Reminder.objects.bulk_update(rows, ["key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0031_reply_office_class")]

    operations = [
        migrations.RemoveConstraint(model_name="reminder", name="reminder_key_unique"),
        migrations.AddField(model_name="reminder", name="code", field=models.BigIntegerField(blank=True, null=True)),
        migrations.RunPython(codes_from_keys, keys_from_codes),
        migrations.RemoveField(model_name="reminder", name="key"),
        migrations.AlterField(
            model_name="reminder",
            name="assignment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reminders",
                to="suggestions.assignment",
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="suggestion",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reminders",
                to="suggestions.suggestion",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(fields=("suggestion", "code"), name="reminder_code_unique"),
        ),
    ]
