"""Every error answer in one shape: ``{"code", "message", "fields"}``, the message as the page shows it.

``suggestions.errors`` map to HTTP: ``NotPermitted`` → 403, ``InvalidInput``/``NumberTaken`` → 400,
``TransitionNotAllowed`` → 409; a missing or out-of-scope object → 404.
"""

import math

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from suggestions.errors import InvalidInput, NotPermitted, NumberTaken, TransitionNotAllowed, WorkflowError

WORKFLOW = [
    (NotPermitted, status.HTTP_403_FORBIDDEN, "not_permitted"),
    (TransitionNotAllowed, status.HTTP_409_CONFLICT, "transition_not_allowed"),
    (NumberTaken, status.HTTP_400_BAD_REQUEST, "number_taken"),
    (InvalidInput, status.HTTP_400_BAD_REQUEST, "invalid_input"),
    (WorkflowError, status.HTTP_400_BAD_REQUEST, "invalid_input"),
]


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    @property
    def default_detail(self):
        return _("内容已被修改（可能在另一台设备上），请重新读取后再保存。")


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"

    @property
    def default_detail(self):
        return _("请在 If-Match 请求头中给出读取时的 ETag。")


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"

    @property
    def default_detail(self):
        return _("这个 Idempotency-Key 已用于另一个请求，或那个请求仍在处理中。")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码，如 not_permitted、transition_not_allowed。")
    message = serializers.CharField(help_text="与网页相同的中文说明。")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="按字段列出的输入错误（字段名 → 中文说明列表）。",
    )


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one error shape."""
    return {"code": code, "message": str(message), "fields": fields or {}}


def _flatten(detail, prefix=""):
    """DRF's nested validation detail as ``{"field": ["message", …]}``."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
    elif isinstance(detail, list):
        messages = []
        for item in detail:
            if isinstance(item, dict | list):
                out.update(_flatten(item, prefix))
            else:
                messages.append(str(item))
        if messages:
            out.setdefault(prefix or "non_field_errors", []).extend(messages)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def exception_handler(exc, context):
    """DRF's exception handler, answering every refusal in the one shape."""
    for kind, code_status, code in WORKFLOW:
        if isinstance(exc, kind):
            return Response(error_body(code, exc.message), status=code_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("没有找到，或您无权查看。"))
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else _("输入有误。")
        body = error_body("invalid_input", first, fields)
    else:
        detail = exc.detail
        message = detail if isinstance(detail, str) else _("请求有误。")
        code = getattr(detail, "code", None) or exc.default_code
        if isinstance(exc, exceptions.NotAuthenticated):
            message, code = _("请先登录，或在 Authorization 请求头中给出令牌。"), "not_authenticated"
        elif isinstance(exc, exceptions.PermissionDenied) and str(detail).startswith("CSRF"):
            message, code = _("CSRF 校验失败：请刷新页面后重试（网页脚本须带 X-CSRFToken 请求头）。"), "csrf_failed"
        elif isinstance(exc, exceptions.PermissionDenied):
            message = _("您没有权限进行此操作。")
        elif isinstance(exc, exceptions.Throttled):
            message = _("请求过于频繁，请%(seconds)s秒后再试。") % {"seconds": headers.get("Retry-After", "1")}
            code = "throttled"
        body = error_body(code, message)
    response = Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response
