"""What every endpoint shares: the actor, ``Cache-Control``, ``ETag``/``If-None-Match``, ``If-Match``,
``Idempotency-Key`` and cursor pagination."""

from __future__ import annotations

import functools
import hashlib
import json

from django.http import HttpResponseNotModified
from django.utils.cache import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import services
from api.errors import IdempotencyConflict, PreconditionFailed, PreconditionRequired
from suggestions.actor import actor_of

CACHE_CONTROL = "private, no-cache"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="客户端生成的唯一键：网络不好重试时，返回第一次的结果，不会重复提交。",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="读取建议时得到的 ETag；内容已被修改时返回 412。",
)


class Cursor(CursorPagination):
    """Newest first, 20 a page (at most 100); the cursor is opaque."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"


def etag_of(content: bytes) -> str:
    """A strong ETag of a response body."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


class ApiView(generics.GenericAPIView):
    """Base of every endpoint: answers carry ``Cache-Control: private, no-cache`` and reads an ``ETag``."""

    pagination_class = None

    @property
    def actor(self):
        return actor_of(self.request)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": self.actor}

    def initial(self, request, *args, **kwargs):
        # Throttles first: a request with a wrong token, or none, counts against its address too.
        self.check_throttles(request)
        super().initial(request, *args, **kwargs)

    def check_throttles(self, request):
        """Once per request, the address first: a refused address is answered 429 before its token is read."""
        if getattr(request, "_api_throttled", False):
            return
        request._api_throttled = True
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = CACHE_CONTROL
        response.setdefault("Vary", "Authorization, Cookie, Accept-Language")
        if (
            request.method in ("GET", "HEAD", "PATCH")
            and response.status_code == 200
            and isinstance(response, Response)
        ):
            # A draft's new version comes with its ETag, so the next autosave sends it in If-Match.
            response.render()
            etag = etag_of(response.content)
            response["ETag"] = etag
            if request.method != "PATCH" and _matches(request.headers.get("If-None-Match", ""), etag):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Cache-Control", "Vary"):
                    not_modified[header] = response[header]
                return not_modified
        return response

    def check_if_match(self, representation: dict) -> None:
        """412 when ``If-Match`` names another version of ``representation`` than the current one (428 without)."""
        header = self.request.headers.get("If-Match", "")
        if not header:
            raise PreconditionRequired
        current = etag_of(JSONRenderer().render(representation, renderer_context={"request": self.request}))
        if not _matches(header, current):
            raise PreconditionFailed

    def page(self, queryset, serializer_class):
        """One page of ``queryset`` by cursor, serialized."""
        paginator = self.paginator or Cursor()
        rows = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(rows, many=True, context=self.get_serializer_context()).data
        return paginator.get_paginated_response(data)


def _fingerprint(request) -> str:
    """What a retry must repeat to be the same request: method, path and the data (files by name and size)."""

    def show(value):
        return f"{value.name}:{value.size}" if hasattr(value, "size") else str(value)

    data = request.data
    if hasattr(data, "getlist"):
        parts = {key: [show(v) for v in data.getlist(key)] for key in data}
    else:
        parts = data
    raw = json.dumps([request.method, request.path, parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def idempotent(method):
    """A creating POST with an ``Idempotency-Key``: a retry gets the first answer, never files twice."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or not request.user.is_authenticated:
            return method(self, request, *args, **kwargs)
        if len(key) > 100:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"Idempotency-Key": ["Idempotency-Key 不能超过100个字符。"]})
        fingerprint = _fingerprint(request)
        earlier = services.idempotency_claim(
            user=request.user, key=key, method=request.method, path=request.path, fingerprint=fingerprint
        )
        if earlier is not None:
            if earlier.fingerprint != fingerprint or earlier.status_code is None:
                raise IdempotencyConflict
            replay = Response(json.loads(bytes(earlier.body) or b"null"), status=earlier.status_code)
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = method(self, request, *args, **kwargs)
        except BaseException:
            services.idempotency_release(user=request.user, key=key)
            raise
        if response.status_code >= 500:
            services.idempotency_release(user=request.user, key=key)
            return response
        body = json.dumps(response.data, ensure_ascii=False, default=str).encode()
        services.idempotency_store(user=request.user, key=key, status_code=response.status_code, body=body)
        return response

    return wrapper
