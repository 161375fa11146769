"""Precomputed statistics (``suggestions.reporting.stats``): the tallies always equal a plain recount.

The dashboard reads tallies that the audit log keeps up to date. These tests walk suggestions
through the workflow (reply, rating, 不满意 and re-handling, return, withdrawal, merging,
extension, time passing) and after every step compare what the dashboard shows with the
recount of ``metrics`` straight from the workflow tables.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suggestions import actions
from suggestions.models import AssignmentTally, AuditLog, DueTally, StatsWatermark, Suggestion, SuggestionTally
from suggestions.reporting import metrics, stats
from suggestions.web.reports import OVERDUE_SHOWN, dashboard_figures
from tests.conftest import carry_to_reply
from tests.suggestions.web.test_reports import _new

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def recount(session, today):
    """The dashboard's numbers counted from the workflow tables (the reference)."""
    suggestions = Suggestion.objects.filter(session=session)
    results = metrics.by_result_class(suggestions)
    figures = metrics.session_figures(suggestions, result_rows=results)
    offices = metrics.by_office(suggestions, today=today)
    return {
        "counts": figures["counts"],
        "figures": {f.key: (f.numerator, f.denominator) for f in figures.values() if isinstance(f, metrics.Figure)},
        "statuses": {k: v for k, v in metrics.by_status(suggestions).items() if k != Suggestion.Status.DRAFT and v},
        "offices": [_office(r) for r in offices],
        "categories": [
            (c["category_id"], c["filed"], c["assigned"], c["replied"]) for c in metrics.by_category(suggestions)
        ],
        "results": [(r["result_class__code"], r["n"]) for r in results],
        "overdue": [a.pk for a in metrics.overdue_assignments(suggestions, today=today)[:OVERDUE_SHOWN]],
    }


def shown(session, today):
    """The same numbers as the dashboard computes them from the tallies."""
    data = dashboard_figures(session, today=today)
    figures = {}
    for item in data["headline"]:
        figure = item["figure"]
        figures[figure.key] = (figure.numerator, figure.denominator)
    return {
        "counts": data["counts"],
        "figures": figures,
        "statuses": {s["value"]: s["n"] for s in data["statuses"] if s["n"]},
        "offices": [_office(r) for r in data["offices"]],
        "categories": [(c["category_id"], c["filed"], c["assigned"], c["replied"]) for c in data["categories"]],
        "results": [(r["result_class__code"], r["n"]) for r in data["results"]],
        "overdue": [a.pk for a in data["overdue"]],
    }


def _office(row):
    keys = ("office_id", "assigned", "lead", "co", "separate", "replied", "on_time", "overdue", "rated", "rated_ok")
    return tuple(row[k] for k in keys)


def assert_tallies_match(session, today=None):
    today = today or timezone.localdate()
    expected, got = recount(session, today), shown(session, today)
    for key in expected:
        if key == "figures":
            for name, value in got["figures"].items():
                assert value == expected["figures"][name], name
        else:
            assert got[key] == expected[key], key


def tally_snapshot():
    """Every non-empty tally row, as plain tuples."""
    return (
        sorted(SuggestionTally.objects.filter(n__gt=0).values_list(*stats.SUGGESTION_KEY, *stats.SUGGESTION_SUMS)),
        sorted(
            AssignmentTally.objects.filter(n__gt=0).values_list(*stats.ASSIGNMENT_KEY, *stats.ASSIGNMENT_SUMS),
            key=str,
        ),
        sorted(DueTally.objects.filter(n__gt=0).values_list(*stats.DUE_KEY, *stats.DUE_SUMS)),
    )


@pytest.fixture
def world(make_report_data):
    return make_report_data(extra=2)


def test_every_step_of_the_workflow_keeps_the_tallies_equal_to_a_recount(
    world, session, staff, office, co_office, other_office, clerk, co_clerk, other_clerk, leader
):
    assert_tallies_match(session)
    delegate = world["delegate"]

    # 不满意: a re-handling round opens; the final-round figures move to the new round.
    s = _new(session, delegate, staff, title="关于改善背街小巷照明的建议")
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    reply = carry_to_reply(s, s.assignments.get(office=office), clerk, code="C")
    assert_tallies_match(session)
    actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment="没有解决。")
    assert_tallies_match(session)
    s.refresh_from_db()
    if s.status == Suggestion.Status.REPLIED:  # the round may need staff to open it
        actions.round_open_rehandling(suggestion=s, actor=staff, reason="代表不满意。")
    assert_tallies_match(session)

    # Withdrawn after assignment: it leaves every figure except the status count.
    w = _new(session, delegate, staff, title="关于新建停车场的建议")
    actions.suggestion_assign(suggestion=w, actor=staff, lead_office=other_office)
    assert_tallies_match(session)
    actions.suggestion_withdraw(suggestion=w, actor=staff, reason="代表撤回。")
    assert_tallies_match(session)

    # Merging two registered suggestions.
    a = _new(session, delegate, staff, title="关于增设垃圾分类点的建议")
    b = _new(session, delegate, staff, title="关于垃圾分类点设置的建议")
    actions.suggestion_merge(target=a, sources=[b], actor=staff, note="内容相近。")
    assert_tallies_match(session)

    # A key item; and the clock moving on makes more assignments overdue without any write.
    actions.suggestion_set_key(suggestion=a, actor=staff, is_key=True, leader=leader)
    assert_tallies_match(session)
    later = timezone.localdate() + datetime.timedelta(days=200)
    assert_tallies_match(session, today=later)


def test_incremental_tallies_equal_a_full_rebuild(world, session, staff, office, clerk):
    stats.catch_up()
    incremental = tally_snapshot()
    stats.rebuild()
    assert tally_snapshot() == incremental
    assert_tallies_match(session)


def test_a_change_whose_audit_row_was_not_visible_to_the_last_catch_up_is_still_counted(world, session, staff):
    stats.catch_up()
    s = world["s5"]  # submitted, not registered
    actions.suggestion_register(suggestion=s, actor=staff)
    # As if the catch-up had run while that transaction was still open: its audit row is below the
    # watermark. The window re-reads it.
    mark = StatsWatermark.objects.get()
    mark.audit_id = AuditLog.objects.order_by("-pk").first().pk
    mark.save()
    assert stats.catch_up().rederived >= 1
    assert_tallies_match(session)


def test_catch_up_costs_a_fixed_number_of_queries_however_many_suggestions_changed(
    world, session, staff, office, clerk
):
    stats.catch_up()

    def changes(n, stamp):
        with time_machine.travel(stamp, tick=False):
            for i in range(n):
                s = _new(session, world["delegate"], staff, title=f"关于第{i}条道路改造的建议")
                actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
        with time_machine.travel(stamp + datetime.timedelta(hours=1), tick=False):
            with CaptureQueriesContext(connection) as captured:
                stats.catch_up()
        return len(captured)

    one = changes(1, datetime.datetime(2031, 1, 6, 10, tzinfo=TZ))
    many = changes(6, datetime.datetime(2031, 2, 6, 10, tzinfo=TZ))
    assert one == many
    with time_machine.travel(datetime.datetime(2031, 3, 6, 10, tzinfo=TZ), tick=False):
        with CaptureQueriesContext(connection) as idle:
            assert stats.catch_up().rederived == 0
    reads = [q["sql"] for q in idle.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(reads) == 1  # the watermark, with whether any audit row is newer
    assert_tallies_match(session)


def test_a_new_database_counts_everything_on_first_read(world, session):
    StatsWatermark.objects.all().delete()
    SuggestionTally.objects.all().delete()
    AssignmentTally.objects.all().delete()
    DueTally.objects.all().delete()
    assert_tallies_match(session)


def test_recount_statistics_command_rebuilds(world, session):
    SuggestionTally.objects.update(n=0)
    call_command("recount_statistics", verbosity=0)
    assert_tallies_match(session)


def test_the_benchmark_generator_leaves_the_tallies_built(db):
    call_command("generate_bench_data", scale=0.002, quiet=True, stdout=__import__("io").StringIO())
    from delegates.models import Session

    assert SuggestionTally.objects.exists()
    for session in Session.objects.all():
        assert_tallies_match(session)


def test_tallies_without_a_session_are_empty():
    data = dashboard_figures(None, today=timezone.localdate())
    assert data["offices"] == [] and data["overdue"] == [] and data["counts"]["filed"] == 0


def test_a_reply_on_an_extended_deadline_and_a_returned_assignment_are_counted_as_the_recount_counts(
    world, session, staff, office, other_office, co_office, clerk, other_clerk
):
    s = _new(session, world["delegate"], staff, title="关于整修农贸市场的建议")
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[other_office])
    assignment = s.assignments.get(office=office)
    actions.assignment_sign(assignment=assignment, actor=clerk)
    until = actions.extension_limit(assignment=assignment)
    request = actions.extension_request(assignment=assignment, actor=clerk, reason="需要现场勘测。", until=until)
    actions.extension_approve(request=request, actor=staff)
    assert_tallies_match(session)
    co = s.assignments.get(office=other_office)
    returned = actions.assignment_request_return(assignment=co, actor=other_clerk, reason="不属于本单位职责。")
    actions.return_request_approve(request=returned, actor=staff, new_office=co_office)
    assert_tallies_match(session)


def test_public_statistics_from_the_tallies_equal_a_recount_of_registered_suggestions(world, session, staff):
    from suggestions.queries import public_stats

    actions.suggestion_withdraw(suggestion=world["s4"], actor=staff, reason="代表撤回。")
    shown = public_stats.session_stats(session)
    suggestions = public_stats.stats_suggestions(session)
    results = metrics.by_result_class(suggestions)
    figures = metrics.session_figures(suggestions, result_rows=results)
    assert shown["counts"] == figures["counts"]
    assert [(f.numerator, f.denominator) for f in shown["figures"]] == [
        (f.numerator, f.denominator) for f in metrics.headline(figures)
    ]
    assert [(c["category_id"], c["filed"], c["assigned"], c["replied"]) for c in shown["categories"]] == [
        (c["category_id"], c["filed"], c["assigned"], c["replied"]) for c in metrics.by_category(suggestions)
    ]
    assert [_office(r) for r in shown["offices"]] == [_office(r) for r in metrics.by_office(suggestions)]
    assert [(r["result_class__code"], r["n"]) for r in shown["results"]] == [
        (r["result_class__code"], r["n"]) for r in results
    ]
    assert shown["counts"]["filed"] < Suggestion.objects.filter(session=session).count()  # s5 is not registered


def test_a_change_is_read_once_and_moves_the_version_once(world, session, staff):
    first = stats.catch_up()
    assert stats.catch_up() == (first.version, 0)  # nothing new: same version, nothing re-derived
    actions.suggestion_register(suggestion=world["s5"], actor=staff)
    changed = stats.catch_up()
    assert changed.rederived == 1 and changed.version > first.version
    assert stats.catch_up() == (changed.version, 0)  # the window does not read it again


def test_every_service_that_writes_also_writes_an_audit_row():
    """The tallies learn of changes from the audit log, so no service may change data without one.

    ``reply_save_draft`` only edits a draft (drafts count nowhere); ``policy_for`` creates a
    session's default deadline policy on first use; ``notify`` and ``notification_mark_read`` write and
    mark a user's own notifications (they count nowhere either); ``make_office_file`` is a step of
    ``opinion_send`` and ``reply_save_draft``.
    """
    import ast
    import importlib
    import inspect
    import pkgutil

    writes = (".save(", ".create(", ".update(", "bulk_create", ".delete(", "get_or_create")
    audits = ("audit(", "set_suggestion_status(", "set_assignment_status(", "AuditLog(")
    exempt = {"reply_save_draft", "policy_for", "notify", "notification_mark_read", "make_office_file"}
    silent, seen = [], 0
    for info in pkgutil.iter_modules(actions.__path__, "suggestions.actions."):
        source = inspect.getsource(importlib.import_module(info.name))
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name not in exempt:
                seen += 1
                body = ast.get_source_segment(source, node)
                if any(w in body for w in writes) and not any(a in body for a in audits):
                    silent.append(node.name)
    assert seen > 40  # the walk reached every area module
    assert not silent, f"services that change data without an audit row: {silent}"


def test_the_beat_task_catches_up_and_is_scheduled(world, session, staff, settings):
    from suggestions import tasks

    assert settings.CELERY_BEAT_SCHEDULE["catch-up-statistics"]["task"] == "suggestions.tasks.catch_up_statistics"
    first = tasks.catch_up_statistics()
    actions.suggestion_register(suggestion=world["s5"], actor=staff)
    after = tasks.catch_up_statistics()
    assert after["rederived"] == 1 and after["version"] > first["version"]
    assert_tallies_match(session)
