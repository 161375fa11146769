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


def _user_links(response):
    return [link["label"] for link in response.context["user_links"]]


def test_the_user_menu_links_the_reminder_channels_and_the_token_page_for_those_they_apply_to(
    client, staff, delegate, clerk
):
    from tests import factories

    for user in (staff, delegate.user, clerk):
        client.force_login(user)
        response = client.get(reverse("notifications"))
        assert _user_links(response) == ["我的提醒方式", "接口令牌"]
        html = response.content.decode()
        assert reverse("reminders:mine") in html and reverse("api_tokens:list") in html
    # A person no reminder reaches (no role at all) still has the token page, not the channels page.
    nobody = factories.UserFactory()
    client.force_login(nobody)
    assert _user_links(client.get(reverse("notifications"))) == ["接口令牌"]
