"""The API's own writes: device tokens and idempotency records (the workflow's are ``suggestions.actions``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import DeviceToken, IdempotencyKey, hash_token, new_token
from suggestions.errors import InvalidInput

TOUCH_EVERY = datetime.timedelta(minutes=1)  # ``last_used_at`` is written at most this often


@transaction.atomic
def token_create(*, user: Any, name: str, days: int | None = None) -> tuple[DeviceToken, str]:
    """Make a named device token for ``user``; returns the row and the raw token, shown once."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写设备名称。"))
    if len(name) > 100:
        raise InvalidInput(_("设备名称不能超过100个字。"))
    limit = settings.API_TOKEN_MAX_DAYS
    days = limit if days is None else days
    if not 1 <= days <= limit:
        raise InvalidInput(_("有效期须在1到%(days)s天之间。") % {"days": limit})
    raw = new_token()
    token = DeviceToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        hint=raw[-4:],
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: Any, token_id: int) -> DeviceToken:
    """Revoke one of ``user``'s own tokens (another person's token is not found)."""
    token = DeviceToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise InvalidInput(_("没有找到这个令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: DeviceToken) -> None:
    """Record that ``token`` was used now (at most once a minute: one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        DeviceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotency_claim(*, user: Any, key: str, method: str, path: str, fingerprint: str) -> IdempotencyKey | None:
    """Claim ``key`` for this request; the earlier record when the key was used before, else ``None``."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(user=user, key=key, method=method, path=path, fingerprint=fingerprint)
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key)
    return None


def idempotency_store(*, user: Any, key: str, status_code: int, body: bytes) -> None:
    """Keep the first answer to the request claimed under ``key``."""
    IdempotencyKey.objects.filter(user=user, key=key).update(status_code=status_code, body=body)


def idempotency_release(*, user: Any, key: str) -> None:
    """Forget a claim whose request failed on the server side, so that a retry runs again."""
    IdempotencyKey.objects.filter(user=user, key=key, status_code__isnull=True).delete()
