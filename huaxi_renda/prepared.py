"""Querysets compiled to SQL once per process: for the queries the busiest pages run on every request (issue 25).

Turning a queryset with joins and subqueries into SQL costs Django 1–10 ms of CPU, every time: on a signed-in
page that was a fifth of the request (the user with their roles, the detail page's suggestion and its
assignments), on a dashboard recount a third of its figures. ``Prepared(build)`` calls ``build`` once per
shape with stand-in values, compiles it, and remembers where each stand-in sits among the SQL parameters
(one the query does not use is left out); each later call only puts the real values there, runs the SQL and
reads the rows with the queryset's own iterable (``ModelIterable``, ``ValuesIterable`` …).

``build`` receives keyword arguments: ints, dates, aware datetimes and tuples of ints are *parameters* (a
stand-in is compiled, so every value must reach the SQL as a parameter, never decide the query's shape);
bools, strings and ``None`` are *shape* (passed as they are; each combination, and each tuple length, is
compiled once). A stand-in that reaches the SQL changed (as text, as a date) leaves that shape unprepared
on that database: it runs as a plain queryset (SQLite, which sends dates and times as text).
With ``PREPARED_QUERIES_CHECK`` on (the tests), each call also compiles ``build`` with the real values
and fails when its SQL or parameters differ: a value that ``build`` reads from elsewhere (the clock, a
setting) and that would have been frozen into the compiled query shows up there.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import router
from django.db.models import Model, QuerySet

logger = logging.getLogger("huaxi.db")
# Stand-ins: values no caller sends (inside the int32 range, so Django keeps them in the SQL).
_INT_BASE = -1_987_654_000
_TIME_BASE = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
_DAY_BASE = datetime.date(1901, 2, 4)
# What a stand-in looks like after a change (to text, to a date): found anywhere else, it would be frozen in.
_STAND_IN_TRACE, _TIME_TRACE = str(-_INT_BASE)[:6], "1901-02-"


class _Compiled:
    """One shape's SQL, the places of its parameters, and what Django needs to read its rows."""

    def __init__(self, queryset: QuerySet, using: str, slots: dict[Any, tuple[str, int | None]]):
        compiler = queryset.query.get_compiler(using=using)
        self.query, self.model = queryset.query, queryset.model
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # the shape matches nothing (a scope of no role): no query, as Django's own
            self.empty, self.sql, self.params, self.places = True, "", (), []
            return
        self.empty, self.sql, self.params = False, sql, tuple(params)
        self.places: list[tuple[int, str, int | None]] = []
        for index, value in enumerate(self.params):
            slot = slots.get(value) if isinstance(value, int | datetime.date) else None
            if slot is not None:
                self.places.append((index, *slot))
            elif _STAND_IN_TRACE in str(value) or _TIME_TRACE in str(value):
                raise ValueError(f"a value reaches the SQL changed (parameter {index}: {value!r}); cannot prepare")
        if _STAND_IN_TRACE in sql or _TIME_TRACE in sql:
            raise ValueError("a value reaches the SQL as text, not as a parameter; cannot prepare")
        self.iterable_class, self.fields = queryset._iterable_class, queryset._fields
        self.state = {
            "select": compiler.select,
            "klass_info": compiler.klass_info,
            "annotation_col_map": compiler.annotation_col_map,
            "col_count": compiler.col_count,
            "has_extra_select": compiler.has_extra_select,
        }

    def params_for(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for index, name, position in self.places:
            value = values[name]
            params[index] = value if position is None else value[position]
        return params

    def compiler(self, using: str, params: list[Any]):
        compiler = self.query.get_compiler(using=using)
        compiler.__dict__.update(self.state)
        sql = self.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


_UNPREPARED = object()


class _Source:
    """What an iterable (``ModelIterable``, ``ValuesIterable`` …) reads of a queryset, its compiler prepared."""

    _known_related_objects: dict = {}  # noqa: RUF012 - read only

    def __init__(self, compiled: _Compiled, using: str, params: list[Any]):
        self.db, self.model, self._fields = using, compiled.model, compiled.fields
        self.query = _Query(compiled.query, compiled.compiler(using, params))


class _Query:
    """The compiled query, read only, whose compiler is the prepared one."""

    def __init__(self, query, compiler):
        self._query, self._compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Prepared:
    """``build(**values) -> QuerySet`` compiled once per shape; calling it returns the rows as a list (model
    instances, dicts or tuples, as the queryset would give them)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}
        self._model: type[Model] | None = None

    def __call__(self, **values: Any) -> list[Model]:
        shape, stand_ins, slots = [], {}, {}
        counter = itertools.count()
        for name, value in sorted(values.items()):
            if isinstance(value, bool) or value is None or isinstance(value, str):
                shape.append((name, value))
                stand_ins[name] = value
            elif isinstance(value, tuple | list):
                shape.append((name, len(value)))
                stand_ins[name] = tuple(_stand_in(int(v), next(counter)) for v in value)
                for position, stand_in in enumerate(stand_ins[name]):
                    slots[stand_in] = (name, position)
            else:
                shape.append((name, type(value).__name__))
                stand_ins[name] = _stand_in(value, next(counter))
                slots[stand_ins[name]] = (name, None)
        if self._model is None:
            self._model = self.build(**stand_ins).model
        using = router.db_for_read(self._model)
        key = (using, *shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            try:
                compiled = _Compiled(self.build(**stand_ins), using, slots)
            except ValueError:
                # A backend that turns the value into text (SQLite's dates and times): this shape is not
                # prepared there, the queryset runs as it is.
                logger.info("Not prepared on %s: %s", using, self.build.__qualname__, exc_info=True)
                compiled = _UNPREPARED
            self._compiled[key] = compiled
        if compiled is _UNPREPARED:
            return list(self.build(**values))
        params = compiled.params_for(values)
        if getattr(settings, "PREPARED_QUERIES_CHECK", False):
            self._check(compiled, using, values, params)
        if compiled.empty:
            return []
        return list(compiled.iterable_class(_Source(compiled, using, params)))

    def _check(self, compiled: _Compiled, using: str, values: dict[str, Any], params: list[Any]) -> None:
        try:
            fresh = self.build(**values).query.get_compiler(using=using).as_sql()
        except EmptyResultSet:
            # A value that matches nothing (an id out of the column's range): the prepared query finds no row.
            fresh = None
        if fresh is None:
            if not compiled.empty and list(compiled.iterable_class(_Source(compiled, using, params))):
                raise AssertionError(f"{self.build.__qualname__}: the prepared query finds rows a fresh one cannot")
        elif compiled.empty or (fresh[0], list(fresh[1])) != (compiled.sql, params):
            raise AssertionError(f"{self.build.__qualname__}: the prepared query differs from a fresh one")


def _stand_in(value: Any, number: int) -> Any:
    if isinstance(value, datetime.datetime):
        return _TIME_BASE + datetime.timedelta(seconds=number)
    if isinstance(value, datetime.date):
        return _DAY_BASE + datetime.timedelta(days=number)
    if isinstance(value, int):
        return _INT_BASE - number
    raise TypeError(f"a prepared query's parameter must be an int, a date, a datetime or ints, not {value!r}")
