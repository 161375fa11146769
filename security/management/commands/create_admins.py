"""Create the first system, security and audit administrators (三员分立), each with a one-time password."""

import secrets
import string

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from security.models import AdminRole
from security.roles import RoleError, admin_role_grant, sync_groups

ALPHABET = string.ascii_letters + string.digits + "!@#%^*-_"


def initial_password() -> str:
    """A random password that passes every rule (changed at the first login)."""
    while True:
        value = "".join(secrets.choice(ALPHABET) for _ in range(16))
        classes = [any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value)]
        if all(classes) and any(not c.isalnum() for c in value):
            return value


class Command(BaseCommand):
    help = (
        "Create the three separated administrators: --system NAME --security NAME --audit NAME. "
        "Prints each one's initial password once; each must change it and enrol a second factor at first login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--system", required=True, help="login name of the system administrator")
        parser.add_argument("--security", required=True, help="login name of the security administrator")
        parser.add_argument("--audit", required=True, help="login name of the audit administrator")

    def handle(self, *args, **options):
        names = {
            AdminRole.SYSTEM: options["system"],
            AdminRole.SECURITY: options["security"],
            AdminRole.AUDIT: options["audit"],
        }
        if len(set(names.values())) != 3:
            raise CommandError("The three administrators must be three different accounts.")
        model = get_user_model()
        if model.objects.filter(username__in=names.values()).exists():
            raise CommandError("An account with one of these login names exists already.")
        created = {}
        try:
            with transaction.atomic():
                sync_groups()
                for role, name in names.items():
                    password = initial_password()
                    user = model(username=name)
                    user.set_password(password)  # set by someone else: changed at the first login
                    user.save()
                    admin_role_grant(user=user, role=role, actor=None, bootstrap=True)
                    created[role] = password
        except RoleError as error:
            raise CommandError(str(error)) from error
        for role, name in names.items():
            self.stdout.write(f"{role.label} {name}: {created[role]}")
        self.stdout.write(
            self.style.SUCCESS("Created. Hand each password over in person; it must be changed at first login.")
        )
