"""The year's end beside the handling: re-surveys (满意度回访) and 回头看 of B answers, through the services."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, AuditLog, FollowUp, HandlingRound, Rating, Resurvey
from suggestions.reporting import metrics, stats, tally_reads
from suggestions.reporting.followup import followup_figures, resurvey_figures
from tests import factories
from tests.conftest import carry_to_reply, publish


def _closed_with(session, delegate, staff, office, clerk, *, code="A", value="satisfied"):
    """A suggestion of ``session`` answered by ``office`` with ``code``, rated ``value`` by its only delegate."""
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    reply = carry_to_reply(suggestion, suggestion.assignments.get(), clerk, code=code, text="列入明年计划。")
    actions.rating_submit(reply=reply, actor=delegate.user, value=value, comment="" if value != "unsatisfied" else "差")
    suggestion.refresh_from_db()
    return suggestion, reply


@pytest.fixture
def last_year(db):
    return factories.SessionFactory(
        number=4,
        name="花溪区十八届人大四次会议",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 1, 9),
        is_current=False,
    )


# --------------------------------------------------------------------------- 满意度回访


def test_a_re_survey_that_differs_from_the_online_rating_shows_on_the_dashboard(
    session, delegate, staff, office, clerk
):
    suggestion, reply = _closed_with(session, delegate, staff, office, clerk)
    assert suggestion.status == "closed"
    batch = actions.resurvey_select(session=session, actor=staff, method="all")
    resurvey = batch.resurveys.get()
    assert resurvey.rating.value == "satisfied" and not resurvey.is_recorded
    actions.resurvey_record(
        resurvey=resurvey, actor=staff, channel="phone", value="unsatisfied", note="代表说当时是被要求填满意。"
    )
    resurvey.refresh_from_db()
    assert resurvey.differs
    # Beside, never over: the online rating is what it was.
    assert Rating.objects.get(pk=resurvey.rating_id).value == "satisfied"
    figures = resurvey_figures(session.pk)
    assert (figures["satisfaction"].numerator, figures["satisfaction"].denominator) == (0, 1)
    assert figures["counts"]["differing"] == 1

    client = Client()
    client.force_login(staff)
    html = client.get(reverse("reports:dashboard"), {"session": session.pk}).content.decode()
    assert "回访满意率" in html and "网上评价满意率" in html
    assert reverse("staff:resurveys") + "?only=differing" in html.replace("&amp;", "&")
    differing = client.get(reverse("staff:resurveys"), {"only": "differing", "session": session.pk}).content.decode()
    assert suggestion.title in differing and "不一致" in differing


def test_a_differing_re_survey_reopens_a_closed_suggestion_through_the_re_handling_step(
    session, delegate, staff, office, clerk
):
    suggestion, reply = _closed_with(session, delegate, staff, office, clerk)
    batch = actions.resurvey_select(session=session, actor=staff, method="all")
    resurvey = batch.resurveys.get()
    with pytest.raises(actions.TransitionNotAllowed):
        actions.resurvey_reopen(resurvey=resurvey, actor=staff, reason="回访不满意")  # not recorded yet
    actions.resurvey_record(resurvey=resurvey, actor=staff, channel="visit", value="basic", note="基本满意。")
    round_ = actions.resurvey_reopen(resurvey=resurvey, actor=staff, reason="回访时代表仍有意见。")
    suggestion.refresh_from_db()
    assert suggestion.status == "rehandling" and suggestion.current_round == 2 == round_.number
    assert suggestion.assignments.get().status == Assignment.Status.REHANDLING
    with pytest.raises(actions.TransitionNotAllowed):
        actions.resurvey_reopen(resurvey=resurvey, actor=staff, reason="再次")
    # Staff may not reopen a closed suggestion by the ordinary re-handling door.
    other, _r = _closed_with(session, delegate, staff, office, clerk)
    with pytest.raises(actions.TransitionNotAllowed):
        actions.round_open_rehandling(suggestion=other, actor=staff, assignments=[], reason="x")


def test_re_survey_choices_all_sample_key_and_quick(session, delegate, staff, office, clerk):
    suggestions = [_closed_with(session, delegate, staff, office, clerk)[0] for _ in range(4)]
    suggestions[0].is_key = True
    suggestions[0].save()
    # One rated three days after the reply: not "within a day".
    Rating.objects.filter(suggestion=suggestions[1]).update(rated_at=timezone.now() + datetime.timedelta(days=3))
    key = actions.resurvey_select(session=session, actor=staff, method="key")
    assert list(key.resurveys.values_list("suggestion_id", flat=True)) == [suggestions[0].pk]
    quick = actions.resurvey_select(session=session, actor=staff, method="quick")
    assert set(quick.resurveys.values_list("suggestion_id", flat=True)) == {s.pk for s in suggestions[2:]}
    with pytest.raises(actions.InvalidInput):
        actions.resurvey_select(session=session, actor=staff, method="sample", sample_size=5)  # only 1 left
    sample = actions.resurvey_select(session=session, actor=staff, method="sample", sample_size=1, seed=3)
    assert sample.resurveys.count() == 1
    with pytest.raises(actions.InvalidInput):
        actions.resurvey_select(session=session, actor=staff, method="all")  # everyone is waiting for a call
    with pytest.raises(actions.NotPermitted):
        actions.resurvey_select(session=session, actor=clerk, method="all")
    assert AuditLog.objects.filter(action="resurvey_select").count() == 4


# --------------------------------------------------------------------------- 回头看


def test_a_b_answer_of_last_year_is_carried_into_this_year_rated_again_and_counted_apart(
    session, last_year, delegate, staff, office, clerk
):
    old, b_reply = _closed_with(last_year, delegate, staff, office, clerk, code="B")
    assert old.status == "closed"
    stats.catch_up()
    before = metrics.session_figures(type(old).objects.filter(session=last_year))
    before_offices = metrics.by_office(type(old).objects.filter(session=last_year))
    before_tally = tally_reads.session_summary(last_year.pk, today=timezone.localdate())

    [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    assert carry.session == session and carry.round.followup_session == session
    new = Assignment.objects.get(followup_round=carry.round)
    assert new.suggestion_id == old.pk and new.office == office and new.status == "pending"
    assert new.due_date > timezone.localdate()  # the session's deadline policy, from today
    with pytest.raises(actions.TransitionNotAllowed):
        actions.carryover_create(replies=[b_reply], actor=staff)  # once per session

    # The office handles the new round as any other: sign, contact, reply; the delegate rates it.
    reply = carry_to_reply(old, new, clerk, code="A", text="已建成投用。")
    assert reply.round_id == carry.round.pk
    old.refresh_from_db()
    assert old.status == "closed" and old.current_round == 1  # the suggestion's own handling is untouched
    actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")
    assert Rating.objects.filter(reply=reply).get().value == "satisfied"

    # The original year's figures are what they were.
    stats.catch_up()
    after = metrics.session_figures(type(old).objects.filter(session=last_year))
    for key in ("reply_rate", "on_time_rate", "satisfaction", "solved_rate", "met_rate", "first_satisfaction"):
        assert (after[key].numerator, after[key].denominator) == (before[key].numerator, before[key].denominator)
    assert metrics.by_result_class(type(old).objects.filter(session=last_year))[0]["result_class__code"] == "B"
    after_offices = metrics.by_office(type(old).objects.filter(session=last_year))
    assert [(r["assigned"], r["replied"]) for r in after_offices] == [
        (r["assigned"], r["replied"]) for r in before_offices
    ]
    after_tally = tally_reads.session_summary(last_year.pk, today=timezone.localdate())
    assert after_tally["ratings"] == before_tally["ratings"]
    assert [(o["assigned"], o["replied"]) for o in after_tally["offices"]] == [
        (o["assigned"], o["replied"]) for o in before_tally["offices"]
    ]
    # This year's 回头看 figures count it apart.
    figures = followup_figures(session.pk)
    assert figures["counts"]["carried"] == 1 and figures["counts"]["replied"] == 1
    assert (figures["satisfaction"].numerator, figures["satisfaction"].denominator) == (1, 1)
    assert followup_figures(last_year.pk)["counts"]["carried"] == 0

    # Staff confirm it solved: it leaves the list; the original answer stays B.
    from suggestions.queries import followup as followup_queries

    assert list(followup_queries.b_answers(session)) == [b_reply]
    actions.carryover_confirm_solved(reply=b_reply, actor=staff, note="已建成。")
    assert list(followup_queries.b_answers(session)) == []
    b_reply.refresh_from_db()
    assert b_reply.result_class.code == "B"
    assert FollowUp.objects.get(reply=b_reply).status == FollowUp.Status.SOLVED_CONFIRMED


def test_a_carried_round_that_is_unsatisfied_stays_on_the_list_and_opens_no_re_handling(
    session, last_year, delegate, staff, office, clerk
):
    old, b_reply = _closed_with(last_year, delegate, staff, office, clerk, code="B")
    [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    new = Assignment.objects.get(followup_round=carry.round)
    reply = carry_to_reply(old, new, clerk, code="B", text="仍在推进。")
    actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment="进度太慢。")
    old.refresh_from_db()
    assert old.status == "closed" and HandlingRound.objects.filter(suggestion=old).count() == 2
    # A later differing re-survey of the original round opens a round after the carried one.
    batch = actions.resurvey_select(session=last_year, actor=staff, method="all")
    resurvey = batch.resurveys.get()
    actions.resurvey_record(resurvey=resurvey, actor=staff, channel="phone", value="unsatisfied", note="仍未解决。")
    round_ = actions.resurvey_reopen(resurvey=resurvey, actor=staff, reason="回访不满意。")
    assert round_.number == 3 and round_.followup_session_id is None


def test_only_closed_unsolved_b_answers_of_earlier_sessions_may_be_carried(
    session, last_year, delegate, staff, office, clerk
):
    _a, a_reply = _closed_with(last_year, delegate, staff, office, clerk, code="A")
    _t, this_year = _closed_with(session, delegate, staff, office, clerk, code="B")
    for reply in (a_reply, this_year):
        with pytest.raises(actions.TransitionNotAllowed):
            actions.carryover_create(replies=[reply], actor=staff)
    _b, b_reply = _closed_with(last_year, delegate, staff, office, clerk, code="B")
    with pytest.raises(actions.NotPermitted):
        actions.carryover_create(replies=[b_reply], actor=clerk)
    # All or nothing: a refused answer among the chosen refuses the whole choice.
    with pytest.raises(actions.TransitionNotAllowed):
        actions.carryover_create(replies=[b_reply, a_reply], actor=staff)
    assert not Assignment.objects.filter(followup_round__isnull=False).exists()


def test_the_public_page_shows_a_carried_round_only_with_its_reviewed_text(
    session, last_year, delegate, staff, office, clerk
):
    old, b_reply = _closed_with(last_year, delegate, staff, office, clerk, code="B")
    publish(b_reply, staff)
    [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    new = Assignment.objects.get(followup_round=carry.round)
    reply = carry_to_reply(old, new, clerk, code="A", text="已建成，联系人手机13912345678。")
    url = reverse("public:detail", args=[old.pk])
    html = Client().get(url).content.decode()
    assert f"列入{session.name}回头看" in html
    assert "已建成" not in html and "13912345678" not in html  # not reviewed: not shown
    actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")
    publish(reply, staff, public_text="已建成。")
    cache.clear()  # the publication's cache bump runs after a commit this test never makes
    html = Client().get(url).content.decode()
    assert "已建成。" in html and "13912345678" not in html


def test_resurveys_are_recorded_once_and_checked(session, delegate, staff, office, clerk):
    _closed_with(session, delegate, staff, office, clerk)
    resurvey = actions.resurvey_select(session=session, actor=staff, method="all").resurveys.get()
    with pytest.raises(actions.InvalidInput):
        actions.resurvey_record(resurvey=resurvey, actor=staff, channel="phone", value="unsatisfied")  # no note
    with pytest.raises(actions.InvalidInput):
        actions.resurvey_record(resurvey=resurvey, actor=staff, channel="fax", value="satisfied")
    assert not Resurvey.objects.get(pk=resurvey.pk).is_recorded
    actions.resurvey_record(resurvey=resurvey, actor=staff, channel="phone", value="satisfied")
    with pytest.raises(actions.TransitionNotAllowed):
        actions.resurvey_record(resurvey=resurvey, actor=staff, channel="phone", value="basic", note="x")
    assert not Resurvey.objects.get(pk=resurvey.pk).differs


def test_a_carried_round_gets_the_office_and_rating_reminders_of_any_round(
    session, last_year, delegate, staff, office, clerk
):
    import time_machine

    from suggestions.models import DeadlinePolicy, Reminder
    from tests.suggestions.reminders.test_reminders import at, recipients, scan_on

    # The rating window of the original session's policy applies (as in the reminders' own test).
    DeadlinePolicy.objects.update_or_create(session=last_year, defaults={"rating_days": 20})

    with time_machine.travel(at("2026-08-03"), tick=False):
        old, b_reply = _closed_with(last_year, delegate, staff, office, clerk, code="B")
    with time_machine.travel(at("2026-09-01"), tick=False):
        [carry] = actions.carryover_create(replies=[b_reply], actor=staff)
    new = Assignment.objects.get(followup_round=carry.round)
    scan_on("2026-09-04")  # unsigned two working days after assignment
    assert Reminder.objects.filter(kind="sign", assignment=new).exists()
    with time_machine.travel(at("2026-09-24", 15), tick=False):
        reply = carry_to_reply(old, new, clerk, code="A")
    scan_on("2026-10-09")  # 5 working days after 09-24, National Day skipped
    assert recipients(f"rating:{reply.pk}:after") == {delegate.user.username}
