"""Public reads from a PostgreSQL streaming replica; everything else from the primary (README "Past one machine").

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database and this router sends the
reads of the anonymous public pages (``REPLICA_READ_PREFIXES``: ``/public/`` and the public API) there,
so that the primary keeps its capacity for the people who work on suggestions. Without it nothing changes:
every read and write goes to ``default`` (``make run`` on SQLite, the tests).

What a replica may show, and what it may not:

- Read-your-writes. A browser that just changed something (any successful POST, PUT, PATCH or DELETE)
  gets a short-lived cookie with the time of that change; for ``REPLICA_READ_YOUR_WRITES_SECONDS``
  afterwards its public pages are read from the primary, so nobody misses their own change on a replica
  that has not replayed it yet. Everyone else may see the public pages a moment (the replica's lag) old.
- Only the apps the public pages show (``REPLICA_APPS``) are read there; sessions, accounts, login
  throttling and security records always come from the primary.
- A read inside an atomic block on the primary stays on the primary: it must see that transaction's rows.
- Never an old page in the cache for everyone: a publication change records the primary's WAL position
  when it commits (``note_public_change``), and a public page built from a replica that has not replayed
  that far is served but not cached (``replica_is_current``, asked by ``suggestions.web.public.cached``).
"""

import logging
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from huaxi_renda.cache import cache_get, cache_set
from huaxi_renda.rowscope import is_request_block

REPLICA = "replica"
# The apps whose rows the public pages show.
REPLICA_APPS = frozenset({"suggestions", "delegates"})
REPLICA_READ_PREFIXES = ("/public/", "/api/v1/public/")
# Each congress's public site: /<congress-slug>/public/ (suggestions.web.urls.public under the slug).
_CONGRESS_PUBLIC = re.compile(r"^/[-a-zA-Z0-9_]+/public/")


def is_public_path(path: str) -> bool:
    """An anonymous public page of any congress, or the public API."""
    return path.startswith(REPLICA_READ_PREFIXES) or _CONGRESS_PUBLIC.match(path) is not None


WROTE_COOKIE = "huaxi_wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FENCE_KEY = "public:replica-fence"

logger = logging.getLogger("huaxi.db")
_replica_reads = ContextVar("huaxi_replica_reads", default=False)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reading_replica() -> bool:
    """Whether a read of a public app would go to the replica now."""
    if not (_replica_reads.get() and replica_configured()):
        return False
    primary = connections[DEFAULT_DB_ALIAS]
    # The request's own transaction (huaxi_renda.rowscope) holds only its scope: reads may leave it.
    return not primary.in_atomic_block or is_request_block(primary)


@contextmanager
def replica_reads():
    """Reads of the public apps inside this block go to the replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Writes, migrations and every read outside ``replica_reads()`` use the primary."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if model._meta.app_label in REPLICA_APPS and reading_replica():
            return REPLICA
        # Explicitly: a related object of a row read from the replica is otherwise read where that row was.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Never where the instance was read from: a row read from the replica is saved on the primary.
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


def wrote_recently(request) -> bool:
    try:
        wrote_at = int(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - wrote_at < settings.REPLICA_READ_YOUR_WRITES_SECONDS


def replica_failed(error: Exception) -> None:
    """The replica could not answer: the primary serves the public pages for ``REPLICA_RETRY_SECONDS``."""
    global _replica_down_until  # noqa: PLW0603 - one flag per process, like the connections themselves
    _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    connections[REPLICA].close()
    logger.warning("Database replica unavailable; public pages read from the primary for a while", exc_info=error)


def _replica_up() -> bool:
    return time.monotonic() >= _replica_down_until


def _streamed_from_replica(chunks):
    """A streamed body (the CSV) runs its queries after the view returned: on the replica too."""
    chunks = iter(chunks)
    while True:
        with replica_reads():
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


class ReplicaReadsMiddleware:
    """Public GETs read from the replica, unless this browser changed something a moment ago.

    When the replica fails a request (down, or a query cancelled by replay), the page is read again
    from the primary, and so are the public pages of the next ``REPLICA_RETRY_SECONDS``: a replica
    outage never costs a visitor a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        if safe and is_public_path(request.path) and not wrote_recently(request) and _replica_up():
            with replica_reads():
                response = self.get_response(request)
            error = getattr(request, "replica_error", None)
            if error is None:
                if response.streaming and not response.is_async:
                    response.streaming_content = _streamed_from_replica(response.streaming_content)
                return response
            replica_failed(error)
            request.replica_error = None
            return self.get_response(request)
        response = self.get_response(request)
        if not safe and response.status_code < 400:
            response.set_cookie(
                WROTE_COOKIE,
                str(int(time.time())),
                max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and reading_replica():
            request.replica_error = exception


def _primary_lsn():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def note_public_change() -> None:
    """After a publication change commits (before the public cache version moves): the primary's WAL position."""
    if replica_configured():
        cache_set(FENCE_KEY, _primary_lsn(), None, message="Could not record the public replica fence")


def replica_is_current() -> bool:
    """Whether this request's reads include the last publication change (always so off the replica).

    Asked before a public page is built: what the replica replayed only grows, so a page built afterwards
    is at least that new. Without the fence (evicted, never set), the primary's position now is the fence.
    """
    if not reading_replica():
        return True
    fence = cache_get(FENCE_KEY, message="Public replica fence unavailable") or _primary_lsn()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [fence])
        return cursor.fetchone()[0]
