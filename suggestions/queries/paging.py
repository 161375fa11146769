"""Keyset paging for newest-first lists, in one place.

A page is ``size`` rows ordered by ``(field DESC, id DESC)``; the links to the next pages carry
the key of the last (``before``) or first (``after``) row shown, so a page costs an index walk of
``size + 1`` rows however deep it is, and rows added meanwhile neither repeat nor vanish. A cursor
that does not parse (edited by hand, hostile, out of range) gives page one, never an error.

The template partial ``includes/keyset_pager.html`` draws the 较新 / 较早 links of a ``KeysetPage``.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import QueryDict

CURSOR = re.compile(r"^(-?\d{1,17})\.(\d{1,18})$", re.ASCII)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
PARAMS = ("before", "after")


@dataclass
class KeysetPage:
    rows: list
    newer_url: str = ""  # empty on the first page
    older_url: str = ""  # empty on the last page
    rows_shown: int = field(init=False)

    def __post_init__(self):
        self.rows_shown = len(self.rows)

    @property
    def is_first(self):
        return not self.newer_url


def encode(moment, pk):
    delta = moment - EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{pk}"


def decode(value):
    """``(moment, pk)`` of a cursor, or ``None`` for anything that is not one of ours."""
    match = CURSOR.match(value or "")
    if not match:
        return None
    try:
        moment = EPOCH + datetime.timedelta(microseconds=int(match.group(1)))
    except (OverflowError, ValueError):
        return None
    if (
        not datetime.datetime.min.replace(tzinfo=datetime.UTC)
        < moment
        < datetime.datetime.max.replace(tzinfo=datetime.UTC)
    ):
        return None
    return moment, int(match.group(2))


def _without_cursor(params):
    query = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    query._mutable = True
    for key in PARAMS:
        query.pop(key, None)
    return query


def _url(params, name, cursor):
    query = _without_cursor(params)
    query[name] = cursor
    return "?" + query.urlencode()


def keyset_page(queryset, params, *, size, field="created_at", key="pk"):
    """The page of ``queryset`` that ``params`` (``request.GET``) asks for, newest first by ``(field, key)``.

    ``queryset`` is the whole list, unordered and unsliced; it is read ``size + 1`` rows at a time.
    ``key`` breaks ties (the row's id, or the id a row of a side table stands for).
    """
    before, after = decode(params.get("before")), decode(params.get("after"))
    if after is not None:
        moment, pk = after
        rows = list(
            queryset.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, f"{key}__gt": pk})).order_by(
                field, key
            )[: size + 1]
        )
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:  # nothing newer any more: page one
            return keyset_page(queryset, _without_cursor(params), size=size, field=field, key=key)
        has_older = True
    else:
        if before is not None:
            moment, pk = before
            queryset = queryset.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, f"{key}__lt": pk}))
        rows = list(queryset.order_by(f"-{field}", f"-{key}")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = before is not None and bool(rows)
        if before is not None and not rows:  # past the oldest row: nothing here, a way back
            return KeysetPage(rows=[], newer_url=_url(params, "after", encode(moment, pk)))
    page = KeysetPage(rows=rows)
    if rows and has_newer:
        page.newer_url = _url(params, "after", encode(getattr(rows[0], field), getattr(rows[0], key)))
    if rows and has_older:
        page.older_url = _url(params, "before", encode(getattr(rows[-1], field), getattr(rows[-1], key)))
    return page
