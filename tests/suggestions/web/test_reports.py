"""The staff dashboard: figures from data built through services, refusals, fixed query counts."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Suggestion
from suggestions.reporting import metrics, stats
from tests import factories
from tests.conftest import carry_to_reply

TZ = ZoneInfo("Asia/Shanghai")
DASHBOARD = reverse("reports:dashboard")


def _new(session, delegate, staff, *, register=True, title=None, cosigners=()):
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate, **({"title": title} if title else {}))
    if cosigners:
        for invited in actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=list(cosigners)):
            actions.cosigner_respond(cosigner=invited, actor=invited.delegate.user, accept=True)
    suggestion = actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    if register:
        suggestion = actions.suggestion_register(suggestion=suggestion, actor=staff)
    return suggestion


def build_report_data(*, session, staff, office, co_office, other_office, clerk, other_clerk, extra=0):
    """Five suggestions in every state a report counts, plus ``extra`` replied ones.

    s1  lead office + co-office, replied A on time, face-to-face contact, rated 满意 → closed
    s2  lead office, replied B on time, rated 基本满意 → closed
    s3  other office, assigned months ago, never replied → overdue
    s4  registered with a co-signer (陈志强), not assigned yet
    s5  submitted, not registered
    """
    delegate = factories.DelegateFactory(term=session.term, name="王秀英")
    cosigner = factories.DelegateFactory(term=session.term, name="陈志强")
    s1 = _new(session, delegate, staff, title="关于加快老旧小区改造的建议")
    actions.suggestion_assign(suggestion=s1, actor=staff, lead_office=office, co_offices=[co_office])
    reply1 = carry_to_reply(s1, s1.assignments.get(office=office), clerk, code="A")
    actions.rating_submit(reply=reply1, actor=delegate.user, value="satisfied")

    s2 = _new(session, delegate, staff, title="关于增设公交站台的建议")
    actions.suggestion_assign(suggestion=s2, actor=staff, lead_office=office)
    reply2 = carry_to_reply(s2, s2.assignments.get(office=office), clerk, code="B")
    actions.rating_submit(reply=reply2, actor=delegate.user, value="basic")

    s3 = _new(session, delegate, staff, title="关于整治河道的建议")
    with time_machine.travel(datetime.datetime(2026, 5, 6, 10, tzinfo=TZ), tick=False):
        actions.suggestion_assign(suggestion=s3, actor=staff, lead_office=other_office)

    s4 = _new(session, delegate, staff, title="关于修缮校舍的建议", cosigners=[cosigner])
    s5 = _new(session, delegate, staff, register=False, title="关于增加路灯的建议")
    extras = []
    for n in range(extra):
        s = _new(session, cosigner, staff, title=f"关于第{n}项民生实事的建议")
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
        carry_to_reply(s, s.assignments.get(office=office), clerk, code="C")
        extras.append(s)
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "extras": extras, "delegate": delegate}


def _figure(response, key):
    return next(item["figure"] for item in response.context["figures"] if item["figure"].key == key)


@pytest.mark.django_db
class TestDashboardFigures:
    def test_each_headline_figure_shows_its_numerator_and_denominator(self, client, staff, report_data):
        client.force_login(staff)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        expected = {
            "reply_rate": (2, 3),  # s1, s2 replied of s1, s2, s3 assigned
            "on_time_rate": (2, 2),
            "satisfaction": (2, 2),  # 满意 + 基本满意
            "satisfied": (1, 2),
            "basic": (1, 2),  # 基本满意 shown apart
            "first_satisfaction": (2, 2),
            "solved_rate": (2, 2),  # A + B
            "adopted_rate": (1, 2),  # A alone
            "met_rate": (2, 2),  # both had a visit
        }
        for key, (numerator, denominator) in expected.items():
            figure = _figure(response, key)
            assert (figure.numerator, figure.denominator) == (numerator, denominator), key
        html = response.content.decode()
        assert "66.7%" in html and "已答复 2 ÷ 已交办 3" in html

    def test_status_counts_office_table_and_overdue_list_match_the_data(
        self, client, staff, report_data, office, co_office, other_office
    ):
        client.force_login(staff)
        response = client.get(DASHBOARD)
        statuses = {s["value"]: s["n"] for s in response.context["statuses"]}
        assert statuses["closed"] == 2
        assert statuses["assigned"] == 1
        assert statuses["registered"] == 1
        assert statuses["submitted"] == 1
        assert "draft" not in statuses
        rows = {r["office__name"]: r for r in response.context["offices"]}
        assert (rows[office.name]["assigned"], rows[office.name]["replied"], rows[office.name]["on_time"]) == (2, 2, 2)
        assert (rows[office.name]["rated"], rows[office.name]["rated_ok"], rows[office.name]["overdue"]) == (2, 2, 0)
        assert (rows[co_office.name]["assigned"], rows[co_office.name]["co"]) == (1, 1)
        assert (rows[other_office.name]["assigned"], rows[other_office.name]["overdue"]) == (1, 1)
        overdue = response.context["overdue"]
        assert [a.suggestion_id for a in overdue] == [report_data["s3"].pk]
        assert response.context["overdue_total"] == 1
        assert "关于整治河道的建议" in response.content.decode()

    def test_categories_and_result_classes_are_counted(self, client, staff, report_data):
        client.force_login(staff)
        response = client.get(DASHBOARD)
        results = {r["result_class__code"]: r["n"] for r in response.context["results"]}
        assert results == {"A": 1, "B": 1}
        categories = {c["category__name"]: c for c in response.context["categories"]}
        assert categories["城乡建设"]["filed"] == 5
        assert categories["城乡建设"]["assigned"] == 3
        assert categories["城乡建设"]["replied"] == 2

    def test_chart_data_is_passed_as_json_and_the_charts_script_is_loaded(self, client, staff, report_data):
        client.force_login(staff)
        html = client.get(DASHBOARD).content.decode()
        assert '<script id="dashboard-data" type="application/json">' in html
        assert "vendor/echarts/echarts.min.js" in html
        assert "js/reports.js" in html
        assert "<script>" not in html  # no inline script (CSP)

    def test_office_table_sorts_by_the_chosen_column(self, client, staff, report_data, office, other_office):
        client.force_login(staff)
        by_overdue = client.get(DASHBOARD, {"sort": "-overdue"}).context["offices"]
        assert by_overdue[0]["office__name"] == other_office.name
        by_assigned = client.get(DASHBOARD, {"sort": "-assigned"}).context["offices"]
        assert by_assigned[0]["office__name"] == office.name
        html = client.get(DASHBOARD, {"sort": "-assigned"}).content.decode()
        assert 'aria-sort="descending"' in html
        assert client.get(DASHBOARD, {"sort": "nonsense"}).status_code == 200

    def test_the_office_table_shows_the_first_offices_of_the_order_and_links_to_all_of_them(
        self, client, staff, report_data, office, other_office, monkeypatch
    ):
        monkeypatch.setattr("suggestions.web.reports.OFFICES_SHOWN", 1)
        client.force_login(staff)
        response = client.get(DASHBOARD, {"sort": "-overdue"})
        assert [r["office__name"] for r in response.context["offices"]] == [other_office.name]
        assert response.context["offices_total"] == 3
        html = response.content.decode()
        assert "offices=all" in html and "显示全部承办单位" in html
        everything = client.get(DASHBOARD, {"sort": "-overdue", "offices": "all"})
        assert len(everything.context["offices"]) == 3
        assert "显示全部承办单位" not in everything.content.decode()

    def test_the_overdue_list_links_to_every_overdue_suggestion_in_the_track_list(
        self, client, staff, report_data, session
    ):
        client.force_login(staff)
        html = client.get(DASHBOARD).content.decode()
        assert f"{reverse('staff:track')}?session={session.pk}&amp;overdue=1" in html

    def test_another_session_is_chosen_with_the_session_parameter(self, client, staff, report_data, session):
        other = factories.SessionFactory(
            term=session.term,
            number=4,
            is_current=False,
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 1, 9),
        )
        client.force_login(staff)
        response = client.get(DASHBOARD, {"session": other.pk})
        assert response.context["session"] == other
        assert _figure(response, "reply_rate").denominator == 0
        assert client.get(DASHBOARD, {"session": "999999"}).status_code == 404

    def test_withdrawn_suggestions_do_not_count(self, client, staff, report_data):
        s4 = report_data["s4"]
        actions.suggestion_withdraw(suggestion=s4, actor=s4.lead_delegate.user, reason="已解决，撤回。")
        client.force_login(staff)
        response = client.get(DASHBOARD)
        assert response.context["counts"]["registered"] == 3

    def test_an_empty_session_shows_dashes_not_errors(self, client, staff, session):
        client.force_login(staff)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        assert _figure(response, "reply_rate").display == "—"
        assert "本次会议还没有交办的建议" in response.content.decode()


@pytest.mark.django_db
class TestDashboardAccess:
    def test_anonymous_is_sent_to_login(self, client, session):
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    @pytest.mark.parametrize("who", ["delegate", "clerk"])
    def test_delegate_and_office_clerk_are_refused(self, client, session, who, request):
        person = request.getfixturevalue(who)
        client.force_login(getattr(person, "user", person))
        assert client.get(DASHBOARD).status_code == 403

    def test_leader_sees_the_dashboard_read_only_without_export_or_import_links(self, client, leader, report_data):
        client.force_login(leader.user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        html = response.content.decode()
        assert reverse("reports:export_summary") not in html
        assert reverse("roster:import", kwargs={"kind": "delegates"}) not in html
        assert '<form method="post"' not in html

    def test_staff_sees_export_and_import_links(self, client, staff, session):
        client.force_login(staff)
        html = client.get(DASHBOARD).content.decode()
        assert reverse("reports:export_summary") in html
        assert reverse("roster:import", kwargs={"kind": "offices"}) in html

    def test_post_is_not_allowed(self, client, staff, session):
        client.force_login(staff)
        assert client.post(DASHBOARD).status_code == 405


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_rows(
    client, staff, session, co_office, other_office, report_data, django_assert_num_queries
):
    data = report_data
    client.force_login(staff)
    client.get(DASHBOARD)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure the computation, not the cached figures
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD).status_code == 200
    # Ten more suggestions, each with its own office, all replied; two more overdue.
    for n in range(10):
        extra_office = factories.OfficeFactory(name=f"区扩展局{n}")
        member = factories.OfficeMemberFactory(office=extra_office).user
        s = _new(session, data["delegate"], staff, title=f"关于第{n}件事的建议")
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=extra_office, co_offices=[co_office])
        carry_to_reply(s, s.assignments.get(office=extra_office), member, code="A" if n % 2 else "D")
    for _n in range(2):
        s = _new(session, data["delegate"], staff)
        with time_machine.travel(datetime.datetime(2026, 4, 6, 10, tzinfo=TZ), tick=False):
            actions.suggestion_assign(suggestion=s, actor=staff, lead_office=other_office)
    stats.catch_up()  # the tallies take in the changes (in a fixed number of queries: see test_stats.py)
    cache.clear()
    with django_assert_num_queries(len(small)):
        response = client.get(DASHBOARD)
    assert len(response.context["offices"]) == 13
    assert response.context["overdue_total"] == 3


@pytest.mark.django_db
def test_metrics_session_figures_runs_three_queries(report_data, session, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures = metrics.session_figures(Suggestion.objects.filter(session=session))
    assert (figures["reply_rate"].numerator, figures["reply_rate"].denominator) == (2, 3)


@pytest.mark.django_db
def test_a_rehandled_suggestion_counts_its_latest_rating_for_satisfaction_and_its_first_for_first_satisfaction(
    report_data, session, staff, office, clerk
):
    delegate = report_data["delegate"]
    s = _new(session, delegate, staff, title="关于改善供水的建议")
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    assignment = s.assignments.get(office=office)
    reply = carry_to_reply(s, assignment, clerk, code="C")
    actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment="没有实际措施。")
    assignment.refresh_from_db()
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="phone",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="电话沟通。",
    )
    second = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="已落实。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=second, actor=clerk)
    actions.rating_submit(reply=second, actor=delegate.user, value="satisfied")
    figures = metrics.session_figures(Suggestion.objects.filter(session=session))
    assert (figures["satisfaction"].numerator, figures["satisfaction"].denominator) == (3, 3)
    assert (figures["first_satisfaction"].numerator, figures["first_satisfaction"].denominator) == (2, 3)
    assert (figures["adopted_rate"].numerator, figures["adopted_rate"].denominator) == (2, 3)


@pytest.mark.django_db
def test_repeated_views_use_the_cached_figures_until_a_workflow_change(client, staff, report_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    client.get(DASHBOARD)  # first request of the session: one-time queries
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        before = client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as second:
        again = client.get(DASHBOARD)
    assert len(second) <= len(first) - 8  # the eight counting queries are skipped (and the nav counts are cached)
    assert _figure(again, "reply_rate") == _figure(before, "reply_rate")
    s4 = report_data["s4"]
    actions.suggestion_withdraw(suggestion=s4, actor=s4.lead_delegate.user, reason="已解决，撤回。")
    after = client.get(DASHBOARD)
    assert after.context["counts"]["registered"] == before.context["counts"]["registered"] - 1


@pytest.mark.django_db
def test_the_dashboard_still_answers_when_the_cache_is_down(client, staff, report_data, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    client.force_login(staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert _figure(response, "reply_rate").numerator == 2
