"""三员分立: the system, security and audit administrators, what each may do, and the one service that grants them.

Each administrator role is a Django group with exactly its permissions, plus the account's single
``AccountSecurity.admin_role`` column (one column: no account can hold two). Nothing here is business
data: the congress's own work stays with its NPC staff (suggestions.policy).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from security import events
from security.accounts import admin_role_of
from security.models import AdminRole, SecurityEventKind

GROUP_NAMES = {
    AdminRole.SYSTEM: "admin_system",
    AdminRole.SECURITY: "admin_security",
    AdminRole.AUDIT: "admin_audit",
}

# The Django-admin permissions of each role: (app_label, model) → actions. The audit administrator has
# none (its one page reads the audit), the security administrator none on business data.
PERMISSIONS = {
    AdminRole.SYSTEM: {
        ("auth", "user"): ("add", "change", "view"),
        ("delegates", "term"): ("add", "change", "view"),
        ("delegates", "session"): ("add", "change", "view"),
        ("suggestions", "office"): ("add", "change", "view"),
        ("suggestions", "officemember"): ("add", "change", "view"),
        ("suggestions", "leader"): ("add", "change", "view"),
    },
    AdminRole.SECURITY: {
        ("auth", "group"): ("view",),
        ("axes", "accessattempt"): ("view", "delete"),
        ("axes", "accesslog"): ("view",),
    },
    AdminRole.AUDIT: {},
}

# What each role may do on the security pages (the rule book of system administration).
MAY = {
    "audit_read": {AdminRole.AUDIT},
    "audit_export": {AdminRole.AUDIT},
    "lockouts": {AdminRole.SECURITY},
    "roles": {AdminRole.SECURITY},
    "policy": {AdminRole.SECURITY},
    "admin_site": {AdminRole.SYSTEM, AdminRole.SECURITY},
}


class RoleError(Exception):
    """A role that cannot be given, with a message for the person."""


def may(user, what: str) -> bool:
    """Whether the account's administrator role allows this security page or action."""
    return admin_role_of(user) in MAY[what]


def require_admin(user, role: AdminRole) -> None:
    """Raise PermissionDenied unless the account holds exactly this administrator role."""
    if admin_role_of(user) != role:
        raise PermissionDenied(_("只有%(role)s可以进行此操作。") % {"role": role.label})


def require(user, what: str) -> None:
    """Raise PermissionDenied unless ``may(user, what)``."""
    if not may(user, what):
        raise PermissionDenied(_("您没有进行此操作的权限。"))


def sync_groups() -> dict[AdminRole, Group]:
    """Create the three groups with exactly their permissions (safe to repeat)."""
    groups = {}
    for role, name in GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for (app_label, model), actions in PERMISSIONS[role].items():
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename__in=[f"{a}_{model}" for a in actions]
            )
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def _apply(user, role: str) -> None:
    from security.services import state_for_update

    state = state_for_update(user)
    state.admin_role = role
    state.save(update_fields=["admin_role"])
    user._security_state = state
    groups = sync_groups()
    user.groups.remove(*groups.values())
    if role:
        user.groups.add(groups[AdminRole(role)])
    # The system and security administrators work partly in the Django admin; nobody is a superuser.
    user.is_staff = role in {AdminRole.SYSTEM, AdminRole.SECURITY}
    user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser"])


def admin_role_grant(*, user, role: AdminRole, actor, request=None, bootstrap: bool = False) -> None:
    """Give an account one administrator role; refused if it holds another one (or is a superuser).

    Only the security administrator grants roles; ``bootstrap`` is for ``create_admins`` alone.
    """
    if not bootstrap:
        require_admin(actor, AdminRole.SECURITY)
        if actor.pk == user.pk:
            raise RoleError(_("不能变更自己的管理员角色。"))
    with transaction.atomic():
        current = admin_role_of(user)
        if current == role:
            return
        if current:
            raise RoleError(
                _("该账号已是%(role)s，一个账号只能担任一种管理员角色。") % {"role": AdminRole(current).label}
            )
        if user.is_superuser:
            raise RoleError(_("超级用户不能担任管理员角色。"))
        _apply(user, role)
        events.record(
            event=SecurityEventKind.ROLE_CHANGE,
            actor=actor,
            request=request,
            target=user,
            detail={"grant": str(role)},
        )


def admin_role_revoke(*, user, actor, request=None) -> None:
    """Take an account's administrator role away (the security administrator only)."""
    require_admin(actor, AdminRole.SECURITY)
    if actor.pk == user.pk:
        raise RoleError(_("不能变更自己的管理员角色。"))
    with transaction.atomic():
        current = admin_role_of(user)
        if not current:
            return
        _apply(user, "")
        events.record(
            event=SecurityEventKind.ROLE_CHANGE, actor=actor, request=request, target=user, detail={"revoke": current}
        )
