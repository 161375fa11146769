"""The periodic scan's body and the erase command (the real broker path is the worker tests' business)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from stations import actions, residents
from stations.models import ResidentOpinion
from stations.tasks import scan_opinions

pytestmark = pytest.mark.django_db


def test_the_scan_reminds_follows_suggestions_and_erases_and_is_safe_to_run_twice(
    station, send_opinion, station_clerk, settings
):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已处理。")
    residents.opinion_rate(opinion=opinion, value="satisfied")
    settings.STATIONS_RETENTION_DAYS = 0
    ResidentOpinion.objects.filter(pk=opinion.pk).update(closed_at=timezone.now() - datetime.timedelta(days=1))
    first = scan_opinions()
    assert first["erased"] == 1
    assert scan_opinions()["erased"] == 0


def test_the_erase_command_reports_what_it_erased(station, send_opinion, station_clerk, settings, capsys):
    opinion = send_opinion(station)
    residents.opinion_withdraw(opinion=opinion)
    settings.STATIONS_RETENTION_DAYS = 0
    ResidentOpinion.objects.filter(pk=opinion.pk).update(closed_at=timezone.now() - datetime.timedelta(days=1))
    call_command("stations_erase_personal_data")
    assert "erased 1" in capsys.readouterr().out
    opinion.refresh_from_db()
    assert opinion.resident_mobile == "" and opinion.personal_data_erased_at
