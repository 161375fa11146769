"""Throttling per user and per address; a cache outage lets the request through (it never fails one)."""

import logging

from rest_framework.exceptions import APIException
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger("huaxi.api")


class _Tolerant(SimpleRateThrottle):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except APIException:
            raise  # a wrong token or a failed CSRF check, found while asking who the user is
        except Exception:  # noqa: BLE001 - the cache is an aid: without it, no throttling, never a 500
            logger.warning("API throttle cache unavailable", exc_info=True)
            return True


class UserThrottle(_Tolerant):
    """Requests of one logged-in person (whatever device or address)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AddressThrottle(_Tolerant):
    """Requests from one address, logged in or not."""

    scope = "address"

    def get_cache_key(self, request, view):
        # REMOTE_ADDR as TrustedProxyMiddleware left it: a client's own X-Forwarded-For is never believed.
        return self.cache_format % {"scope": self.scope, "ident": request.META.get("REMOTE_ADDR", "")}
