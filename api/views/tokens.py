"""The token page: after a full login a person makes and revokes named device tokens for the API.

A new token is shown once, on the answer to the POST that made it (never in a URL, never stored).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.models import DeviceToken
from suggestions.errors import InvalidInput


def _page(request, *, new_token=None, error="", status=200):
    tokens = DeviceToken.objects.filter(user=request.user)[:100]
    return render(
        request,
        "api/token_list.html",
        {"tokens": tokens, "new_token": new_token, "error": error, "max_days": settings.API_TOKEN_MAX_DAYS},
        status=status,
    )


@login_required
def token_list(request):
    return _page(request)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def token_create(request):
    days = _int_or_none(request.POST.get("days"))
    try:
        _token, raw = services.token_create(user=request.user, name=request.POST.get("name", ""), days=days)
    except InvalidInput as error:
        return _page(request, error=error.message, status=400)
    return _page(request, new_token=raw)


@login_required
@require_POST
def token_revoke(request):
    try:
        token = services.token_revoke(user=request.user, token_id=_int_or_none(request.POST.get("token")) or 0)
    except InvalidInput as error:
        return _page(request, error=error.message, status=400)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("api_tokens:list")
