"""The hint's retrieval on PostgreSQL (``similar._find_indexed``): which terms read the bigram index, one statement for
their capped lookups, planned on the index; PostgreSQL's statistics of the bigrams and the characters' shares from them."""

import time
from collections import defaultdict

from django.db import connections, transaction
from django.db.models import F, Value

from suggestions.queries import search

PER_TERM_CAP = 300
CANDIDATE_CAP = 50


def _within_budget(retrieval, postings, budget, *, keep=()):
    """The terms of ``retrieval`` whose index lists fit ``budget`` (estimated entries), rarest first, in their
    order; the terms of ``keep`` always and outside the budget (the query's first term: a query whose every word is
    common, 停车难 at a million, still finds something by its own words, and its synonyms still retrieve)."""
    chosen = [t for t in retrieval if t in keep]
    spent = 0.0
    for term in sorted(retrieval, key=postings):
        cost = postings(term)
        if term not in chosen and spent + cost <= budget:
            chosen.append(term)
            spent += cost
    return [t for t in retrieval if t in chosen]


_characters = {}  # id of a statistics dict -> (that dict, {character: estimated share})


def character_shares(frequencies):
    """{character: estimated share of suggestions holding it}, from the bigram shares PostgreSQL keeps.

    A suggestion holds a character if it holds any bigram with it; taking those bigrams as
    independent, the share is ``1 - Π(1 - share)`` over the listed bigrams that hold the character.
    A character in no listed bigram is as rare as an unlisted bigram. Computed once per statistics read.
    """
    cached = _characters.get(id(frequencies))
    if cached and cached[0] is frequencies:
        return cached[1]
    missing = defaultdict(lambda: 1.0)
    for bigram, share in frequencies.items():
        for character in set(bigram):
            missing[character] *= 1.0 - min(float(share), 0.999)
    shares = {character: 1.0 - rest for character, rest in missing.items()}
    _characters.clear()
    _characters[id(frequencies)] = (frequencies, shares)
    return shares


def _candidates(pool, retrieval, weights, cap=None, seen=(), caps=None):
    """Suggestions holding one of the ``retrieval`` terms (at most ``PER_TERM_CAP`` each, or ``caps``,
    through the bigram index), the ``CANDIDATE_CAP`` best by the weight of the terms that found them.

    Unordered: an ORDER BY would let PostgreSQL walk another index and test every row's bigrams."""
    found = defaultdict(float)
    if not retrieval:
        return []
    sql, params = _union(pool, retrieval, caps or [PER_TERM_CAP] * len(retrieval))
    found_rows = _on_the_index(connections[pool.db], sql, params)
    for pk, i in found_rows:
        if pk not in seen:
            found[pk] += weights[retrieval[i]]
    best = sorted(found, key=lambda pk: (-found[pk], -pk))[: cap or CANDIDATE_CAP]
    return list(pool.filter(pk__in=best).order_by()) if best else []


# The retrieval's planner settings: a capped lookup of a common bigram is read through the bigram index, never by
# walking the table (or another index) and testing each row's bigrams until the cap is met — PostgreSQL does not
# count the cost of reading each row's stored bigrams (kept apart, TOAST): at a million that walk took 187 ms
# (33,000 pages for 300 rows) where the bitmap of the index takes 20–30 ms.
_INDEX_ONLY = (("enable_seqscan", "off"), ("enable_indexscan", "off"))


def _on_the_index(connection, sql, params):
    """Rows of the retrieval statement, planned with ``_INDEX_ONLY`` for this statement alone (PostgreSQL)."""
    with connection.cursor() as cursor:  # plain rows: no per-value converters
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        with transaction.atomic(using=connection.alias):
            # Set for this transaction (or savepoint) and put back after: an outer transaction goes on as it was.
            names = [name for name, _value in _INDEX_ONLY]
            cursor.execute(
                "SELECT "
                + ", ".join(["current_setting(%s)"] * len(names))
                + ", "
                + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [*names, *(part for pair in _INDEX_ONLY for part in pair)],
            )
            before = cursor.fetchone()[: len(names)]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
                [part for pair in zip(names, before, strict=True) for part in pair],
            )
        return rows


# Stand-ins compiled into a lookup and replaced by each term and its index: a term no text holds (private-use
# characters have no other width), an index no list has.
_TERM, _INDEX = "\ue000\ue001", -1_000_003


def _lookup(pool, term, index, cap):
    query = (
        pool.filter(search.BigramMatch(F("title"), F("body"), term))
        .order_by()
        .annotate(term_index=Value(index))
        .values_list("pk", "term_index")[:cap]
        .query
    )
    return query.sql_with_params()


def _union(pool, retrieval, caps):
    """One UNION ALL of each term's capped lookup (one round trip). The ORM compiles the lookup once per cap, with
    stand-ins that each branch replaces by its term and index (compiling twenty branches cost more CPU than the
    statement); a term with other widths (ＰＭ / PM) has a lookup of its own shape."""
    compiled, parts, params = {}, [], []
    for i, (term, cap) in enumerate(zip(retrieval, caps, strict=True)):
        if search._has_variants(term):
            sql, branch = _lookup(pool, term, i, cap)
        else:
            if cap not in compiled:
                sql, stand_in = _lookup(pool, _TERM, _INDEX, cap)
                compiled[cap] = (sql, list(stand_in), stand_in.index(_TERM), stand_in.index(_INDEX))
            sql, branch, at_term, at_index = compiled[cap]
            branch = list(branch)
            branch[at_term], branch[at_index] = term, i
        parts.append(f"({sql})")
        params.extend(branch)
    return " UNION ALL ".join(parts), params


STATS_SECONDS = 10 * 60
_statistics = {}  # database alias -> (read at, (rows, {bigram: share}, share of an unlisted bigram))


def table_statistics(connection):
    """(suggestions, {bigram: share of suggestions holding it}, share assumed for any other bigram).

    From PostgreSQL's statistics of ``search_bigrams`` (ANALYZE, kept for many bigrams since 0009),
    read at most every ten minutes per process. A bigram ANALYZE did not list is rarer than every
    one it did: it is given half the smallest listed share.
    """
    now = time.monotonic()
    read_at, value = _statistics.get(connection.alias, (None, None))
    if read_at is not None and now - read_at < STATS_SECONDS:
        return value
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
            "AND s.tablename = c.relname AND s.attname = 'search_bigrams' "
            "WHERE c.relname = 'suggestions_suggestion' AND c.relnamespace = current_schema()::regnamespace"
        )
        row = cursor.fetchone()
    rows, elements, shares = (row or (0, None, None))[:3]
    frequencies = dict(zip(elements or (), shares or (), strict=False))
    floor = min(frequencies.values()) / 2 if frequencies else 0.5
    value = (max(float(rows or 0), 1.0), frequencies, floor)
    _statistics[connection.alias] = (now, value)
    return value
