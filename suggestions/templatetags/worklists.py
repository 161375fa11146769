"""The rows of the two work lists, the office inbox and the delegate home, written in Python.

Both pages draw fifty-odd rows on every request (they are per person: nothing to cache). Through the
template engine a row cost a quarter to a third of a millisecond (an include, a dozen lookups, a few
``{% translate %}`` and ``get_…_display`` calls each); here a row is a few escaped strings, and the
labels are translated once per page. Every value is escaped with ``conditional_escape``; the only markup
is the literal HTML below, the same as the templates it replaces drew.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suggestions.models import Assignment, Suggestion
from suggestions.templatetags.cards import overdue

register = template.Library()


def _path(name):
    """``reverse(name, args=[pk])`` as a function of ``pk``, resolved once per page rather than once per row."""
    head, _zero, tail = reverse(name, args=[0]).rpartition("/0/")
    return lambda pk: f"{head}/{int(pk)}/{tail}"


def _status(status, labels):
    return f'<span class="status status-{esc(status)}">{esc(labels.get(status, status))}</span>'


def _day(value):
    """``{{ value|date:"Y-m-d" }}``: a date as it is, a datetime in the current time zone."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


@register.simple_tag
def inbox_rows(rows, many_offices=False):
    """``{% inbox_rows rows many_offices %}``: the office inbox's table rows (``office_selectors.decorate``d)."""
    url = _path("offices:assignment")
    roles = {key: str(label) for key, label in Assignment.Role.choices}
    statuses = {key: str(label) for key, label in Assignment.Status.choices}
    handler_label, unassigned = esc(_("经办人")), esc(_("未指定"))
    key_tag = f'<span class="tag tag-key">{esc(_("重点督办"))}</span>'
    extension_tag = f'<span class="tag">{esc(_("延期审核中"))}</span>'
    follow_up = f'<div class="small muted">{esc(_("B类，跟踪督办中"))}</div>'
    opinion_due, reply_due, finished = esc(_("意见")), esc(_("答复")), esc(_("完成于"))
    out = []
    for a in rows:
        s = a.suggestion
        number = f"{esc(s.number_display)} · " if s.number else ""
        office = f" · {esc(a.office.name)}" if many_offices else ""
        handler = esc(a.handler.get_full_name() or a.handler.username) if a.handler_id else unassigned
        tags = key_tag if s.is_key else ""
        if s.current_round > 1 and a.answers_delegate:
            tags += f'<span class="tag">{esc(_("第%(n)s轮") % {"n": s.current_round})}</span>'
        if a.extension_pending:
            tags += extension_tag
        state = _status(a.status, statuses)
        if a.group == "waiting":
            n = a.co_due_count
            text = ngettext("%(n)s个协办意见未到", "%(n)s个协办意见未到", n) % {"n": n}
            state += f'\n      <div class="small muted">{esc(text)}</div>'
        if a.group == "followup":
            state += f"\n      {follow_up}"
        if a.urgency:
            due = opinion_due if a.role == Assignment.Role.CO else reply_due
            if a.urgency == "overdue":
                n = a.overdue_days
                left = ngettext("逾期%(n)s个工作日", "逾期%(n)s个工作日", n) % {"n": n}
            else:
                n = a.days_left
                left = ngettext("剩%(n)s个工作日", "剩%(n)s个工作日", n) % {"n": n}
            state += (
                f'\n      <div class="small">{due} {_day(a.deadline)}</div>'
                f'\n      <span class="urgency-{esc(a.urgency)}">{esc(left)}</span>'
            )
        elif a.finished_at:
            state += f'\n      <div class="small muted">{finished} {_day(a.finished_at)}</div>'
        out.append(
            f'<tr data-row data-assignment="{int(a.pk)}" data-group="{esc(a.group)}">\n'
            f'    <td class="col-wide">\n'
            f'      <a href="{url(a.pk)}">{esc(s.title)}</a>\n'
            f'      <div class="small muted">{number}{esc(s.lead_delegate.name)} · <strong>{esc(roles.get(a.role, a.role))}'
            f"</strong>{office} · {handler_label}：{handler}</div>\n"
            f"      {tags}\n"
            f"    </td>\n"
            f'    <td class="nowrap">{state}\n'
            f"    </td>\n"
            f"  </tr>"
        )
    return mark_safe("\n  ".join(out))  # noqa: S308 - every value is escaped above


@register.simple_tag
def suggestion_items(rows, show_lead=False, today=None):
    """``{% suggestion_items rows show_lead today %}``: the delegate home's list items (``delegate_selectors._rows``)."""
    url = _path("delegates:suggestion")
    statuses = {key: str(label) for key, label in Suggestion.Status.choices}
    roles = {key: str(label) for key, label in Assignment.Role.choices}
    to_rate = f'<span class="tag tag-key">{esc(_("等您评价"))}</span>'
    reason_label = esc(_("退回理由："))
    late = f' <span class="urgency-overdue">{esc(_("已逾期"))}</span>'
    done = {
        Assignment.Status.REPLIED: f" · {esc(_('已答复'))}",
        Assignment.Status.OPINION_SENT: f" · {esc(_('已提交协办意见'))}",
    }
    out = []
    for s in rows:
        line = [_status(s.status, statuses)]
        if s.waiting_my_rating:
            line.append(to_rate)
        if s.number:
            line.append(f"<span>{esc(s.number_display)}</span>")
        line.append(f'<span class="muted">{esc(s.category.name)}</span>')
        if show_lead:
            line.append(f'<span class="muted">{esc(_("领衔：%(name)s") % {"name": s.lead_delegate.name})}</span>')
        item = (
            f"<li data-row>\n"
            f'  <h3><a href="{url(s.pk)}">{esc(s.title)}</a></h3>\n'
            f'  <p class="row small">\n    ' + "\n    ".join(line) + "\n  </p>"
        )
        if s.status == Suggestion.Status.RETURNED and s.status_reason:
            item += f'\n  <p class="small">{reason_label}{esc(s.status_reason)}</p>'
        if s.active_assignments and not s.is_closed:
            offices = []
            for a in s.active_assignments:
                offices.append(
                    f"<li>{esc(a.office.name)}（{esc(roles.get(a.role, a.role))}）· "
                    f"{esc(a.deadline_label)} {_day(a.effective_due)}"
                    f"{late if overdue(a, today) else ''}{done.get(a.status, '')}</li>"
                )
            item += '\n  <ul class="small">' + "\n    ".join(offices) + "</ul>"
        out.append(item + "\n</li>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above
