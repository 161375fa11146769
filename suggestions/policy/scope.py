"""Which congress an object of the rule book belongs to: the first guard between congresses.

Every rule is asked only about objects of the congress the actor acts in (``policy.may`` refuses the rest
before any rule runs). The level above reads the figures of the levels below through read-only queries of
its own (the city overview), never by being allowed an action on another congress's rows.
"""

from __future__ import annotations

from typing import Any

# Where an object without a congress of its own finds one, first match wins.
_THROUGH = ("suggestion", "assignment", "reply", "station", "office", "term")


def congress_id_of(obj: Any) -> int | None:
    """The congress ``obj`` belongs to, or ``None`` for something that belongs to none (a page, a kind name)."""
    if obj is None or isinstance(obj, str | int):
        return None
    meta = getattr(obj, "_meta", None)
    if meta is None:
        return None
    names = {f.name for f in meta.concrete_fields}
    if "congress" in names:
        return obj.congress_id
    for name in _THROUGH:
        if name in names and getattr(obj, f"{name}_id", None) is not None:
            return congress_id_of(getattr(obj, name))
    return None
