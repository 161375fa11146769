"""Who a user is in the workflow. Results are cached on the user object for one request.

These are lookups, not rules: what a role may do is ``suggestions.policy``'s (through ``suggestions.actor``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend

from huaxi_renda.prepared import Prepared

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


def forget(user: Any) -> None:
    """Read the user's roles again on the next question (after they changed within the request)."""
    if getattr(user, "_huaxi_roles", None) is not None:
        user._huaxi_roles = None


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


# The acting delegate record's fields, read with the user in the same query (a person can have one per congress).
_DELEGATE_FIELDS = (
    "id",
    "name",
    "term_id",
    "congress_id",
    "delegation_id",
    "constituency_id",
    "work_unit",
    "is_active",
)


@functools.cache
def _users_with_roles() -> QuerySet:
    """Users with staff membership, delegate record, leader record and office membership in one query.

    Built once per process (building the annotations took half a millisecond of every request);
    callers only ever filter it, which returns a new queryset, so the shared one is never run.
    The delegate record read is the one of the congress the person chose to act in, else their first.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count, Exists, OuterRef, Subquery
    from django.db.models.functions import Coalesce, JSONObject

    from congresses.models import ActingChoice, StaffMembership
    from delegates.models import Delegate, Delegation
    from stations.models import Station
    from suggestions.models import Notification, OfficeMember

    chosen = ActingChoice.objects.filter(user_id=OuterRef("user_id"), congress_id=OuterRef("congress_id"))
    delegate = (
        Delegate.objects.filter(user=OuterRef("pk"), is_active=True)
        .annotate(chosen=Exists(chosen))
        .order_by("-chosen", "pk")
        .values(record=JSONObject(**{name: name for name in _DELEGATE_FIELDS}))[:1]
    )
    return (
        get_user_model()
        .objects.annotate(
            npc_staff=Exists(Group.objects.filter(user=OuterRef("pk"), name=STAFF_GROUP)),
            staff_congress_id=Subquery(StaffMembership.objects.filter(user=OuterRef("pk")).values("congress_id")[:1]),
            chosen_congress_id=Subquery(ActingChoice.objects.filter(user=OuterRef("pk")).values("congress_id")[:1]),
            delegate_record=Subquery(delegate),
            delegate_record_count=Coalesce(
                Subquery(
                    Delegate.objects.filter(user=OuterRef("pk"), is_active=True)
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
            # A delegation's secretary and a liaison station's staff act in that delegation's or station's congress.
            secretary_congress_id=Subquery(
                Delegation.objects.filter(secretary=OuterRef("pk")).values("term__congress_id")[:1]
            ),
            station_congress_id=Subquery(Station.objects.filter(staff=OuterRef("pk")).values("congress_id")[:1]),
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
        .select_related("leader")
    )


def _user_row(*, pk: int) -> QuerySet:
    return _users_with_roles().filter(pk=pk).order_by("pk")[:1]


# Compiled once per process (``huaxi_renda.prepared``): compiling it took 1.6 ms of every signed-in request.
_prepared_user_row = Prepared(_user_row)


def _user_with_roles(pk: Any) -> Any:
    """The user ``pk`` with the annotations of ``_users_with_roles``, or ``None``."""
    rows = _prepared_user_row(pk=int(pk))
    return rows[0] if rows else None


def _delegate_from(record: Any, user: Any) -> Delegate | None:
    """The delegate record read as JSON with the user, as a model instance (no query)."""
    import json

    from delegates.models import Delegate

    if not record:
        return None
    if isinstance(record, str):
        record = json.loads(record)
    delegate = Delegate(user_id=user.pk, **{name: record.get(name) for name in _DELEGATE_FIELDS})
    delegate.is_active = bool(delegate.is_active)
    delegate._state.adding = False
    delegate._state.db = "default"
    return delegate


def _fill(user: Any, row: Any) -> dict[str, Any]:
    cache = _role_cache(user)
    cache["staff_raw"] = bool(row and row.npc_staff)
    cache["staff_congress"] = row.staff_congress_id if row else None
    cache["chosen_congress"] = row.chosen_congress_id if row else None
    cache["delegate_raw"] = _delegate_from(row.delegate_record, user) if row else None
    cache["leader_raw"] = _related(row, "leader") if row else None
    cache["other_congresses"] = [row.secretary_congress_id, row.station_congress_id] if row else []
    cache["delegate_records"] = row.delegate_record_count if row else 0
    cache["unread"] = row.unread_count if row else 0
    if not (row and row.office_member):
        cache["offices_raw"] = {}  # no need to ask which offices
    return cache


def _load(user: Any) -> dict[str, Any]:
    cache = _role_cache(user)
    if "staff_raw" not in cache:
        cache = _fill(user, _user_with_roles(user.pk))
    return cache


def _memberships(*, user_id: int) -> QuerySet:
    from suggestions.models import OfficeMember

    return OfficeMember.objects.filter(user_id=user_id, office__is_active=True).values_list(
        "office_id", "role", "office__congress_id"
    )


# Every page of an office's clerk asks (``huaxi_renda.prepared``).
_prepared_memberships = Prepared(_memberships)


def _all_memberships(user: Any) -> dict[int, tuple[str, int]]:
    """{office_id: (role, congress_id)} for the active offices the user works for, in every congress."""

    def compute() -> dict[int, tuple[str, int]]:
        rows = _prepared_memberships(user_id=user.pk)
        return {office_id: (role, congress_id) for office_id, role, congress_id in rows}

    _load(user)
    return _cached(user, "offices_raw", compute)


def _held_congresses(user: Any) -> list[int]:
    """The congresses of the roles read with the user (one delegate record only), in role order."""
    known = _load(user)
    held = []
    if known["staff_raw"] or user.is_superuser:
        held.append(known["staff_congress"])
    if known.get("offices_raw") != {}:
        held.extend(congress_id for _role, congress_id in _all_memberships(user).values())
    if known["leader_raw"] is not None:
        held.append(known["leader_raw"].congress_id)
    if known["delegate_raw"] is not None:
        held.append(known["delegate_raw"].congress_id)
    held.extend(known["other_congresses"])
    return [c for c in held if c is not None]


def congress_ids_of(user: Any) -> list[int]:
    """Every congress the user holds a role in, without repeats (a query only for several delegate records)."""
    if not user.is_authenticated:
        return []
    held = _held_congresses(user)
    if _load(user)["delegate_records"] > 1:
        from delegates.models import Delegate

        held += list(
            Delegate.objects.filter(user=user, is_active=True).order_by("pk").values_list("congress_id", flat=True)
        )
    return list(dict.fromkeys(held))


def acts_in_several(user: Any) -> bool:
    """True when the user holds roles in more than one congress (and so may choose which to act in)."""
    if not user.is_authenticated:
        return False
    return _load(user)["delegate_records"] > 1 or len(set(_held_congresses(user))) > 1


def congress_id_of(user: Any) -> int | None:
    """The congress the user acts in: the one they chose, where they hold a role there; else that of their
    first role (staff, office, leader, delegate). ``None`` for someone with no role in any congress."""
    if not user.is_authenticated:
        return None

    def compute() -> int | None:
        cache = _load(user)
        held = _held_congresses(user)
        if cache["chosen_congress"] in held:
            return cache["chosen_congress"]
        if held:
            return held[0]
        if user.is_superuser:
            from congresses.models import first_congress

            return first_congress().pk
        return None

    return _cached(user, "congress", compute)


class RoleAwareModelBackend(ModelBackend):
    """Loads the logged-in user together with their roles: one query per request instead of two."""

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> Any:
        """As Django's; once the password is right, the rows of the user's congresses become visible to the
        rest of the login (their roles decide the second factor), see ``huaxi_renda.rowscope``."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            from huaxi_renda import rowscope

            rowscope.use_user(user.pk)
        return user

    def get_user(self, user_id: Any) -> Any:
        """The active user with this id, their roles loaded with them (``None`` when unknown or inactive)."""
        user = _user_with_roles(user_id)
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
    """NPC staff of the congress the user acts in: in the staff group and a member of that congress's staff
    (``congresses.StaffMembership``), or a superuser."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cache = _load(user)
    return (
        cache["staff_raw"] and cache["staff_congress"] is not None and cache["staff_congress"] == congress_id_of(user)
    )


def delegate_of(user: Any) -> Delegate | None:
    """The user's active delegate record in the congress they act in, or ``None``."""
    if not user.is_authenticated:
        return None
    delegate = _load(user)["delegate_raw"]
    if delegate is None or not delegate.is_active or delegate.congress_id != congress_id_of(user):
        return None
    return delegate


def leader_of(user: Any) -> Leader | None:
    """The user's leader record (督办领导) in the congress they act in, or ``None``."""
    if not user.is_authenticated:
        return None
    leader = _load(user)["leader_raw"]
    if leader is None or leader.congress_id != congress_id_of(user):
        return None
    return leader


def memberships_of(user: Any) -> dict[int, str]:
    """{office_id: role} for the offices the user works for in the congress they act in."""
    if not user.is_authenticated:
        return {}
    congress_id = congress_id_of(user)
    return {pk: role for pk, (role, congress) in _all_memberships(user).items() if congress == congress_id}


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
