"""A delegation's secretary records the suggestions of their own delegation's group discussions (issue 22)."""

import pytest
from django.urls import reverse

from stations import discussions
from stations.models import GroupDiscussion, RecordedDraft
from suggestions import policy
from suggestions.errors import NotPermitted
from suggestions.policy import Action
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(session):
    user = factories.UserFactory(username="mishu")
    factories.DelegationFactory(term=session.term, name="青岩镇代表团", secretary=user)
    return user


@pytest.fixture
def other_delegation(session):
    return factories.DelegationFactory(term=session.term, name="石板镇代表团")


def _post(client, session, delegation, **extra):
    data = {
        "session": session.pk,
        "delegation": delegation.pk,
        "date": "2026-01-06",
        "category": factories.CategoryFactory().pk,
        "title_0": "加强农村道路养护",
        "body_0": "内容",
        "delegates_0": "孙代表",
        **extra,
    }
    return client.post(reverse("stations:discussion_new"), data)


def test_a_secretary_is_offered_only_their_own_delegation_and_records_for_it(client, session, secretary):
    own = secretary.secretary_of.get()
    factories.DelegateFactory(term=session.term, name="孙代表")
    client.force_login(secretary)
    assert "录入分组审议建议" in client.get(reverse("stations:list")).content.decode()
    form = client.get(reverse("stations:discussion_new")).context["form"]
    assert list(form.fields["delegation"].queryset) == [own]
    response = _post(client, session, own)
    discussion = GroupDiscussion.objects.get()
    assert response.status_code == 302 and discussion.delegation == own and discussion.recorder == secretary
    assert client.get(reverse("stations:discussion", args=[discussion.pk])).status_code == 200
    # The recorder rules are unchanged: the secretary, as the recorder, corrects the draft until it is confirmed.
    draft = RecordedDraft.objects.get()
    assert policy.may(secretary, Action.RECORDED_DRAFT_EDIT, draft)


def test_a_secretary_cannot_record_for_another_delegation_by_form_or_action(
    client, session, secretary, other_delegation
):
    delegate = factories.DelegateFactory(term=session.term, name="孙代表")
    client.force_login(secretary)
    response = _post(client, session, other_delegation)
    assert response.status_code == 400 and not GroupDiscussion.objects.exists()
    assert not policy.may(secretary, Action.DISCUSSION_RECORD, other_delegation)
    with pytest.raises(NotPermitted):
        discussions.discussion_record(
            actor=secretary,
            session=session,
            delegation=other_delegation,
            date=session.term.start_date,
            place="",
            rows=[discussions.RecordedRow("建议", "内容", [delegate])],
            category=factories.CategoryFactory(),
        )
    assert not GroupDiscussion.objects.exists()


def test_a_person_who_is_no_secretary_may_not_record_and_is_not_offered_the_page(client, session, delegate):
    client.force_login(delegate.user)
    assert not policy.may(delegate.user, Action.DISCUSSION_RECORD, None)
    assert client.get(reverse("stations:discussion_new")).status_code == 403
    assert "录入分组审议建议" not in client.get(reverse("stations:list")).content.decode()
