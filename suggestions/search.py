"""Chinese text search. Chinese has no spaces, so matching is by substring.

``apply_text_search`` finds exactly what ``ILIKE '%term%'`` finds on title and
body; every list (staff, public, similar-suggestion hints) goes through it.
"""

import re

from django.db.models import Q

_SPLIT = re.compile(r"[\s,，、；;。]+")


def search_terms(text, *, max_terms=5):
    terms = [t for t in _SPLIT.split((text or "").strip()) if t]
    return [t[:50] for t in terms[:max_terms]]


def apply_text_search(queryset, text, *, fields=("title", "body")):
    """Every term must appear (in any of ``fields``)."""
    for term in search_terms(text):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        if term.isdigit():
            condition |= Q(number=int(term))
        queryset = queryset.filter(condition)
    return queryset


def bigrams(text):
    text = re.sub(r"[\W_]+", "", text or "")
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similar_suggestions(queryset, title, *, exclude_pk=None, limit=5, min_score=0.2):
    """Suggestions whose titles share enough two-character pieces with ``title``, best first."""
    grams = bigrams(title)
    if not grams:
        return []
    condition = Q()
    for gram in sorted(grams)[:12]:
        condition |= Q(title__contains=gram)
    candidates = queryset.filter(condition)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for suggestion in candidates.order_by("-created_at")[:300]:
        other = bigrams(suggestion.title)
        score = len(grams & other) / len(grams | other) if other else 0
        if score >= min_score:
            scored.append((score, suggestion))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [s for _score, s in scored[:limit]]
