"""Sessions read from the cache and kept in the database: one query less on every logged-in page.

Django's ``cached_db`` store, made safe for a cache outage: the database stays the truth, so
when Redis is down every request still finds its session there (only the saving is lost). A
session is cached for at most ``CACHE_SECONDS``: if a logout happens while the cache cannot
be reached, the stale copy the cache may still hold afterwards dies within that time.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

from huaxi_renda.cache import cache_delete, cache_get, cache_set

CACHE_SECONDS = 15 * 60


class SessionStore(cached_db.SessionStore):
    def load(self):
        data = cache_get(  # on an outage the database has it
            self.cache_key,
            cache=self._cache,
            message="Session cache unavailable; reading the session from the database",
        )
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
        cache_set(
            self.cache_key, data, min(age, CACHE_SECONDS), cache=self._cache, message="Could not cache the session"
        )

    def exists(self, session_key):
        return DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        cache_delete(
            self.cache_key_prefix + session_key,
            cache=self._cache,
            message="Could not remove a deleted session from the cache",
            level=logging.ERROR,
        )

    def flush(self):
        self.clear()
        self.delete(self.session_key)
        self._session_key = None
