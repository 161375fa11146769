"""The scoring services: a published rubric is locked, an office sees and objects to its own score only within
its window, staff answer, and the final score is locked and audited."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from suggestions import policy
from suggestions.actor import Actor
from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from suggestions.policy import Action
from tests.yearend.conftest import full_rubric
from yearend import actions, queries
from yearend.models import Objection, Rubric, ScoreSheet, ScoringAudit

AS_OF = datetime.date(2026, 12, 1)


def _scored(w):
    """A published rubric computed for the world, every hand item scored on 住建局's and 财政局's sheets."""
    rubric = full_rubric(w.staff)
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.scores_compute(rubric=rubric, actor=w.staff, as_of=AS_OF)
    for sheet in ScoreSheet.objects.filter(rubric=rubric):
        for item in rubric.items.filter(kind="manual"):
            actions.score_enter(sheet=sheet, item=item, actor=w.staff, points="3", reason="答复函规范。")
    return rubric


def test_a_published_rubric_never_changes_and_a_new_version_copies_it(scoring_world):
    w = scoring_world
    rubric = full_rubric(w.staff)
    item = rubric.items.first()
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    with pytest.raises(TransitionNotAllowed, match="已发布"):
        actions.rubric_item_save(
            rubric=rubric, actor=w.staff, values={"name": "新项目", "kind": "manual", "weight": "1"}
        )
    with pytest.raises(TransitionNotAllowed):
        actions.rubric_update(rubric=rubric, actor=w.staff, values={"title": "改名"})
    with pytest.raises(TransitionNotAllowed):
        actions.rubric_item_remove(item=item, actor=w.staff)
    copy = actions.rubric_new_version(rubric=rubric, actor=w.staff)
    assert (copy.year, copy.version, copy.status, copy.based_on_id) == (2026, 2, Rubric.Status.DRAFT, rubric.pk)
    assert list(copy.items.values_list("name", flat=True)) == list(rubric.items.values_list("name", flat=True))
    actions.rubric_item_save(
        rubric=copy,
        actor=w.staff,
        values={"name": "答复函质量", "kind": "manual", "weight": "6"},
        item=copy.items.get(name="答复函质量"),
    )
    assert rubric.items.count() == copy.items.count()


def test_publishing_needs_the_base_items_to_add_up_to_full_marks(scoring_world):
    w = scoring_world
    rubric = actions.rubric_create(actor=w.staff, year=2026, title="考评办法")
    with pytest.raises(InvalidInput, match="还没有考评项目"):
        actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.rubric_item_save(
        rubric=rubric,
        actor=w.staff,
        values={"name": "满意率", "kind": "rate", "metric": "satisfaction", "weight": "60"},
    )
    with pytest.raises(InvalidInput, match="60"):
        actions.rubric_publish(rubric=rubric, actor=w.staff)
    assert Rubric.objects.get(pk=rubric.pk).status == Rubric.Status.DRAFT


@pytest.mark.parametrize(
    "values",
    [
        {"name": "x", "kind": "rate", "weight": "5"},  # a rate without a metric
        {"name": "x", "kind": "rate", "metric": "reminders", "weight": "5"},  # a count is no rate
        {"name": "x", "kind": "manual", "metric": "satisfaction", "weight": "5"},
        {"name": "x", "kind": "deduction", "metric": "reminders", "per_unit": "1"},  # no cap
        {"name": "x", "kind": "rate", "metric": "result_share", "weight": "5"},  # which class?
        {"name": "", "kind": "manual", "weight": "5"},
        {"name": "x", "kind": "manual", "weight": "-1"},
        {"name": "x", "kind": "manual", "weight": "abc"},
        {"name": "x", "kind": "nonsense", "weight": "1"},
    ],
)
def test_an_item_that_cannot_be_computed_is_refused_with_a_message(scoring_world, values):
    w = scoring_world
    rubric = actions.rubric_create(actor=w.staff, year=2026, title="考评办法")
    with pytest.raises(InvalidInput):
        actions.rubric_item_save(rubric=rubric, actor=w.staff, values=values)
    assert rubric.items.count() == 0


def test_only_staff_configure_and_score(scoring_world):
    w = scoring_world
    for role in ("leader", "clerk", "head", "delegate"):
        with pytest.raises(NotPermitted):
            actions.rubric_create(actor=w.users[role], year=2026, title="考评办法")
    rubric = _scored(w)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    with pytest.raises(NotPermitted):
        actions.score_enter(
            sheet=sheet, item=rubric.items.get(name="领导重视"), actor=w.clerk_x, points="4", reason="我们很重视。"
        )
    with pytest.raises(InvalidInput, match="自动计算"):
        actions.score_enter(
            sheet=sheet, item=rubric.items.get(name="满意率"), actor=w.staff, points="15", reason="改分。"
        )
    with pytest.raises(InvalidInput, match="不能超过"):
        actions.score_enter(
            sheet=sheet, item=rubric.items.get(name="领导重视"), actor=w.staff, points="4.5", reason="超分。"
        )


def test_a_sheet_is_released_only_when_every_hand_item_is_scored(scoring_world):
    w = scoring_world
    rubric = full_rubric(w.staff)
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.scores_compute(rubric=rubric, actor=w.staff, as_of=AS_OF)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    with pytest.raises(InvalidInput, match="答复函质量"):
        actions.sheet_release(sheet=sheet, actor=w.staff)
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.DRAFT


def test_an_office_reads_only_its_own_released_score(scoring_world):
    w = scoring_world
    rubric = _scored(w)
    x_sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    y_sheet = ScoreSheet.objects.get(rubric=rubric, office=w.y)
    clerk = Actor.of(w.clerk_x)
    assert not policy.may(clerk, Action.SCORES_VIEW, x_sheet)  # not released yet
    assert list(queries.office_sheets(clerk)) == []
    actions.sheets_release(rubric=rubric, actor=w.staff)
    x_sheet.refresh_from_db()
    y_sheet.refresh_from_db()
    assert policy.may(clerk, Action.SCORES_VIEW, x_sheet)
    assert not policy.may(clerk, Action.SCORES_VIEW, y_sheet)
    assert not policy.may(clerk, Action.SCORES_VIEW, rubric)
    assert not policy.may(clerk, Action.SCORES_VIEW, None)
    assert [s.pk for s in queries.sheets_for(clerk)] == [x_sheet.pk]
    assert [s.pk for s in queries.office_sheets(Actor.of(w.head_x))] == [x_sheet.pk]
    assert list(queries.sheets_for(Actor.of(w.clerk_other))) == []
    assert list(queries.rubrics_for(clerk)) == []
    # Released: the office hears of it, with the window.
    assert w.clerk_x.notifications.filter(title__contains="考评得分已反馈").exists()


def test_an_office_objects_within_its_window_one_at_a_time(scoring_world):
    w = scoring_world
    rubric = _scored(w)
    actions.sheets_release(rubric=rubric, actor=w.staff)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    item = rubric.items.get(name="按时答复")
    with pytest.raises(NotPermitted):
        actions.objection_file(sheet=sheet, actor=w.clerk_other, text="不服。")
    with pytest.raises(NotPermitted):
        actions.objection_file(sheet=sheet, actor=w.staff, text="代为提出。")
    objection = actions.objection_file(sheet=sheet, actor=w.clerk_x, text="S2逾期系因代表出差。", item=item)
    with pytest.raises(TransitionNotAllowed, match="等待答复"):
        actions.objection_file(sheet=sheet, actor=w.head_x, text="再提一条。")
    with pytest.raises(NotPermitted):
        actions.objection_answer(objection=objection, actor=w.clerk_x, accept=True, answer="采纳。")
    actions.objection_answer(objection=objection, actor=w.staff, accept=False, answer="逾期事实清楚，不予采纳。")
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.REJECTED
    with pytest.raises(TransitionNotAllowed, match="已经答复"):
        actions.objection_answer(objection=objection, actor=w.staff, accept=True, answer="改为采纳。")
    after = timezone.localtime() + datetime.timedelta(days=(sheet.objection_deadline - timezone.localdate()).days + 1)
    with time_machine.travel(after):
        with pytest.raises(TransitionNotAllowed, match="异议期已于"):
            actions.objection_file(sheet=sheet, actor=w.head_x, text="迟到的异议。")
    assert Objection.objects.filter(sheet=sheet).count() == 1


def test_the_final_score_is_locked_after_the_window_and_the_answers_and_is_audited(scoring_world):
    w = scoring_world
    rubric = _scored(w)
    actions.sheets_release(rubric=rubric, actor=w.staff)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    with pytest.raises(TransitionNotAllowed, match="期满后"):
        actions.sheet_lock(sheet=sheet, actor=w.staff)
    objection = actions.objection_file(sheet=sheet, actor=w.clerk_x, text="领导重视分偏低。")
    after = timezone.localtime() + datetime.timedelta(days=(sheet.objection_deadline - timezone.localdate()).days + 1)
    with time_machine.travel(after):
        with pytest.raises(TransitionNotAllowed, match="未答复"):
            actions.sheet_lock(sheet=sheet, actor=w.staff)
        assert actions.sheets_lock(rubric=rubric, actor=w.staff) == 2  # 财政局 and 交通局, not 住建局
        actions.score_enter(
            sheet=sheet,
            item=rubric.items.get(name="领导重视"),
            actor=w.staff,
            points="4",
            reason="异议采纳：主要领导批示。",
        )
        actions.objection_answer(objection=objection, actor=w.staff, accept=True, answer="采纳，加1分。")
        with pytest.raises(NotPermitted):
            actions.sheet_lock(sheet=sheet, actor=w.clerk_x)
        actions.sheet_lock(sheet=sheet, actor=w.staff)
    sheet.refresh_from_db()
    total = sheet.total
    assert sheet.status == ScoreSheet.Status.FINAL and sheet.locked_by == w.staff
    with pytest.raises(TransitionNotAllowed, match="已锁定"):
        actions.score_enter(
            sheet=sheet, item=rubric.items.get(name="领导重视"), actor=w.staff, points="1", reason="改。"
        )
    actions.scores_compute(rubric=rubric, actor=w.staff)  # a recount leaves a locked sheet alone
    sheet.refresh_from_db()
    assert sheet.total == total
    trail = list(ScoringAudit.objects.filter(sheet=sheet).values_list("action", flat=True))
    assert trail == ["score", "score", "release", "object", "score", "answer", "lock"]
    lock_row = ScoringAudit.objects.get(sheet=sheet, action="lock")
    assert lock_row.data["total"] == str(total) and lock_row.actor == w.staff


def test_every_scoring_write_asks_the_rule_book():
    """Each write of ``yearend.actions`` calls ``policy.require`` (or is steps of writes that do)."""
    import inspect

    checked = []
    for name in actions.__all__:
        func = getattr(actions, name)
        if not inspect.isfunction(func):
            continue
        source = inspect.getsource(func)
        assert "@transaction.atomic" in source, name
        assert "policy.require(" in source, f"{name} writes without asking the rule book"
        checked.append(name)
    assert len(checked) == 14


def test_a_congress_scores_only_its_own_offices_and_no_other_congress_reads_or_writes_them(scoring_world):
    from django.http import Http404

    from tests import factories

    w = scoring_world
    other = factories.CongressFactory(name="青岩镇人大", slug="qingyan")
    staff_b = factories.StaffFactory(congress=other)
    office_b = factories.OfficeFactory(congress=other, name="镇建设办")
    term_b = factories.TermFactory(congress=other, number=7, name="青岩镇第七届人民代表大会")
    session_b = factories.SessionFactory(term=term_b, number=1, is_current=False)
    delegate_b = factories.DelegateFactory(term=term_b)
    suggestion = factories.SuggestionFactory(
        session=session_b, lead_delegate=delegate_b, category=factories.CategoryFactory(congress=other)
    )
    from suggestions import actions as workflow

    workflow.suggestion_submit(suggestion=suggestion, actor=delegate_b.user)
    workflow.suggestion_register(suggestion=suggestion, actor=staff_b)
    workflow.suggestion_assign(suggestion=suggestion, actor=staff_b, lead_office=office_b)

    rubric = _scored(w)
    assert set(ScoreSheet.objects.filter(rubric=rubric).values_list("office_id", flat=True)) == {w.x.pk, w.y.pk, w.z.pk}
    rubric_b = actions.rubric_create(actor=staff_b, year=2026, title="镇人大考评办法")
    assert (rubric_b.congress_id, rubric_b.version) == (other.pk, 1)  # versions count per congress
    actions.rubric_item_save(
        rubric=rubric_b, actor=staff_b, values={"name": "答复质量", "kind": "manual", "weight": "100"}
    )
    actions.rubric_publish(rubric=rubric_b, actor=staff_b)
    sheets_b = actions.scores_compute(rubric=rubric_b, actor=staff_b, as_of=AS_OF)
    assert [s.office_id for s in sheets_b] == [office_b.pk]

    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    b = Actor.of(staff_b)
    assert list(queries.rubrics_for(b)) == [rubric_b]
    assert not policy.may(b, Action.SCORES_VIEW, sheet) and not policy.may(b, Action.SCORES_COMPUTE, rubric)
    with pytest.raises(Http404):
        queries.sheet_for(b, sheet.pk)
    with pytest.raises(NotPermitted):
        actions.scores_compute(rubric=rubric, actor=staff_b)
    with pytest.raises(NotPermitted):
        actions.score_enter(
            sheet=sheet, item=rubric.items.get(name="领导重视"), actor=staff_b, points="1", reason="改。"
        )
    actions.sheets_release(rubric=rubric, actor=w.staff)
    objection = actions.objection_file(sheet=sheet, actor=w.clerk_x, text="请复核。")
    with pytest.raises(NotPermitted, match="人大"):
        actions.objection_answer(objection=objection, actor=staff_b, accept=True, answer="采纳。")
    assert list(queries.rubrics_for(Actor.of(w.staff))) == [rubric]
