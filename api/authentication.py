"""Device tokens in the ``Authorization`` header (``Bearer`` or ``Token``), never in the URL."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import DeviceToken, hash_token
from api.services import token_touch
from huaxi_renda import rowscope

KEYWORDS = (b"bearer", b"token")


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` with a token made on the token page; revoked or expired ones fail."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from error
        token = DeviceToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        if token is None or not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已撤销。"))
        token_touch(token=token)
        # The session-less request's scope: the congress the token's user acts in (row-level security).
        rowscope.use_actor(token.user)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = DeviceTokenAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("在“接口令牌”页面登录后创建的设备令牌。"),
        }
