"""Opinions turned into a delegate's suggestion, and suggestions recorded in a group discussion."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stations import actions, discussions
from stations.models import RecordedDraft, ResidentOpinion
from suggestions import actions as suggestion_actions
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.models import Suggestion
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db
OS = ResidentOpinion.Status


@pytest.fixture
def three_opinions(station, send_opinion, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    return [send_opinion(station, mobile=f"1380000003{i}", topic=f"路灯{i}") for i in range(3)]


def test_the_delegate_turns_three_opinions_into_a_draft_and_the_residents_are_answered_with_it(
    three_opinions, station_delegate, staff, office, clerk, django_capture_on_commit_callbacks
):
    category = factories.CategoryFactory()
    suggestion = actions.opinion_suggest(
        opinions=three_opinions,
        actor=station_delegate.user,
        title="关于修复清溪小区路灯的建议",
        body="多位群众反映路灯损坏。",
        category=category,
    )
    assert suggestion.lead_delegate == station_delegate and suggestion.status == "draft"
    assert not RecordedDraft.objects.exists()  # the delegate's own draft needs no confirmation
    assert set(suggestion.resident_opinions.values_list("status", flat=True)) == {OS.SUGGESTED}
    suggestion_actions.suggestion_submit(suggestion=suggestion, actor=station_delegate.user)
    suggestion_actions.suggestion_register(suggestion=suggestion, actor=staff)
    suggestion_actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office, co_offices=[])
    assert actions.opinions_follow_suggestions() == 0
    carry_to_reply(suggestion, suggestion.assignments.get(), clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.opinions_follow_suggestions() == 3
    assert actions.opinions_follow_suggestions() == 0
    for opinion in three_opinions:
        opinion.refresh_from_db()
        assert opinion.status == OS.ANSWERED


def test_station_staff_draft_waits_for_the_named_delegates_confirmation(
    three_opinions, station_clerk, station_delegate, other_delegate
):
    category = factories.CategoryFactory()
    with pytest.raises(InvalidInput, match="领衔代表"):
        actions.opinion_suggest(
            opinions=three_opinions[:1], actor=station_clerk, title="t", body="b", category=category
        )
    suggestion = actions.opinion_suggest(
        opinions=three_opinions[:2],
        actor=station_clerk,
        title="t",
        body="b",
        category=category,
        delegate=station_delegate,
    )
    draft = suggestion.recorded_draft
    assert draft.recorder == station_clerk and draft.station_id == three_opinions[0].station_id
    with pytest.raises(NotPermitted):
        discussions.recorded_draft_confirm(draft=draft, actor=other_delegate.user)
    discussions.recorded_draft_edit(draft=draft, actor=station_clerk, title="关于路灯的建议", body="修改后的内容")
    discussions.recorded_draft_confirm(draft=draft, actor=station_delegate.user)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED
    with pytest.raises(TransitionNotAllowed):
        discussions.recorded_draft_edit(draft=draft, actor=station_clerk, title="x", body="y")


def _discussion_delegates(session):
    delegation = factories.DelegationFactory()
    people = [
        factories.DelegateFactory(name=n, delegation=delegation, term=session.term)
        for n in ("甲代表", "乙代表", "丙代表")
    ]
    return delegation, people


def test_five_suggestions_recorded_at_once_wait_for_their_delegates_and_only_the_recorder_edits(
    session, staff, other_delegate
):
    delegation, (a, b, c) = _discussion_delegates(session)
    rows = [discussions.RecordedRow(f"建议{i}", f"内容{i}", [a, b] if i == 0 else [[a, b, c][i % 3]]) for i in range(5)]
    discussion = discussions.discussion_record(
        actor=staff,
        session=session,
        delegation=delegation,
        date=datetime.date(2026, 1, 6),
        place="第一会议室",
        rows=rows,
        category=factories.CategoryFactory(),
    )
    assert discussion.drafts.count() == 5
    first = discussion.drafts.get(suggestion__title="建议0")
    other_staff = factories.StaffFactory()
    with pytest.raises(NotPermitted):
        discussions.recorded_draft_edit(draft=first, actor=other_staff, title="x", body="y")
    discussions.recorded_draft_confirm(draft=first, actor=a.user)  # co-signer b is invited, not yet submitted
    first.suggestion.refresh_from_db()
    assert first.suggestion.status == "draft" and first.suggestion.cosigners.filter(delegate=b).exists()
    lone = discussion.drafts.get(suggestion__title="建议1")
    discussions.recorded_draft_confirm(draft=lone, actor=lone.suggestion.lead_delegate.user)
    lone.suggestion.refresh_from_db()
    assert lone.suggestion.status == "submitted"


def test_only_staff_record_a_discussion(session, delegate):
    delegation, people = _discussion_delegates(session)
    with pytest.raises(NotPermitted):
        discussions.discussion_record(
            actor=delegate.user,
            session=session,
            delegation=delegation,
            date=datetime.date(2026, 1, 6),
            place="",
            rows=[discussions.RecordedRow("t", "b", people[:1])],
            category=factories.CategoryFactory(),
        )


def _sheet(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("rows.xlsx", out.getvalue())


def test_an_excel_sheet_gives_rows_and_names_an_unknown_delegate_by_line(session):
    delegation, people = _discussion_delegates(session)
    rows = discussions.rows_from_excel(
        upload=_sheet([["标题", "内容", "提出代表"], ["建议一", "内容一", "甲代表、乙代表"]]), term=session.term
    )
    assert rows[0].delegates == people[:2]
    with pytest.raises(InvalidInput, match="第3行：找不到代表“丁代表”"):
        discussions.rows_from_excel(
            upload=_sheet([["标题", "内容", "提出代表"], ["a", "b", "甲代表"], ["c", "d", "丁代表"]]), term=session.term
        )
    with pytest.raises(InvalidInput, match="Excel"):
        discussions.rows_from_excel(upload=SimpleUploadedFile("x.xlsx", b"not excel"), term=session.term)


def test_residents_hear_when_their_suggestion_is_not_registered(three_opinions, station_delegate, staff):
    suggestion = actions.opinion_suggest(
        opinions=three_opinions[:1],
        actor=station_delegate.user,
        title="t",
        body="b",
        category=factories.CategoryFactory(),
    )
    suggestion_actions.suggestion_submit(suggestion=suggestion, actor=station_delegate.user)
    suggestion_actions.suggestion_reject(suggestion=suggestion, actor=staff, reason="属于个人诉求")
    assert actions.opinions_follow_suggestions() == 1
    opinion = three_opinions[0]
    opinion.refresh_from_db()
    assert opinion.status == OS.ANSWERED and "未予立案" in opinion.answer and "属于个人诉求" in opinion.answer
