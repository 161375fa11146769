"""The stations' figures per station and per delegate (grouped queries, a fixed count) and their summary on the
reports dashboard: the same numbers as a recount of every opinion, scoped to the congress, fresh after a change."""

import datetime
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stations import actions, figures, residents
from stations.models import ResidentOpinion
from suggestions.workdays import work_calendar
from tests import factories


def test_weighted_median_is_the_median_of_the_expanded_values():
    from collections import Counter

    for values in ([1], [1, 2], [3, 1, 2], [5, 5, 1, 2], [0, 0, 0, 7], [2, 4, 4, 9, 10, 11]):
        assert figures.weighted_median(Counter(values)) == statistics.median(values), values
    assert figures.weighted_median(Counter()) is None


def _recount(opinions):
    calendar = work_calendar()
    local = timezone.localdate

    def days(field):
        return [
            calendar.workdays_between(local(o.received_at), local(getattr(o, field)))
            for o in opinions
            if getattr(o, field)
        ]

    rated = [o for o in opinions if o.rating]
    ok = [o for o in rated if o.rating != "unsatisfied"]
    return {
        "received": len(opinions),
        "answered": sum(1 for o in opinions if o.answered_at),
        "forwarded": sum(1 for o in opinions if o.forwarded_at),
        "suggested": sum(1 for o in opinions if o.suggestion_id),
        "median_first": statistics.median(days("first_responded_at")) if days("first_responded_at") else None,
        "median_answer": statistics.median(days("answered_at")) if days("answered_at") else None,
        "rated": len(rated),
        "satisfied": len(ok),
    }


@pytest.fixture
def handled(station, station_delegate, station_clerk, send_opinion, office, settings):
    """Opinions of the station in every state, some to its delegate, received and handled on different days."""
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    made = []
    for i in range(6):
        opinion = send_opinion(
            station, mobile=f"1380000{i:04d}", address=f"10.7.{i}.1", delegate=station_delegate if i % 2 else None
        )
        made.append(opinion)
    base = timezone.now() - datetime.timedelta(days=20)
    for i, opinion in enumerate(made):
        ResidentOpinion.objects.filter(pk=opinion.pk).update(received_at=base + datetime.timedelta(days=i))
    actions.opinion_answer(opinion=made[0], actor=station_clerk, text="已处理。")
    residents.opinion_rate(opinion=made[0], value="satisfied")
    actions.opinion_answer(opinion=made[1], actor=station_delegate.user, text="已处理。")
    residents.opinion_rate(opinion=made[1], value="unsatisfied", comment="没修好")
    actions.opinion_forward(opinion=made[2], actor=station_clerk, office=office)
    actions.opinion_answer(opinion=made[3], actor=station_clerk, text="已转交街道。")
    return made


def test_the_figures_equal_a_recount_of_every_opinion(station, station_delegate, handled):
    got = figures.figures(congress_id=station.congress_id)
    everything = list(ResidentOpinion.objects.filter(station=station))
    [row] = got["stations"]
    assert row["station"] == station
    assert {k: row[k] for k in _recount(everything)} == _recount(everything)
    assert row["satisfaction"] == "50%"
    [mine] = got["delegates"]
    theirs = [o for o in everything if o.delegate_id == station_delegate.pk]
    assert mine["delegate"] == station_delegate and {k: mine[k] for k in _recount(theirs)} == _recount(theirs)


def test_the_figures_run_a_fixed_number_of_queries(station, handled, send_opinion):
    figures.figures(congress_id=station.congress_id)
    with CaptureQueriesContext(connection) as few:
        figures.figures(congress_id=station.congress_id)
    other = factories.StationFactory(congress=station.congress)
    other_clerk = factories.UserFactory()
    other.staff.add(other_clerk)
    for i in range(5):
        opinion = send_opinion(other, mobile=f"1390000{i:04d}", address=f"10.8.{i}.1")
        actions.opinion_answer(opinion=opinion, actor=other_clerk, text="好")
    with CaptureQueriesContext(connection) as many:
        result = figures.figures(congress_id=station.congress_id)
    assert len(result["stations"]) == 2 and len(many) == len(few) <= 7  # with the calendar's two


def test_another_congress_is_not_counted(station, handled):
    other = factories.CongressFactory()
    assert figures.figures(congress_id=other.pk) == {"stations": [], "delegates": []}
    assert figures.dashboard_summary(congress_id=other.pk) is None


def test_the_reports_dashboard_shows_the_summary_and_links_the_full_table(
    client, staff, station, handled, send_opinion
):
    client.force_login(staff)
    page = client.get(reverse("reports:dashboard"))
    summary = page.context["station_figures"]
    assert summary["totals"]["received"] == 6 and summary["stations"][0]["station"] == station
    html = page.content.decode()
    assert 'id="stations"' in html and reverse("stations:dashboard") in html and station.name in html
    # A new opinion is counted at once: the cached summary follows the stations' audit rows.
    send_opinion(station, mobile="13800009999", address="10.9.9.9")
    assert client.get(reverse("reports:dashboard")).context["station_figures"]["totals"]["received"] == 7


def test_the_full_station_figures_page_is_for_those_who_read_the_reports(client, staff, leader, station, handled):
    client.force_login(staff)
    page = client.get(reverse("stations:dashboard"))
    assert page.status_code == 200 and len(page.context["delegates"]) == 1
    client.force_login(leader.user)
    assert client.get(reverse("stations:dashboard")).status_code == 200
