"""Sessions read from the cache and kept in the database: one query less on every logged-in page.

Django's ``cached_db`` store, made safe for a cache outage: the database stays the truth, so
when Redis is down every request still finds its session there (only the saving is lost). A
session is cached for at most ``CACHE_SECONDS``: if a logout happens while the cache cannot
be reached, the stale copy the cache may still hold afterwards dies within that time.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger("django.contrib.sessions")

CACHE_SECONDS = 15 * 60


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the database has it
            logger.warning("Session cache unavailable; reading the session from the database", exc_info=True)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create=must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def _cache_set(self, data, age):
        try:
            self._cache.set(self.cache_key, data, min(age, CACHE_SECONDS))
        except Exception:  # noqa: BLE001
            logger.warning("Could not cache the session", exc_info=True)

    def exists(self, session_key):
        return DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001
            logger.error("Could not remove a deleted session from the cache", exc_info=True)

    def flush(self):
        self.clear()
        self.delete(self.session_key)
        self._session_key = None
