"""Who is acting: one ``Actor`` per user, read by ``suggestions.policy`` (pages, services and tasks alike).

``Actor.of(user)`` builds it from the role lookups of ``suggestions.roles``, which are loaded with the user once
per request (cached on the user object), so building it again costs nothing; services and tasks call it with
the user they were given, pages with ``request.user`` (or ``actor_of(request)``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from suggestions import roles

if TYPE_CHECKING:
    from congresses.models import Congress
    from delegates.models import Delegate


@dataclass(frozen=True)
class Actor:
    """A user with the roles the workflow rules ask about."""

    user: Any = None
    is_authenticated: bool = False
    is_staff: bool = False  # NPC staff (a superuser counts as staff)
    is_leader: bool = False
    is_admin: bool = False
    office_ids: frozenset[int] = field(default_factory=frozenset)
    head_office_ids: frozenset[int] = field(default_factory=frozenset)
    delegate: Delegate | None = None
    # The congress the actor acts in (their only one, or the one they chose); ``None``: anonymous or no role.
    congress_id: int | None = None

    @classmethod
    def of(cls, user: Any) -> Actor:
        """The actor for ``user`` (an ``Actor`` is returned as it is; ``None`` or anonymous: nobody)."""
        if isinstance(user, Actor):
            return user
        if user is None or not user.is_authenticated:
            return cls(user=user)
        from suggestions.models import OfficeMember

        memberships = roles.memberships_of(user)
        return cls(
            user=user,
            is_authenticated=True,
            is_staff=roles.is_staff_member(user),
            is_leader=roles.leader_of(user) is not None,
            is_admin=bool(user.is_superuser),
            office_ids=frozenset(memberships),
            head_office_ids=frozenset(pk for pk, role in memberships.items() if role == OfficeMember.Role.HEAD),
            delegate=roles.delegate_of(user),
            congress_id=roles.congress_id_of(user),
        )

    @property
    def delegate_id(self) -> int | None:
        """The acting delegate's id, or ``None``."""
        return self.delegate.pk if self.delegate is not None else None

    @functools.cached_property
    def congress(self) -> Congress | None:
        """The congress acted in (kept by the process; no query on most requests)."""
        from congresses.models import congress_by_id

        return congress_by_id(self.congress_id)

    def acts_in(self, congress_id: int | None) -> bool:
        """True when ``congress_id`` is the congress the actor acts in."""
        return congress_id is not None and congress_id == self.congress_id

    def works_for(self, office_id: int) -> bool:
        """True when the actor is a clerk or head of this office."""
        return office_id in self.office_ids

    def heads(self, office_id: int) -> bool:
        """True when the actor is the head of this office."""
        return office_id in self.head_office_ids


def actor_of(request: Any) -> Actor:
    """The actor of a request, built once and kept on the request."""
    actor = getattr(request, "_huaxi_actor", None)
    if actor is None or actor.user is not request.user:
        actor = Actor.of(request.user)
        request._huaxi_actor = actor
    return actor
