"""Similar suggestions: what a delegate sees while typing a title, and staff beside each one under review.

A text is scored on two kinds of features (``vector``):

* its *words*: every two-character piece of the width-folded, upper-cased text (``search.normalize``)
  inside a run of word characters, after administrative boilerplate (``STOP_WORDS``: 关于, 建议, 加快,
  推进, 进一步 …) has been cut out, so that 《关于加快推进老旧小区改造的建议》 is about 老旧, 旧小, 小区;
  and each of their characters, weighing ``UNIGRAM_WEIGHT`` of a bigram (老人 / 老年人 / 养老). Chinese
  has no spaces; overlapping bigrams find the words of a text without a dictionary, and the bigram
  index the search already keeps (``search_bigrams``) finds candidates by them.
* its *concepts*: the subjects of a civic-domain thesaurus (``similar_thesaurus``, about sixty
  concepts from roads and parking to pensions and the business environment, each with the words
  delegates use for it, and a dozen broader subjects) its words name (``similar_terms.concepts``).
  Suggestions on one subject are written in different words — 停车难 / 泊位供给 / 立体车库, 加装电梯 /
  爬楼 — that share no piece; they share a concept. A broader subject (``#^water`` for 污水 and
  饮用水) weighs ``BROADER_WEIGHT`` of a concept.

Each feature weighs by how rare it is: ``idf = ln(1 + (N - df + .5) / (df + .5))`` over N
suggestions, df of them holding it; a text's feature ``(1 + ln tf) × idf``, a title feature counting
``TITLE_WEIGHT`` times (the body's first ``BODY_CHARS`` characters count). The words and the
concepts are each a unit vector, scaled so that the score of two texts is ``(1 - CONCEPT_SHARE)`` ×
their word cosine + ``CONCEPT_SHARE`` × their concept cosine: a long text's many words do not
drown its few concepts. A candidate scores that with the query plus ``FEEDBACK_WEIGHT`` × its mean
with the query's ``FEEDBACK`` best matches other than itself (``_score``, pseudo-relevance
feedback). A hit scores at least ``MIN_SHARE`` of the best.

Measured on a labelled set of 60 suggestions in 10 topics (``tests/suggestions/queries/test_similar.py``),
title and body: recall@10 1.00 (exact path) / 0.98 (index path), unrelated items in the top 5
0.32 / 0.47 on average and never more than two (issue #16's bar); titles alone, recall@10 0.997 / 0.927.
Words alone (before the thesaurus): 0.90 / 0.85, with 10 / 11 queries having three or more
unrelated items in their top 5, and no cut of low scores reached the bar (related and unrelated
items of neighbouring topics score alike on words). Words cut by ``jieba`` did no better than
bigrams (and load a 100 MB dictionary into every worker); a separate title-to-title cosine was worse.

Where the candidates come from:

* small data (SQLite, or PostgreSQL below ``INDEX_FROM`` suggestions): every suggestion of the
  pool is scored and df is counted exactly;
* PostgreSQL at scale: df comes from PostgreSQL's own statistics of ``search_bigrams`` (the
  frequencies ANALYZE keeps, migration 0009; a character's is estimated from its bigrams',
  ``character_shares``); only bigrams (and thesaurus words) retrieve; the ``RETRIEVAL_TERMS`` heaviest query terms
  held by at most ``RETRIEVAL_SHARE`` of the suggestions (or ``RETRIEVAL_ROWS``) each fetch at most ``PER_TERM_CAP`` suggestions through the bigram index, the
  ``CANDIDATE_CAP`` best by the weight of the terms that found them are read and scored; the
  widened query's ``FEEDBACK_TERMS`` new terms fetch a second round of at most ``FEEDBACK_CAP``.
  The query's ``SYNONYM_CONCEPTS`` heaviest concepts retrieve too, each by its ``SYNONYM_TERMS``
  commonest rare-enough thesaurus words the query lacks, ``SYNONYM_CAP`` suggestions each
  (``synonyms``: 车位, 泊位 for 停车难; 照明设施 for 路灯不亮); a concept's df is estimated from
  its words' bigrams (``similar_terms.concept_shares``).
  No query scores every row.

Who sees what (``text_for``): staff, and a delegate for their own suggestions, are matched on
title and body; another delegate's published suggestion on its public version
(``public_view_of``, the one place to point at reviewed public versions); another's registered
but unpublished one on its title only, which is all that is shown of it.
"""

import math
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models.functions import Substr

from suggestions.models import Reply, Suggestion
from suggestions.queries.similar_retrieval import (  # noqa: F401 (_on_the_index, _statistics: read by tests, bench)
    CANDIDATE_CAP,
    PER_TERM_CAP,
    _candidates,
    _on_the_index,
    _statistics,
    _within_budget,
    character_shares,
    table_statistics,
)
from suggestions.queries.similar_terms import (
    BROADER_PREFIX,
    CONCEPT_PREFIX,
    CONCEPT_WORDS,
    concept_shares,
    concepts,
    features,
    fold,
    rarest_piece,
    terms,
    word_characters,
    word_share,
)

S = Suggestion.Status
# Registered or later: what the hint looks through (never a draft, an unreviewed, returned or refused one).
HINT_STATUSES = (S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED)


TITLE_WEIGHT = 2
BODY_CHARS = 600
# What is read of a candidate's body: its opening states the matter (and bounds the scoring time).
CANDIDATE_BODY_CHARS = 400
FEEDBACK = 2
FEEDBACK_WEIGHT = 0.75
MIN_SHARE = 0.03
UNIGRAM_WEIGHT = 0.75
CONCEPT_SHARE = 0.5
BROADER_WEIGHT = 0.5
LIMIT = 10
EXACT_LIMIT = 5000
# PostgreSQL takes the index path from this many suggestions (with statistics): the exact path costs about 1 ms of
# CPU per suggestion scored (1.8 s at 1,858 on the load test's data, against 0.07 s on the index path), paid by every
# staff review page and delegate hint. SQLite has no index path and scores up to ``EXACT_LIMIT``.
INDEX_FROM = 200
RETRIEVAL_TERMS = 16
RETRIEVAL_SHARE = 0.02
RETRIEVAL_ROWS = 1000  # a term in fewer suggestions than this is always rare enough
FEEDBACK_TERMS = 6
SYNONYM_CONCEPTS = 3
SYNONYM_TERMS = 2
SYNONYM_CAP = 50  # rows a synonym fetches: any of them will do, and each costs a heap read
SYNONYM_COMMON_SHARE = 0.1  # a word in more suggestions than this never retrieves (PostgreSQL would read them all)
# Estimated index entries a round of retrieval reads (the terms' lists, rarest first): at 100k about what a
# staff review's terms hold; at a million it keeps the hint's SQL from growing with the data.
POSTING_BUDGET = 20_000
FEEDBACK_BUDGET = 10_000
FEEDBACK_CAP = 25
MIN_QUERY_CHARS = 2


class _Memo(dict):
    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value

    # A hit is a plain dict lookup (C); only a miss runs Python (``__missing__``).
    get = dict.__getitem__


# 1 + ln tf, of a count (a dict hit is a C lookup; a count first seen is computed once).
_TF = _Memo(lambda n: 1.0 + math.log(n) if n else 0.0)


def idf(df, total):
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


@dataclass
class Hit:
    suggestion: object
    score: float  # relative only: orders the hits of one query (0..2)


def vector(title, body, idfs):
    """The tf-idf vector of a text: feature -> (1 + ln tf) × idf, a title feature counting ``TITLE_WEIGHT`` times.

    Its words (bigrams and characters) and its concepts are each scaled to a unit vector, then to
    √(1 − ``CONCEPT_SHARE``) and √``CONCEPT_SHARE``: the dot product of two texts is the mix of their
    word cosine and their concept cosine, however many words each has.
    """
    # Folded once here: ``features`` and ``concepts`` find the texts folded already.
    head, title = fold((body or "")[:BODY_CHARS]), fold(title)
    counts = Counter(features(head))
    for term in features(title):
        counts[term] += TITLE_WEIGHT
    subjects = Counter(concepts(head))
    for concept in concepts(title):
        subjects[concept] += TITLE_WEIGHT
    found = _unit(counts, _Weights.of(idfs), math.sqrt(1.0 - CONCEPT_SHARE))
    found.update(_unit(subjects, _Weights.of(idfs), math.sqrt(CONCEPT_SHARE)))
    return found


def _unit(counts, weights, length):
    """{feature: (1 + ln tf) × its weight}, scaled to ``length``: the loops run in C (``map``), not per term."""
    keys = list(counts)
    values = list(map(operator.mul, map(_TF.__getitem__, counts.values()), map(weights.__getitem__, keys)))
    norm = math.sqrt(sum(map(operator.mul, values, values)))
    if not norm:
        return {}
    scaled = dict(zip(keys, map((length / norm).__mul__, values), strict=True))
    if 0.0 in scaled.values():
        scaled = {t: w for t, w in scaled.items() if w}
    return scaled


class _Weights(dict):
    """A feature's weight beside its idf (``idfs``): a character's ``UNIGRAM_WEIGHT``, a broader subject's
    ``BROADER_WEIGHT``. One per ``idfs``, computed once per feature (``__missing__``), kept with it."""

    def __init__(self, idfs):
        super().__init__()
        self.idfs = idfs

    def __missing__(self, feature):
        if feature[0] == CONCEPT_PREFIX:
            kind = BROADER_WEIGHT if feature.startswith(BROADER_PREFIX) else 1.0
        else:
            kind = _KIND_WEIGHT[len(feature)]
        value = self[feature] = self.idfs(feature) * kind
        return value

    _of = {}  # id(idfs) -> (idfs, weights): the latest only

    @classmethod
    def of(cls, idfs):
        held = cls._of.get(id(idfs))
        if held is None or held[0] is not idfs:
            cls._of.clear()
            held = cls._of[id(idfs)] = (idfs, cls(idfs))
        return held[1]


def _kind(feature):
    return 0 if feature[0] == CONCEPT_PREFIX else len(feature)


_KIND_WEIGHT = {1: UNIGRAM_WEIGHT, 2: 1.0}


def visible_text(suggestion):
    """(title, body) a suggestion is matched on: all of it (staff, or the viewer's own)."""
    return suggestion.title, getattr(suggestion, "body_head", "") or ""


@dataclass
class PublicView:
    title: str
    body: str


def is_public(suggestion):
    """Published and shown on the public pages (``selectors.public_suggestions``)."""
    from suggestions.queries.selectors import PUBLIC_EXCLUDED

    return suggestion.is_published and suggestion.status not in PUBLIC_EXCLUDED


def public_view_of(suggestion):
    """What anyone may read of a published suggestion: the one place the hint takes it from.

    The reviewed public versions of the title and body (personal data masked, migration 0014),
    never the text as the delegate wrote it: the hint shows and matches only them.
    """
    return PublicView(suggestion.public_title or "", getattr(suggestion, "public_body_head", "") or "")


def text_for(own_ids):
    """``text_of`` for a delegate: their own suggestions in full, another's published one as
    ``public_view_of`` gives it, another's unpublished one by its title only (all that is shown)."""

    def text_of(suggestion):
        if suggestion.pk in own_ids:
            return visible_text(suggestion)
        if is_public(suggestion):
            view = public_view_of(suggestion)
            return view.title, view.body
        return suggestion.title, ""

    # Own ids that are found out per batch of candidates (``delegate_selectors._OwnAmong``) are asked first.
    text_of.prepare = getattr(own_ids, "prepare", None)
    return text_of


def _prepare(text_of, rows):
    prepare = getattr(text_of, "prepare", None)
    if prepare is not None:
        prepare(rows)
    return rows


def latest_outcomes(suggestions, *, shown=None):
    """``{suggestion id: name of the latest result class}`` of submitted replies (``shown(reply)`` may skip some)."""
    outcomes = {}
    replies = (
        Reply.objects.filter(suggestion__in=suggestions, status=Reply.Status.SUBMITTED, result_class__isnull=False)
        .select_related("result_class", "round")
        .order_by("round__number", "submitted_at", "id")
    )
    for reply in replies:
        if shown is None or shown(reply):
            outcomes[reply.suggestion_id] = str(reply.result_class)
    return outcomes


def find(pool, title, body="", *, congress_id, exclude_pk=None, limit=LIMIT, text_of=visible_text, method=None):
    """The suggestions of ``pool`` most similar to ``title`` (and ``body``), best first, as ``Hit``.

    ``pool`` scopes the candidates (statuses, session) and ``congress_id`` the congress they belong to: a hint
    never names another congress's suggestion (``None``: nothing). ``text_of(suggestion)`` gives the
    (title, body) a candidate may be matched on for this viewer. ``method`` forces "exact" or
    "index" (tests); by default the index is used on PostgreSQL at scale.
    """
    if congress_id is None:
        return []
    if len(word_characters(title)) < MIN_QUERY_CHARS and not body:
        return []
    if not terms(title) and not terms(body):
        return []
    pool = pool.filter(congress_id=congress_id)
    if exclude_pk:
        pool = pool.exclude(pk=exclude_pk)
    pool = pool.annotate(
        body_head=Substr("body", 1, CANDIDATE_BODY_CHARS),
        public_body_head=Substr("public_body", 1, CANDIDATE_BODY_CHARS),
    ).defer("body", "public_body")
    connection = connections[pool.db]
    if method is None:
        method = "index" if _large(connection) else "exact"
    if method == "index":
        return _find_indexed(pool, title, body, connection, limit, text_of)
    return _find_exact(pool, title, body, limit, text_of)


def _find_exact(pool, title, body, limit, text_of):
    rows = _prepare(text_of, list(pool.order_by("-pk")[:EXACT_LIMIT]))
    texts = [text_of(s) for s in rows]
    df = Counter()
    for t, b in texts:
        head = (b or "")[:BODY_CHARS]
        df.update(set(features(t)) | set(features(head)) | set(concepts(t)) | set(concepts(head)))
    total = len(rows)
    idfs = _Memo(lambda term: idf(df.get(term, 0), total)).get
    return _rank(rows, texts, vector(title, body, idfs), idfs, limit)


def _find_indexed(pool, title, body, connection, limit, text_of):
    total, frequencies, floor = table_statistics(connection)
    idfs = _index_idfs(total, frequencies, floor)
    query = vector(title, body, idfs)
    title_terms = set(terms(title))
    # Heaviest first, the title's before the body's; a term no other suggestion holds finds nothing. A term the
    # statistics do not list retrieves (its list is short, so it costs little): it may be one that was unique when
    # they were read and that suggestions filed since share — at a million the floor is below one suggestion.
    # Only bigrams retrieve (the index holds nothing else).
    useful = [t for t in query if len(t) == 2 and (t not in frequencies or frequencies[t] * total >= 2)]
    # A term in more than one suggestion in RETRIEVAL_SHARE picks nothing out: PostgreSQL would read
    # the table for it. Only if the query has nothing rarer does its rarest term fetch (fewer) rows.
    most = max(RETRIEVAL_SHARE * total, RETRIEVAL_ROWS)
    rare = [t for t in useful if frequencies.get(t, floor) * total <= most]
    if not rare and useful:
        rare = [min(useful, key=lambda t: frequencies.get(t, floor))]
    ranked = sorted(rare, key=lambda t: (t not in title_terms, -query[t], t))[:RETRIEVAL_TERMS]
    # The query's subjects find suggestions that name them in other words (车库, 泊位 for 停车难).
    also = {}  # a synonym's rarest bigram -> the weight of its concept in the query
    for word, concept in synonyms(query, ranked, frequencies, most / total, floor):
        piece = rarest_piece(word, frequencies)
        if piece not in ranked:
            also[piece] = max(also.get(piece, 0.0), query[concept])

    # What the index reads for a term is its whole list of suggestions (a bitmap of every one), however few rows
    # are kept: the rarest terms go first while their lists fit ``POSTING_BUDGET``, so that a round's reading is
    # bounded whatever the number of suggestions (at a million, a common word's list alone is 50,000 entries).
    def postings(t):
        return frequencies.get(t, floor) * total

    retrieval = _within_budget(ranked + [t for t in also if t not in ranked], postings, POSTING_BUDGET, keep=ranked[:1])
    rows = _candidates(
        pool,
        retrieval,
        {**also, **query},
        # A term kept beyond the budget (the query's own, every word of it common) fetches only what is scored:
        # its rows are any of tens of thousands, and each is a heap read.
        caps=[
            SYNONYM_CAP if t in also else CANDIDATE_CAP if postings(t) > POSTING_BUDGET else PER_TERM_CAP
            for t in retrieval
        ],
    )
    vectors = {s.pk: vector(*text_of(s), idfs) for s in _prepare(text_of, rows)}
    widened = _widen(query, [vectors[s.pk] for s in rows])
    # The subject's other words, brought in by the best matches, find candidates of their own.
    more = [
        t
        for t in sorted(widened, key=lambda t: (-widened[t], t))
        if t not in query and len(t) == 2 and frequencies.get(t, floor) * total <= most
    ][:FEEDBACK_TERMS]
    more = _within_budget(more, postings, FEEDBACK_BUDGET)
    for s in _prepare(text_of, _candidates(pool, more, widened, cap=FEEDBACK_CAP, seen=vectors)):
        rows.append(s)
        vectors[s.pk] = vector(*text_of(s), idfs)
    return _score(rows, [vectors[s.pk] for s in rows], query, limit)


_idfs = {}  # id of a statistics dict -> (that dict, its idfs)


def _index_idfs(total, frequencies, floor):
    """A feature's idf from the statistics (``table_statistics``), computed once per feature while they hold:
    the feature weights of every query in that time are worked out once (``_Weights.of``)."""
    held = _idfs.get(id(frequencies))
    if held and held[0] is frequencies:
        return held[1]
    characters = character_shares(frequencies)
    subjects = concept_shares(frequencies, floor)
    shares = {0: subjects, 1: characters, 2: frequencies}
    idfs = _Memo(lambda term: idf(shares[_kind(term)].get(term, floor) * total, total)).get
    _idfs.clear()
    _idfs[id(frequencies)] = (frequencies, idfs)
    return idfs


def synonyms(query, retrieving, frequencies, most, floor):
    """(word, concept) for the query's heaviest concepts, words that retrieve candidates: per concept, the
    ``SYNONYM_TERMS`` most used of its words the query does not hold, each held by at most a share
    ``most`` of the suggestions (a word's share is its rarest bigram's; a word ANALYZE did not list
    is as rare as ``floor``, and of those the thesaurus lists a concept's core words first)."""
    chosen = []
    held = set(retrieving)
    narrow = (t for t in query if _kind(t) == 0 and not t.startswith(BROADER_PREFIX))
    for concept in sorted(narrow, key=lambda t: (-query[t], t))[:SYNONYM_CONCEPTS]:
        words, common = [], []
        for word in CONCEPT_WORDS[concept]:
            share = word_share(word, frequencies)
            if word in held:
                continue
            if (share or floor) <= most:
                words.append((share or floor, word))
            elif share <= SYNONYM_COMMON_SHARE:
                common.append((share, word))
        words.sort(key=lambda pair: -pair[0])  # stable: the thesaurus order among equals
        if not any(share > floor for share, _word in words) and common:
            # None of its rare enough words is known to be used: its least common one that is (as ``_find_indexed``).
            words.insert(0, min(common))
        chosen += [(word, concept) for _share, word in words[:SYNONYM_TERMS]]
        held.update(word for word, _concept in chosen)
    return chosen


def _cosine(query, vec):
    # Only the shared terms count: the intersection of the keys and the products are taken in C, not term by term.
    small, large = (query, vec) if len(query) <= len(vec) else (vec, query)
    shared = list(filter(large.__contains__, small))
    return sum(map(operator.mul, map(small.__getitem__, shared), map(large.__getitem__, shared)))


def _widen(query, vectors):
    """The query widened by its ``FEEDBACK`` best matches (pseudo-relevance feedback): on the index
    path, where the second round of candidates comes from (scoring is ``_score``'s).

    Suggestions on one subject use different words: 泊位 and 车库 beside 停车. Once the best
    matches have brought those words in, the others that use them are found too.
    """
    first = sorted(((_cosine(query, v), i) for i, v in enumerate(vectors)), reverse=True)
    feedback = [vectors[i] for score, i in first[:FEEDBACK] if score > 0]
    widened = dict(query)
    for v in feedback:
        for term, w in v.items():
            widened[term] = widened.get(term, 0.0) + FEEDBACK_WEIGHT * w / len(feedback)
    norm = math.sqrt(sum(w * w for w in widened.values())) or 1.0
    return {t: w / norm for t, w in widened.items()}


def _rank(rows, texts, query, idfs, limit):
    if not rows or not query:
        return []
    vectors = [vector(t, b, idfs) for t, b in texts]
    return _score(rows, vectors, query, limit)


def _score(rows, vectors, query, limit):
    """Best first: the cosine with the query plus ``FEEDBACK_WEIGHT`` × the mean cosine with the
    query's ``FEEDBACK`` best matches *other than itself* (a best match scored against a query that
    holds its own words would always stay on top, right or wrong)."""
    first = [_cosine(query, v) for v in vectors]
    best = sorted(range(len(vectors)), key=lambda i: -first[i])[:FEEDBACK]
    best = [i for i in best if first[i] > 0]
    # The mean of the cosines with the best matches is the cosine with their mean: one product per candidate.
    mean = _mean([vectors[j] for j in best])
    scores = []
    for i, v in enumerate(vectors):
        if i in best:
            others = [vectors[j] for j in best if j != i]
            echo = _cosine(_mean(others), v) if others else 0.0
        else:
            echo = _cosine(mean, v) if best else 0.0
        scores.append(first[i] + FEEDBACK_WEIGHT * echo)
    hits = [Hit(s, score) for s, score in zip(rows, scores, strict=True) if score > 0]
    hits.sort(key=lambda h: (-h.score, -h.suggestion.pk))
    return [h for h in hits[:limit] if h.score >= MIN_SHARE * hits[0].score]


def _mean(vectors):
    total = defaultdict(float)
    for v in vectors:
        for term, w in v.items():
            total[term] += w
    return {t: w / len(vectors) for t, w in total.items()} if vectors else {}


def _large(connection):
    if connection.vendor != "postgresql":
        return False
    rows, frequencies, _floor = table_statistics(connection)
    return bool(frequencies) and rows > INDEX_FROM
