"""Only NPC staff reach the staff pages; leaders reach only their read-only home."""

import pytest
from django.urls import reverse

from suggestions import actions
from suggestions.models import Suggestion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(replied, staff, clerk, session, other_delegate):
    """Every staff URL, with real objects behind the ones that take an id."""
    waiting = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=waiting, actor=other_delegate.user)
    return [
        reverse("staff:inbox"),
        reverse("staff:review", args=[waiting.pk]),
        reverse("staff:assign_list"),
        reverse("staff:suggestion", args=[replied.suggestion_id]),
        reverse("staff:assign", args=[replied.suggestion_id]),
        reverse("staff:requests"),
        reverse("staff:track"),
        reverse("staff:publication"),
        reverse("staff:publication_edit", args=[replied.pk]),
    ]


POST_URLS = ["staff:inbox_bulk_register", "staff:publication_bulk"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, urls):
    for url in urls + [reverse("staff:leader_home")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["delegate", "clerk", "leader"])
def test_delegates_clerks_and_leaders_are_refused_every_staff_page(client, urls, who, request):
    user = request.getfixturevalue(who)
    user = user.user if who == "delegate" else user
    user = user if who != "leader" else user.user
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"action": "register", "register-number": "99"}).status_code == 403, url
    for name in POST_URLS:
        assert client.post(reverse(name), {"suggestions": ["1"], "replies": ["1"]}).status_code == 403


def test_a_clerk_posting_a_registration_changes_nothing(client, submitted, clerk):
    client.force_login(clerk)
    response = client.post(reverse("staff:review", args=[submitted.pk]), {"action": "register", "register-number": "7"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Suggestion.Status.SUBMITTED and submitted.number is None


def test_staff_reach_every_staff_page(client, urls, staff):
    client.force_login(staff)
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["delegate", "clerk"])
def test_delegates_and_clerks_are_refused_the_leader_home(client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user.user if who == "delegate" else user)
    assert client.get(reverse("staff:leader_home")).status_code == 403


def test_a_leader_sees_only_their_own_key_suggestions_read_only(client, leader, assigned, staff, session, delegate):
    other_leader = factories.LeaderFactory()
    actions.suggestion_set_key(suggestion=assigned, actor=staff, is_key=True, leader=leader)
    theirs = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="关于别的领导督办的建议")
    actions.suggestion_submit(suggestion=theirs, actor=delegate.user)
    actions.suggestion_set_key(suggestion=theirs, actor=staff, is_key=True, leader=other_leader)
    client.force_login(leader.user)
    response = client.get(reverse("staff:leader_home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert assigned.title in content
    assert "关于别的领导督办的建议" not in content
    assert "<form" not in content.split('id="main"')[1].split("</main>")[0]
    assert reverse("suggestions:detail", args=[assigned.pk]) in content
