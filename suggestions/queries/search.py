"""Chinese text search. Chinese has no spaces, so matching is by substring.

``apply_text_search`` finds exactly what ``ILIKE '%term%'`` finds on title and
body; every list (staff, public) goes through it. Both sides are width-folded first (``normalize``).

On PostgreSQL a term of two or more characters that contains a Chinese
character first goes through a bigram index (migrations ``search_index`` and
``search_bigrams_column``): ``huaxi_bigrams(title || ' ' || body)`` is the set
of every overlapping two-character piece of the upper-cased text, stored in
the generated column ``search_bigrams`` and kept in a GIN index (and, for the
published suggestions the public pages read, a partial one, migration 0013).
A two-character term is one piece, and the index match is exact. A longer term
goes through its rarest piece only (``rarest_piece``): a text that contains the
term contains each of its pieces, so the index never loses a row, and the check
of the text itself ANDed with it (``_contains``: ``strpos`` for a caseless term,
``icontains`` otherwise) removes the rows that hold the piece but not the term.
The result is therefore exactly what ``icontains`` alone finds, only fast —
pg_trgm cannot do this for two-character terms. Elsewhere (SQLite, one
character, no Chinese character, other fields) the plain ``icontains`` runs.
"""

import itertools
import re
import time
import unicodedata

from django.db import connections
from django.db.models import BigIntegerField, BooleanField, Expression, F, Q, Value
from django.db.models.functions import Cast, StrIndex
from django.db.models.lookups import Exact, GreaterThan

_SPLIT = re.compile(r"[\s,，、；;。]+")
# CJK unified ideographs (basic, extension A, compatibility) — what the bigram index is for.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Each indexed pair of fields and the generated column holding its bigrams: the public pages search the
# reviewed public versions only (migration 0014), never the text as the delegate wrote it.
BIGRAM_COLUMNS = {("title", "body"): "search_bigrams", ("public_title", "public_body"): "public_bigrams"}
_WORD = re.compile(r"[^\W_]")

# Width folding: NFKC of the Halfwidth and Fullwidth Forms block and the ideographic space, the
# characters a Chinese keyboard types in full width (ＰＭ２.５ → PM2.5, （ → (). Applied to the
# query in Python, and to the text by matching each folded character with every form that folds
# to it (``_variants``): PostgreSQL's normalize() costs 0.3 ms and translate() 3 ms per body, too
# much for the rows a search checks.
_WIDTH = {
    c: unicodedata.normalize("NFKC", chr(c))
    for c in [*range(0xFF01, 0xFFEF), 0x3000]
    if len(unicodedata.normalize("NFKC", chr(c))) == 1 and unicodedata.normalize("NFKC", chr(c)) != chr(c)
}
_FORMS = {}
for _code, _folded in _WIDTH.items():
    _FORMS.setdefault(_folded, {_folded}).add(chr(_code))


def normalize(text):
    """The width-folded text: full-width and half-width forms as NFKC writes them (ＰＭ２.５ → PM2.5)."""
    return (text or "").translate(_WIDTH)


def _variants(char):
    """Every character that folds to ``char`` (its other width), in both cases for a letter."""
    forms = set()
    for c in {char, char.lower(), char.upper()}:
        forms |= _FORMS.get(c, {c})
    return sorted(forms)


def _has_variants(term):
    return any(len(_variants(c)) > 1 for c in term)


def search_terms(text, *, max_terms=5):
    """The terms of a query, width-folded; a term of punctuation or spaces only is no term."""
    terms = [t for t in _SPLIT.split(normalize(text).strip()) if t and _WORD.search(t)]
    return [t[:50] for t in terms[:max_terms]]


def uses_bigram_index(term):
    """True when a term goes through the bigram index (on PostgreSQL)."""
    return len(term) >= 2 and bool(_CJK.search(term))


class BigramMatch(Expression):
    """``<row>.search_bigrams @@ huaxi_bigram_query(term)``: the stored ``huaxi_bigrams(title || ' ' || body)``."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, title, body, term, column="search_bigrams"):
        super().__init__()
        self.title, self.body, self.term, self.column = title, body, term, column

    def get_source_expressions(self):
        return [self.title, self.body]

    def set_source_expressions(self, exprs):
        self.title, self.body = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        c = self.copy()
        c.title = self.title.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        c.body = self.body.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return c

    def as_sql(self, compiler, connection):
        # The bigrams are stored in a generated column beside title and body (migration 0006); the
        # title's table alias says which row's column to test.
        alias = compiler.quote_name_unless_alias(self.title.alias)
        column = connection.ops.quote_name(self.column)
        if not _has_variants(self.term):
            return f"{alias}.{column} @@ huaxi_bigram_query(%s)", (self.term,)
        # Each piece in any of its widths (the stored bigrams are of the text as written).
        pieces = list(dict.fromkeys(self.term[i : i + 2] for i in range(max(len(self.term) - 1, 1))))
        parts, params = [], []
        for piece in pieces:
            forms = sorted({"".join(f).upper() for f in itertools.product(*map(_variants, piece))})
            parts.append("(" + " || ".join(["huaxi_bigram_query(%s)"] * len(forms)) + ")")
            params.extend(forms)
        return f"{alias}.{column} @@ ({' && '.join(parts)})", tuple(params)


def _indexed_prefix(queryset, fields):
    """The lookup prefix ('' or 'suggestion__') when ``fields`` are the indexed suggestion fields, else None."""
    from suggestions.models import Suggestion

    prefixes = set()
    for field in fields:
        prefix, _sep, name = field.rpartition("__")
        if not any(name in pair for pair in BIGRAM_COLUMNS):
            return None
        prefixes.add(f"{prefix}__" if prefix else "")
    if len(prefixes) != 1:
        return None
    prefix = prefixes.pop()
    model = queryset.model
    for part in filter(None, prefix.split("__")):
        try:
            model = model._meta.get_field(part).related_model
        except Exception:  # noqa: BLE001 - an unknown path simply means "no index"
            return None
        if model is None:
            return None
    return prefix if model is Suggestion else None


def _congress_as_bigint(queryset):
    """The queryset with its ``congress_id = X`` (one of the ANDed conditions of its WHERE) typed ``bigint``.

    The composite indexes of migration 0026 (congress, bigrams) take the congress as an index condition only
    when it is compared as a bigint: ``btree_gin``'s int8 class has no ``int8 = int4`` operator, and an
    untyped ``congress_id = 8`` is int4. Replaced, not repeated: the planner would merge the two into one
    equivalence and keep the int4 constant."""
    from suggestions.models import Suggestion

    where = queryset.query.where
    if queryset.model is not Suggestion or where.connector != "AND" or where.negated:
        return queryset
    field = Suggestion._meta.get_field("congress")
    for i, child in enumerate(where.children):
        if isinstance(child, Exact) and getattr(child.lhs, "target", None) is field:
            value = getattr(child.rhs, "pk", child.rhs)
            if isinstance(value, int):
                queryset = queryset._chain()
                queryset.query.where.children[i] = Exact(child.lhs, Cast(Value(value), BigIntegerField()))
                return queryset
    return queryset


def apply_text_search(queryset, text, *, fields=("title", "body")):
    """Every term must appear (in any of ``fields``).

    A search inside one congress (the queryset filtered on ``congress_id = X``) goes through the composite
    indexes of migration 0026 with the congress as an index condition (``_congress_as_bigint``): the index
    returns the matches of that congress alone, not every congress's for a filter to drop."""
    terms = search_terms(text)
    if not terms:
        return queryset
    prefix = None
    if connections[queryset.db].vendor == "postgresql":
        prefix = _indexed_prefix(queryset, fields)
    names = {field.rpartition("__")[2] for field in fields}
    pair = next((pair for pair in BIGRAM_COLUMNS if names <= set(pair)), None)
    if pair is None:
        prefix = None
    if prefix == "" and any(uses_bigram_index(term) for term in terms):
        queryset = _congress_as_bigint(queryset)
    for term in terms:
        indexed = prefix is not None and uses_bigram_index(term)
        condition = Q()
        for field in fields:
            condition |= _contains(field, term, indexed=indexed)
        if term.isdigit():
            condition |= Q(number=int(term))
        if indexed:
            gram = rarest_piece(term, connections[queryset.db])
            title, body = pair
            match = BigramMatch(F(f"{prefix}{title}"), F(f"{prefix}{body}"), gram, BIGRAM_COLUMNS[pair])
            queryset = queryset.filter(match)
            if len(term) == 2 and set(fields) == {f"{prefix}{title}", f"{prefix}{body}"}:
                # A two-character term is one bigram: the index match is already exact (no term has a
                # space, so no false match across the ' ' between title and body).
                continue
        queryset = queryset.filter(condition)
    return queryset


STATS_SECONDS = 10 * 60
_frequencies = {}  # database alias -> (read at, {bigram: share of suggestions holding it})


def bigram_frequencies(connection):
    """PostgreSQL's own statistics of ``search_bigrams``: the share of suggestions holding each common
    bigram (migration 0009 keeps about 4,000). Read at most every ten minutes per process."""
    now = time.monotonic()
    read_at, frequencies = _frequencies.get(connection.alias, (None, None))
    if read_at is not None and now - read_at < STATS_SECONDS:
        return frequencies
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'suggestions_suggestion' "
            "AND attname = 'search_bigrams'"
        )
        row = cursor.fetchone()
    frequencies = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _frequencies[connection.alias] = (now, frequencies)
    return frequencies


def rarest_piece(term, connection):
    """The term itself if it is one bigram, else its rarest two-character piece.

    A text holding the term holds each of its pieces, so the index filter needs only one; the check
    of the text itself (``_contains``) makes the result exact. One piece, because PostgreSQL
    estimates an AND of pieces as if they were unrelated: for 老旧小区 (老旧 & 旧小 & 小区, each in one
    suggestion in twenty, nearly always together) it expected 32 published matches instead of
    13,605, and fetched and sorted them all for a first page (91 ms at a million suggestions)
    instead of walking the newest first until it had twenty (8 ms). With the rarest piece its
    estimate is a close upper bound. A piece PostgreSQL has no statistics for is rarer than any it
    has, so it is taken first.
    """
    if len(term) <= 2:
        return term
    frequencies = bigram_frequencies(connection)
    pieces = [term[i : i + 2] for i in range(len(term) - 1)]
    return min(pieces, key=lambda piece: frequencies.get(piece.upper(), 0.0))


def _contains(field, term, *, indexed):
    """``field`` contains ``term``, as ILIKE '%term%' decides.

    A term without upper/lower case (Chinese, digits, punctuation) matches case-insensitively exactly
    where it matches as is, so the cheaper case-sensitive test gives the same rows. Behind the bigram
    index that test is ``strpos(field, term) > 0``: it checks the text of every row whose bigrams all
    match, and strpos does that in half the time LIKE takes on Chinese text.

    A term holding a character with another width (Latin letters, digits, punctuation) matches each
    such character in every width (``normalize``): a case-insensitive regular expression.
    """
    if _has_variants(term):
        return Q(**{f"{field}__iregex": width_pattern(term)})
    if not is_caseless(term):
        return Q(**{f"{field}__icontains": term})
    if indexed:
        return Q(GreaterThan(StrIndex(F(field), Value(term)), 0))
    return Q(**{f"{field}__contains": term})


def width_pattern(term):
    """A regular expression (PostgreSQL's and Python's alike) matching ``term`` in any width."""
    parts = []
    for char in term:
        forms = [f if f.isalnum() or not f.isascii() else "\\" + f for f in _variants(char)]
        parts.append(forms[0] if len(forms) == 1 else "(?:" + "|".join(forms) + ")")
    return "".join(parts)


def is_caseless(term):
    return term == term.lower() == term.upper() == term.casefold()
