#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that run before the tables exist, serve requests (each request sets its own scope) or read no rows.
ROW_SCOPE_UNTOUCHED = {
    "help",
    "migrate",
    "makemigrations",
    "sqlmigrate",
    "showmigrations",
    "runserver",
    "check",
    "collectstatic",
    "compilemessages",
    "makemessages",
    "test",
}


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huaxi_renda.settings.local")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in ROW_SCOPE_UNTOUCHED:
        execute_from_command_line(sys.argv)
        return
    import django

    # As Django's own command line does, before the settings are read: ``--settings`` names them.
    for index, arg in enumerate(sys.argv):
        if arg.startswith("--settings="):
            os.environ["DJANGO_SETTINGS_MODULE"] = arg.split("=", 1)[1]
        elif arg == "--settings" and index + 1 < len(sys.argv):
            os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[index + 1]
    django.setup()
    from huaxi_renda import rowscope

    # A command reads every congress (row-level security on PostgreSQL, README): audited.
    with rowscope.system(f"manage.py {command}"):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
