from django.conf import settings


def session_timing(request):
    """The idle limits the page's warning counts down to (only for logged-in pages)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from security.middleware import idle_limit

    idle = idle_limit(request.session)
    # Warn five minutes before the end (at 25 of 30 minutes), or at the configured time if sooner.
    warning = min(settings.SESSION_IDLE_WARNING_SECONDS, max(idle - 5 * 60, idle // 2))
    return {"SESSION_IDLE_SECONDS": idle, "SESSION_IDLE_WARNING_SECONDS": warning}
