"""The similar-suggestion hint: a real similarity over every session, measured on a labelled set."""

import datetime
from collections import Counter

import pytest

from suggestions.models import Suggestion
from suggestions.queries import similar, similar_terms
from tests import factories

from .similar_cases import CASES, PARTIAL_TITLES

pytestmark = pytest.mark.django_db
S = Suggestion.Status
STATUSES = [S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.CLOSED]


@pytest.fixture
def labelled(delegate):
    """The 60 labelled suggestions, spread over three sessions and the registered-or-later statuses."""
    term = factories.TermFactory()
    sessions = [
        factories.SessionFactory(term=term, number=n, start_date=datetime.date(2023 + n, 1, 5), is_current=n == 3)
        for n in (1, 2, 3)
    ]
    category = factories.CategoryFactory()
    topic_of = {}
    i = 0
    for topic, items in CASES.items():
        for title, body in items:
            s = Suggestion.objects.create(
                session=sessions[i % 3],
                title=title,
                body=body,
                category=category,
                lead_delegate=delegate,
                status=STATUSES[i % len(STATUSES)],
            )
            topic_of[s.pk] = topic
            i += 1
    return topic_of


def _find(title, body="", **kwargs):
    """``similar.find`` over the labelled set, which is the first congress's."""
    from congresses.models import first_congress

    return similar.find(_pool(), title, body, congress_id=first_congress().pk, **kwargs)


def _pool():
    return Suggestion.objects.filter(status__in=similar.HINT_STATUSES)


def _measure(topic_of, method, *, with_body=True):
    recalls, worst = [], []
    for s in Suggestion.objects.filter(pk__in=topic_of):
        hits = _find(s.title, s.body if with_body else "", exclude_pk=s.pk, method=method)
        ids = [h.suggestion.pk for h in hits]
        same = sum(topic_of[p] == topic_of[s.pk] for p in ids[:10])
        recalls.append(same / 5)
        worst.append((sum(topic_of[p] != topic_of[s.pk] for p in ids[:5]), s.title))
    return sum(recalls) / len(recalls), worst


def _exact_statistics(monkeypatch, topic_of):
    """The index path with each bigram's true share: ANALYZE keeps none for bigrams this rare."""
    shares = Counter()
    rows = Suggestion.objects.filter(pk__in=topic_of)
    for s in rows:
        shares.update(set(similar_terms.terms(s.title)) | set(similar_terms.terms(s.body)))
    total = len(rows)
    frequencies = {t: n / total for t, n in shares.items()}
    monkeypatch.setattr(similar, "table_statistics", lambda connection: (total, frequencies, 0.5 / total))


@pytest.mark.parametrize("method", ["exact", "index"])
def test_the_hint_finds_the_same_topic_across_sessions(labelled, method, monkeypatch):
    """Each suggestion (title and body, as staff review it) against the other 59: issue #16's bar,
    recall@10 >= 0.8 and, for every query, at most two unrelated items in the top 5.

    Measured: recall@10 1.00 (exact) / 0.98 (index); unrelated in the top 5 0.32 / 0.47 on average,
    none with more than two. Before the thesaurus (bigrams and characters only): 0.90 / 0.85, 1.50 /
    1.72, and 10 / 11 queries with three or more."""
    if method == "index":
        _exact_statistics(monkeypatch, labelled)
    recall, unrelated = _measure(labelled, method)
    over = [title for n, title in unrelated if n > 2]
    mean = sum(n for n, _t in unrelated) / len(unrelated)
    print(f"\n{method}: recall@10 {recall:.3f}; unrelated in top 5: mean {mean:.2f}, over two for {len(over)}")
    assert recall >= 0.8
    assert over == []


@pytest.mark.parametrize("method", ["exact", "index"])
def test_without_the_thesaurus_neighbouring_topics_crowd_the_top_five(labelled, method, monkeypatch):
    """Words alone (bigrams and characters, no concepts) do not meet the bar: the thesaurus is what does."""
    if method == "index":
        _exact_statistics(monkeypatch, labelled)
    monkeypatch.setattr(similar, "concepts", lambda text: [])
    recall, unrelated = _measure(labelled, method)
    assert len([n for n, _t in unrelated if n > 2]) >= 5


@pytest.mark.parametrize("method", ["exact", "index"])
def test_titles_alone_find_the_topic(labelled, method, monkeypatch):
    """As a delegate types only a title: the issue's recall bar too (measured 0.997 exact / 0.927 index;
    0.77 / 0.56 before the thesaurus: a title has few words, and its synonyms find the rest)."""
    if method == "index":
        _exact_statistics(monkeypatch, labelled)
    recall, unrelated = _measure(labelled, method, with_body=False)
    print(f"\n{method}, titles only: recall@10 {recall:.3f}")
    assert recall >= 0.8


@pytest.mark.parametrize(("typed", "topic"), PARTIAL_TITLES)
def test_a_partial_title_brings_up_its_topic_first(labelled, typed, topic):
    hits = _find(typed)
    assert hits
    assert labelled[hits[0].suggestion.pk] == topic
    assert sum(labelled[h.suggestion.pk] == topic for h in hits[:3]) >= 2


def test_up_to_ten_results_best_first(labelled):
    hits = _find("关于缓解老城区停车难的建议", "停车位不足，车辆乱停放。")
    assert 5 <= len(hits) <= 10
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("typed", ["", "停", "关于", "建议", "关于加快推进的建议", "，。！"])
def test_nothing_for_less_than_two_characters_or_boilerplate_only(labelled, typed):
    assert _find(typed) == []


def test_stop_words_weigh_nothing():
    assert similar_terms.terms("关于加快推进进一步的建议") == []
    assert similar_terms.terms("关于加快推进老旧小区改造的建议") == ["老旧", "旧小", "小区"]


def test_characters_are_scored_but_do_not_retrieve():
    assert similar_terms.terms("老人食堂") == ["老人", "人食", "食堂"]
    assert similar_terms.features("老人食堂") == ["老人", "人食", "食堂", "老", "人", "食", "堂"]


def test_a_characters_share_is_estimated_from_its_bigrams():
    shares = similar.character_shares({"老人": 0.5, "养老": 0.5, "车位": 0.1})
    assert shares["老"] == pytest.approx(0.75)  # in either bigram, taken as independent
    assert shares["车"] == pytest.approx(0.1)
    assert "猫" not in shares


def test_width_forms_are_one_term():
    assert similar_terms.terms("ＰＭ２.５治理") == similar_terms.terms("PM2.5治理")


def test_the_index_path_never_scores_every_row(labelled, monkeypatch, django_assert_max_num_queries):
    _exact_statistics(monkeypatch, labelled)
    monkeypatch.setattr(similar, "CANDIDATE_CAP", 7)
    monkeypatch.setattr(similar, "FEEDBACK_CAP", 4)
    scored = []
    original = similar._score
    monkeypatch.setattr(similar, "_score", lambda rows, *a: scored.append(len(rows)) or original(rows, *a))
    with django_assert_max_num_queries(similar.RETRIEVAL_TERMS + similar.FEEDBACK_TERMS + 2):
        hits = _find("关于缓解老城区停车难的建议", "停车位不足。", method="index")
    assert hits and scored[0] <= 7 + 4  # two capped rounds, not the 59 others


def test_the_thesaurus_names_one_subject_in_other_words():
    parking = [similar_terms.concepts(text) for text in ("停车难", "泊位供给", "立体车库", "乱停乱放")]
    assert all("#parking" in found for found in parking)
    assert all("#lifts" in similar_terms.concepts(text) for text in ("加装电梯", "加梯审批", "爬楼辅助"))
    assert "#^transport" in similar_terms.concepts("泊位")  # its broader subject
    assert similar_terms.concepts("关于加快推进的建议") == []


def test_the_longest_thesaurus_word_is_read():
    assert similar_terms.concepts("养老保险") == ["#social_security", "#^health_care"]  # not 养老, elderly care
    assert "#traffic" not in similar_terms.concepts("公共交通")  # buses, not 交通


def test_the_thesaurus_covers_what_delegates_write_about():
    from suggestions.queries.similar_thesaurus import BROADER, CONCEPTS

    assert len(CONCEPTS) >= 40
    for concept, words in CONCEPTS.items():
        assert len(words.split()) >= 5, concept
        assert all(len(word) >= 2 for word in words.split()), concept
    assert {c for narrow in BROADER.values() for c in narrow.split()} <= set(CONCEPTS)


def test_a_concepts_share_lies_between_its_commonest_word_and_all_its_words_taken_as_independent():
    frequencies = {"电梯": 0.04, "加梯": 0.01, "爬楼": 0.01}
    share = similar.concept_shares(frequencies, 0.0001)["#lifts"]
    assert 0.04 < share < 1 - 0.96 * 0.99 * 0.99
