import pytest
from django.core.cache import cache
from django.test import Client

from api import services


def bearer(user, name="测试手机"):
    """A client that sends a device token made for ``user`` (as the token page makes it)."""
    _token, raw = services.token_create(user=user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    return bearer
