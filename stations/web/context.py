"""Navigation entries of the stations pages, added beside the portal's own (``templates/includes/nav.html``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from stations.models import Station
from suggestions.actor import actor_of


def navigation(request):
    """``stations_nav``: links to the stations pages for the roles that use them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_of(request)
    items = []
    # No query for the portal's roles (read from the actor, loaded once per request): the pages pin query counts.
    if actor.is_staff or actor.delegate_id:
        items.append((reverse("stations:list"), _("联络站")))
    elif not actor.office_ids and Station.staff.through.objects.filter(user_id=user.pk).exists():
        items.append((reverse("stations:list"), _("联络站")))
    if actor.office_ids:
        items.append((reverse("stations:office_inbox"), _("转来的群众意见")))
    path = request.path
    return {"stations_nav": [{"url": url, "label": label, "active": path.startswith(url)} for url, label in items]}
