"""Counts of suggestions.reporting.metrics that depend on other rows: late first replies and face-to-face contacts."""

import pytest

from suggestions.models import ContactRecord, Reply, Suggestion
from suggestions.reporting import metrics


def _office_row(rows, office):
    return next(r for r in rows if r["office_id"] == office.pk)


@pytest.mark.django_db
class TestLateAndMet:
    def test_a_late_first_reply_counts_against_on_time_for_the_session_and_its_office(
        self, session, office, report_data
    ):
        suggestions = Suggestion.objects.filter(session=session)
        before = metrics.session_figures(suggestions)["on_time_rate"]
        office_before = _office_row(metrics.by_office(suggestions), office)["on_time"]
        Reply.objects.filter(suggestion=report_data["s2"]).update(on_time=False)
        after = metrics.session_figures(suggestions)["on_time_rate"]
        assert (after.numerator, after.denominator) == (before.numerator - 1, before.denominator)
        assert _office_row(metrics.by_office(suggestions), office)["on_time"] == office_before - 1

    def test_only_replied_suggestions_with_a_face_to_face_contact_count_as_met(self, session, report_data):
        suggestions = Suggestion.objects.filter(session=session)
        figure = metrics.session_figures(suggestions)["met_rate"]
        assert (figure.numerator, figure.denominator) == (2, 2)  # s1 and s2 replied after a visit
        ContactRecord.objects.filter(assignment__suggestion=report_data["s2"]).update(method=ContactRecord.Method.PHONE)
        figure = metrics.session_figures(suggestions)["met_rate"]
        assert (figure.numerator, figure.denominator) == (1, 2)
        ContactRecord.objects.filter(assignment__suggestion=report_data["s1"]).update(method=ContactRecord.Method.PHONE)
        figure = metrics.session_figures(suggestions)["met_rate"]
        assert (figure.numerator, figure.denominator) == (0, 2)
