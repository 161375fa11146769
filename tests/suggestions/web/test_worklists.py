"""The office inbox's and the delegate home's rows, written in Python (suggestions/templatetags/worklists.py).

Built from unsaved instances with the annotations the selectors put on them, so each branch of a row is
drawn without a database: what the templates drew before, escaped, in Chinese and in English.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from delegates.models import Delegate
from suggestions.models import Assignment, Category, Office, Suggestion
from suggestions.templatetags.worklists import inbox_rows, suggestion_items

A = Assignment.Status
TODAY = datetime.date(2026, 12, 7)


def _suggestion(pk=7, **fields):
    values = {"title": "关于<b>加装</b>路灯的建议", "status": Suggestion.Status.HANDLING, "current_round": 1} | fields
    suggestion = Suggestion(pk=pk, **values)
    suggestion.lead_delegate = Delegate(pk=1, name="王<i>芳</i>")
    suggestion.category = Category(pk=1, name="城建")
    return suggestion


ANNOTATIONS = {  # what office_selectors.inbox annotates and decorate() adds, with their defaults
    "group": "handling",
    "co_due_count": 0,
    "needs_follow_up": False,
    "extension_pending": False,
    "deadline": None,
    "urgency": "",
    "days_left": None,
    "overdue_days": 0,
}


def _assignment(pk=11, *, suggestion=None, handler=None, **fields):
    annotations = {name: fields.pop(name, default) for name, default in ANNOTATIONS.items()}
    assignment = Assignment(pk=pk, **({"role": Assignment.Role.LEAD, "status": A.SIGNED} | fields))
    assignment.suggestion = suggestion or _suggestion()
    assignment.office = Office(pk=3, name="区住建局")
    assignment.handler = handler
    for name, value in annotations.items():
        setattr(assignment, name, value)
    return assignment


def _inbox(*rows, many_offices=False, language="zh-hans"):
    with translation.override(language):
        return str(inbox_rows(list(rows), many_offices))


def test_an_inbox_row_links_the_assignment_and_escapes_every_value():
    handler = get_user_model()(pk=5, username="clerk1", first_name="<script>")
    html = _inbox(_assignment(handler=handler, suggestion=_suggestion(number=12)))
    assert '<tr data-row data-assignment="11" data-group="handling">' in html
    assert '<a href="/office/assignments/11/">关于&lt;b&gt;加装&lt;/b&gt;路灯的建议</a>' in html
    assert "第12号 · 王&lt;i&gt;芳&lt;/i&gt; · <strong>主办</strong>" in html
    assert "经办人：&lt;script&gt;" in html and "<script>" not in html
    assert '<span class="status status-signed">办理中</span>' in html
    assert "区住建局" not in html  # the office is named only to a clerk of several


def test_an_inbox_row_shows_its_tags_and_what_it_waits_for():
    a = _assignment(
        suggestion=_suggestion(is_key=True, current_round=2),
        group="waiting",
        co_due_count=2,
        extension_pending=True,
        deadline=TODAY,
        urgency="soon",
        days_left=3,
    )
    html = _inbox(a, many_offices=True)
    assert '<span class="tag tag-key">重点督办</span>' in html
    assert '<span class="tag">第2轮</span>' in html and '<span class="tag">延期审核中</span>' in html
    assert "2个协办意见未到" in html and "· 区住建局 ·" in html and "经办人：未指定" in html
    assert '<div class="small">答复 2026-12-07</div>' in html
    assert '<span class="urgency-soon">剩3个工作日</span>' in html


def test_an_inbox_row_of_a_co_office_and_of_the_finished():
    late = _assignment(role=Assignment.Role.CO, deadline=TODAY, urgency="overdue", days_left=-4, overdue_days=4)
    late.suggestion.current_round = 2  # a co-office answers the lead office, not the delegate: no round tag
    finished_at = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)  # 12-07 in Beijing
    done = _assignment(pk=12, status=A.REPLIED, group="followup", finished_at=finished_at)
    html = _inbox(late, done)
    assert '<div class="small">意见 2026-12-07</div>' in html and "逾期4个工作日" in html
    assert "第2轮" not in html
    assert "B类，跟踪督办中" in html and "完成于 2026-12-07" in html


def test_an_inbox_row_in_english():
    a = _assignment(deadline=TODAY, urgency="overdue", days_left=-1, overdue_days=1, extension_pending=True)
    html = _inbox(a, language="en")
    assert "1 workday overdue" in html and "Extension under review" in html


def test_a_home_item_shows_its_offices_and_deadlines():
    s = _suggestion(number=3, status=Suggestion.Status.HANDLING)
    s.waiting_my_rating = True
    lead = _assignment(suggestion=s, due_date=TODAY - datetime.timedelta(days=1))
    co = _assignment(pk=12, suggestion=s, role=Assignment.Role.CO, status=A.OPINION_SENT, opinion_due=TODAY)
    s.active_assignments = [lead, co]
    with translation.override("zh-hans"):
        html = str(suggestion_items([s], True, TODAY))
    assert html.startswith("<li data-row>") and html.endswith("</li>")
    assert '<a href="/delegate/suggestions/7/">关于&lt;b&gt;加装&lt;/b&gt;路灯的建议</a>' in html
    assert '<span class="tag tag-key">等您评价</span>' in html and "<span>第3号</span>" in html
    assert '<span class="muted">领衔：王&lt;i&gt;芳&lt;/i&gt;</span>' in html
    assert '<span class="urgency-overdue">已逾期</span>' in html  # the lead office, a day late
    assert "区住建局（协办）· 协办意见期限 2026-12-07 · 已提交协办意见</li>" in html


def test_a_returned_and_a_closed_home_item():
    returned = _suggestion(status=Suggestion.Status.RETURNED, status_reason="请补充<地点>")
    closed = _suggestion(pk=8, status=Suggestion.Status.CLOSED)
    for s in (returned, closed):
        s.waiting_my_rating = False
        s.active_assignments = [_assignment(suggestion=s)]
    with translation.override("zh-hans"):
        html = str(suggestion_items([returned], False, TODAY))
        shut = str(suggestion_items([closed], False, TODAY))
    assert '<p class="small">退回理由：请补充&lt;地点&gt;</p>' in html and "领衔" not in html
    assert "区住建局" not in shut  # a finished suggestion lists no offices


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_empty_for_no_rows(language):
    with translation.override(language):
        assert str(inbox_rows([], False)) == "" and str(suggestion_items([], False, TODAY)) == ""
