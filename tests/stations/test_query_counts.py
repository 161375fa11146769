"""List pages of the stations app cost the same number of queries for few and for many opinions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stations import actions

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["station", "office"])
def test_list_pages_do_not_grow_with_the_opinions(
    client, station, send_opinion, station_clerk, office, clerk, settings, name
):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    user, url = (
        (station_clerk, reverse("stations:detail", args=[station.pk]))
        if name == "station"
        else (clerk, reverse("stations:office_inbox"))
    )

    def add(n, start):
        for i in range(n):
            opinion = send_opinion(station, mobile=f"1350000{start + i:04d}")
            actions.opinion_forward(opinion=opinion, actor=station_clerk, office=office)

    client.force_login(user)
    add(2, 0)
    few = _queries(client, url)
    add(6, 100)
    assert _queries(client, url) == few
