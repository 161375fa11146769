"""Navigation entries of the stations pages, added beside the portal's own (``templates/includes/nav.html``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from stations.models import RecordedDraft, Station, StationDelegate
from suggestions.actor import actor_of


def navigation(request):
    """``stations_nav``: links to the stations pages for the roles that use them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_of(request)
    items = []
    works_at_station = actor.is_staff or Station.staff.through.objects.filter(user_id=user.pk).exists()
    if not works_at_station and actor.delegate_id:
        works_at_station = StationDelegate.objects.filter(delegate_id=actor.delegate_id).exists()
    if works_at_station:
        items.append((reverse("stations:list"), _("联络站")))
    if actor.delegate_id and RecordedDraft.objects.filter(
        suggestion__lead_delegate_id=actor.delegate_id, confirmed_at__isnull=True, suggestion__status="draft"
    ).exists():
        items.append((reverse("stations:drafts"), _("待确认建议")))
    if actor.office_ids:
        items.append((reverse("stations:office_inbox"), _("转来的群众意见")))
    path = request.path
    return {"stations_nav": [{"url": url, "label": label, "active": path.startswith(url)} for url, label in items]}
