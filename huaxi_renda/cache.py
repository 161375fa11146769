"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django builds a new ``redis.Redis`` object for every cache operation; building one fills a
table of some 170 response callbacks, which took a third of a millisecond of every cached
public page here. A ``redis.Redis`` object is thread-safe (each command borrows a
connection from the pool), so one per pool is shared by all threads of a process.
"""

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
