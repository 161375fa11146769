"""One way to write a security audit record, from anywhere (views, actions, signals, commands)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import transaction
from django.utils import timezone

from security import chain
from security.models import SecurityEvent, SecurityEventKind


def client_address(request) -> str | None:
    """The client's address as the trusted-proxy middleware resolved it."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _normalised(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(
    *,
    event: SecurityEventKind | str,
    actor=None,
    request=None,
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    outcome: str = SecurityEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one security audit record; people are named by id only, never by phone, ID number or name."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    fields = {
        "at": timezone.now(),
        "actor_id": getattr(actor, "pk", actor),
        "address": _normalised(client_address(request)),
        "event": str(event),
        "target_type": target_type,
        "target_id": str(target_id or ""),
        "outcome": str(outcome),
        "detail": detail or {},
    }
    with transaction.atomic():
        chain.lock_chain()
        last = SecurityEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
        prev_hash = last or chain.GENESIS
        digest = chain.sm3_hex(chain.canonical(**fields, prev_hash=prev_hash))
        return SecurityEvent.objects.create(**fields, prev_hash=prev_hash, hash=digest)
