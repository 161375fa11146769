"""The congress switcher in the user menu."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congresses import services
from suggestions.errors import InvalidInput


@login_required
@require_POST
def choose(request):
    """Act in another of one's congresses, then go home (the old page may belong to the other congress)."""
    raw = request.POST.get("congress", "")
    try:
        congress = services.act_in(user=request.user, congress_id=int(raw) if raw.isdigit() else 0)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已切换到%(name)s。") % {"name": congress.name})
    target = request.POST.get("next") or "home"
    if target != "home" and not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "home"
    return redirect(target)
