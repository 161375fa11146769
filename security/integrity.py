"""Seals on important records (a reply as sent, a rating): HMAC-SM3 over the fields the model names.

A model lists what its seal covers in ``INTEGRITY_FIELDS`` and has an ``integrity_seal`` column. The action
that writes the record calls ``seal(obj)`` inside its transaction; pages call ``check(obj)`` when they show
it (one HMAC over fields already loaded, no query), and ``manage.py verify_integrity`` walks every row.
A row edited outside the actions (a direct SQL UPDATE) no longer matches: it is logged, flagged to staff
and named by the command.
"""

from __future__ import annotations

import datetime
import enum
import json
import logging
from collections.abc import Iterator
from typing import Any

from django.db import models

from security import crypto

logger = logging.getLogger("security.integrity")


class Seal(enum.StrEnum):
    OK = "ok"
    BROKEN = "broken"  # sealed, and the row no longer matches its seal
    UNSEALED = "unsealed"  # written before seals existed, or not (yet) sealed by its action


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def content(obj: models.Model) -> bytes:
    """The canonical bytes a seal covers: the model's label and its ``INTEGRITY_FIELDS`` values, as JSON."""
    fields = type(obj).INTEGRITY_FIELDS
    values = [_plain(getattr(obj, name)) for name in fields]
    return json.dumps([obj._meta.label_lower, list(fields), values], ensure_ascii=False, separators=(",", ":")).encode()


def seal(obj: models.Model) -> models.Model:
    """Compute and store ``obj``'s seal over its current (saved) values; call it in the writing action."""
    obj.integrity_seal = crypto.seal(content(obj))
    type(obj).objects.filter(pk=obj.pk).update(integrity_seal=obj.integrity_seal)
    return obj


def check(obj: models.Model, *, log: bool = True) -> Seal:
    """Whether ``obj`` still matches its seal; a broken one is logged (by id, never by content)."""
    stored = getattr(obj, "integrity_seal", "")
    if not stored:
        return Seal.UNSEALED
    if crypto.seal_matches(content(obj), stored):
        return Seal.OK
    if log:
        logger.error("Integrity check failed: %s %s was changed after it was sealed.", obj._meta.label_lower, obj.pk)
    return Seal.BROKEN


def loaded(obj: models.Model) -> bool:
    """True when every sealed field and the seal are loaded (checking costs no query)."""
    deferred = obj.get_deferred_fields()
    return not deferred & {*type(obj).INTEGRITY_FIELDS, "integrity_seal"}


def is_broken(obj: models.Model) -> bool:
    """True when ``obj`` carries a seal that its current values no longer match."""
    return check(obj) == Seal.BROKEN


def walk(model: type[models.Model], *, chunk_size: int = 2000) -> Iterator[tuple[models.Model, Seal]]:
    """Every row of ``model`` that should be sealed (``INTEGRITY_SCOPE``) with its seal state."""
    rows = (
        model.objects.filter(**getattr(model, "INTEGRITY_SCOPE", {}))
        .order_by("pk")
        .only(*model.INTEGRITY_FIELDS, "integrity_seal")
    )
    for obj in rows.iterator(chunk_size=chunk_size):
        yield obj, check(obj, log=False)


def sealed_models() -> list[type[models.Model]]:
    """The models whose rows carry seals (they name ``INTEGRITY_FIELDS``)."""
    from django.apps import apps

    return [model for model in apps.get_models() if hasattr(model, "INTEGRITY_FIELDS")]
