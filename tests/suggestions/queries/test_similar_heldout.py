"""The similar-suggestion hint on a held-out labelled set: ten other topics, written apart from its tuning.

``test_similar`` measures the hint on the set it is tuned on; this measures it the same way on
``similar_cases_heldout``, which nothing is tuned on, against issue #16's bar.
"""

import datetime
from collections import Counter

import pytest

from suggestions.models import Suggestion
from suggestions.queries import similar, similar_terms
from tests import factories

from .similar_cases_heldout import CASES

pytestmark = pytest.mark.django_db
S = Suggestion.Status
STATUSES = [S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.CLOSED]


@pytest.fixture
def heldout(delegate):
    """The 60 held-out suggestions, spread over three sessions and the registered-or-later statuses."""
    term = factories.TermFactory()
    sessions = [
        factories.SessionFactory(term=term, number=n, start_date=datetime.date(2023 + n, 1, 5), is_current=n == 3)
        for n in (1, 2, 3)
    ]
    category = factories.CategoryFactory()
    topic_of = {}
    items = [(topic, title, body) for topic, pairs in CASES.items() for title, body in pairs]
    for i, (topic, title, body) in enumerate(items):
        s = Suggestion.objects.create(
            session=sessions[i % 3],
            title=title,
            body=body,
            category=category,
            lead_delegate=delegate,
            status=STATUSES[i % len(STATUSES)],
        )
        topic_of[s.pk] = topic
    return topic_of


def _measure(topic_of, method, *, with_body=True):
    """recall@10 of the five others of each topic, and per query the unrelated items in its top 5."""
    from congresses.models import first_congress

    pool = Suggestion.objects.filter(status__in=similar.HINT_STATUSES)
    recalls, unrelated = [], []
    for s in Suggestion.objects.filter(pk__in=topic_of):
        body = s.body if with_body else ""
        hits = similar.find(pool, s.title, body, congress_id=first_congress().pk, exclude_pk=s.pk, method=method)
        topics = [topic_of[h.suggestion.pk] for h in hits]
        recalls.append(topics[:10].count(topic_of[s.pk]) / 5)
        unrelated.append((sum(t != topic_of[s.pk] for t in topics[:5]), s.title))
    return sum(recalls) / len(recalls), unrelated


def _exact_statistics(monkeypatch, topic_of):
    """The index path with each bigram's true share: ANALYZE keeps none for bigrams this rare."""
    shares = Counter()
    rows = Suggestion.objects.filter(pk__in=topic_of)
    for s in rows:
        shares.update(set(similar_terms.terms(s.title)) | set(similar_terms.terms(s.body)))
    total = len(rows)
    frequencies = {t: n / total for t, n in shares.items()}
    monkeypatch.setattr(similar, "table_statistics", lambda connection: (total, frequencies, 0.5 / total))


# Measured at the merge of the thesaurus (queries with 3+ unrelated items in the top 5, of 60).
# Before the thesaurus: recall@10 0.66 / 0.59, and 36 / 43 queries over two.
OVER_TWO_TODAY = {"exact": 7, "index": 9}


def _report(heldout, method, monkeypatch):
    if method == "index":
        _exact_statistics(monkeypatch, heldout)
    titles_recall, titles_unrelated = _measure(heldout, method, with_body=False)
    recall, unrelated = _measure(heldout, method)
    over = [title for n, title in unrelated if n > 2]
    mean = sum(n for n, _t in unrelated) / len(unrelated)
    print(
        f"\nheld-out, {method}: recall@10 {recall:.3f}; unrelated in top 5: mean {mean:.2f}, over two for "
        f"{len(over)} of {len(unrelated)}; titles only: recall@10 {titles_recall:.3f}, over two for "
        f"{sum(n > 2 for n, _t in titles_unrelated)}"
    )
    return recall, over


@pytest.mark.parametrize("method", ["exact", "index"])
def test_the_hint_generalises_to_topics_it_was_not_tuned_on(heldout, method, monkeypatch):
    """Each suggestion (title and body, as staff review it) against the other 59: the issue's recall bar
    holds on topics nobody tuned on (0.87 exact / 0.85 index), and no more queries crowd their top 5
    than at the thesaurus's merge."""
    recall, over = _report(heldout, method, monkeypatch)
    assert recall >= 0.8
    assert len(over) <= OVER_TWO_TODAY[method], over


@pytest.mark.xfail(
    strict=True,
    reason="Issue #16's top-5 bar on the held-out set, not met: 7 (exact) / 9 (index) of 60 queries have 3+ "
    "unrelated items in their top 5 (36 / 43 before the thesaurus); recall@10 0.87 / 0.85 meets its bar.",
)
@pytest.mark.parametrize("method", ["exact", "index"])
def test_the_hint_meets_the_issues_bar_on_the_heldout_set(heldout, method, monkeypatch):
    """Issue #16's bar exactly, on the held-out set: recall@10 >= 0.8 and no query over two."""
    recall, over = _report(heldout, method, monkeypatch)
    assert recall >= 0.8
    assert over == []
