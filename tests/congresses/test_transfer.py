"""转交: a district passes a suggestion of the city government's to the city congress, keeping its history."""

import pytest
from django.test import Client
from django.urls import reverse

from suggestions import actions, policy
from suggestions.models import AuditLog, Category, Notification, Suggestion, Transfer
from suggestions.policy import Action

S = Suggestion.Status


def _actions_of(suggestion):
    return list(AuditLog.objects.filter(suggestion=suggestion).order_by("pk").values_list("action", flat=True))


def _transfer(suggestion, staff, **kwargs):
    return actions.suggestion_transfer(suggestion=suggestion, actor=staff, reason="属市政府职权范围。", **kwargs)


def test_a_transfer_keeps_the_history_on_both_sides_and_links_them(submitted, staff, city_session, city_staff):
    before = _actions_of(submitted)
    record = _transfer(submitted, staff)

    submitted.refresh_from_db()
    assert submitted.status == S.TRANSFERRED and submitted.is_closed
    assert _actions_of(submitted) == [*before, AuditLog.Action.TRANSFER]
    out = AuditLog.objects.get(suggestion=submitted, action=AuditLog.Action.TRANSFER)
    assert (out.from_status, out.to_status, out.actor) == (S.SUBMITTED, S.TRANSFERRED, staff)
    assert "贵阳市人大" in out.note

    target = record.target
    assert (target.congress, target.session, target.status) == (city_session.congress, city_session, S.SUBMITTED)
    assert (target.title, target.body) == (submitted.title, submitted.body)
    assert target.category.congress_id == city_session.congress_id and target.category.name == submitted.category.name
    assert target.submitted_at is not None
    # The district's delegate has no record in the city: an inactive record without login leads it there,
    # and the delegates' names travel with the matter.
    lead = target.lead_delegate
    assert (lead.congress_id, lead.user_id, lead.is_active) == (city_session.congress_id, None, False)
    assert lead.name == "花溪区人大（转交）"
    assert submitted.lead_delegate.name in record.delegate_names
    incoming = AuditLog.objects.get(suggestion=target)
    assert incoming.action == AuditLog.Action.TRANSFER_IN and "花溪区人大" in incoming.note
    assert submitted.lead_delegate.name in incoming.note
    # Linked both ways.
    assert Transfer.objects.get(suggestion=submitted).target == target
    assert target.transferred_from.suggestion == submitted
    assert (record.from_congress.name, record.to_congress.name) == ("花溪区人大", "贵阳市人大")
    # The delegate and the city's staff hear of it.
    assert Notification.objects.filter(user=submitted.lead_delegate.user, suggestion=submitted).exists()
    assert Notification.objects.filter(user=city_staff, suggestion=target).exists()
    assert not Notification.objects.filter(user=staff, suggestion=target).exists()


def test_the_city_handles_the_transferred_suggestion_as_its_own(submitted, staff, city_session, city_staff):
    target = _transfer(submitted, staff).target
    registered = actions.suggestion_register(suggestion=target, actor=city_staff)
    assert registered.status == S.REGISTERED
    assert _actions_of(target) == [AuditLog.Action.TRANSFER_IN, AuditLog.Action.REGISTER]
    # The district's history is untouched by the city's work.
    assert _actions_of(submitted)[-1] == AuditLog.Action.TRANSFER
    client = Client()
    client.force_login(city_staff)
    html = client.get(reverse("staff:suggestion", args=[target.pk])).content.decode()
    assert "由花溪区人大转交" in html


def test_the_delegate_sees_where_it_went_and_its_status_there(submitted, staff, delegate, city_session, city_staff):
    target = _transfer(submitted, staff).target
    client = Client()
    client.force_login(delegate.user)
    page = client.get(reverse("delegates:suggestion", args=[submitted.pk])).content.decode()
    where = reverse("congresses:transferred", args=[submitted.pk])
    assert where in page
    assert "已转交贵阳市人大" in page  # the timeline row
    response = client.get(where)
    assert response.status_code == 200
    assert 'data-target-status="submitted"' in response.content.decode()
    actions.suggestion_register(suggestion=target, actor=city_staff)
    html = client.get(where).content.decode()
    assert 'data-target-status="registered"' in html and "贵阳市人大" in html


def test_only_its_delegates_and_the_staff_who_passed_it_see_the_transfer(
    submitted, staff, other_delegate, clerk, city_session, city_staff
):
    _transfer(submitted, staff)
    where = reverse("congresses:transferred", args=[submitted.pk])
    for user, expected in ((staff, 200), (other_delegate.user, 404), (clerk, 404), (city_staff, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(where).status_code == expected, user


def test_who_may_transfer_and_when(submitted, assigned, staff, delegate, city_session, city_staff):
    assert policy.may(staff, Action.TRANSFER, submitted)
    assert not policy.may(delegate.user, Action.TRANSFER, submitted)
    # The city's staff may not act on the district's suggestion (the congress guard), nor may anyone
    # transfer once an office of the district works on it.
    assert not policy.may(city_staff, Action.TRANSFER, submitted)
    decision = policy.may(staff, Action.TRANSFER, assigned)
    assert not decision and decision.kind == policy.STATE
    with pytest.raises(actions.TransitionNotAllowed):
        _transfer(assigned, staff)
    with pytest.raises(actions.NotPermitted):
        _transfer(submitted, city_staff)
    assert not Transfer.objects.exists()


def test_a_congress_without_one_above_cannot_transfer(submitted, staff):
    decision = policy.may(staff, Action.TRANSFER, submitted)
    assert not decision and "上级" in decision.reason
    with pytest.raises(actions.NotPermitted):
        _transfer(submitted, staff)


def test_without_a_current_session_above_nothing_is_half_saved(submitted, staff, city):
    with pytest.raises(actions.InvalidInput):
        _transfer(submitted, staff)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not Suggestion.objects.filter(congress=city).exists()
    assert not Transfer.objects.exists()


def test_the_category_is_mapped_by_name_or_asked(submitted, staff, city_session):
    city = city_session.congress
    Category.objects.filter(congress=city, name=submitted.category.name).update(name="城乡规划建设")
    with pytest.raises(actions.InvalidInput):
        _transfer(submitted, staff)
    with pytest.raises(actions.InvalidInput):  # a category of the district is not the city's
        _transfer(submitted, staff, category=submitted.category)
    chosen = Category.objects.get(congress=city, name="城乡规划建设")
    assert _transfer(submitted, staff, category=chosen).target.category == chosen


def test_the_transfer_page(submitted, staff, city_session):
    client = Client()
    client.force_login(staff)
    detail = client.get(reverse("staff:suggestion", args=[submitted.pk])).content.decode()
    url = reverse("congresses:transfer", args=[submitted.pk])
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not Transfer.objects.exists()
    response = client.post(url, {"reason": "属市政府职权范围。"})
    assert response.status_code == 302
    assert response["Location"] == reverse("congresses:transferred", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == S.TRANSFERRED
    # Once transferred the page is not offered any more, and asking again changes nothing.
    detail = client.get(reverse("staff:suggestion", args=[submitted.pk])).content.decode()
    assert url not in detail
    assert client.post(url, {"reason": "再转一次。"}).status_code == 302
    assert Transfer.objects.count() == 1


def test_nobody_outside_the_staff_of_its_congress_opens_the_transfer_page(
    submitted, delegate, city_session, city_staff
):
    url = reverse("congresses:transfer", args=[submitted.pk])
    client = Client()
    client.force_login(delegate.user)
    assert client.get(url).status_code == 403
    client.force_login(city_staff)
    assert client.get(url).status_code == 404


def test_the_city_lists_transfers_received_and_the_district_those_sent(submitted, staff, city_session, city_staff):
    record = _transfer(submitted, staff)
    client = Client()
    client.force_login(city_staff)
    html = client.get(reverse("congresses:transfers")).content.decode()
    assert reverse("staff:suggestion", args=[record.target_id]) in html and "花溪区人大" in html
    client.force_login(staff)
    html = client.get(reverse("congresses:transfers")).content.decode()
    assert reverse("congresses:transferred", args=[submitted.pk]) in html
