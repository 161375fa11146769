"""Which congresses' rows the database shows this transaction: the second guard (README "Row-level security").

On PostgreSQL the workflow tables have row-level security forced on (``congresses/migrations/0002``): a row is
visible only when its congress is in the transaction's scope, the setting ``huaxi.congresses`` (a comma list),
which this module sets with ``set_config(..., true)`` — ``SET LOCAL``, gone when the transaction ends, so a
pooled connection never carries one request's scope into the next. No scope, nothing visible.

- ``RowScopeMiddleware`` runs every request in a transaction on each PostgreSQL alias and sets its scope: the
  congress the person acts in; a public site's congress; a resident page's station's congress.
- ``widen`` is the one way to read across congresses, and every use of it is a security audit record
  (``SecurityEventKind.SCOPE_WIDEN``): the city overview and transfers (``/congress/``: the congress with those
  below and above it), a city's public page of the congresses below it, the administrators (``/admin/``:
  all), and ``system`` for Celery tasks and management commands (all).

Nothing here does anything on SQLite or with ``DB_ROW_SCOPE`` off: the code-level scoping of every query
(``Actor.congress_id``) is the first guard and the only one there.
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created

logger = logging.getLogger("huaxi.db")
ALL = "all"
REPLICA = "replica"
# Resident pages (no account): the congress of the station their code or id names.
_RESIDENT = re.compile(r"^/(?:o|track)/(?P<code>[^/]+)/|^/stations/(?P<station>\d+)/public/")
_SLUG_PUBLIC = re.compile(r"^/(?P<slug>[-a-zA-Z0-9_]+)/public/(?P<rest>.*)$")
# Anonymous widenings (a city's public page of the congresses below it) are audited once a minute per process.
_ANONYMOUS_AUDIT_SECONDS = 60
_anonymous_audited: dict[str, float] = {}
# Celery tasks and management commands: the standing scope of this process's connections (``system``).
_standing: ContextVar[str | None] = ContextVar("huaxi_row_scope_standing", default=None)


def active(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql" and getattr(settings, "DB_ROW_SCOPE", True)


def _aliases() -> list[str]:
    return [alias for alias in connections.settings if active(alias)]


def _text(congress_ids) -> str:
    return ",".join(str(int(pk)) for pk in congress_ids if pk is not None)


# Every scope statement sets all three settings: the last one sent is the whole scope.
_SET = (
    "SELECT set_config('huaxi.congresses', {congresses}, true), set_config('huaxi.user', {user}, true),"
    " set_config('huaxi.scope_all', {all}, true)"
)


class _Pending:
    """A request's scope statement on one connection, sent just before its next query: a page served from the
    cache sends none, and of two settings in a row (before and after the role lookup) each is sent only when a
    query needs it."""

    def __init__(self):
        self.statement = None
        self.last = None  # the scope now, for the streamed body
        self.sending = False
        self.in_effect = None  # what the last statement sent set: (congress ids, user, all), as the database said
        self.depth = None  # the connection's atomic blocks with the request's own innermost

    def __call__(self, execute, sql, params, many, context):
        if self.statement is not None and not self.sending:
            statement, self.statement = self.statement, None
            self.sending = True
            try:
                connection = context["connection"]
                with connection.cursor() as cursor:
                    cursor.execute(*statement)
                    # Known only when sent outside any savepoint: a rollback to one would undo it unseen.
                    at_request_level = len(connection.atomic_blocks) == self.depth
                    self.in_effect = _setting(cursor.fetchone()) if at_request_level else None
            finally:
                self.sending = False
        return execute(sql, params, many, context)

    def unchanged(self, setting) -> bool:
        """Whether ``setting`` is the scope the last statement sent set, with none waiting: then sending it would
        change nothing (a person with roles in one congress: the congresses they hold are the one they act in)."""
        return self.statement is None and setting is not None and self.in_effect == setting


def _setting(row) -> tuple[frozenset[int], str, str] | None:
    """A scope statement's three settings as they compare: the congress ids as a set (the policies test membership)."""
    if row is None or len(row) != 3:
        return None
    congresses, user, scope_all = row
    return frozenset(int(pk) for pk in (congresses or "").split(",") if pk), user or "", scope_all or ""


_pending: ContextVar[dict[str, _Pending] | None] = ContextVar("huaxi_row_scope_pending", default=None)


def _apply(sql: str, params: list, setting=None) -> None:
    """Set the scope in the transaction of each PostgreSQL alias (outside a transaction nothing: ``SET LOCAL``
    would end with the statement); in a request, just before the next query, and not at all when ``setting`` (what
    the statement sets, when known beforehand) is already in effect there."""
    pending = _pending.get() or {}
    for alias in _aliases():
        connection = connections[alias]
        if not connection.in_atomic_block:
            continue
        if alias in pending:
            if pending[alias].unchanged(setting):
                pending[alias].last = (sql, params)
                continue
            pending[alias].statement = pending[alias].last = (sql, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)


def use(congress_ids, *, user_id: int | None = None) -> None:
    """Show the rows of these congresses (and the user's own delegate records) until the transaction ends."""
    if active():
        user = "" if user_id is None else str(int(user_id))
        congresses = _text(congress_ids)
        setting = (frozenset(int(pk) for pk in congresses.split(",") if pk), user, "")
        _apply(_SET.format(congresses="%s", user="%s", all="''"), [congresses, user], setting)


def use_user(user_id: int | None) -> None:
    """Before the congress acted in is known: the congresses the user holds any role in (one query)."""
    if active() and user_id is not None:
        sql = _SET.format(congresses="array_to_string(huaxi_user_congresses(%s), ',')", user="%s", all="''")
        _apply(sql, [int(user_id), str(int(user_id))])


def use_actor(user: Any) -> None:
    """The congress ``user`` acts in: their roles are read under ``use_user``, then the scope narrows to it."""
    from suggestions import roles

    if active() and getattr(user, "is_authenticated", False):
        roles.forget(user)
        use_user(user.pk)
        use([roles.congress_id_of(user)], user_id=user.pk)


def _audit(reason: str, scope, *, actor=None, request=None) -> None:
    from security.events import record
    from security.models import SecurityEventKind

    user = getattr(request, "user", None) if request is not None else None
    if actor is None and not getattr(user, "is_authenticated", False):
        now = time.monotonic()
        if now - _anonymous_audited.get(reason, -_ANONYMOUS_AUDIT_SECONDS) < _ANONYMOUS_AUDIT_SECONDS:
            return
        _anonymous_audited[reason] = now
    detail = {"reason": reason, "congresses": scope if scope == ALL else list(scope)}
    record(event=SecurityEventKind.SCOPE_WIDEN, actor=actor, request=request, target_type="rowscope", detail=detail)


def widen(reason: str, *, congress_ids=ALL, actor=None, request=None, user_id: int | None = None) -> None:
    """The one way to read across congresses: every congress (``ALL``) or these, until the transaction ends.

    Each call is a security audit record naming the reason (anonymous ones at most once a minute per process).
    """
    if not active():
        return
    user = "" if user_id is None else str(int(user_id))
    if congress_ids == ALL:
        _apply(_SET.format(congresses="''", user="%s", all="'on'"), [user])
    else:
        congress_ids = sorted({int(pk) for pk in congress_ids})
        use(congress_ids, user_id=user_id)
    _audit(reason, congress_ids, actor=actor, request=request)


def congress_tree(congress_id: int, *, with_ancestors: bool = False) -> list[int]:
    """``congress_id`` and every congress below it (and above it with ``with_ancestors``), in one query."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT huaxi_congress_tree(%s, %s)", [congress_id, with_ancestors])
        return list(cursor.fetchone()[0])


# --- Processes that are not a request: Celery tasks and management commands. ---


def _apply_standing(connection, value: str, *, local: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('huaxi.scope_all', %s, %s), set_config('huaxi.congresses', '', %s)",
            [value, local, local],
        )


def _on_connection_created(sender, connection, **kwargs):
    if _standing.get() and connection.vendor == "postgresql" and getattr(settings, "DB_ROW_SCOPE", True):
        _apply_standing(connection, "on", local=False)


connection_created.connect(_on_connection_created, dispatch_uid="huaxi_rowscope_standing")


def system_begin(reason: str, *, audit: bool = True) -> object | None:
    """A system process (Celery task, management command) reads every congress, audited (``audit``)."""
    if not active():
        return None
    token = _standing.set(reason)
    for alias in _aliases():
        connection = connections[alias]
        if connection.connection is not None:
            # Inside a request's transaction (a task run inline) only for that transaction.
            _apply_standing(connection, "on", local=connection.in_atomic_block)
    if audit:
        try:
            record_system(reason)
        except DatabaseError:
            # No database to read from (down, or not migrated yet): the command reads no rows either.
            logger.warning("Could not record the widening of %s", reason, exc_info=True)
    return token


def record_system(reason: str) -> None:
    from security.events import record
    from security.models import SecurityEventKind

    detail = {"reason": reason, "congresses": ALL}
    record(event=SecurityEventKind.SCOPE_WIDEN, target_type="rowscope", detail=detail)


def system_end(token: object | None) -> None:
    if token is None:
        return
    _standing.reset(token)
    for alias in _aliases():
        connection = connections[alias]
        if connection.connection is not None and connection.is_usable():
            _apply_standing(connection, "", local=connection.in_atomic_block)


@contextmanager
def system(reason: str, *, audit: bool = True):
    token = system_begin(reason, audit=audit)
    try:
        yield
    finally:
        system_end(token)


# --- Requests. ---


def is_request_block(connection) -> bool:
    """Whether the connection's only open atomic block is the request's own (``RowScopeMiddleware``)."""
    blocks = connection.atomic_blocks
    return len(blocks) == 1 and getattr(blocks[0], "huaxi_request", False)


@contextmanager
def _request_transaction(aliases: list[str]):
    """One transaction per alias, each with its scope statement waiting for the first query (``_Pending``)."""
    pending = {}
    with ExitStack() as stack:
        for alias in aliases:
            block = transaction.atomic(using=alias, savepoint=False)
            block.huaxi_request = True
            try:
                stack.enter_context(block)
            except DatabaseError:
                if alias == DEFAULT_DB_ALIAS:
                    raise
                continue  # a replica that cannot answer: the page's read fails and is read again from the primary
            pending[alias] = _Pending()
            pending[alias].depth = len(connections[alias].atomic_blocks)
            stack.enter_context(connections[alias].execute_wrapper(pending[alias]))
        token = _pending.set(pending)
        try:
            yield pending
        finally:
            _pending.reset(token)


def _public_scope(request) -> tuple[str, list] | None:
    """How a public page's scope is set (statement, parameters), ``None`` off the public pages."""
    from huaxi_renda.dbrouter import is_public_path

    resident = _RESIDENT.match(request.path)
    if resident:
        station = int(resident["station"]) if resident["station"] else None
        sql = "coalesce(huaxi_resident_congress(%s, %s)::text, '')"
        return _SET.format(congresses=sql, user="''", all="''"), [resident["code"] or "", station]
    if not is_public_path(request.path):
        return None
    match = _SLUG_PUBLIC.match(request.path)
    if match:
        slug = match["slug"]
    else:
        from congresses.models import FIRST_SLUG

        # The public API names its congress in ``?congress=`` (api.views.public); /public/ is the first's.
        named = request.GET.get("congress", "") if request.path.startswith("/api/") else ""
        slug = named.strip()[:40] or FIRST_SLUG
    congress = "(SELECT id FROM congresses_congress WHERE slug = %s)"
    if match and match["rest"].startswith("congresses/"):
        # A city's site of its own and its lower congresses' outcomes: the one public widening.
        from congresses.models import Congress

        city = Congress.objects.filter(slug=slug).values_list("pk", flat=True).first()
        widen("public:congresses", congress_ids=congress_tree(city) if city else [], request=request)
        return _pending_statement()
    # The congress of the site's slug; an unknown one: none (the page is a 404 anyway).
    return _SET.format(congresses=f"coalesce({congress}::text, '')", user="''", all="''"), [slug]


def _pending_statement() -> tuple[str, list]:
    """The statement ``widen`` just left waiting (set again, unchanged, by the caller)."""
    waiting = (_pending.get() or {}).get(DEFAULT_DB_ALIAS)
    return waiting.last if waiting is not None else (_SET.format(congresses="''", user="''", all="''"), [])


class RowScopeMiddleware:
    """Each request in one transaction per PostgreSQL alias, its scope set in it.

    It comes after the session and before authentication, so that the role lookup resolving ``request.user``
    runs inside: first under the congresses the session's user holds a role in, then (``process_view``)
    narrowed to the congress they act in. The transaction ends with the request, and with it the scope.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from huaxi_renda import dbrouter

        # The replica only for a request whose public reads go there (ReplicaReadsMiddleware decided before).
        aliases = [alias for alias in _aliases() if alias != dbrouter.REPLICA or dbrouter._replica_reads.get()]
        if not aliases:
            return self.get_response(request)
        with _request_transaction(aliases) as pending:
            public = _public_scope(request)
            request.row_scope_public = public is not None
            if public is not None:
                _apply(public[0], public[1])
            else:
                user_id = _session_user_id(request)
                if user_id is None:
                    use([])
                else:
                    use_user(user_id)
            response = self.get_response(request)
            scopes = {alias: waiting.last for alias, waiting in pending.items()}
        if response.streaming and not response.is_async:
            response.streaming_content = _scoped_stream(response.streaming_content, scopes)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "row_scope_public", True) or not _aliases():
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        from suggestions import roles

        match = request.resolver_match
        if request.path.startswith("/admin/") and user.is_staff:
            widen("admin", request=request, user_id=user.pk)
        elif match is not None and match.namespace == "congresses":
            # The level above and below: the overview of lower congresses, transfers to the congress above.
            congress_id = roles.congress_id_of(user)
            tree = congress_tree(congress_id, with_ancestors=True) if congress_id else []
            widen(f"congresses:{match.url_name}", congress_ids=tree, request=request, user_id=user.pk)
        else:
            use([roles.congress_id_of(user)], user_id=user.pk)
        return None


def _session_user_id(request) -> int | None:
    from django.contrib.auth import SESSION_KEY

    session = getattr(request, "session", None)
    try:
        return int(session.get(SESSION_KEY)) if session is not None and session.get(SESSION_KEY) else None
    except (TypeError, ValueError):
        return None


def _scoped_stream(chunks, scopes: dict):
    """A streamed body (CSV, Excel) runs its queries after the view returned: in a transaction of its own with
    the request's scope, one for the whole body (a server-side cursor lives in it)."""
    with _request_transaction(list(scopes)) as pending:
        for alias, statement in scopes.items():
            if alias in pending and statement is not None:
                pending[alias].statement = pending[alias].last = statement
        yield from chunks
