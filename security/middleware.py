"""Session policy on every request, read from the session alone (no query): timeouts, forced password change, OTP."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

STARTED = "_sec_started"
SEEN = "_sec_seen"
PASSWORD_REASON = "_sec_password"  # noqa: S105 - a session key, not a password
OTP_REQUIRED = "_sec_otp"
LIMITS = "_sec_limits"  # [idle seconds, absolute seconds] of the policy at login

# Reachable whatever the session owes: logging out, changing the password, giving the second factor.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/favicon.ico")


def session_started(request) -> None:
    """Mark the start of a logged-in session (called at login)."""
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now


def limits(session) -> tuple[int, int]:
    """(idle, absolute) seconds for this session: the policy at its login, else the settings."""
    stored = session.get(LIMITS)
    if stored:
        return stored[0], stored[1]
    return settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS


def idle_limit(session) -> int:
    """Seconds of inactivity after which this session ends."""
    return limits(session)[0]


def expired(session, now: int) -> str | None:
    """Why the session is over ("idle" or "absolute"), or None while it lasts."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None
    idle, absolute = limits(session)
    if now - started >= absolute:
        return "absolute"
    if now - seen >= idle:
        return "idle"
    return None


class SessionPolicyMiddleware:
    """Ends idle and old sessions; sends an account that owes a password change or a second factor there first.

    Activity is written to the session at most once a minute, so an ordinary page view saves nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from security.signals import current_request

        token = current_request.set(request)
        try:
            if request.user.is_authenticated:
                response = self._enforce(request)
                if response is not None:
                    return response
            response = self.get_response(request)
            _audit_download(request, response)
            return response
        finally:
            current_request.reset(token)

    def _enforce(self, request):
        session = request.session
        now = int(time.time())
        if session.get(STARTED) is None:
            session_started(request)
        reason = expired(session, now)
        if reason is not None:
            from security import events
            from security.models import SecurityEventKind

            events.record(
                event=SecurityEventKind.LOGOUT, request=request, target=request.user, detail={"reason": reason}
            )
            logout(request)
            if request.headers.get("x-requested-with") == "fetch" or request.path.startswith("/api/"):
                return JsonResponse({"detail": _("登录已超时，请重新登录。")}, status=401)
            messages.info(request, _("登录已超时，请重新登录。"))
            return redirect(f"{reverse('login')}?next={request.path}")
        if now - session[SEEN] >= settings.SESSION_ACTIVITY_WRITE_SECONDS:
            session[SEEN] = now
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        if session.get(OTP_REQUIRED) and not request.user.is_verified():
            return redirect("security:otp_verify")
        if session.get(PASSWORD_REASON):
            return redirect("security:password_change")
        return None


def _audit_download(request, response) -> None:
    """Every file a logged-in person takes away (exports, attachments, letters) is an audit record."""
    if not (200 <= response.status_code < 300 and "attachment" in response.get("Content-Disposition", "")):
        return
    if not request.user.is_authenticated or getattr(response, "audit_recorded", False):
        return
    from security import events
    from security.models import SecurityEventKind

    kind = SecurityEventKind.EXPORT if "export" in request.path else SecurityEventKind.DOWNLOAD
    events.record(event=kind, request=request, detail={"path": request.path[:200]})
