"""Password rules (等保 level 3): complexity, not the login name, not a recent one; age and forced change."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (str.islower, str.isupper, str.isdigit)


def _classes(password: str) -> int:
    found = {test for test in CLASSES if any(test(ch) for ch in password)}
    others = any(not ch.isalnum() for ch in password)
    return len(found) + int(others)


class ComplexityValidator:
    """At least ``min_length`` characters from at least ``min_classes`` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext("密码至少需要 %(n)d 个字符。", "密码至少需要 %(n)d 个字符。", self.min_length)
                % {"n": self.min_length},
                code="password_too_short",
            )
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("至少 %(length)d 个字符，包含大写字母、小写字母、数字和符号中的至少 %(n)d 类。") % {
            "length": self.min_length,
            "n": self.min_classes,
        }


class NotLoginNameValidator:
    """The password is not the login name, forwards or backwards, and does not contain it."""

    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").lower()
        if name and (name in password.lower() or name[::-1] in password.lower()):
            raise ValidationError(_("密码不能包含登录名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含登录名。")


class HistoryValidator:
    """None of the account's last ``count`` passwords; records every new one when it is saved."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from security.models import PasswordHistory

        earlier = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count]
        if any(check_password(password, stored) for stored in earlier):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count}, code="password_reused"
            )

    def password_changed(self, password, user=None):
        """Called by Django whenever a user with a new password is saved: history, age, forced change."""
        if user is None or user.pk is None:
            return
        from security.models import AccountSecurity, PasswordHistory

        had_one = PasswordHistory.objects.filter(user=user).exists()
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        # A password someone else set (an administrator, an import) must be changed at the next login.
        by_owner = getattr(user, "_password_set_by_owner", False)
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": not by_owner}
        )
        user._security_state = None
        if had_one and not by_owner:  # an administrator's reset (a first password comes with the account)
            from security import events
            from security.models import SecurityEventKind
            from security.signals import current_request

            events.record(
                event=SecurityEventKind.PASSWORD_RESET,
                request=current_request.get(),
                target=user,
                detail={"by": "administrator"},
            )

    def get_help_text(self):
        return _("不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.count}


def state_of(user):
    """The account's security row, created on first use."""
    from security.models import AccountSecurity

    cached = getattr(user, "_security_state", None)
    if cached is None:
        cached, _created = AccountSecurity.objects.get_or_create(user_id=user.pk)
        user._security_state = cached
    return cached


def change_reason(user, *, expiry_days: int | None = None) -> str | None:
    """Why the account must change its password before anything else ("first", "reset", "expired"), or None."""
    if not settings.SECURITY_ENFORCE_PASSWORD_CHANGE:
        return None
    state = state_of(user)
    if state.must_change_password:
        return "reset"
    days = settings.PASSWORD_EXPIRY_DAYS if expiry_days is None else expiry_days
    if days and state.password_changed_at is None:
        return "first"
    if days and state.password_changed_at < timezone.now() - datetime.timedelta(days=days):
        return "expired"
    return None


def set_own_password(*, user, password: str) -> None:
    """Save a password the account holder chose (no forced change follows)."""
    user.set_password(password)
    user._password_set_by_owner = True
    try:
        user.save(update_fields=["password"])
    finally:
        user._password_set_by_owner = False
    user._security_state = None
