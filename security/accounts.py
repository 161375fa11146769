"""Who an account is to the security rules: administrator role, second factor, allowed networks."""

from __future__ import annotations

import ipaddress

from django.conf import settings

from security.models import AdminRole


def admin_role_of(user) -> str:
    """The account's administrator role ("system", "security", "audit") or ""."""
    if not user.is_authenticated or user.pk is None:
        return ""
    cached = getattr(user, "_security_state", None)
    if cached is not None:
        return cached.admin_role
    from security.models import AccountSecurity

    role = AccountSecurity.objects.filter(user_id=user.pk).values_list("admin_role", flat=True).first()
    return role or ""


def is_administrator(user) -> bool:
    """One of the three administrators, or a superuser (local runs only)."""
    return bool(user.is_authenticated and (user.is_superuser or admin_role_of(user)))


def has_admin_role(user, role: AdminRole) -> bool:
    """Whether the account holds exactly this administrator role (a superuser holds none)."""
    return admin_role_of(user) == role


def otp_roles_of(user) -> set[str]:
    """The account's roles as named in ``OTP_REQUIRED_ROLES``."""
    from suggestions import roles

    found = set()
    if is_administrator(user):
        found.add("admin")
    if roles.is_staff_member(user):
        found.add("staff")
    if roles.leader_of(user):
        found.add("leader")
    if roles.delegate_of(user):
        found.add("delegate")
    memberships = roles.memberships_of(user)
    if any(role == "head" for role in memberships.values()):
        found.add("office_head")
    if any(role != "head" for role in memberships.values()):
        found.add("clerk")
    return found


def otp_required(user) -> bool:
    """Whether this account must give a second factor at login."""
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required and required & otp_roles_of(user))


def address_allowed_for_admin(address: str | None) -> bool:
    """Whether an administrator may log in from this address (``ADMIN_ALLOWED_NETWORKS``; empty allows all)."""
    networks = settings.ADMIN_ALLOWED_NETWORKS
    if not networks:
        return True
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
