"""Who a user is in the workflow. Results are cached on the user object for one request.

These are lookups, not rules: what a role may do is ``suggestions.policy``'s (through ``suggestions.actor``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from delegates.models import Delegate
    from suggestions.models import Leader

STAFF_GROUP = "npc_staff"


def _role_cache(user: Any) -> dict[str, Any]:
    # getattr/setattr (not __dict__) so that request.user, a lazy proxy, reaches the real user object.
    cache = getattr(user, "_huaxi_roles", None)
    if cache is None:
        cache = {}
        user._huaxi_roles = cache
    return cache


def _cached(user: Any, name: str, compute: Callable[[], Any]) -> Any:
    cache = _role_cache(user)
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _related(row: Any, name: str) -> Any:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


@functools.cache
def _users_with_roles() -> QuerySet:
    """Users with staff membership, delegate profile, leader record and office membership in one query.

    Built once per process (building the annotations took half a millisecond of every request);
    callers only ever filter it, which returns a new queryset, so the shared one is never run.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count, Exists, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from suggestions.models import Notification, OfficeMember

    return (
        get_user_model()
        .objects.annotate(
            npc_staff=Exists(Group.objects.filter(user=OuterRef("pk"), name=STAFF_GROUP)),
            office_member=Exists(OfficeMember.objects.filter(user=OuterRef("pk"), office__is_active=True)),
            # The navigation's unread badge, fresh on every request without a query of its own.
            unread_count=Coalesce(
                Subquery(
                    Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .select_related("delegate__term", "leader")
    )


def _fill(user: Any, row: Any) -> dict[str, Any]:
    cache = _role_cache(user)
    delegate = _related(row, "delegate") if row else None
    cache["staff"] = bool(row and row.npc_staff)
    cache["delegate"] = delegate if delegate is not None and delegate.is_active else None
    cache["leader"] = _related(row, "leader") if row else None
    cache["unread"] = row.unread_count if row else 0
    if not (row and row.office_member):
        cache["offices"] = {}  # no need to ask which offices
    return cache


def _load(user: Any) -> dict[str, Any]:
    cache = _role_cache(user)
    if "staff" not in cache:
        cache = _fill(user, _users_with_roles().filter(pk=user.pk).first())
    return cache


class RoleAwareModelBackend(ModelBackend):
    """Loads the logged-in user together with their roles: one query per request instead of two."""

    def get_user(self, user_id: Any) -> Any:
        """The active user with this id, their roles loaded with them (``None`` when unknown or inactive)."""
        user = _users_with_roles().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        _fill(user, user)
        return user


def unread_notifications(user: Any) -> int:
    """Unread in-app notifications; loaded with the user's roles, so it costs no query of its own."""
    if not user.is_authenticated:
        return 0
    return _load(user)["unread"]


def is_staff_member(user: Any) -> bool:
    """NPC staff: in the staff group, or a superuser."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _load(user)["staff"]


def delegate_of(user: Any) -> Delegate | None:
    """The user's active delegate record, or ``None``."""
    if not user.is_authenticated:
        return None
    return _load(user)["delegate"]


def leader_of(user: Any) -> Leader | None:
    """The user's leader record (督办领导), or ``None``."""
    if not user.is_authenticated:
        return None
    return _load(user)["leader"]


def memberships_of(user: Any) -> dict[int, str]:
    """{office_id: role} for the offices the user works for."""
    if not user.is_authenticated:
        return {}

    def compute() -> dict[int, str]:
        from suggestions.models import OfficeMember

        return dict(OfficeMember.objects.filter(user=user, office__is_active=True).values_list("office_id", "role"))

    _load(user)
    return _cached(user, "offices", compute)


def office_ids_of(user: Any) -> set[int]:
    """The ids of the active offices the user works for."""
    return set(memberships_of(user))


def is_office_head(user: Any, office_id: int) -> bool:
    """True when the user heads this office."""
    from suggestions.models import OfficeMember

    return memberships_of(user).get(office_id) == OfficeMember.Role.HEAD


def roles_of(user: Any) -> list[str]:
    """Every role the user holds: delegate, staff, leader, office, admin."""
    roles = []
    if not user.is_authenticated:
        return roles
    if delegate_of(user):
        roles.append("delegate")
    if is_staff_member(user):
        roles.append("staff")
    if leader_of(user):
        roles.append("leader")
    if memberships_of(user):
        roles.append("office")
    if user.is_superuser:
        roles.append("admin")
    return roles


def primary_role(user: Any) -> str | None:
    """The role whose home page the user lands on, or ``None``."""
    roles = roles_of(user)
    for role in ("staff", "office", "leader", "delegate", "admin"):
        if role in roles:
            return role
    return None
