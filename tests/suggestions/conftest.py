"""Fixtures shared by the report, export and statistics tests."""

import pytest

from tests.suggestions.web.test_reports import build_report_data


@pytest.fixture
def make_report_data(session, staff, office, co_office, other_office, clerk, co_clerk, other_clerk):
    """``build_report_data`` with the usual session, staff, offices and clerks; ``extra`` replied ones on top."""

    def make(extra=0):
        return build_report_data(
            session=session,
            staff=staff,
            office=office,
            co_office=co_office,
            other_office=other_office,
            clerk=clerk,
            other_clerk=other_clerk,
            extra=extra,
        )

    return make


@pytest.fixture
def report_data(make_report_data):
    return make_report_data()
