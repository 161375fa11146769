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


def staff_membership_ensure(user, *, creator=None, congress=None):
    """Make ``user`` NPC staff of one congress: ``congress``, else the one ``creator`` acts in (a new staff
    account belongs to its creator's congress). Staff belong to one congress only: an account that is
    already staff of another congress is refused (``InvalidInput``), not moved."""
    from django.contrib.auth.models import Group
    from django.utils.translation import gettext as _

    from congresses.models import StaffMembership
    from suggestions import roles
    from suggestions.errors import InvalidInput

    congress_id = congress.pk if congress is not None else (roles.congress_id_of(creator) if creator else None)
    if congress_id is None:
        raise InvalidInput(_("请先确定该工作人员所属的人大。"))
    membership = StaffMembership.objects.filter(user=user).first()
    if membership is not None and membership.congress_id != congress_id:
        raise InvalidInput(
            _("%(username)s已是%(congress)s的工作人员：工作人员只属于一个人大。")
            % {"username": user.get_username(), "congress": membership.congress}
        )
    if membership is None:
        membership = StaffMembership.objects.create(user=user, congress_id=congress_id)
    user.groups.add(Group.objects.get_or_create(name=roles.STAFF_GROUP)[0])
    roles.forget(user)
    return membership


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
