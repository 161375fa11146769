"""Django's createsuperuser, refused under the production settings (三员分立: use create_admins)."""

from django.conf import settings
from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    help = "Create a superuser (local runs only; production uses create_admins)."

    def execute(self, *args, **options):
        if not settings.SECURITY_ALLOW_SUPERUSER:
            raise CommandError(
                "createsuperuser is refused under these settings: no account may hold every right. "
                "Use `manage.py create_admins` to create the system, security and audit administrators."
            )
        return super().execute(*args, **options)
