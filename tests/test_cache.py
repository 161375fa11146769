"""The Redis cache backend (huaxi_renda/cache.py) against the machine's real Redis."""

import threading

import pytest

from huaxi_renda.cache import RedisCache

URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_cache():
    cache = RedisCache(URL, {})
    cache.clear()
    yield cache
    cache.clear()
    cache.close()


def test_it_stores_and_reads_like_djangos_backend(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    redis_cache.set("b", "二", 30)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": {"x": 1}, "b": "二"}
    assert redis_cache.add("n", 1) and not redis_cache.add("n", 5) and redis_cache.incr("n") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_one_client_object_serves_every_call_and_thread(redis_cache):
    clients = set()
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"k{n}:{i}", i, 30)
                assert redis_cache.get(f"k{n}:{i}") == i
                clients.add(id(redis_cache._cache.get_client(write=True)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(clients) == 1


def test_a_server_that_cannot_be_reached_raises_as_before():
    down = RedisCache("redis://127.0.0.1:1/0", {})
    with pytest.raises(Exception):  # noqa: B017, PT011 - redis' ConnectionError
        down.get("x")
