"""A public list row and a result-class pill, written in Python.

The public list renders up to twenty rows whenever its cache is cold (a Redis restart, a
publication that changed many rows). Through the template engine a row cost about a quarter
of a millisecond; here it is a few escaped strings. Every value is escaped with
``conditional_escape``; the only markup is the literal HTML below.
"""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _pill_class(rc):
    if rc.counts_as_adopted:
        return "status-replied"
    if rc.needs_follow_up:
        return "status-assigned"
    return "status-draft"


@register.simple_tag
def result_pill(rc):
    """``{% result_pill rc %}``: a result class (code and name) as a coloured pill."""
    return mark_safe(f'<span class="status {_pill_class(rc)}">{esc(rc.code)} {esc(rc.name)}</span>')  # noqa: S308


def outcome_row(s):
    """One row of the public list (``s`` from ``public_list.load_rows``); cached per suggestion."""
    key = f' <span class="tag tag-key">{esc(_("重点督办"))}</span>' if s.is_key else ""
    number = f"{esc(s.number_display)} · " if s.number else ""
    people = f"{esc(_('领衔代表'))}：{esc(s.lead_name)}"
    if s.cosigner_names:
        people += f"　{esc(_('联名代表'))}：{'、'.join(esc(name) for name in s.cosigner_names)}"
    summary = s.summary
    handling = ""
    if summary.offices:
        handling = f"{esc(_('承办单位'))}：{'、'.join(esc(o.name) for o in summary.offices)}"
    if summary.reply_date:
        day = summary.reply_date.isoformat()
        handling += f'　{esc(_("答复日期"))}：<time datetime="{day}">{day}</time>'
    pills = "\n".join(result_pill(rc) for rc in summary.result_classes)
    rating = ""
    if summary.ratings:
        rating = f"<span>{esc(_('代表评价'))}：<strong>{esc(summary.rating_text)}</strong></span>"
    # The page gives ``public_url`` (the address on the site of the row's congress).
    url = getattr(s, "public_url", None) or reverse("public:detail", args=[s.pk])
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'<h3><a href="{esc(url)}">{esc(s.public_title)}</a>{key}</h3>\n'
        f'<p class="small muted">{number}{esc(s.session_name)} · {esc(s.category_name)}</p>\n'
        f'<p class="small">{people}</p>\n'
        f'<p class="small">{handling}</p>\n'
        f'<p class="row small">{pills}\n  {rating}</p>\n'
    )
