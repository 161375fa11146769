from django.db import migrations


def forwards(apps, schema_editor):
    from suggestions.defaults import install_defaults

    install_defaults(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
