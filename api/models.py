"""Device tokens (stored hashed) and idempotency keys of the API."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "hx_"  # noqa: S105 - a marker that makes leaked tokens easy to find, not a secret


def hash_token(raw: str) -> str:
    """The SHA-256 of a token as stored: the token itself is shown once and never kept."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token (``hx_`` and 40 URL-safe characters)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(30)


class DeviceToken(models.Model):
    """A token a person made on the token page after a full login, for one device or system."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("设备名称"), max_length=100)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    hint = models.CharField(_("令牌末尾"), max_length=8)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyKey(models.Model):
    """The first answer to a creating POST with an ``Idempotency-Key``: a retry gets it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")]
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")

    def __str__(self):
        return self.key
