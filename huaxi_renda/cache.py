"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django builds a new ``redis.Redis`` object for every cache operation; building one fills a
table of some 170 response callbacks, which took a third of a millisecond of every cached
public page here. A ``redis.Redis`` object is thread-safe (each command borrows a
connection from the pool), so one per pool is shared by all threads of a process.

The ``cache_*`` functions are the one way the project calls a cache: the cache is an
optimisation, so when its server cannot be reached each logs a warning and returns a default
(``None``, ``{}``, ``False``) and the caller computes what it wanted instead. Pass ``cache=`` for
another cache than the default one, ``message=`` for what the log line says.
"""

import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients


logger = logging.getLogger("huaxi.cache")

UNAVAILABLE = "Cache unavailable"
_NEW_DICT = object()


def _call(method, *args, default, cache, message, level, **kwargs):
    if cache is None:
        from django.core.cache import cache
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a cache outage costs the work the cache saves, never the request
        logger.log(level, message, exc_info=True)
        return default


def cache_get(key, *, default=None, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """The cached value, or ``default`` when it is missing or the cache cannot be reached."""
    return _call("get", key, default, default=default, cache=cache, message=message, level=level)


def cache_get_many(keys, *, default=_NEW_DICT, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """``{key: value}`` of the keys found; on an outage ``default`` (a new ``{}`` unless given: pass
    ``default=None`` to tell an outage from a miss)."""
    default = {} if default is _NEW_DICT else default
    return _call("get_many", keys, default=default, cache=cache, message=message, level=level)


def cache_set(key, value, timeout, *, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """Store ``value``; ``False`` when the cache cannot be reached."""
    result = _call("set", key, value, timeout, default=False, cache=cache, message=message, level=level)
    return result is not False


def cache_set_many(values, timeout, *, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """Store every ``{key: value}``; ``False`` when the cache cannot be reached."""
    result = _call("set_many", values, timeout, default=False, cache=cache, message=message, level=level)
    return result is not False


def cache_add(key, value, timeout, *, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """Store ``value`` unless the key is there: ``True`` if stored, ``False`` if not or on an outage."""
    return _call("add", key, value, timeout, default=False, cache=cache, message=message, level=level)


def cache_delete(key, *, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """Remove the key; ``False`` when the cache cannot be reached."""
    return _call("delete", key, default=False, cache=cache, message=message, level=level)


def cache_incr(key, *, initial, cache=None, message=UNAVAILABLE, level=logging.WARNING):
    """Add one to a counter, starting it (without expiry) at ``initial`` if missing; ``None`` on an outage."""
    if cache is None:
        from django.core.cache import cache
    try:
        try:
            return cache.incr(key)
        except ValueError:  # missing
            cache.set(key, initial, None)
            return initial
    except Exception:  # noqa: BLE001
        logger.log(level, message, exc_info=True)
        return None
