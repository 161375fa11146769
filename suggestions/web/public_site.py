"""Which congress's public site a request is on, and the addresses of that site.

``/public/`` is the first congress's site (花溪区人大, the address it always had); ``/<slug>/public/`` is the
site of the active congress with that slug. Links of the first congress stay under ``/public/``.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from congresses.models import FIRST_SLUG
from suggestions.queries.public_congress import has_overview, public_congress


def site_of(congress_slug=None):
    """The congress of a public page's address; an unknown or inactive slug is a 404."""
    congress = public_congress(congress_slug)
    if congress is None:
        raise Http404
    return congress


def site_url(congress, name, *args):
    """The address of the public page ``name`` (``list``, ``detail``, ``stats``…) of ``congress``'s site."""
    if congress.slug == FIRST_SLUG:
        return reverse(f"public:{name}", args=args)
    kwargs = {"congress_slug": congress.slug}
    if args:
        kwargs["pk"] = args[0]
    return reverse(f"congress_public:{name}", kwargs=kwargs)


def site_context(congress):
    """What the layout (brand, title, navigation, footer) needs to name the congress of a public page."""
    first = congress.slug == FIRST_SLUG
    return {
        "site": congress,
        "current_congress": congress,  # the brand in the header
        "site_nav": {"list": site_url(congress, "list"), "stats": site_url(congress, "stats")},
        # The first congress keeps the titles and footer it always had.
        "site_title": "" if first else _("%(name)s代表建议办理结果公开") % {"name": congress.name},
        "site_footer": "" if first else congress.organ_name,
        "overview_url": site_url(congress, "congresses") if has_overview(congress) else "",
    }
