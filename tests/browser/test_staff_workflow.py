"""Staff walk a suggestion through register → assign (lead + co) → return and re-assign → extension → publish."""

import datetime

import pytest

from suggestions import actions
from suggestions.models import Assignment, Reply, Suggestion
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    session = factories.SessionFactory()
    delegate = factories.DelegateFactory(term=session.term)
    offices = {name: factories.OfficeFactory(name=name) for name in ("区住房和城乡建设局", "区财政局", "区城市管理局")}
    clerks = {name: factories.OfficeMemberFactory(office=office).user for name, office in offices.items()}
    suggestion = factories.SuggestionFactory(
        session=session,
        lead_delegate=delegate,
        title="关于加快花溪老旧小区改造的建议",
        body="花溪街道部分老旧小区管网老化、道路破损，建议纳入今年改造计划。",
    )
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    return {"staff": factories.StaffFactory(), "offices": offices, "clerks": clerks, "suggestion": suggestion}


def axe_violations(page, *, impacts=("serious", "critical")):
    """Like the conftest helper, but loads axe from /static/: the CSP refuses an inline script tag."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def _check(page, name, viewport):
    assert_no_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["help"]) for v in violations]
    screenshot(page, f"staff-{name}-{'phone' if viewport == PHONE else 'desktop'}")


def test_staff_register_assign_reassign_extend_and_publish(open_page, people):
    staff, offices, clerks, suggestion = people["staff"], people["offices"], people["clerks"], people["suggestion"]
    lead, co, other = offices["区住房和城乡建设局"], offices["区财政局"], offices["区城市管理局"]
    page = open_page(user=staff, viewport=DESKTOP)
    page.on("dialog", lambda dialog: dialog.accept())

    # Review and register with the proposed number.
    page.goto("/staff/")
    _check(page, "inbox", DESKTOP)
    page.get_by_role("link", name=suggestion.title).click()
    assert page.locator("#id_register-number").input_value() == "1"
    _check(page, "review", DESKTOP)
    page.get_by_role("button", name="立案", exact=True).click()
    page.wait_for_load_state()
    assert "已立案" in page.locator(".messages").inner_text()
    assert Suggestion.objects.get(pk=suggestion.pk).number == 1

    # Assign to a lead office and a co-handling office.
    page.goto("/staff/assign/")
    page.get_by_role("link", name="单独交办").click()
    page.select_option("#id_lead_office", str(lead.pk))
    page.fill("#id_co_offices_filter", "财政")  # narrow a long office list by name
    assert page.get_by_role("checkbox", name="区城市管理局").count() == 0
    page.get_by_role("checkbox", name="区财政局").check()
    page.fill("#id_co_offices_filter", "")
    _check(page, "assign", DESKTOP)
    page.get_by_role("button", name="确认交办").click()
    page.wait_for_load_state()
    assert "已交办" in page.locator(".messages").inner_text()
    assert dict(Assignment.objects.filter(suggestion=suggestion).values_list("office_id", "role")) == {
        lead.pk: "lead",
        co.pk: "co",
    }

    # The lead office asks to have it returned; staff approve and re-assign to the suggested office.
    lead_assignment = Assignment.objects.get(suggestion=suggestion, office=lead)
    actions.assignment_request_return(
        assignment=lead_assignment,
        actor=clerks[lead.name],
        reason="主要涉及市政管网，建议由城管局主办",
        suggested_office=other,
    )
    page.goto("/staff/requests/")
    form = page.locator("form", has=page.get_by_role("button", name="同意退回并重新交办"))
    assert form.locator("select").input_value() == str(other.pk)
    _check(page, "requests-return", DESKTOP)
    form.get_by_role("button", name="同意退回并重新交办").click()
    page.wait_for_load_state()
    assert "改由区城市管理局承办" in page.locator(".messages").inner_text()
    new_lead = Assignment.objects.get(suggestion=suggestion, office=other)
    assert new_lead.role == "lead"

    # The new lead office asks for more time; staff approve the date it asked for.
    actions.assignment_sign(assignment=new_lead, actor=clerks[other.name])
    until = new_lead.due_date + datetime.timedelta(days=31)
    actions.extension_request(assignment=new_lead, actor=clerks[other.name], reason="需协调专项资金", until=until)
    page.goto("/staff/requests/")
    assert page.locator("input[type=date]").first.input_value() == until.isoformat()
    _check(page, "requests-extension", DESKTOP)
    page.get_by_role("button", name="同意延期", exact=True).click()
    page.wait_for_load_state()
    assert "已同意延期" in page.locator(".messages").inner_text()
    new_lead.refresh_from_db()
    assert new_lead.extended_due == until

    # The office replies; staff redact the public version and publish it.
    reply = carry_to_reply(
        suggestion, new_lead, clerks[other.name], text="已纳入改造计划。联系人：张三，电话13900001111。"
    )
    actions.rating_submit(reply=reply, actor=suggestion.lead_delegate.user, value="satisfied")
    page.goto("/staff/publication/")
    _check(page, "publication", DESKTOP)
    page.get_by_role("link", name="审核", exact=True).click()
    page.fill("#id_public_text", "已纳入改造计划。")
    _check(page, "publication-edit", DESKTOP)
    page.get_by_role("button", name="保存并公开").click()
    page.wait_for_load_state()
    assert "答复已公开" in page.locator(".messages").inner_text()
    reply = Reply.objects.get(pk=reply.pk)
    assert reply.is_published and reply.public_text == "已纳入改造计划。"

    page.goto(f"/staff/suggestions/{suggestion.pk}/")
    assert "同意延期" in page.locator("#h-timeline + ol").inner_text()
    _check(page, "suggestion", DESKTOP)
    page.goto("/staff/track/")
    _check(page, "track", DESKTOP)


@pytest.fixture
def busy(people):
    """Something on every staff page: a registered, an assigned with requests, a reply to publish."""
    staff, offices, clerks = people["staff"], people["offices"], people["clerks"]
    lead, co, other = offices["区住房和城乡建设局"], offices["区财政局"], offices["区城市管理局"]
    session = people["suggestion"].session
    delegate = people["suggestion"].lead_delegate
    made = []
    for title in ("关于增设公交站点的建议", "关于整治河道污染的建议", "关于增加学位供给的建议"):
        s = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title)
        actions.suggestion_submit(suggestion=s, actor=delegate.user)
        made.append(actions.suggestion_register(suggestion=s, actor=staff))
    [asg, _co] = actions.suggestion_assign(suggestion=made[1], actor=staff, lead_office=lead, co_offices=[co])
    actions.assignment_request_return(
        assignment=asg, actor=clerks[lead.name], reason="不属于本单位职责", suggested_office=other
    )
    [asg2] = actions.suggestion_assign(suggestion=made[2], actor=staff, lead_office=other)
    carry_to_reply(made[2], asg2, clerks[other.name])
    return people


@pytest.mark.parametrize(
    "path, name",
    [
        ("/staff/", "inbox"),
        ("/staff/assign/", "assign-list"),
        ("/staff/requests/", "requests"),
        ("/staff/track/", "track"),
        ("/staff/publication/", "publication"),
    ],
)
def test_staff_pages_fit_a_phone(open_page, busy, path, name):
    page = open_page(user=busy["staff"], viewport=PHONE)
    page.goto(path)
    assert page.locator("h1").first.is_visible()
    _check(page, name, PHONE)


def test_the_review_page_moves_on_with_the_keyboard(open_page, busy):
    staff = busy["staff"]
    second = factories.SuggestionFactory(
        session=busy["suggestion"].session, lead_delegate=busy["suggestion"].lead_delegate, title="关于第二件的建议"
    )
    actions.suggestion_submit(suggestion=second, actor=second.lead_delegate.user)
    page = open_page(user=staff, viewport=PHONE)
    page.goto(f"/staff/review/{busy['suggestion'].pk}/")
    _check(page, "review", PHONE)
    page.keyboard.press("n")
    page.wait_for_url(f"**/staff/review/{second.pk}/")
    page.goto(f"/staff/suggestions/{busy['suggestion'].pk}/")
    _check(page, "suggestion", PHONE)
