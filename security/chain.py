"""The tamper-evident chain of security audit records: each record's SM3 covers its content and the previous hash."""

from __future__ import annotations

import datetime
import hmac
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.db import connection

GENESIS = "0" * 64
# Any constant: serialises appends across processes for the one transaction that writes a record.
ADVISORY_LOCK = 20_020_720


def sm3_hex(data: bytes) -> str:
    """The SM3 digest of some bytes, as 64 hex digits."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(*, key: bytes, data: bytes) -> str:
    """HMAC-SM3 of some bytes under a key, as 64 hex digits."""
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def signing_key() -> bytes:
    """The key that signs exported audit files (its own setting, or derived from the secret key)."""
    key = getattr(settings, "SECURITY_AUDIT_SIGNING_KEY", "") or ("audit-export:" + settings.SECRET_KEY)
    return key.encode()


def _when(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(*, at, actor_id, address, event, target_type, target_id, outcome, detail, prev_hash) -> bytes:
    """The bytes a record's hash covers, identical before saving and after reading back."""
    body = {
        "at": _when(at),
        "actor": actor_id,
        "address": address or "",
        "event": event,
        "target_type": target_type,
        "target_id": target_id,
        "outcome": outcome,
        "detail": detail or {},
        "prev": prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def record_hash(row) -> str:
    """The hash a stored record should carry, recomputed from its fields."""
    return sm3_hex(
        canonical(
            at=row.at,
            actor_id=row.actor_id,
            address=row.address,
            event=row.event,
            target_type=row.target_type,
            target_id=row.target_id,
            outcome=row.outcome,
            detail=row.detail,
            prev_hash=row.prev_hash,
        )
    )


def lock_chain() -> None:
    """Hold the chain for this transaction so two appends never share a previous record."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


@dataclass(frozen=True)
class BrokenLink:
    """The first record whose content or link to the previous record does not match."""

    id: int
    reason: str


def verify_chain(*, batch: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk every record in order; return how many were checked and the first broken link, if any."""
    from security.models import SecurityEvent

    previous = None
    checked = 0
    last_id = 0
    while True:
        rows = list(SecurityEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not rows:
            return checked, None
        for row in rows:
            # The oldest kept record anchors the chain (older ones may have been archived after retention).
            if previous is not None and not hmac.compare_digest(row.prev_hash, previous):
                return checked, BrokenLink(row.pk, "prev")
            if not hmac.compare_digest(row.hash, record_hash(row)):
                return checked, BrokenLink(row.pk, "content")
            previous = row.hash
            checked += 1
            last_id = row.pk
