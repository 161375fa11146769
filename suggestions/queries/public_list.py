"""The public list of outcomes (no login): its rows, its filters and its keyset pages.

Every row shown to the public starts from ``selectors.public_suggestions()`` (published, registered, not
withdrawn) and every reply from the same conditions as ``selectors.public_replies()`` (submitted and
published). Only ``Reply.public_text``, ``Suggestion.public_title`` and ``Suggestion.public_body`` (the versions
staff reviewed, personal data masked) are ever read for display, never ``text``, ``title`` or ``body``; delegates are loaded
without their ``DelegateContact``; opinions, contact records, audit notes and staff names are never loaded.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from huaxi_renda.prepared import Prepared
from suggestions.models import CoSigner, Rating, Reply, Suggestion
from suggestions.queries import selectors
from suggestions.queries.public_summary import build_summary

PAGE_SIZE = 20
FEED_SIZE = 30
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_MICRO = datetime.timedelta(microseconds=1)


# --------------------------------------------------------------------------- building blocks


def public_reply_queryset():
    """The replies the public may read, for any number of suggestions (same rule as ``public_replies``)."""
    return (
        Reply.objects.filter(is_published=True, status=Reply.Status.SUBMITTED)
        .select_related("assignment__office", "round", "result_class")
        .only(
            "id",
            "suggestion_id",
            "assignment_id",
            "round_id",
            "result_class_id",
            "public_text",
            "submitted_at",
            "published_at",
            "on_time",
            "assignment__office__id",
            "assignment__office__name",
            "assignment__office__short_name",
            "assignment__role",
            "round__number",
            "round__opened_at",
            "result_class__code",
            "result_class__name",
            "result_class__needs_follow_up",
            "result_class__order",
            "result_class__counts_as_adopted",
        )
        .order_by("round__number", "assignment__role", "submitted_at", "id")
    )


def _public_ratings():
    """Ratings of published replies: the value and the delegate's name, never the comment."""
    return (
        Rating.objects.filter(reply__is_published=True, reply__status=Reply.Status.SUBMITTED)
        .select_related("delegate", "round")
        .only("id", "suggestion_id", "reply_id", "value", "rated_at", "delegate__id", "delegate__name", "round__number")
        .order_by("round__number", "rated_at", "id")
    )


def _confirmed_cosigners():
    return (
        CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED)
        .select_related("delegate")
        .only("id", "suggestion_id", "delegate__id", "delegate__name")
        .order_by("responded_at", "id")
    )


LIST_FIELDS = (
    "id",
    "number",
    "series",
    "public_title",
    "status",
    "is_key",
    "current_round",
    "published_at",
    "session_id",
    "category_id",
    "lead_delegate_id",
    "leader_id",
    "lead_delegate__name",
    "category__name",
    "session__name",
    "leader__name",
    "leader__title",
    "congress_id",
)


def published(congress):
    """The published outcomes of ``congress`` (its public site shows no other congress's)."""
    return selectors.public_suggestions().filter(congress=congress, published_at__isnull=False)


def published_in(congresses):
    """The published outcomes of several congresses (a city's overview of itself and the congresses below)."""
    ids = [c.pk for c in congresses]
    return selectors.public_suggestions().filter(congress_id__in=ids, published_at__isnull=False)


def outcome_rows_base(congress):
    """Published outcomes of ``congress`` as ``pk``, ``published_at``, ``congress_id`` and ``audit_version``
    (the row's version) only.

    The page query reads no other column and joins no table: a row's HTML usually comes from the
    row cache, and ``load_rows`` reads what the others show. With joins in the page query, a search
    PostgreSQL underestimates joined every match to its delegate, session and category before
    sorting (1,345 rows joined for 21 shown, 8 ms of a 14 ms query).
    """
    return rows_base(published(congress))


def rows_base(queryset):
    return selectors.with_audit_version(queryset.only("id", "published_at", "congress_id"))


def outcomes(congress):
    """Published outcomes of ``congress`` with everything a list row needs, in a fixed number of queries (4)."""
    return (
        published(congress)
        .select_related("lead_delegate", "category", "session", "leader")
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch("cosigners", queryset=_confirmed_cosigners(), to_attr="confirmed_cosigners"),
            Prefetch("replies", queryset=public_reply_queryset(), to_attr="published_replies"),
            Prefetch("ratings", queryset=_public_ratings(), to_attr="published_ratings"),
        )
    )


@dataclass(frozen=True, slots=True)
class OfficeRef:
    """An office as a list row names it (``pk`` and ``name``, like an ``Office``)."""

    pk: int
    name: str


@dataclass(frozen=True, slots=True)
class ResultClassRef:
    """A result class as a pill shows it (the fields ``{% result_pill %}`` reads, like a ``ResultClass``)."""

    code: str
    name: str
    order: int
    needs_follow_up: bool
    counts_as_adopted: bool


ROW_COLUMNS = (
    "public_title",
    "number",
    "series",
    "is_key",
    "current_round",
    "session__name",
    "category__name",
    "lead_delegate__name",
)


def _own_columns(*, ids):
    return Suggestion.objects.filter(pk__in=ids).values_list("pk", *ROW_COLUMNS)


def _row_replies(*, ids):
    return (
        public_reply_queryset()
        .filter(suggestion_id__in=ids)
        .values_list(
            "suggestion_id",
            "assignment_id",
            "submitted_at",
            "office_id",  # always the assignment's office (Reply.save)
            "office__name",
            "result_class_id",
            "result_class__code",
            "result_class__name",
            "result_class__order",
            "result_class__needs_follow_up",
            "result_class__counts_as_adopted",
        )
    )


def _row_ratings(*, ids):
    return (
        _public_ratings()
        .filter(suggestion_id__in=ids)
        .values_list("suggestion_id", "round__number", "value", "delegate_id")
    )


def _row_cosigners(*, ids):
    return _confirmed_cosigners().filter(suggestion_id__in=ids).values_list("suggestion_id", "delegate__name")


# Compiled once per process and number of rows (``huaxi_renda.prepared``): compiling them was half of loading.
_row_queries = {
    "own": Prepared(_own_columns),
    "replies": Prepared(_row_replies),
    "ratings": Prepared(_row_ratings),
    "cosigners": Prepared(_row_cosigners),
}


def load_rows(items):
    """What a list row shows, for rows from ``outcome_rows_base()``: its own columns (``ROW_COLUMNS``, the
    names as ``session_name``, ``category_name`` and ``lead_name``), ``cosigner_names`` and ``summary``.

    Four queries of plain values, the replies, ratings and co-signers under the same conditions as
    ``outcomes()``'s prefetches: a list row shows names, dates and result classes only, and building
    ~20 model instances per row cost more than the queries themselves.
    """
    ids = tuple(s.pk for s in items)
    # ``items`` came from public_suggestions(); reading them again by pk cannot lose a row that was
    # withdrawn in between (its page was built a moment before, as with any cached page).
    own = {pk: values for pk, *values in _row_queries["own"](ids=ids)}
    replies, ratings, cosigners = {}, {}, {}
    offices, classes = {}, {}
    for suggestion_id, assignment_id, submitted_at, office_id, office_name, rc_id, *rc in _row_queries["replies"](
        ids=ids
    ):
        office = offices.get(office_id) or offices.setdefault(office_id, OfficeRef(office_id, office_name))
        result_class = None
        if rc_id is not None:
            result_class = classes.get(rc_id) or classes.setdefault(rc_id, ResultClassRef(*rc))
        replies.setdefault(suggestion_id, []).append((office, assignment_id, result_class, submitted_at))
    for suggestion_id, *rating in _row_queries["ratings"](ids=ids):
        ratings.setdefault(suggestion_id, []).append(rating)
    for suggestion_id, name in _row_queries["cosigners"](ids=ids):
        cosigners.setdefault(suggestion_id, []).append(name)
    for s in items:
        (
            s.public_title,
            s.number,
            s.series,
            s.is_key,
            s.current_round,
            s.session_name,
            s.category_name,
            s.lead_name,
        ) = own[s.pk]
        s.cosigner_names = cosigners.get(s.pk, [])
        s.summary = build_summary(replies.get(s.pk, []), ratings.get(s.pk, []), s.current_round)
    return items


# --------------------------------------------------------------------------- filters on the public list


def with_office(queryset, office):
    """Outcomes ``office`` published a reply to (the partial index ``reply_public_by_office``)."""
    answered = Reply.objects.filter(
        suggestion=OuterRef("pk"), is_published=True, status=Reply.Status.SUBMITTED, office=office
    )
    return queryset.filter(Exists(answered))


def with_result_class(queryset, code):
    """The result class (by code) of the latest published reply of an office (a B later solved counts as A)."""
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"),
        is_published=True,
        status=Reply.Status.SUBMITTED,
        round__number__gt=OuterRef("round__number"),
    )
    latest = Reply.objects.filter(
        suggestion=OuterRef("pk"), is_published=True, status=Reply.Status.SUBMITTED, result_class__code=code
    ).exclude(Exists(later))
    return queryset.filter(Exists(latest))


def with_rating(queryset, value):
    """A delegate gave ``value`` to a published reply of the latest round."""
    rated = Rating.objects.filter(
        suggestion=OuterRef("pk"),
        round__number=OuterRef("current_round"),
        value=value,
        reply__is_published=True,
        reply__status=Reply.Status.SUBMITTED,
    )
    return queryset.filter(Exists(rated))


# --------------------------------------------------------------------------- keyset pagination


def encode_cursor(suggestion):
    return f"{(suggestion.published_at - _EPOCH) // _MICRO}-{suggestion.pk}"


def decode_cursor(value):
    """``(published_at, pk)`` or ``None`` for anything that is not a cursor we made."""
    try:
        micros, pk = (value or "").split("-", 1)
        return _EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class Page:
    items: list
    next_cursor: str = ""
    prev_cursor: str = ""

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.prev_cursor)


COUNT_CAP = 1000


def count_matches(queryset):
    """How many outcomes a search or filter finds, counted up to ``COUNT_CAP`` (then "more than"):
    the count reads at most that many rows however common the term."""
    return queryset.order_by().values("pk")[: COUNT_CAP + 1].count()


def outcome_page(queryset, *, after=None, before=None, size=PAGE_SIZE):
    """Newest first, by (published_at, id); fetches ``size + 1`` rows to know whether a next page exists.

    No COUNT over the table: a page costs the same at row 20 as at row 100,000.
    """
    after, before = decode_cursor(after), decode_cursor(before)
    if before:
        at, pk = before
        rows = list(
            queryset.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk)).order_by("published_at", "pk")[
                : size + 1
            ]
        )
        has_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        return Page(
            items=items,
            next_cursor=encode_cursor(items[-1]) if items else "",
            prev_cursor=encode_cursor(items[0]) if items and has_newer else "",
        )
    if after:
        at, pk = after
        queryset = queryset.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    rows = list(queryset.order_by("-published_at", "-pk")[: size + 1])
    items = rows[:size]
    return Page(
        items=items,
        next_cursor=encode_cursor(items[-1]) if len(rows) > size else "",
        prev_cursor=encode_cursor(items[0]) if after and items else "",
    )
