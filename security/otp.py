"""Second factor (TOTP, django-otp): enrolment with a QR code and recovery codes, and the check at login."""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security import events
from security.models import SecurityEvent, SecurityEventKind

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def has_device(user) -> bool:
    """Whether the account has a confirmed second factor."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def enrol_start(*, user) -> TOTPDevice:
    """The account's unconfirmed authenticator (a new secret, or the one being set up)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, name=TOTP_NAME, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (no script, no external service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, for typing into an authenticator by hand."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


def enrol_confirm(*, user, token: str, request=None) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the authenticator with a first code; returns it and fresh recovery codes, or None if the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, name=TOTP_NAME, confirmed=False).first()
        if device is None or not device.verify_token(token.strip()):
            events.record(
                event=SecurityEventKind.OTP_ENROL,
                actor=user,
                request=request,
                target=user,
                outcome=SecurityEvent.Outcome.FAILURE,
            )
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user=user)
        events.record(event=SecurityEventKind.OTP_ENROL, actor=user, request=request, target=user)
    return device, codes


def recovery_codes_renew(*, user) -> list[str]:
    """Replace the account's recovery codes (each works once)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SECURITY_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def check(*, user, token: str):
    """The device that accepts this code (an authenticator code or an unused recovery code), or None."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    return match_token(user, token)


def reset(*, user, actor, request=None) -> None:
    """The security administrator removes a lost authenticator; the account enrols again at its next login."""
    from security.models import AdminRole
    from security.roles import require_admin

    require_admin(actor, AdminRole.SECURITY)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        events.record(
            event=SecurityEventKind.OTP_ENROL, actor=actor, request=request, target=user, detail={"action": "reset"}
        )
