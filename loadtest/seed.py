"""The load test's own database: the bench data set at a small scale, and the simulated people's accounts.

Run by ``loadtest.run`` (through ``manage.py shell``-free Django setup with the production settings).
Idempotent: accounts are created once (usernames ``lt_…``); ``accounts.json`` tells the locustfile who
exists (ids the simulated delegates need to invite a co-signer) and the staff's authenticator secrets.

The accounts are ordinary ones: delegates and clerks log in with a password, staff with a password and
their authenticator (a TOTP secret seeded here, which the simulated staff member computes codes from,
as their phone would). Passwords were set by their owners (no forced change); nothing in the
security settings is turned off.
"""

import binascii
import json
import os

PASSWORD = "lt-Sessi0n-Week!"  # noqa: S105 - load-test accounts only, in the load test's own database


def seed(*, delegates: int, staff: int, clerks: int, scale: float, out_path) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from congresses.models import StaffMembership, first_congress
    from delegates.models import Delegate, Session
    from security.models import AccountSecurity
    from suggestions.models import Office, OfficeMember, Suggestion
    from suggestions.roles import STAFF_GROUP

    if not Suggestion.objects.exists():
        call_command("generate_bench_data", scale=scale, quiet=True)
    User = get_user_model()
    session = Session.objects.filter(is_current=True).select_related("term").first()
    term = session.term
    template = Delegate.objects.filter(term=term).order_by("pk").first()
    password = make_password(PASSWORD)
    now = timezone.now()
    staff_group = Group.objects.get(name=STAFF_GROUP)
    offices = list(Office.objects.order_by("pk")[:clerks])

    def account(username, first_name):
        user, created = User.objects.get_or_create(
            username=username, defaults={"password": password, "first_name": first_name, "email": ""}
        )
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_changed_at": now, "must_change_password": False}
        )
        return user

    with transaction.atomic():
        people = {"delegates": [], "staff": [], "clerks": [], "password": PASSWORD}
        for i in range(delegates):
            user = account(f"lt_d{i:04d}", f"代表{i}")
            delegate, _ = Delegate.objects.get_or_create(
                user=user,
                defaults={
                    "term": term,
                    "name": f"压测代表{i}",
                    "delegation_id": template.delegation_id,
                    "constituency_id": template.constituency_id,
                },
            )
            people["delegates"].append({"username": user.username, "delegate": delegate.pk})
        for i in range(staff):
            user = account(f"lt_s{i:02d}", f"工作人员{i}")
            user.groups.add(staff_group)
            # Staff act for exactly one congress (issue 18): without a membership the staff area refuses them.
            StaffMembership.objects.get_or_create(user=user, defaults={"congress": first_congress()})
            key = binascii.hexlify(os.urandom(20)).decode()
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="load test", key=key, confirmed=True)
            people["staff"].append({"username": user.username, "totp_key": device.key})
        for i, office in enumerate(offices):
            user = account(f"lt_c{i:02d}", f"联络员{i}")
            OfficeMember.objects.get_or_create(office=office, user=user, defaults={"role": OfficeMember.Role.CLERK})
            people["clerks"].append({"username": user.username, "office": office.pk})
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(people, handle, ensure_ascii=False)
    return people
