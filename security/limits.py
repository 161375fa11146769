"""The password and session policy in force: the security administrator's row, else the settings.

Read once at login: a session keeps the limits it started with (a change applies from the next
login), so no page view pays a query for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from security import events
from security.models import AdminRole, SecurityEventKind, SecurityPolicy


@dataclass(frozen=True)
class Policy:
    password_expiry_days: int
    idle_seconds: int
    absolute_seconds: int
    single_session_for_staff: bool


def _from_settings() -> Policy:
    return Policy(
        password_expiry_days=settings.PASSWORD_EXPIRY_DAYS,
        idle_seconds=settings.SESSION_IDLE_SECONDS,
        absolute_seconds=settings.SESSION_ABSOLUTE_SECONDS,
        single_session_for_staff=settings.SESSION_SINGLE_FOR_STAFF,
    )


def current() -> Policy:
    """The policy in force now."""
    row = SecurityPolicy.objects.first()
    if row is None:
        return _from_settings()
    return Policy(
        password_expiry_days=row.password_expiry_days,
        idle_seconds=row.idle_minutes * 60,
        absolute_seconds=row.absolute_hours * 3600,
        single_session_for_staff=row.single_session_for_staff,
    )


def policy_update(
    *,
    actor,
    password_expiry_days: int,
    idle_minutes: int,
    absolute_hours: int,
    single_session_for_staff: bool,
    request=None,
) -> SecurityPolicy:
    """The security administrator sets the password and session policy (level 3 bounds are enforced by the table)."""
    from security.roles import require_admin

    require_admin(actor, AdminRole.SECURITY)
    with transaction.atomic():
        row = SecurityPolicy.objects.select_for_update().first() or SecurityPolicy()
        before = {
            f: getattr(row, f, None)
            for f in ("password_expiry_days", "idle_minutes", "absolute_hours", "single_session_for_staff")
        }
        row.password_expiry_days = password_expiry_days
        row.idle_minutes = idle_minutes
        row.absolute_hours = absolute_hours
        row.single_session_for_staff = single_session_for_staff
        row.updated_by_id = actor.pk
        row.save()
        after = {f: getattr(row, f) for f in before}
        events.record(
            event=SecurityEventKind.CONFIG_CHANGE,
            actor=actor,
            request=request,
            target=row,
            detail={"before": before, "after": after},
        )
    return row
