"""Smoke test of the province bench (``bench/province.py``) at a tiny scale: the congress tree, every row
of a suggestion kept inside its congress, and the page measurement running. No timing is asserted."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from bench import province
from congresses.models import Congress
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

# (what, SQL counting rows whose reference belongs to another congress than their suggestion's)
CROSS = [
    (
        "session",
        "SELECT count(*) FROM suggestions_suggestion s JOIN delegates_session x ON x.id = s.session_id "
        "WHERE x.congress_id <> s.congress_id",
    ),
    (
        "category",
        "SELECT count(*) FROM suggestions_suggestion s JOIN suggestions_category x ON x.id = s.category_id "
        "WHERE x.congress_id <> s.congress_id",
    ),
    (
        "lead delegate",
        "SELECT count(*) FROM suggestions_suggestion s JOIN delegates_delegate x "
        "ON x.id = s.lead_delegate_id WHERE x.congress_id <> s.congress_id",
    ),
    (
        "lead delegate's term",
        "SELECT count(*) FROM suggestions_suggestion s JOIN delegates_delegate x "
        "ON x.id = s.lead_delegate_id JOIN delegates_session ss ON ss.id = s.session_id WHERE x.term_id <> ss.term_id",
    ),
    (
        "co-signer",
        "SELECT count(*) FROM suggestions_cosigner c JOIN suggestions_suggestion s ON s.id = c.suggestion_id "
        "JOIN delegates_delegate x ON x.id = c.delegate_id WHERE x.congress_id <> s.congress_id",
    ),
    (
        "rating",
        "SELECT count(*) FROM suggestions_rating c JOIN suggestions_suggestion s ON s.id = c.suggestion_id "
        "JOIN delegates_delegate x ON x.id = c.delegate_id WHERE x.congress_id <> s.congress_id",
    ),
    (
        "assignment",
        "SELECT count(*) FROM suggestions_assignment a JOIN suggestions_suggestion s "
        "ON s.id = a.suggestion_id JOIN suggestions_office x ON x.id = a.office_id WHERE x.congress_id <> s.congress_id",
    ),
    (
        "reply",
        "SELECT count(*) FROM suggestions_reply a JOIN suggestions_suggestion s ON s.id = a.suggestion_id "
        "JOIN suggestions_office x ON x.id = a.office_id JOIN suggestions_resultclass r ON r.id = a.result_class_id "
        "WHERE x.congress_id <> s.congress_id OR r.congress_id <> s.congress_id",
    ),
    (
        "reply's assignment",
        "SELECT count(*) FROM suggestions_reply a JOIN suggestions_assignment x "
        "ON x.id = a.assignment_id WHERE x.office_id <> a.office_id",
    ),
]


def test_a_tiny_province(db):
    """One test (the data set is made once): the tree, the rows' congresses, the pages."""
    call_command("generate_bench_data", scale=0.005, quiet=True, stdout=io.StringIO())
    province.provincialize(30, log=lambda text: None)
    _the_tree_has_every_level_and_the_suggestions_are_skewed()
    _every_row_of_a_suggestion_stays_in_its_congress()
    _the_pages_of_a_township_and_the_overview_answer()


def _the_tree_has_every_level_and_the_suggestions_are_skewed():
    levels = dict(Congress.objects.values_list("level").annotate(n=Count("pk")))
    assert levels["province"] == 1 and levels["city"] >= 1 and levels["county"] >= 3 and levels["township"] >= 10
    assert sum(levels.values()) == 30
    assert not Congress.objects.exclude(level="province").filter(parent__isnull=True).exists()
    assert Suggestion.objects.count() == 500
    sizes = sorted(Congress.objects.annotate(n=Count("suggestions")).values_list("n", flat=True))
    assert sizes[len(sizes) // 2] < 500 / 30 < sizes[-1] / 3  # most congresses small, a few large


def _every_row_of_a_suggestion_stays_in_its_congress():
    with connection.cursor() as cursor:
        for what, sql in CROSS:
            cursor.execute(sql)
            assert cursor.fetchone()[0] == 0, what


def _the_pages_of_a_township_and_the_overview_answer():
    town, district, city = province.pick_congresses()
    found = province.measure(town, 1)
    assert found and all(page["statuses"] == [200] for page in found.values()), found
    assert all(page["queries"] > 0 for page in found.values())
    overview = province.measure_overview(city, 1)
    assert overview["statuses"] == [200] and overview["below"] >= 1
