"""Reads for the delegate pages. Every object a delegate opens is scoped here, once.

A delegate sees the suggestions they lead, those they co-signed and those they are
invited to co-sign while the invitation is open (``suggestions.queries.selectors.delegate_access``);
nothing else. Anything outside that answers 404.
"""

from collections import OrderedDict

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone

from delegates.models import Delegate
from suggestions.models import Assignment, CoSigner, HomeEntry, HomeTally, Rating, Reply, Suggestion
from suggestions.queries import paging, selectors, similar
from suggestions.queries.selectors import ENDED_ASSIGNMENT
from suggestions.reporting import worklists

S = Suggestion.Status
A = Assignment.Status
VISIBLE_COSIGNER = (CoSigner.Status.INVITED, CoSigner.Status.CONFIRMED)
# The sections' statuses are the worklists' (one definition for the rows and their counts).
DRAFT_STATUSES = worklists.DRAFT_STATUSES
HANDLING_STATUSES = worklists.HANDLING_STATUSES
FINISHED_STATUSES = worklists.FINISHED_STATUSES


def _mine(delegate):
    return selectors.delegate_access(delegate)


def suggestions_of(delegate):
    """Suggestions the delegate leads, co-signed, or is invited to co-sign (until the invitation expires)."""
    return Suggestion.objects.filter(
        congress_id=delegate.congress_id, pk__in=Suggestion.objects.filter(_mine(delegate)).values("pk")
    )


def suggestion_for_delegate(delegate, pk):
    """The suggestion if the delegate leads it or is (invited as) a co-signer, else ``None``."""
    return (
        selectors.with_audit_version(suggestions_of(delegate))
        .select_related("session", "category", "lead_delegate", "leader", "merged_into")
        .filter(pk=pk)
        .first()
    )


def led_suggestion(delegate, pk):
    """Only the lead delegate may edit, submit, invite or withdraw."""
    return (
        Suggestion.objects.select_related("session", "category")
        .filter(pk=pk, lead_delegate=delegate, congress_id=delegate.congress_id)
        .first()
    )


def cosigner_for_delegate(delegate, pk):
    """A co-signing invitation addressed to this delegate."""
    return CoSigner.objects.select_related("suggestion").filter(pk=pk, delegate=delegate).first()


def cosigner_of_led(delegate, pk):
    """A co-signer row of a suggestion this delegate leads (to drop the invitation)."""
    return (
        CoSigner.objects.select_related("suggestion", "delegate")
        .filter(pk=pk, suggestion__lead_delegate=delegate)
        .first()
    )


def reply_for_rater(delegate, pk):
    """A submitted reply of a suggestion the delegate leads or co-signed (confirmed)."""
    return (
        Reply.objects.select_related("suggestion", "round", "assignment__office")
        .filter(pk=pk, status=Reply.Status.SUBMITTED)
        .filter(
            Q(suggestion__lead_delegate=delegate)
            | Q(
                suggestion__cosigners__delegate=delegate,
                suggestion__cosigners__status=CoSigner.Status.CONFIRMED,
            )
        )
        .distinct()
        .first()
    )


def _unrated_by(delegate):
    """A submitted reply of the current round that this delegate has not rated yet."""
    return worklists.unrated(delegate)


HOME_SHOWN = 10  # rows of each section on the home page
SECTION_PAGE = 20  # rows of a page of one section (keyset paged, newest first)
HOME_SECTIONS = ("to-rate", "drafts", "submitted", "handling", "finished", "cosigned")


def home_section(delegate, section):
    """The entries of one home section (``HOME_SECTIONS``), unordered; callers page them newest first.

    Which suggestion is in which section is kept by the actions (``reporting.worklists``): a section's
    newest rows are a walk of the (delegate, section, created_at) index, co-signed ones included.
    """
    if section not in HOME_SECTIONS:
        raise ValueError(section)
    return HomeEntry.objects.filter(delegate_id=delegate.pk, section=section)


def home_counts(delegate):
    """The size of each home section: the delegate's tally rows (one small read), never the rows."""
    counts = dict.fromkeys(HOME_SECTIONS, 0)
    counts.update(HomeTally.objects.filter(delegate_id=delegate.pk).values_list("section", "n"))
    return counts


def _rows(delegate, ids):
    """The listed rows with what their line shows: one query and one for their open assignments."""
    rows = (
        Suggestion.objects.filter(pk__in=ids)
        .select_related("category", "lead_delegate")
        # A line shows the title, not the texts (each up to a few thousand characters).
        .defer("body", "public_body")
        .annotate(waiting_my_rating=_unrated_by(delegate))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(status__in=ENDED_ASSIGNMENT)
                .select_related("office")
                .order_by("role", "id"),
                to_attr="active_assignments",
            )
        )
        .order_by("-created_at", "-id")
    )
    rows = list(rows)
    for row in rows:
        row.waiting_my_rating = row.waiting_my_rating and row.status not in FINISHED_STATUSES
    return rows


def home_suggestions(delegate, counts):
    """``{section: rows}``: the newest ``HOME_SHOWN`` of each non-empty section, whatever the delegate holds.

    PostgreSQL picks the sections' ids in one statement (a UNION ALL of limited index walks of the
    delegate's entries); SQLite, which allows no LIMIT inside a compound, asks once per section.
    """
    wanted = [section for section in HOME_SECTIONS if counts.get(section)]
    if not wanted:
        return {}
    queries = [
        home_section(delegate, section)
        .order_by("-created_at", "-suggestion_id")
        .values_list("suggestion_id", "section")[:HOME_SHOWN]
        for section in wanted
    ]
    if len(queries) > 1 and connection.features.supports_slicing_ordering_in_compound:
        picked = list(queries[0].union(*queries[1:], all=True))
    else:
        picked = [pair for query in queries for pair in query]
    rows = {row.pk: row for row in _rows(delegate, {pk for pk, _section in picked})}
    sections = {section: [] for section in wanted}
    for pk, section in picked:
        if pk in rows:
            sections[section].append(rows[pk])
    for section_rows in sections.values():
        section_rows.sort(key=lambda row: (row.created_at, row.pk), reverse=True)
    return sections


def home_section_page(delegate, section, params):
    """One keyset page of one section (``?section=…&before=…``): a walk of the section's index."""
    page = paging.keyset_page(
        home_section(delegate, section).only("suggestion_id", "created_at"),
        params,
        size=SECTION_PAGE,
        key="suggestion_id",
    )
    page.rows = _rows(delegate, [entry.suggestion_id for entry in page.rows])
    return page


def open_invitations(delegate, *, limit=HOME_SHOWN):
    """``(the first ``limit`` invitations to co-sign waiting for an answer, soonest due first; how many there are)``."""
    invitations = (
        CoSigner.objects.filter(
            delegate=delegate,
            status=CoSigner.Status.INVITED,
            suggestion__status__in=DRAFT_STATUSES,
        )
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=timezone.now()))
        .select_related("suggestion__lead_delegate", "suggestion__category")
        .order_by("deadline", "id")
    )
    shown = list(invitations[:limit])
    return shown, (len(shown) if len(shown) < limit else invitations.count())


def delegates_to_invite(delegate, query, *, suggestion=None, limit=10):
    """Active delegates of the same term whose name contains ``query`` (not the lead, not already in)."""
    query = (query or "").strip()[:50]
    if not query:
        return []
    qs = Delegate.objects.filter(term_id=delegate.term_id, is_active=True, name__icontains=query).exclude(
        pk=delegate.pk
    )
    if suggestion is not None:
        qs = qs.exclude(cosignatures__suggestion=suggestion, cosignatures__status__in=VISIBLE_COSIGNER)
    return list(qs.select_related("delegation").order_by("name", "id")[:limit])


class _OwnAmong:
    """Which of the suggestions the hint reads are the delegate's own (led, or co-signed as the hint shows them):
    asked of the candidates only (``prepare``, one lookup per batch), never of every suggestion the delegate has
    (thousands for the busiest delegate at a million)."""

    def __init__(self, delegate):
        self.delegate, self.own, self.asked = delegate, set(), set()

    def prepare(self, suggestions):
        fresh = [s for s in suggestions if s.pk not in self.asked]
        self.asked.update(s.pk for s in fresh)
        self.own.update(s.pk for s in fresh if s.lead_delegate_id == self.delegate.pk)
        others = [s.pk for s in fresh if s.pk not in self.own]
        if others:
            self.own.update(
                CoSigner.objects.filter(delegate=self.delegate, status__in=VISIBLE_COSIGNER, suggestion_id__in=others)
                .order_by()
                .values_list("suggestion_id", flat=True)
            )

    def __contains__(self, pk):
        if pk not in self.asked:
            raise LookupError(f"suggestion {pk} was not prepared")  # a candidate read without ``prepare``
        return pk in self.own


def similar_for_delegate(delegate, title, body="", *, exclude_pk=None, limit=similar.LIMIT):
    """Registered-or-later suggestions of every session like the one being typed, best first.

    Returns dicts with what the hint shows. The delegate's own (led or co-signed): title, session,
    number, status and outcome. Another delegate's published one: its public version
    (``similar.public_view_of``), number, status and the outcome as published. Another's registered
    but unpublished one: title, session and status only. Never a body or whose it is; each is
    matched only on what this delegate may read of it (``similar.text_for``).
    """
    own = _OwnAmong(delegate)
    pool = Suggestion.objects.filter(status__in=similar.HINT_STATUSES).select_related("session")
    hits = similar.find(
        pool,
        title,
        body,
        congress_id=delegate.congress_id,
        exclude_pk=exclude_pk,
        limit=limit,
        text_of=similar.text_for(own),
    )
    found = [h.suggestion for h in hits]
    if not found:
        return []
    outcomes = similar.latest_outcomes(found, shown=lambda reply: reply.is_published or reply.suggestion_id in own)
    results = []
    for s in found:
        if s.pk in own:
            item = {"title": s.title, "number": s.number_display, "outcome": outcomes.get(s.pk, "")}
        elif similar.is_public(s):
            view = similar.public_view_of(s)
            item = {"title": view.title, "number": s.number_display, "outcome": outcomes.get(s.pk, "")}
        else:
            item = {"title": s.title, "number": "", "outcome": ""}
        item.update(
            {
                "id": s.pk,
                "session": s.session.name,
                "status": s.get_status_display(),
                "mine": s.pk in own,
                "public": s.pk not in own and similar.is_public(s),
            }
        )
        results.append(item)
    return results


def record_rows(delegate):
    """Everything the 履职档案 shows, grouped by session: a fixed number of queries."""
    suggestions = list(
        Suggestion.objects.filter(
            pk__in=Suggestion.objects.filter(
                Q(lead_delegate=delegate) | Q(cosigners__delegate=delegate, cosigners__status=CoSigner.Status.CONFIRMED)
            ).values("pk")
        )
        .exclude(status=S.DRAFT)
        .select_related("session__term", "category", "lead_delegate")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(status=Reply.Status.SUBMITTED)
                .select_related("result_class", "round", "assignment__office")
                .order_by("round__number", "submitted_at", "id"),
                to_attr="submitted_replies",
            ),
            Prefetch(
                "ratings",
                queryset=Rating.objects.filter(delegate=delegate).select_related("round").order_by("rated_at", "id"),
                to_attr="my_ratings",
            ),
        )
        .order_by("-session__term__number", "-session__number", "series", "number", "id")
    )
    sessions = OrderedDict()
    for s in suggestions:
        s.is_led = s.lead_delegate_id == delegate.pk
        latest = {}
        for reply in s.submitted_replies:
            latest[reply.assignment_id] = reply
        s.outcomes = list(latest.values())
        entry = sessions.setdefault(s.session_id, {"session": s.session, "led": [], "cosigned": []})
        entry["led" if s.is_led else "cosigned"].append(s)
    return list(sessions.values())


# --------------------------------------------------------------------------- accounts (代表与单位)


def accounts_pending_activation(congress_id):
    """Delegates' and office clerks' accounts of one congress that have no usable password yet, oldest first."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    User = get_user_model()
    return (
        User.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX, is_active=True)
        .filter(Q(delegate_records__congress_id=congress_id) | Q(office_memberships__office__congress_id=congress_id))
        .distinct()
        .order_by("date_joined", "pk")
    )


def account_details(user_ids, congress_id=None):
    """{user id: {unit, phone, email}}: what staff need to hand a link to the right person; of a person with
    roles in several congresses, what they are in ``congress_id`` (when given)."""
    from django.contrib.auth import get_user_model

    from suggestions.models import OfficeMember

    User = get_user_model()
    details = {}
    records = Delegate.objects.select_related("delegation", "contact").order_by("pk")
    members = OfficeMember.objects.select_related("office").order_by("pk")
    if congress_id is not None:
        records = records.filter(congress_id=congress_id)
        members = members.filter(office__congress_id=congress_id)
    users = User.objects.filter(pk__in=user_ids).prefetch_related(
        Prefetch("office_memberships", queryset=members), Prefetch("delegate_records", queryset=records)
    )
    for user in users:
        delegate = next(iter(user.delegate_records.all()), None)
        if delegate is not None:
            contact = getattr(delegate, "contact", None)
            details[user.pk] = {
                "unit": delegate.delegation.name if delegate.delegation_id else "",
                "phone": contact.phone if contact else "",
                "email": (contact.email if contact else "") or user.email,
            }
            continue
        member = next(iter(user.office_memberships.all()), None)
        details[user.pk] = {
            "unit": member.office.name if member else "",
            "phone": member.phone if member else "",
            "email": user.email,
        }
    return details


def with_activation_state(users, congress_id=None):
    """[(user, details, latest activation or None)] for a page of accounts (of ``congress_id``)."""
    from delegates.models import AccountActivation

    latest = {}
    for activation in AccountActivation.objects.filter(user__in=users).order_by("user_id", "-created_at"):
        latest.setdefault(activation.user_id, activation)
    details = account_details([u.pk for u in users], congress_id)
    return [(user, details.get(user.pk, {}), latest.get(user.pk)) for user in users]
