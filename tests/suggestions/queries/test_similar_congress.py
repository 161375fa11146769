"""Similar-suggestion hints per congress: a delegate typing a title, and staff reviewing a suggestion, are shown
their own congress's suggestions only, however alike another congress's are."""

import pytest

from suggestions.queries import similar
from suggestions.queries.delegate_selectors import similar_for_delegate
from suggestions.queries.staff_selectors import similar_for_staff
from tests.congress_worlds import carry, world

TITLE = "关于加快老旧小区改造的建议"


@pytest.fixture
def two(db):
    a, b = world("甲", first=True), world("乙")
    a.suggestion = carry(a, TITLE)
    b.suggestion = carry(b, TITLE)
    return a, b


def test_a_delegate_hint_names_only_suggestions_of_the_congress_acted_in(two):
    a, b = two
    assert [h["id"] for h in similar_for_delegate(b.delegate, "老旧小区改造")] == [b.suggestion.pk]
    assert [h["id"] for h in similar_for_delegate(a.delegate, "老旧小区改造")] == [a.suggestion.pk]


def test_staff_see_beside_a_suggestion_only_their_congress_similar_ones(two):
    a, b = two
    other_b = carry(b, "关于老旧小区加装电梯改造的建议")
    assert {s.pk for s in similar_for_staff(b.suggestion)} == {other_b.pk}
    assert a.suggestion.pk not in {s.pk for s in similar_for_staff(other_b)}


def test_find_without_a_congress_finds_nothing_and_with_one_only_its_own(two):
    from suggestions.models import Suggestion

    a, b = two
    pool = Suggestion.objects.all()
    assert similar.find(pool, TITLE, congress_id=None) == []
    hits = similar.find(pool, TITLE, congress_id=b.congress.pk)
    assert [h.suggestion.pk for h in hits] == [b.suggestion.pk]
