"""Audit records for what Django and django-axes announce: logins, failures, lockouts, accounts, administration.

Connected in ``SecurityConfig.ready``. These write the security audit only; nothing else hides here.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from security import events
from security.models import SecurityEvent, SecurityEventKind

# The request being served, so that model signals (account created, deactivated) know who and from where.
current_request: contextvars.ContextVar = contextvars.ContextVar("security_current_request", default=None)

CONFIG_MODELS = {
    "suggestions.category",
    "suggestions.resultclass",
    "suggestions.deadlinepolicy",
    "suggestions.calendarday",
    "suggestions.calendaryear",
    "axes.accessattempt",
    "security.accountsecurity",
}


def _request():
    return current_request.get()


def on_logged_in(sender, request, user, **kwargs):
    """Start the session's clocks, note what it owes (password change, second factor), keep one per staff."""
    from security import accounts, limits, middleware, passwords

    if request is None or not hasattr(request, "session"):
        return
    rules = limits.current()
    middleware.session_started(request)
    request.session[middleware.LIMITS] = [rules.idle_seconds, rules.absolute_seconds]
    request.session[middleware.PASSWORD_REASON] = passwords.change_reason(user, expiry_days=rules.password_expiry_days)
    request.session[middleware.OTP_REQUIRED] = accounts.otp_required(user)
    if rules.single_session_for_staff and ({"staff", "admin"} & accounts.otp_roles_of(user)):
        state = passwords.state_of(user)
        if state.session_key and state.session_key != request.session.session_key:
            store: SessionBase = import_string(settings.SESSION_ENGINE + ".SessionStore")(state.session_key)
            store.delete()
        if request.session.session_key is None:
            request.session.save()
        state.session_key = request.session.session_key
        state.save(update_fields=["session_key"])
    events.record(event=SecurityEventKind.LOGIN, actor=user, request=request, target=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        events.record(event=SecurityEventKind.LOGOUT, actor=user, request=request, target=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed login names the account by id when it exists, never the typed login name."""
    username = (credentials or {}).get("username") or ""
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    events.record(
        event=SecurityEventKind.LOGIN_FAILED,
        actor=None,
        request=request,
        target_type="auth.user" if user_id else "",
        target_id=user_id or "",
        outcome=SecurityEvent.Outcome.FAILURE,
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    events.record(
        event=SecurityEventKind.LOCKOUT,
        request=request,
        target_type="auth.user" if user_id else "",
        target_id=user_id or "",
        outcome=SecurityEvent.Outcome.REFUSED,
    )


def on_user_pre_save(sender, instance, update_fields=None, **kwargs):
    if instance.pk and (update_fields is None or "is_active" in update_fields):
        instance._was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()


def on_user_saved(sender, instance, created, **kwargs):
    request = _request()
    if created:
        events.record(event=SecurityEventKind.ACCOUNT_CREATE, request=request, target=instance)
    elif getattr(instance, "_was_active", None) and not instance.is_active:
        events.record(event=SecurityEventKind.ACCOUNT_DEACTIVATE, request=request, target=instance)


def on_roles_changed(sender, instance, action, pk_set, model, **kwargs):
    """Groups and permissions given or taken: a role and permission change."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    events.record(
        event=SecurityEventKind.ROLE_CHANGE,
        request=_request(),
        target=instance,
        detail={"action": action.removeprefix("post_"), "model": model._meta.label_lower, "ids": sorted(pk_set or [])},
    )


def on_log_entry(sender, instance, created, **kwargs):
    """Every change made in the Django admin, as its LogEntry says (actor, object, add/change/delete)."""
    if not created:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}" if instance.content_type_id else ""
    kind = SecurityEventKind.CONFIG_CHANGE if label in CONFIG_MODELS else SecurityEventKind.ADMIN_CHANGE
    flag = {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, str(instance.action_flag))
    events.record(
        event=kind,
        actor=instance.user_id,
        request=_request(),
        target_type=label,
        target_id=instance.object_id or "",
        detail={"action": flag},
    )


def connect() -> None:
    """Connect every receiver (once, from the app config)."""
    from axes.signals import user_locked_out
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_save, pre_save

    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="security_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="security_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="security_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="security_locked_out")
    pre_save.connect(on_user_pre_save, sender=user_model, dispatch_uid="security_user_pre_save")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="security_user_saved")
    post_save.connect(on_log_entry, sender=LogEntry, dispatch_uid="security_log_entry")
    m2m_changed.connect(on_roles_changed, sender=user_model.groups.through, dispatch_uid="security_user_groups")
    m2m_changed.connect(
        on_roles_changed, sender=user_model.user_permissions.through, dispatch_uid="security_user_perms"
    )
    m2m_changed.connect(on_roles_changed, sender=Group.permissions.through, dispatch_uid="security_group_perms")
