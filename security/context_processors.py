from django.conf import settings


def session_timing(request):
    """The idle limits the page's warning counts down to (only for logged-in pages)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
        "SESSION_IDLE_WARNING_SECONDS": settings.SESSION_IDLE_WARNING_SECONDS,
    }
