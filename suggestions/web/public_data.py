"""The public open data of one congress: its published outcomes as CSV and as an Atom feed (no login)."""

import csv

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congresses.models import FIRST_SLUG
from suggestions.queries import public_detail, public_list, public_summary
from suggestions.web.public import cached, filtered
from suggestions.web.public_site import site_of, site_url


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """Text as it is, but a cell that a spreadsheet would run as a formula starts with an apostrophe."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_HEADER = [
    gettext_lazy("编号"),
    gettext_lazy("标题"),
    gettext_lazy("领衔代表"),
    gettext_lazy("联名代表"),
    gettext_lazy("类别"),
    gettext_lazy("会议"),
    gettext_lazy("承办单位"),
    gettext_lazy("办理结果"),
    gettext_lazy("答复日期"),
    gettext_lazy("代表评价"),
    gettext_lazy("公开日期"),
    gettext_lazy("网址"),
]


def outcomes_csv(request, congress_slug=None):
    """The congress's published list (with the list's filters) as UTF-8 CSV, streamed row by row."""
    congress = site_of(congress_slug)
    filterset, _params = filtered(congress, request.GET)
    queryset = filterset.qs.order_by("-published_at", "-pk")
    base = request.build_absolute_uri("/")[:-1]
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow([str(h) for h in CSV_HEADER])
        for s in queryset.iterator(chunk_size=500):
            summary = public_summary.summarize(s)
            yield writer.writerow(
                [
                    _cell(v)
                    for v in (
                        s.number_display,
                        s.public_title,
                        s.lead_delegate.name,
                        "、".join(c.delegate.name for c in s.confirmed_cosigners),
                        s.category.name,
                        s.session.name,
                        "、".join(o.name for o in summary.offices),
                        "、".join(f"{rc.code} {rc.name}" for rc in summary.result_classes),
                        summary.reply_date.isoformat() if summary.reply_date else "",
                        summary.rating_text,
                        timezone.localdate(s.published_at).isoformat(),
                        base + site_url(congress, "detail", s.pk),
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    prefix = "huaxi" if congress.slug == FIRST_SLUG else congress.slug
    response["Content-Disposition"] = f'attachment; filename="{prefix}-outcomes-{stamp}.csv"'
    return response


class OutcomesFeed(Feed):
    feed_type = Atom1Feed
    subtitle = gettext_lazy("新公开的代表建议及承办单位答复")

    def __init__(self, congress):
        super().__init__()
        self.congress = congress

    def title(self):
        if self.congress.slug == FIRST_SLUG:
            return _("花溪区人大代表建议办理结果公开")
        return _("%(name)s代表建议办理结果公开") % {"name": self.congress.name}

    def link(self):
        return site_url(self.congress, "list")

    def items(self):
        outcomes = public_list.outcomes(self.congress).order_by("-published_at", "-pk")
        return public_summary.outcome_rows(list(outcomes[: public_list.FEED_SIZE]))

    def item_title(self, item):
        return f"{item.number_display} {item.public_title}".strip()

    def item_description(self, item):
        return public_detail.lead_paragraph(item)

    def item_link(self, item):
        return site_url(self.congress, "detail", item.pk)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.category.name]


def feed(request, congress_slug=None):
    congress = site_of(congress_slug)

    def build():
        response = OutcomesFeed(congress)(request)
        return {"content": response.content.decode(), "content_type": response["Content-Type"]}

    page = cached(congress, "feed", (request.get_host(), request.is_secure()), build)
    return HttpResponse(page["content"], content_type=page["content_type"])
