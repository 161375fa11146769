import ipaddress

from django.conf import settings
from django.http import QueryDict

from huaxi_renda.dbrouter import is_public_path

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Content security policy without inline scripts, and a permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # The Django admin uses a few inline scripts of its own.
            csp = DEFAULT_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
                "style-src 'self'", "style-src 'self' 'unsafe-inline'"
            )
        else:
            csp = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


# Control characters (C0 without tab, line feed and carriage return; DEL; C1). PostgreSQL refuses NUL
# in text, and none of them belongs in a name, a title or a search term.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r")
_STRIP_CONTROLS = str.maketrans("", "", _CONTROLS)
_STRIP_CONTROLS_AND_LINES = str.maketrans("", "", _CONTROLS + "\t\n\r")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def strip_controls(value, *, keep_lines=False):
    return value.translate(_STRIP_CONTROLS if keep_lines else _STRIP_CONTROLS_AND_LINES)


def _cleaned(query_dict, *, keep_lines):
    cleaned = QueryDict(mutable=True, encoding=query_dict.encoding)
    for key, values in query_dict.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(v, keep_lines=keep_lines) for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    """Strip control characters from every query parameter, form field and upload name, in one place.

    Query parameters lose every control character; form fields keep tab, line feed and carriage
    return (a body has paragraphs); upload names lose all of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned(request.GET, keep_lines=False)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _cleaned(request.POST, keep_lines=True)
            for upload in request.FILES.values():
                upload.name = strip_controls(upload.name or "")
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Behind the documented nginx, the client's address is the X-Real-IP header nginx sets.

    Only a request whose peer is one of ``TRUSTED_PROXIES`` may name the client; anyone else's
    header is ignored, so nobody can pretend to be another address (django-axes locks by address).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES:
            client = request.META.get("HTTP_X_REAL_IP", "").strip()
            if not client:  # nginx appends the address it saw as the last X-Forwarded-For entry
                client = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
            if client and _is_address(client):
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def _is_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


PUBLIC_PREFIXES = ("/public/", "/static/", "/favicon.ico")
# The API sends ``private, no-cache`` itself, so that clients revalidate with its ETags.
API_PREFIX = "/api/v1/"


class PrivateCacheMiddleware:
    """Pages and downloads that are not public are sent ``Cache-Control: private, no-store``.

    Public pages read anonymously keep their caching; anything a logged-in person sees may carry
    their name or their data, and is never kept by a browser or a proxy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.has_header("Cache-Control"):
            return response
        public = request.path.startswith(PUBLIC_PREFIXES) or is_public_path(request.path)
        if public:
            # The session is read only when the page shows who is logged in.
            session = getattr(request, "session", None)
            public = not (session is not None and session.accessed and request.user.is_authenticated)
        if not public and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response
