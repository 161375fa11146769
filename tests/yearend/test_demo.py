"""The demo holds a scored year for 花溪区's offices under a locked rubric, compared with the year before."""

import pytest
from django.core.management import call_command

from yearend import queries
from yearend.models import Objection, Rubric, ScoreSheet


@pytest.mark.django_db
def test_the_demo_scores_2026_for_every_office_under_a_published_rubric_and_locks_the_scores():
    call_command("seed_demo")
    rubric = Rubric.objects.get(year=2026)
    assert rubric.status == Rubric.Status.PUBLISHED and rubric.items.count() == 16
    sheets = queries.ranking(rubric)
    last = queries.with_last_year(rubric, sheets)
    names = {s.office.short_name for s in sheets}
    assert names == {"住建局", "交通局", "教育局", "卫健局", "执法局", "财政局"}  # 花溪街道 had no 2026 work
    assert all(s.status == ScoreSheet.Status.FINAL for s in sheets)
    assert last is not None and last.year == 2025
    assert {s.office.short_name for s in sheets if s.last_total is not None} == {
        "住建局",
        "交通局",
        "财政局",
    }  # 交通局: the 2025 B answer carried into 2026 (demo/year_end.py)
    assert sorted(Objection.objects.values_list("status", flat=True)) == ["accepted", "rejected"]
    zhujian = next(s for s in sheets if s.office.short_name == "住建局")
    lines = {line.item.name: line for line in zhujian.lines.select_related("item")}
    assert lines["按时答复"].denominator and lines["创新做法"].reason
    assert Rubric.objects.get(year=2027).status == Rubric.Status.DRAFT
