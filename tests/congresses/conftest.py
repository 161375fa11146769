"""Three levels for the tests of the congresses: 贵阳市人大 (city) above 花溪区人大 (the first congress) above
a township congress, each with its own term, current session, categories and result classes."""

import datetime

import pytest
from django.apps import apps

from congresses.models import Congress, first_congress, forget_kept
from suggestions.defaults import install_congress_defaults
from tests import factories


def congress_world(congress, *, term_name, session_name):
    """A congress's own term and current session, its categories and result classes."""
    install_congress_defaults(apps.get_model, congress=congress)
    term = factories.TermFactory(congress=congress, number=15, name=term_name)
    return factories.SessionFactory(
        term=term,
        number=5,
        name=session_name,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 8),
    )


@pytest.fixture(autouse=True)
def fresh_congresses():
    """Each process keeps the congresses a minute (``congress_by_id``); a rolled-back test's tree must not stay."""
    forget_kept()
    yield
    forget_kept()


@pytest.fixture
def city(db):
    city = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    district = first_congress()
    district.parent = city
    district.save()
    return city


@pytest.fixture
def city_session(city):
    return congress_world(city, term_name="贵阳市第十五届人民代表大会", session_name="贵阳市十五届人大五次会议")


@pytest.fixture
def city_staff(city):
    return factories.StaffFactory(congress=city)


@pytest.fixture
def township(city):
    township = factories.CongressFactory(
        name="青岩镇人大", slug="qingyan", level=Congress.Level.TOWNSHIP, parent=first_congress()
    )
    congress_world(township, term_name="青岩镇第十八届人民代表大会", session_name="青岩镇十八届人大五次会议")
    return township


@pytest.fixture
def township_staff(township):
    return factories.StaffFactory(congress=township)
