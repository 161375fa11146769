"""Staff review submitted suggestions: register, return, not register, merge."""

import pytest
from django.urls import reverse

from suggestions import actions
from suggestions.models import CoSigner, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def _submit(session, delegate, title="关于改善花溪大道交通拥堵的建议", body=None):
    extra = {"body": body} if body else {}
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, **extra)
    return actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)


def test_the_inbox_lists_submitted_suggestions_only(client, staff, submitted, session, other_delegate):
    factories.SuggestionFactory(session=session, lead_delegate=other_delegate, title="一份草稿")
    client.force_login(staff)
    content = client.get(reverse("staff:inbox")).content.decode()
    assert submitted.title in content
    assert "一份草稿" not in content


def test_the_review_page_proposes_the_next_number_in_the_series(client, staff, submitted, session, other_delegate):
    earlier = _submit(session, other_delegate, "关于增设公交站点的建议")
    actions.suggestion_register(suggestion=earlier, actor=staff, number=41)
    client.force_login(staff)
    response = client.get(reverse("staff:review", args=[submitted.pk]))
    assert response.status_code == 200
    assert response.context["register_form"].initial["number"] == 42
    assert 'value="42"' in response.content.decode()


def test_registering_with_an_edited_number_fixes_it_and_opens_the_next_in_the_queue(
    client, staff, submitted, session, other_delegate
):
    following = _submit(session, other_delegate, "关于修缮老旧小区的建议")
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[submitted.pk]), {"action": "register", "register-number": "88"}
    )
    assert response.status_code == 302
    assert response.url == reverse("staff:review", args=[following.pk])
    submitted.refresh_from_db()
    assert submitted.status == S.REGISTERED and submitted.number == 88


def test_a_number_already_taken_is_shown_beside_the_form_and_nothing_changes(
    client, staff, submitted, session, other_delegate
):
    other = _submit(session, other_delegate, "关于增设公交站点的建议")
    actions.suggestion_register(suggestion=other, actor=staff, number=5)
    client.force_login(staff)
    response = client.post(reverse("staff:review", args=[submitted.pk]), {"action": "register", "register-number": "5"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "编号5已被使用" in content
    assert 'value="5"' in content  # what staff typed is kept
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.number is None


def test_a_decision_that_goes_through_does_not_look_for_similar_suggestions(
    client, staff, submitted, session, other_delegate, monkeypatch
):
    """The hint is the heaviest part of the page (the load test's review page): a register that redirects
    never draws it; one refused beside the form still shows it."""
    from suggestions.web.staff import review

    calls = []
    found = review.similar_for_review
    monkeypatch.setattr(review, "similar_for_review", lambda *args: calls.append(args) or found(*args))
    other = _submit(session, other_delegate, "关于增设公交站点的建议")
    client.force_login(staff)
    response = client.post(reverse("staff:review", args=[submitted.pk]), {"action": "register", "register-number": "7"})
    assert response.status_code == 302 and calls == []
    response = client.post(reverse("staff:review", args=[other.pk]), {"action": "register", "register-number": "7"})
    assert response.status_code == 400 and len(calls) == 1
    assert "similar" in response.context


def test_a_number_that_is_not_a_positive_integer_is_refused_in_chinese(client, staff, submitted):
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[submitted.pk]), {"action": "register", "register-number": "-3"}
    )
    assert response.status_code == 400
    assert response.context["register_form"].errors["number"]
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_returning_for_revision_needs_a_reason_and_keeps_it(client, staff, submitted):
    client.force_login(staff)
    url = reverse("staff:review", args=[submitted.pk])
    response = client.post(url, {"action": "return", "return-reason": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or response.context["return_form"].errors
    response = client.post(url, {"action": "return", "return-reason": "请补充具体路段。"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED and submitted.status_reason == "请补充具体路段。"


def test_not_registering_with_a_standard_reason(client, staff, submitted):
    reason = actions.not_registered_reasons()[0]
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[submitted.pk]), {"action": "reject", "reject-reason_choice": reason}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.NOT_REGISTERED and submitted.status_reason == reason


def test_not_registering_with_a_custom_reason_requires_the_text(client, staff, submitted):
    client.force_login(staff)
    url = reverse("staff:review", args=[submitted.pk])
    response = client.post(url, {"action": "reject", "reject-reason_choice": "__other__"})
    assert response.status_code == 400
    assert "请填写不予立案的理由" in response.content.decode()
    response = client.post(
        url, {"action": "reject", "reject-reason_choice": "__other__", "reject-custom_reason": "与上届建议重复"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.NOT_REGISTERED and submitted.status_reason == "与上届建议重复"


def test_an_unknown_standard_reason_is_refused(client, staff, submitted):
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[submitted.pk]), {"action": "reject", "reject-reason_choice": "<script>x</script>"}
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_similar_suggestions_are_listed_beside_the_one_under_review(client, staff, session, delegate, other_delegate):
    under_review = _submit(session, delegate, "关于改善花溪大道交通拥堵的建议", "早晚高峰花溪大道车辆排长队。")
    _submit(session, other_delegate, "关于缓解花溪大道交通拥堵的建议", "花溪大道上下班时段堵车严重。")
    _submit(session, other_delegate, "关于发展乡村旅游的建议", "村寨有发展民宿的条件。")
    client.force_login(staff)
    response = client.get(reverse("staff:review", args=[under_review.pk]))
    titles = [s.title for s in response.context["similar"]]
    assert titles == ["关于缓解花溪大道交通拥堵的建议"]


def test_the_review_lists_answered_suggestions_of_earlier_sessions_with_their_outcome(
    client, staff, session, delegate, other_delegate, office
):
    earlier = factories.SessionFactory(number=4, is_current=False, start_date=session.start_date.replace(year=2025))
    old = _submit(earlier, other_delegate, "关于花溪大道交通拥堵治理的建议", "花溪大道高峰时段拥堵。")
    actions.suggestion_register(suggestion=old, actor=staff)
    actions.suggestion_assign(suggestion=old, actor=staff, lead_office=office)
    registered_elsewhere = Suggestion.objects.get(pk=old.pk)
    under_review = _submit(session, delegate, "关于改善花溪大道交通拥堵的建议", "早晚高峰花溪大道车辆排长队。")
    client.force_login(staff)
    response = client.get(reverse("staff:review", args=[under_review.pk]))
    similar_ones = response.context["similar"]
    assert [s.pk for s in similar_ones] == [registered_elsewhere.pk]
    assert not similar_ones[0].merge_target  # 并案 stays within the session
    content = response.content.decode()
    assert earlier.name in content and "本件并入此件" not in content


def test_merging_a_similar_suggestion_into_the_one_under_review(client, staff, session, delegate, other_delegate):
    target = _submit(session, delegate, "关于改善花溪大道交通拥堵的建议")
    source = _submit(session, other_delegate, "关于缓解花溪大道交通拥堵的建议")
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[target.pk]),
        {"action": "merge", "merge-sources": [source.pk], "merge-note": "同一事项"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == S.MERGED and source.merged_into_id == target.pk
    assert CoSigner.objects.filter(suggestion=target, delegate=other_delegate, status="confirmed").exists()


def test_merging_the_one_under_review_into_a_registered_similar_one(client, staff, session, delegate, other_delegate):
    target = _submit(session, other_delegate, "关于缓解花溪大道交通拥堵的建议")
    actions.suggestion_register(suggestion=target, actor=staff)
    under_review = _submit(session, delegate, "关于改善花溪大道交通拥堵的建议")
    client.force_login(staff)
    response = client.post(
        reverse("staff:review", args=[under_review.pk]), {"action": "merge_into", "target": target.pk}
    )
    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == S.MERGED and under_review.merged_into_id == target.pk


def test_merging_needs_at_least_one_suggestion_ticked(client, staff, session, delegate, other_delegate):
    target = _submit(session, delegate, "关于改善花溪大道交通拥堵的建议")
    _submit(session, other_delegate, "关于缓解花溪大道交通拥堵的建议")
    client.force_login(staff)
    response = client.post(reverse("staff:review", args=[target.pk]), {"action": "merge"})
    assert response.status_code == 400
    assert "请选择至少一件要并入的建议" in response.content.decode()


def test_a_suggestion_already_handled_sends_staff_to_its_page(client, staff, registered):
    client.force_login(staff)
    response = client.get(reverse("staff:review", args=[registered.pk]))
    assert response.status_code == 302
    assert response.url == reverse("staff:suggestion", args=[registered.pk])


def test_bulk_registration_numbers_the_ticked_suggestions_in_order(client, staff, session, delegate, other_delegate):
    first = _submit(session, delegate, "关于甲的建议")
    second = _submit(session, other_delegate, "关于乙的建议")
    untouched = _submit(session, other_delegate, "关于丙的建议")
    client.force_login(staff)
    response = client.post(reverse("staff:inbox_bulk_register"), {"suggestions": [first.pk, second.pk]}, follow=True)
    assert "已立案2件" in response.content.decode()
    numbers = dict(Suggestion.objects.filter(pk__in=[first.pk, second.pk, untouched.pk]).values_list("pk", "number"))
    assert numbers == {first.pk: 1, second.pk: 2, untouched.pk: None}


def test_the_inbox_holds_a_fixed_query_count(client, staff, session, delegate, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    _submit(session, delegate, "关于甲的建议")
    _submit(session, delegate, "关于乙的建议")
    client.get(reverse("staff:inbox"))  # warm what is read once and kept (the calendar, the navigation's counts)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:inbox"))
    for n in range(12):
        _submit(session, delegate, f"关于第{n}件事的建议")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("staff:inbox"))
    assert len(response.context["submitted"]) == 14
