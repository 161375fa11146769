"""The navigation marks the section a page belongs to (aria-current), and only that one."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _current(response):
    return [item["label"] for item in response.context["nav_items"] if item["active"]]


def test_each_staff_section_is_marked_and_a_suggestion_page_marks_none_wrongly(client, staff, assigned):
    client.force_login(staff)
    assert _current(client.get(reverse("staff:inbox"))) == ["待审查"]
    assert _current(client.get(reverse("staff:track"))) == ["建议跟踪"]
    assert _current(client.get(reverse("reports:dashboard"))) == ["统计"]
    # /staff/suggestions/<pk>/ lies under /staff/, the address of 待审查, but is not that queue.
    assert _current(client.get(reverse("staff:suggestion", args=[assigned.pk]))) == []


def test_an_office_page_below_the_inbox_belongs_to_it(client, clerk, lead_assignment):
    client.force_login(clerk)
    assert _current(client.get(reverse("offices:inbox"))) == ["承办事项"]
    assert _current(client.get(reverse("offices:assignment", args=[lead_assignment.pk]))) == ["承办事项"]
