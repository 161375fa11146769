"""Reads behind the public pages (no login).

Every row shown to the public starts from ``selectors.public_suggestions()`` (published, registered, not
withdrawn) and every reply from the same conditions as ``selectors.public_replies()`` (submitted and
published). Only ``Reply.public_text``, ``Suggestion.public_title`` and ``Suggestion.public_body`` (the versions
staff reviewed, personal data masked) are ever read for display, never ``text``, ``title`` or ``body``; delegates are loaded
without their ``DelegateContact``; opinions, contact records, audit notes and staff names are never loaded.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates.models import Session
from suggestions.models import Assignment, CoSigner, FollowUp, HandlingRound, Office, Rating, Reply, Suggestion
from suggestions.queries import selectors
from suggestions.reporting import metrics, stats

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
)


def outcome_rows_base():
    """Published outcomes as ``pk``, ``published_at`` and ``audit_version`` (the row's version) only.

    The page query reads no other column and joins no table: a row's HTML usually comes from the
    row cache, and ``load_rows`` reads what the others show. With joins in the page query, a search
    PostgreSQL underestimates joined every match to its delegate, session and category before
    sorting (1,345 rows joined for 21 shown, 8 ms of a 14 ms query).
    """
    return selectors.with_audit_version(
        selectors.public_suggestions().filter(published_at__isnull=False).only("id", "published_at")
    )


def outcomes():
    """Published outcomes with everything a list row needs, in a fixed number of queries (4)."""
    return (
        selectors.public_suggestions()
        .filter(published_at__isnull=False)
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


def load_rows(items):
    """What a list row shows, for rows from ``outcome_rows_base()``: its own columns (``ROW_COLUMNS``, the
    names as ``session_name``, ``category_name`` and ``lead_name``), ``cosigner_names`` and ``summary``.

    Four queries of plain values, the replies, ratings and co-signers under the same conditions as
    ``outcomes()``'s prefetches: a list row shows names, dates and result classes only, and building
    ~20 model instances per row cost more than the queries themselves.
    """
    ids = [s.pk for s in items]
    # ``items`` came from public_suggestions(); reading them again by pk cannot lose a row that was
    # withdrawn in between (its page was built a moment before, as with any cached page).
    own = {pk: values for pk, *values in Suggestion.objects.filter(pk__in=ids).values_list("pk", *ROW_COLUMNS)}
    replies, ratings, cosigners = {}, {}, {}
    offices, classes = {}, {}
    rows = (
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
    for suggestion_id, assignment_id, submitted_at, office_id, office_name, rc_id, *rc in rows:
        office = offices.get(office_id) or offices.setdefault(office_id, OfficeRef(office_id, office_name))
        result_class = None
        if rc_id is not None:
            result_class = classes.get(rc_id) or classes.setdefault(rc_id, ResultClassRef(*rc))
        replies.setdefault(suggestion_id, []).append((office, assignment_id, result_class, submitted_at))
    for suggestion_id, *rating in (
        _public_ratings()
        .filter(suggestion_id__in=ids)
        .values_list("suggestion_id", "round__number", "value", "delegate_id")
    ):
        ratings.setdefault(suggestion_id, []).append(rating)
    for suggestion_id, name in (
        _confirmed_cosigners().filter(suggestion_id__in=ids).values_list("suggestion_id", "delegate__name")
    ):
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
        s.summary = _summary(replies.get(s.pk, []), ratings.get(s.pk, []), s.current_round)
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


# --------------------------------------------------------------------------- what a row / page shows


RATING_ORDER = [Rating.Value.SATISFIED, Rating.Value.BASIC, Rating.Value.UNSATISFIED]


@dataclass
class Summary:
    offices: list = field(default_factory=list)
    result_classes: list = field(default_factory=list)
    reply_date: datetime.date | None = None
    ratings: list = field(default_factory=list)  # [(label, count)] of the latest rated round
    rating_round: int = 0

    @property
    def rating_text(self):
        if sum(n for _label, n in self.ratings) == 1:
            return self.ratings[0][0]
        return "、".join(_("%(label)s%(n)s人") % {"label": label, "n": n} for label, n in self.ratings)


def summarize(suggestion):
    """Offices, latest result classes, reply date and rating of a suggestion loaded by ``outcomes()``."""
    replies = [
        (r.assignment.office, r.assignment_id, r.result_class if r.result_class_id else None, r.submitted_at)
        for r in suggestion.published_replies
    ]
    ratings = [(r.round.number, r.value, r.delegate_id) for r in suggestion.published_ratings]
    return _summary(replies, ratings, suggestion.current_round)


def _summary(replies, ratings, current_round):
    """The rule behind every public summary, whatever loaded its parts.

    ``replies``: ``(office, assignment_id, result_class or None, submitted_at)`` of the published replies,
    by round; ``ratings``: ``(round_number, value, delegate_id)`` of ratings of published replies.
    """
    summary = Summary()
    seen = set()
    for office, _assignment_id, _result_class, _submitted_at in replies:
        if office.pk not in seen:
            seen.add(office.pk)
            summary.offices.append(office)
    if replies:
        latest = {}
        for reply in replies:  # ordered by round: the last one of each office wins
            latest[reply[1]] = reply[2]
        classes = {rc.code: rc for rc in latest.values() if rc is not None}
        summary.result_classes = sorted(classes.values(), key=lambda rc: (rc.order, rc.code))
        dates = [submitted_at for *_rest, submitted_at in replies if submitted_at]
        summary.reply_date = timezone.localdate(max(dates)) if dates else None
    if ratings:
        last_round = max(number for number, _value, _delegate in ratings)
        if last_round == current_round:
            # Counted in delegates: under separate handling one delegate rates each office's reply.
            delegates = {}
            for number, value, delegate_id in ratings:
                if number == last_round:
                    delegates.setdefault(value, set()).add(delegate_id)
            labels = dict(Rating.Value.choices)
            summary.ratings = [(str(labels[v]), len(delegates[v])) for v in RATING_ORDER if v in delegates]
            summary.rating_round = last_round
    return summary


def outcome_rows(items):
    for suggestion in items:
        suggestion.summary = summarize(suggestion)
    return items


def outcome_detail(pk):
    """The suggestion and everything its public page shows, or ``None``. Fixed number of queries (6)."""
    suggestion = (
        outcomes()
        .only(*LIST_FIELDS, "public_body", "registered_at", "assigned_at")
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=HandlingRound.objects.only("id", "suggestion_id", "number", "opened_at").order_by("number"),
                to_attr="round_list",
            ),
            # Dates and kind of progress only: the text of a follow-up was never reviewed for publication.
            Prefetch(
                "published_replies__follow_ups",
                queryset=FollowUp.objects.only("id", "reply_id", "status", "posted_at", "confirmed_at").order_by(
                    "posted_at", "id"
                ),
                to_attr="follow_up_list",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        return None
    for reply in suggestion.published_replies:
        needs = reply.result_class_id and reply.result_class.needs_follow_up
        reply.public_follow_ups = reply.follow_up_list if needs else []
        reply.public_ratings = [r for r in suggestion.published_ratings if r.reply_id == reply.pk]
    suggestion.summary = summarize(suggestion)
    return suggestion


def rounds_of(suggestion):
    """Published replies grouped by round: ``[(round_number, [reply, …]), …]``."""
    grouped = {}
    for reply in suggestion.published_replies:
        grouped.setdefault(reply.round.number, []).append(reply)
    return sorted(grouped.items())


def follow_up_progress(reply):
    """A B-class reply's progress over time: the reply, each update, the solution."""
    labels = {
        FollowUp.Status.PROGRESS: _("承办单位报送办理进展"),
        FollowUp.Status.SOLVED_CLAIMED: _("承办单位报告已解决，待代表确认"),
        FollowUp.Status.SOLVED_CONFIRMED: _("代表确认问题已解决"),
        FollowUp.Status.SOLVED_REFUSED: _("代表认为尚未解决，继续跟踪"),
    }
    steps = [{"date": timezone.localdate(reply.submitted_at), "label": _("答复：列入计划，跟踪督办")}]
    solved = False
    for f in reply.public_follow_ups:
        when = (
            f.confirmed_at if f.status in (FollowUp.Status.SOLVED_CONFIRMED, FollowUp.Status.SOLVED_REFUSED) else None
        )
        steps.append({"date": timezone.localdate(when or f.posted_at), "label": labels.get(f.status, f.status)})
        solved = solved or f.status == FollowUp.Status.SOLVED_CONFIRMED
    return {"steps": steps, "solved": solved, "updates": sum(1 for f in reply.public_follow_ups)}


def public_timeline(suggestion):
    """Dates only: registered, assigned, replied, re-handled, rated, published. No names of staff or clerks."""
    items = []
    if suggestion.registered_at:
        items.append((suggestion.registered_at, _("立案")))
    if suggestion.assigned_at:
        items.append((suggestion.assigned_at, _("交办承办单位")))
    # A later round shows only once its answer is published: before that it would hint at an unpublished part;
    # and only after an earlier published answer, or the page would tell of re-handling with nothing before it.
    published_rounds = {reply.round.number for reply in suggestion.published_replies}
    first_published = min(published_rounds, default=0)
    for rnd in suggestion.round_list:
        if rnd.number > first_published and rnd.number in published_rounds:
            items.append((rnd.opened_at, _("重新办理（第%(n)s轮）") % {"n": rnd.number}))
    for reply in suggestion.published_replies:
        items.append((reply.submitted_at, _("%(office)s答复") % {"office": reply.assignment.office.name}))
    rated_days = {}
    for rating in suggestion.published_ratings:
        rated_days.setdefault(timezone.localdate(rating.rated_at), rating.rated_at)
    for at in rated_days.values():
        items.append((at, _("代表评价")))
    if suggestion.published_at:
        items.append((suggestion.published_at, _("办理结果公开")))
    items = [(at, label) for at, label in items if at]
    items.sort(key=lambda pair: pair[0])
    return [{"date": timezone.localdate(at), "label": label} for at, label in items]


def lead_paragraph(suggestion):
    """The news item's opening sentence(s), built from public facts only."""
    names = [suggestion.lead_delegate.name] + [c.delegate.name for c in suggestion.confirmed_cosigners]
    if len(names) > 1:
        who = _("%(lead)s代表领衔、%(others)s代表联名") % {"lead": names[0], "others": "、".join(names[1:])}
    else:
        who = _("%(lead)s代表") % {"lead": names[0]}
    if suggestion.series == Suggestion.Series.RECESS:
        opening = _("%(session)s闭会期间，%(who)s提出《%(title)s》。")
    else:
        opening = _("在%(session)s上，%(who)s提出《%(title)s》。")
    parts = [opening % {"session": suggestion.session.name, "who": who, "title": suggestion.public_title}]
    if suggestion.is_key and suggestion.leader_id:
        leader = suggestion.leader
        parts.append(
            _("这件建议被列为重点督办建议，由%(title)s%(name)s领衔督办。")
            % {"title": leader.title, "name": leader.name}
        )
    summary = suggestion.summary
    if summary.offices and summary.reply_date:
        parts.append(
            _("%(offices)s于%(date)s作出答复")
            % {
                "offices": "、".join(o.name for o in summary.offices),
                "date": _("%(y)s年%(m)s月%(d)s日")
                % {"y": summary.reply_date.year, "m": summary.reply_date.month, "d": summary.reply_date.day},
            }
        )
        if summary.result_classes:
            parts[-1] += _("，办理结果为“%(result)s”") % {"result": "、".join(rc.name for rc in summary.result_classes)}
        parts[-1] += _("。")
    if len(summary.ratings) == 1 and summary.ratings[0][1] > 1:
        label, n = summary.ratings[0]
        parts.append(_("%(n)s位代表均评价为“%(label)s”。") % {"n": n, "label": label})
    elif summary.ratings:
        parts.append(_("代表评价：%(rating)s。") % {"rating": summary.rating_text})
    return "".join(parts)


# --------------------------------------------------------------------------- statistics


def stats_sessions():
    return list(
        Session.objects.only("id", "name", "is_current", "term_id", "number").order_by("-term__number", "-number")
    )


def stats_suggestions(session):
    """All registered suggestions of the session, whether published or not (aggregates reveal nothing private).

    What the public statistics count; ``session_stats`` reads the same numbers from the tallies.
    """
    return Suggestion.objects.filter(session=session).exclude(status__in=selectors.PUBLIC_EXCLUDED)


def session_stats(session):
    """The public statistics of a session: registered suggestions only, from the precomputed tallies."""
    stats.catch_up()
    summary = stats.session_summary(session.pk, today=timezone.localdate(), excluded=selectors.PUBLIC_EXCLUDED)
    figures = metrics.figures_from_counts(summary["counts"], summary["ratings"], summary["results"])
    categories = [
        {**row, "reply_rate": metrics.Figure(_("办复率"), row["replied"], row["assigned"])}
        for row in summary["categories"]
    ]
    return {
        "figures": metrics.headline(figures),
        "counts": figures["counts"],
        "categories": categories,
        "offices": metrics.office_figures(summary["offices"]),
        "results": summary["results"],
    }


def office_stats(office, session=None):
    """How many suggestions one office handled, on time, with which results and ratings."""
    suggestions = Suggestion.objects.exclude(status__in=selectors.PUBLIC_EXCLUDED)
    if session is not None:
        suggestions = suggestions.filter(session=session)
    mine = suggestions.filter(
        Exists(
            Assignment.objects.filter(suggestion=OuterRef("pk"), office=office).exclude(
                status__in=[Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN]
            )
        )
    )
    row = next((r for r in metrics.by_office(mine) if r["office_id"] == office.pk), None)
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"), status=Reply.Status.SUBMITTED, round__number__gt=OuterRef("round__number")
    )
    results = list(
        Reply.objects.filter(assignment__office=office, status=Reply.Status.SUBMITTED, suggestion__in=suggestions)
        .exclude(Exists(later))
        .values("result_class__code", "result_class__name", "result_class__order")
        .annotate(n=Count("pk"))
        .order_by("result_class__order", "result_class__code")
    )
    ratings = dict(
        Rating.objects.filter(
            reply__assignment__office=office, suggestion__in=suggestions, round__number=F("suggestion__current_round")
        )
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(Rating.Value.choices)
    return {
        "row": row,
        "results": results,
        "ratings": [(labels[v], ratings.get(v, 0)) for v in RATING_ORDER],
        "rated": sum(ratings.values()),
    }


def office_for_public(pk):
    return Office.objects.filter(pk=pk).only("id", "name", "short_name").first()
