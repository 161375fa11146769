"""Smoke test of the benchmark at a tiny scale: the generator's data is consistent, the harness runs.

No timing is asserted here (timings live in `make bench`).
"""

import io
import re
import statistics

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from bench import run, storm
from suggestions.models import Assignment, HandlingRound, Rating, Reminder, ReminderDelivery, Reply, Suggestion

pytestmark = pytest.mark.django_db
S = Suggestion.Status


@pytest.fixture
def bench_data(db):
    out = io.StringIO()
    call_command("generate_bench_data", scale=0.01, quiet=True, stdout=out)
    return out.getvalue()


def test_generator_writes_the_scaled_data_set(bench_data):
    assert Suggestion.objects.count() == 1000
    assert "Done" in bench_data
    from delegates.models import Delegate, Session
    from suggestions.models import Office

    assert Session.objects.count() == 10 and Session.objects.filter(is_current=True).count() == 1
    assert Office.objects.count() == 120
    assert Delegate.objects.count() == 500
    per = Suggestion.objects.values("pk").annotate(n=Count("assignments")).exclude(n=0)
    assert {row["n"] for row in per} <= {1, 2, 3, 4}


def test_generated_text_is_chinese_of_realistic_length(bench_data):
    titles = list(Suggestion.objects.values_list("title", "body"))
    assert all(10 <= len(t) <= 40 for t, _b in titles)
    assert all(300 <= len(b) <= 3000 for _t, b in titles)
    assert all(re.search(r"[\u4e00-\u9fff]{4}", b) for _t, b in titles)
    assert statistics.median(len(b) for _t, b in titles) < 1500  # long bodies are the exception


def test_generated_states_are_what_the_services_would_produce(bench_data):
    handled = Suggestion.objects.filter(status__in=[S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED])
    assert not handled.filter(Q(number__isnull=True) | Q(assigned_at__isnull=True) | Q(current_round=0)).exists()
    assert not Suggestion.objects.filter(status=S.DRAFT, submitted_at__isnull=False).exists()
    assert not Suggestion.objects.filter(status__in=[S.REPLIED, S.CLOSED], first_replied_at__isnull=True).exists()
    assert not Suggestion.objects.filter(status=S.CLOSED, closed_at__isnull=True).exists()
    for suggestion in handled.annotate(n_rounds=Count("rounds")):
        assert suggestion.n_rounds == suggestion.current_round
    rehandling = Suggestion.objects.filter(status=S.REHANDLING)
    assert all(s.assignments.filter(status=Assignment.Status.REHANDLING).exists() for s in rehandling)
    # Published flags agree: a published suggestion has a published reply, and only public states are published.
    published = Suggestion.objects.filter(is_published=True)
    assert published.exists()
    assert not published.exclude(replies__is_published=True).exists()
    assert not published.filter(status__in=[S.DRAFT, S.SUBMITTED, S.NOT_REGISTERED, S.WITHDRAWN, S.MERGED]).exists()
    # The public pages read reviewed public versions: every published row has them (issue #14).
    assert not published.filter(Q(public_title="") | Q(public_body="") | Q(public_reviewed_at__isnull=True)).exists()
    assert not Reply.objects.filter(is_published=True, public_reviewed_at__isnull=True).exists()
    first_round_only = Reply.objects.filter(suggestion__current_round=1).select_related("assignment", "round")
    for reply in first_round_only[:300]:
        due = reply.assignment.extended_due or reply.round.due_date
        assert reply.on_time == (timezone.localdate(reply.submitted_at) <= due)
    # A re-handled round follows an unsatisfied rating of the round before.
    for round_ in HandlingRound.objects.filter(number=2)[:50]:
        assert Rating.objects.filter(suggestion=round_.suggestion, round__number=1, value="unsatisfied").exists()
    # Numbers are unique within session and series (the database constraint also holds).
    numbers = Suggestion.objects.filter(number__isnull=False).values("session", "series", "number")
    assert numbers.annotate(n=Count("pk")).filter(n__gt=1).count() == 0


def test_generator_refuses_a_database_that_already_has_suggestions(bench_data):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_bench_data", scale=0.01, quiet=True, stdout=io.StringIO())


def test_harness_measures_every_figure_and_writes_a_markdown_table(bench_data, tmp_path, monkeypatch):
    pages = run.Pages()
    figs = (
        run.figures_query_counts(pages)
        + run.figures_page_times(pages, quick=True)
        + run.figures_search(quick=True)
        + run.figures_similar(quick=True)
        + run.figure_reminder_scan()
        + run.figure_export(n=50, small=10)
    )
    names = " ".join(f.name for f in figs)
    for expected in (
        "SQL queries per page",
        "public outcome list",
        "suggestion detail",
        "dashboard",
        "Chinese search",
        "similar-suggestion hint, a delegate types “停车难”",
        "similar-suggestion hint, staff review",
        "reminder scan",
        "Excel export",
    ):
        assert expected in names
    assert all(f.verdict in {"ok", "MISS", "n/a", "info"} for f in figs)
    # Search finds exactly what ILIKE finds, whatever the time.
    assert all("finds 100% of ILIKE" in f.value and "NOT exact" not in f.value for f in figs if "search" in f.name)
    timed = [f for f in figs if "hint" in f.name and "among all the data" not in f.name]
    assert all(f.data["shown"] for f in timed), [f.line() for f in timed]
    # The labelled sets put into the bench data: a recall over every query of each set (an info figure).
    scale = [f for f in figs if "among all the data" in f.name]
    assert len(scale) == 2 and all(f.data["queries"] == 60 for f in scale), [f.line() for f in scale]
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    path = run.write_results(figs, {"scale": 0.01, "database": "test", "counts": run.counts(), "machine": "test"})
    table = path.read_text()
    assert "| figure | measured | bar | baseline (same run) | ratio | verdict |" in table
    assert table.count("\n| ") == len(figs) + 2
    assert path.with_suffix(".json").exists()


def test_a_page_that_does_not_exist_yet_is_reported_not_crashed(bench_data, monkeypatch):
    monkeypatch.setitem(run.PAGES, "staff_list", ("staff track list", ["staff:no_such_page"], "/no/such/page/"))
    pages = run.Pages()
    fig = run.figure_page_time(pages, "staff_list", "staff", [run.page_url("staff_list")], bar_median=0.1)
    assert fig.verdict == "n/a" and "page not available yet" in fig.line()


@pytest.mark.urls("bench.urls")
def test_the_trivial_baseline_view_answers(client):
    assert client.get("/__bench__/trivial/").content == b"ok"


def test_the_reminder_storm_is_measured_and_cleaned_away(bench_data):
    (fig,) = storm.figures_reminder_storm(run.Figure, send=False)
    assert "reminder storm" in fig.name and fig.verdict in {"ok", "MISS"}
    assert fig.data["due"] > 0 and fig.data["delivery_rows"] > 0
    assert fig.data["second"][1] == 0  # a second scan records nothing
    assert not Reminder.objects.filter(code__isnull=False).exists()  # the bench data's own have no code
    assert not ReminderDelivery.objects.exists()
