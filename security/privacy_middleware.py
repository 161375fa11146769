"""Send a delegate who has not accepted the current privacy notice to it first (a session flag: no query)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from security.privacy import SESSION_PENDING

# Where a person may go before accepting: the notice itself, logging out, switching language, static files.
_OPEN_PREFIXES = ("/privacy/", "/accounts/logout/", "/i18n/", "/static/", "/favicon.ico")


class PrivacyNoticeMiddleware:
    """Redirect to the notice while the session says the current version is still to be accepted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no login: the public pages never touch the session (no Vary: Cookie).
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.session.get(SESSION_PENDING)
            and request.user.is_authenticated
        ):
            target = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{reverse('privacy:notice')}?{urlencode({'next': target})}")
        return self.get_response(request)
