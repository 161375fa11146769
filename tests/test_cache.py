"""The Redis cache backend (huaxi_renda/cache.py) against the machine's real Redis."""

import threading
import uuid

import pytest

from huaxi_renda.cache import RedisCache

URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_cache():
    """A cache of its own in that database: a fresh key prefix, and only its keys deleted afterwards.

    Never ``clear()`` (FLUSHDB): another pytest-xdist worker, or another run on the machine, may use it too.
    """
    prefix = f"test-cache-{uuid.uuid4().hex}"
    cache = RedisCache(URL, {"KEY_PREFIX": prefix})
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
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


# --------------------------------------------------------------------------- cache calls that survive an outage


@pytest.fixture
def down_cache():
    down = RedisCache("redis://127.0.0.1:1/0", {})
    yield down
    down.close()


def test_the_helpers_read_and_write_the_cache_like_the_backend(redis_cache):
    from huaxi_renda.cache import (
        cache_add,
        cache_delete,
        cache_get,
        cache_get_many,
        cache_incr,
        cache_set,
        cache_set_many,
    )

    assert cache_set("a", {"x": 1}, 30, cache=redis_cache) is True
    assert cache_set_many({"b": "二"}, 30, cache=redis_cache) is True
    assert cache_get("a", cache=redis_cache) == {"x": 1}
    assert cache_get("missing", default=7, cache=redis_cache) == 7
    assert cache_get_many(["a", "b", "missing"], cache=redis_cache) == {"a": {"x": 1}, "b": "二"}
    assert cache_add("n", 5, 30, cache=redis_cache) is True and cache_add("n", 9, 30, cache=redis_cache) is False
    assert cache_incr("n", initial=2, cache=redis_cache) == 6
    assert cache_incr("counter", initial=2, cache=redis_cache) == 2
    assert cache_incr("counter", initial=2, cache=redis_cache) == 3
    cache_delete("a", cache=redis_cache)
    assert cache_get("a", cache=redis_cache) is None


def test_with_the_server_down_each_helper_logs_and_returns_its_default(down_cache, caplog):
    from huaxi_renda.cache import (
        cache_add,
        cache_delete,
        cache_get,
        cache_get_many,
        cache_incr,
        cache_set,
        cache_set_many,
    )

    assert cache_get("a", cache=down_cache, message="Detail cache down") is None
    assert cache_get("a", default=3, cache=down_cache) == 3
    first, second = cache_get_many(["a"], cache=down_cache), cache_get_many(["a"], cache=down_cache)
    assert first == {} and first is not second  # a new dict each time: callers add to it
    assert cache_get_many(["a"], default=None, cache=down_cache) is None
    assert cache_set("a", 1, 30, cache=down_cache) is False
    assert cache_set_many({"a": 1}, 30, cache=down_cache) is False
    assert cache_add("a", 1, 30, cache=down_cache) is False
    assert cache_delete("a", cache=down_cache) is False
    assert cache_incr("a", initial=2, cache=down_cache) is None
    assert "Detail cache down" in caplog.text
    assert len([r for r in caplog.records if r.name == "huaxi.cache"]) == 10


def test_no_module_wraps_a_cache_call_in_its_own_try_except():
    """Every cache call that must survive an outage goes through huaxi_renda.cache's helpers."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    direct = re.compile(r"\b(?:cache|self\._cache)\.(?:get|get_many|set|set_many|add|incr|delete)\(")
    offenders = [
        f"{path.relative_to(root)}: {line.strip()}"
        for folder in ("suggestions", "delegates", "huaxi_renda")
        for path in (root / folder).rglob("*.py")
        if path.name != "cache.py" and "migrations" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if direct.search(line)
    ]
    assert offenders == []
