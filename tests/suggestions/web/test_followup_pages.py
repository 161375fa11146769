"""The year's end pages: the delegates' letters (right offices, own letter only), the re-survey and 回头看 pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, Notification, Resurvey
from tests import factories
from tests.conftest import carry_to_reply


def _login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def letters_world(session, delegate, other_delegate, staff, office, co_office, other_office, leader):
    """Two suggestions of ``delegate``: one to a lead and a co-office (key, led by ``leader``), one co-signed by
    ``other_delegate`` to two separate offices; and one of ``other_delegate`` alone."""
    key = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="关于改造老旧小区的建议")
    actions.suggestion_submit(suggestion=key, actor=delegate.user)
    actions.suggestion_register(suggestion=key, actor=staff)
    actions.suggestion_assign(
        suggestion=key, actor=staff, lead_office=office, co_offices=[co_office], is_key=True, leader=leader
    )
    joint = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="关于增设公交线路的建议")
    actions.cosigner_invite(suggestion=joint, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=joint.cosigners.get(), actor=other_delegate.user, accept=True)
    actions.suggestion_submit(suggestion=joint, actor=delegate.user)
    actions.suggestion_register(suggestion=joint, actor=staff)
    actions.suggestion_assign(suggestion=joint, actor=staff, separate_offices=[office, other_office])
    own = factories.SuggestionFactory(session=session, lead_delegate=other_delegate, title="关于保护古镇的建议")
    actions.suggestion_submit(suggestion=own, actor=other_delegate.user)
    actions.suggestion_register(suggestion=own, actor=staff)
    actions.suggestion_assign(suggestion=own, actor=staff, lead_office=other_office)
    return {"key": key, "joint": joint, "own": own}


def test_the_assignment_letter_lists_each_suggestion_with_its_offices_deadline_and_key_supervision(
    letters_world, session, delegate, office, co_office, other_office, leader
):
    response = _login(delegate.user).get(reverse("delegates:letter"), {"session": session.pk})
    assert response.status_code == 200
    rows = {row.suggestion.pk: row for row in response.context["rows"]}
    key, joint = letters_world["key"], letters_world["joint"]
    assert set(rows) == {key.pk, joint.pk}  # not the other delegate's own suggestion
    assert [o.name for o in rows[key.pk].lead_offices] == [office.name]
    assert [o.name for o in rows[key.pk].co_offices] == [co_office.name]
    assert rows[key.pk].due == key.assignments.get(office=office).due_date
    assert {o.name for o in rows[joint.pk].lead_offices} == {office.name, other_office.name}
    assert rows[joint.pk].co_offices == []
    html = response.content.decode()
    assert leader.name in html and "关于保护古镇的建议" not in html
    assert "data-print" in html and "建议交办告知函" in html


def test_the_year_end_letter_lists_how_each_was_answered_and_rated(letters_world, session, delegate, clerk, office):
    key = letters_world["key"]
    reply = carry_to_reply(key, key.assignments.get(office=office), clerk, code="A")
    actions.rating_submit(reply=reply, actor=delegate.user, value="basic")
    html = _login(delegate.user).get(reverse("delegates:letter"), {"session": session.pk, "kind": "year_end"})
    rows = {row.suggestion.pk: row for row in html.context["rows"]}
    assert [r.office.name for r in rows[key.pk].replies] == [office.name]
    assert [r.value for r in rows[key.pk].my_ratings] == ["basic"]
    assert rows[letters_world["joint"].pk].replies == []
    content = html.content.decode()
    assert "基本满意" in content and "建议办理结果告知函" in content


def test_a_delegate_reads_only_their_own_letter(letters_world, session, delegate, other_delegate, staff, clerk):
    # The co-signer's letter holds the joint suggestion and their own, never the other's key one.
    other = _login(other_delegate.user).get(reverse("delegates:letter"), {"session": session.pk})
    titles = {row.suggestion.title for row in other.context["rows"]}
    assert titles == {"关于增设公交线路的建议", "关于保护古镇的建议"}
    # Another delegate's letter through the staff door: refused; staff print anyone's.
    staff_url = reverse("staff:letter", args=[delegate.pk])
    assert _login(other_delegate.user).get(staff_url, {"session": session.pk}).status_code == 403
    assert _login(clerk).get(staff_url, {"session": session.pk}).status_code == 403
    assert _login(clerk).get(reverse("delegates:letter")).status_code == 403
    assert Client().get(reverse("delegates:letter")).status_code == 302
    printed = _login(staff).get(staff_url, {"session": session.pk})
    assert printed.status_code == 200 and "关于改造老旧小区的建议" in printed.content.decode()
    assert _login(staff).get(staff_url, {"session": session.pk, "kind": "nonsense"}).status_code == 404


def test_staff_send_the_letters_in_app(letters_world, session, delegate, other_delegate, staff):
    client = _login(staff)
    response = client.post(reverse("staff:letters") + f"?session={session.pk}", {"kind": "assignment"})
    assert response.status_code == 302
    for d in (delegate, other_delegate):
        note = Notification.objects.filter(user=d.user, title__contains="告知函").get()
        assert "建议交办告知函" in note.title and reverse("delegates:letter") in note.url
    assert client.post(reverse("staff:letters"), {"kind": "x"}).status_code == 400


def test_the_re_survey_pages_record_an_answer_and_refuse_bad_input(session, delegate, staff, office, clerk):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    reply = carry_to_reply(suggestion, suggestion.assignments.get(), clerk)
    actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")
    client = _login(staff)
    url = reverse("staff:resurveys") + f"?session={session.pk}"
    assert client.post(url, {"method": "sample", "sample_size": "9"}).status_code == 400  # more than there are
    assert client.post(url, {"method": "all"}).status_code == 302
    resurvey = Resurvey.objects.get()
    page = reverse("staff:resurvey", args=[resurvey.pk])
    bad = client.post(page, {"action": "record", "channel": "phone", "value": "unsatisfied", "note": ""})
    assert bad.status_code == 400 and "请记录代表的具体意见" in bad.content.decode()
    assert not Resurvey.objects.get().is_recorded
    ok = client.post(page, {"action": "record", "channel": "phone", "value": "unsatisfied", "note": "被要求填满意。"})
    assert ok.status_code == 302
    html = client.get(page).content.decode()
    assert "与网上评价不一致" in html and 'value="reopen"' in html
    assert _login(clerk).get(page).status_code == 403
    assert _login(delegate.user).get(url).status_code == 403


def test_the_lookback_page_carries_chosen_answers_in_one_action(session, delegate, staff, office, clerk):
    last_year = factories.SessionFactory(
        number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
    )
    replies = []
    for title in ("关于修建停车场的建议", "关于治理河道的建议"):
        s = factories.SuggestionFactory(session=last_year, lead_delegate=delegate, title=title)
        actions.suggestion_submit(suggestion=s, actor=delegate.user)
        actions.suggestion_register(suggestion=s, actor=staff)
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
        reply = carry_to_reply(s, s.assignments.get(), clerk, code="B", text="列入2026年计划。")
        actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")
        replies.append(reply)
    client = _login(staff)
    html = client.get(reverse("staff:lookback")).content.decode()
    assert "关于修建停车场的建议" in html and "列入2026年计划。" in html and office.name in html
    response = client.post(reverse("staff:lookback"), {"action": "carry", "reply": [r.pk for r in replies]})
    assert response.status_code == 302
    assert Assignment.objects.filter(followup_round__followup_session=session).count() == 2
    html = client.get(reverse("staff:lookback")).content.decode()
    assert html.count("已转入本次会议") >= 2
    # Confirm one solved: it leaves the list.
    assert (
        client.post(reverse("staff:lookback"), {"action": "solved", "reply_id": replies[0].pk, "note": ""}).status_code
        == 302
    )
    client.post(reverse("staff:lookback"), {"action": "solved", "reply_id": replies[0].pk, "note": "已建成。"})
    page = client.get(reverse("staff:lookback"))
    assert [r.pk for r in page.context["page"].object_list] == [replies[1].pk]
    assert _login(clerk).get(reverse("staff:lookback")).status_code == 403


def test_the_office_handles_a_carried_round_on_its_usual_pages(session, delegate, staff, office, clerk):
    last_year = factories.SessionFactory(
        number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
    )
    s = factories.SuggestionFactory(session=last_year, lead_delegate=delegate, title="关于修建停车场的建议")
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    b_reply = carry_to_reply(s, s.assignments.get(), clerk, code="B")
    actions.rating_submit(reply=b_reply, actor=delegate.user, value="satisfied")
    [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    new = Assignment.objects.get(followup_round=carry.round)
    client = _login(clerk)
    assert "关于修建停车场的建议" in client.get(reverse("offices:inbox")).content.decode()
    actions.assignment_sign(assignment=new, actor=clerk)
    actions.contact_record(
        assignment=new,
        actor=clerk,
        method="phone",
        date=timezone.localdate(),
        participants="代表",
        summary="电话沟通。",
    )
    actions.reply_save_draft(assignment=new, actor=clerk, text="停车场已动工。")
    page = client.get(reverse("offices:assignment", args=[new.pk]))
    assert page.status_code == 200 and page.context["draft"].text == "停车场已动工。"
    assert page.context["current_round"].pk == carry.round.pk
    letter = client.get(reverse("offices:letter", args=[new.pk]))
    assert letter.status_code == 200 and "停车场已动工。" in letter.content.decode()


# --------------------------------------------------------------------------- two congresses


@pytest.fixture
def city():
    from django.apps import apps

    from congresses.models import Congress
    from suggestions.defaults import install_congress_defaults

    city = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    install_congress_defaults(apps.get_model, congress=city)
    term = factories.TermFactory(congress=city, number=15, name="贵阳市第十五届人民代表大会")
    factories.SessionFactory(term=term, number=5, name="贵阳市十五届人大五次会议")
    return city


def test_re_surveys_and_b_answers_belong_to_a_congress(city, session, delegate, staff, office, clerk):
    from suggestions import policy
    from suggestions.policy import Action
    from suggestions.queries import followup as followup_queries

    last_year = factories.SessionFactory(
        number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
    )
    old = factories.SuggestionFactory(session=last_year, lead_delegate=delegate, title="关于修建停车场的建议")
    actions.suggestion_submit(suggestion=old, actor=delegate.user)
    actions.suggestion_register(suggestion=old, actor=staff)
    actions.suggestion_assign(suggestion=old, actor=staff, lead_office=office)
    b_reply = carry_to_reply(old, old.assignments.get(), clerk, code="B")
    actions.rating_submit(reply=b_reply, actor=delegate.user, value="satisfied")
    batch = actions.resurvey_select(session=last_year, actor=staff, method="all")
    assert batch.congress_id == session.congress_id != city.pk
    resurvey = batch.resurveys.get()

    city_staff = factories.StaffFactory(congress=city)
    city_session = city.sessions.get()
    # Nothing of the district reaches the city's staff: not the rule book, not the services, not the pages.
    assert not policy.may(city_staff, Action.RESURVEY_RECORD, resurvey)
    with pytest.raises(actions.NotPermitted):
        actions.resurvey_record(resurvey=resurvey, actor=city_staff, channel="phone", value="basic", note="x")
    with pytest.raises(actions.NotPermitted):
        actions.carryover_create(replies=[b_reply], actor=city_staff)
    with pytest.raises(actions.NotPermitted):
        actions.resurvey_select(session=last_year, actor=city_staff, method="all")
    client = _login(city_staff)
    assert client.get(reverse("staff:resurvey", args=[resurvey.pk])).status_code == 404
    assert client.get(reverse("staff:resurveys"), {"session": last_year.pk}).status_code == 404
    assert client.get(reverse("staff:letter", args=[delegate.pk]), {"session": session.pk}).status_code == 404
    own = client.get(reverse("staff:resurveys"))
    assert own.status_code == 200 and own.context["session"] == city_session
    assert list(own.context["page"].object_list) == []
    lookback = client.get(reverse("staff:lookback"))
    assert lookback.status_code == 200 and list(lookback.context["page"].object_list) == []
    assert client.post(reverse("staff:lookback"), {"action": "carry", "reply": [b_reply.pk]}).status_code == 302
    assert not Assignment.objects.filter(followup_round__isnull=False).exists()
    # The district's own staff see and carry it.
    assert list(followup_queries.b_answers(session)) == [b_reply]
    assert list(followup_queries.b_answers(city_session)) == []
    actions.carryover_create(replies=[b_reply], actor=staff)
    assert Assignment.objects.get(followup_round__isnull=False).followup_round.followup_session == session


def test_the_delegate_rates_a_carried_round_on_their_suggestion_page(session, delegate, staff, office, clerk):
    last_year = factories.SessionFactory(
        number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
    )
    s = factories.SuggestionFactory(session=last_year, lead_delegate=delegate, title="关于修建停车场的建议")
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    b_reply = carry_to_reply(s, s.assignments.get(), clerk, code="B")
    actions.rating_submit(reply=b_reply, actor=delegate.user, value="satisfied")
    [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    reply = carry_to_reply(s, Assignment.objects.get(followup_round=carry.round), clerk, code="A", text="已建成。")
    client = _login(delegate.user)
    page = client.get(reverse("delegates:suggestion", args=[s.pk])).content.decode()
    assert f'action="{reverse("delegates:rate", args=[reply.pk])}"' in page
    assert f'action="{reverse("delegates:rate", args=[b_reply.pk])}"' not in page
    response = client.post(reverse("delegates:rate", args=[reply.pk]), {f"r{reply.pk}-value": "satisfied"})
    assert response.status_code == 302 and reply.ratings.get().value == "satisfied"
