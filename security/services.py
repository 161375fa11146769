"""Every security write: password changes and resets, second-factor enrolment, roles, lockouts."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from security import events
from security.models import AccountSecurity, AdminRole, ResetCode, SecurityEvent, SecurityEventKind
from security.passwords import set_own_password

RESET_CODES_PER_HOUR = 5


class SecurityError(Exception):
    """A security action that cannot be done, with a message for the person."""


def password_change_own(*, user, password: str, request=None) -> None:
    """The account holder sets a new (already validated) password."""
    with transaction.atomic():
        set_own_password(user=user, password=password)
        events.record(event=SecurityEventKind.PASSWORD_CHANGE, actor=user, request=request, target=user)


def _phone_of(user) -> str:
    # Delegates keep a contact row, office members a phone of their own; both may be encrypted at rest,
    # and read back through their model's field.
    delegate = user.delegate_records.first()
    contact = getattr(delegate, "contact", None) if delegate is not None else None
    phone = getattr(contact, "phone", "") if contact is not None else ""
    if not phone:
        member = user.office_memberships.exclude(phone="").first() if hasattr(user, "office_memberships") else None
        phone = member.phone if member is not None else ""
    return phone or ""


def reset_code_send(*, username: str, channel: str, request=None) -> None:
    """Send a one-time code to the account's e-mail or phone; says nothing of whether the account exists."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        events.record(event=SecurityEventKind.PASSWORD_RESET, request=request, outcome=SecurityEvent.Outcome.FAILURE)
        return
    address = user.email if channel == ResetCode.Channel.EMAIL else _phone_of(user)
    if not address:
        events.record(
            event=SecurityEventKind.PASSWORD_RESET,
            request=request,
            target=user,
            outcome=SecurityEvent.Outcome.FAILURE,
            detail={"step": "send", "channel": channel, "reason": "no_address"},
        )
        return
    now = timezone.now()
    recent = ResetCode.objects.filter(user=user, created_at__gt=now - datetime.timedelta(hours=1))
    if (
        recent.filter(created_at__gt=now - datetime.timedelta(minutes=1)).exists()
        or recent.count() >= RESET_CODES_PER_HOUR
    ):
        # At most one code a minute and five an hour: no flood of messages, no endless fresh guesses.
        events.record(
            event=SecurityEventKind.PASSWORD_RESET,
            request=request,
            target=user,
            outcome=SecurityEvent.Outcome.REFUSED,
            detail={"step": "send", "reason": "rate"},
        )
        return
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = settings.PASSWORD_RESET_CODE_MINUTES
    with transaction.atomic():
        ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
        ResetCode.objects.create(
            user=user,
            code=make_password(code),
            channel=channel,
            expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
        )
        events.record(
            event=SecurityEventKind.PASSWORD_RESET,
            request=request,
            target=user,
            detail={"step": "send", "channel": channel},
        )
    text = _("【花溪人大】您的密码重置验证码是 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请忽略。") % {
        "code": code,
        "minutes": minutes,
    }
    if channel == ResetCode.Channel.EMAIL:
        transaction.on_commit(lambda: send_mail(_("密码重置验证码"), text, None, [address], fail_silently=True))
    else:
        from suggestions.reminders.sms import get_sms_backend

        transaction.on_commit(lambda: get_sms_backend().send(address, text, kind="code", params={"code": code}))


def reset_code_redeem(*, username: str, code: str, password: str, request=None) -> None:
    """Set a new (already validated) password with a code that is current, unused and not tried too often."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    done = False
    if user is not None:
        with transaction.atomic():
            row = (
                ResetCode.objects.select_for_update()
                .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
                .order_by("-created_at")
                .first()
            )
            if row is None or row.attempts >= settings.PASSWORD_RESET_CODE_ATTEMPTS:
                pass
            elif not check_password(code.strip(), row.code):
                row.attempts += 1  # counted, and kept: the transaction commits
                row.save(update_fields=["attempts"])
                events.record(
                    event=SecurityEventKind.PASSWORD_RESET,
                    request=request,
                    target=user,
                    outcome=SecurityEvent.Outcome.FAILURE,
                    detail={"step": "code"},
                )
            else:
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                set_own_password(user=user, password=password)
                events.record(
                    event=SecurityEventKind.PASSWORD_RESET, request=request, target=user, detail={"step": "done"}
                )
                done = True
    if not done:
        raise SecurityError(_("验证码无效或已过期，请重新获取。"))
    from axes.utils import reset as axes_reset

    axes_reset(username=username)


def user_by_username(username: str):
    """The active account with this login name, or None."""
    return get_user_model().objects.filter(username=username, is_active=True).first()


def lockout_clear(*, actor, username: str, request=None) -> int:
    """The security administrator lifts a login lockout."""
    from security.roles import require_admin

    require_admin(actor, AdminRole.SECURITY)
    from axes.utils import reset as axes_reset

    with transaction.atomic():
        count = axes_reset(username=username)
        user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        events.record(
            event=SecurityEventKind.UNLOCK,
            actor=actor,
            request=request,
            target_type="auth.user" if user_id else "",
            target_id=user_id or "",
        )
    return count


def state_for_update(user) -> AccountSecurity:
    """The account's security row, locked."""
    AccountSecurity.objects.get_or_create(user_id=user.pk)
    return AccountSecurity.objects.select_for_update().get(user_id=user.pk)
