"""The public page of a city's (or a province's) congresses: its own and its lower congresses' published
outcomes, newest first, and each congress's public figures, each linking to that congress's own site."""

from django.http import Http404
from django.utils.translation import gettext as _

from suggestions.queries import public_list
from suggestions.queries.public_congress import congress_figures, congress_tree, has_overview
from suggestions.web.public import STATS_TIMEOUT, _body, rows_html, serve
from suggestions.web.public_site import site_context, site_of, site_url


def congresses(request, congress_slug=None):
    congress = site_of(congress_slug)
    if not has_overview(congress):
        raise Http404
    after = request.GET.get("after", "")[:40]
    before = request.GET.get("before", "")[:40]

    def build():
        tree = congress_tree(congress)
        by_id = {c.pk: c for c in tree}
        table = [
            {"congress": c, "url": site_url(c, "list"), "stats_url": site_url(c, "stats"), "data": congress_figures(c)}
            for c in tree
        ]
        rows = public_list.rows_base(public_list.published_in(tree))
        page = public_list.outcome_page(rows, after=after, before=before)
        rows_html(page.items, by_id)
        for s in page.items:
            s.congress = by_id[s.congress_id]
            s.congress_url = site_url(s.congress, "list")
        return {
            "title": _("%(name)s及下级人大办理结果") % {"name": congress.name},
            "body": _body(
                "suggestions/public/congresses.html",
                {**site_context(congress), "table": table, "page": page, "items": page.items},
            ),
        }

    return serve(request, congress, "congresses", (after, before), build, timeout=STATS_TIMEOUT)
