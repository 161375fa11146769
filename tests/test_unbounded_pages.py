"""No unbounded page: every page of every role shows as many rows with more data as with less.

Every URL pattern of the site (``tests/crawl.py``'s list, reversed with the demo's ids) is requested as
each demo role after the demo data was grown by ``GROWTH`` copies of each of its suggestions (with their
co-signers, rounds, assignments, requests, contacts, opinions, replies, ratings and follow-ups), and
again after ``GROWTH`` more. ``GROWTH`` is larger than any page size, so a paged list is full after the
first growth; a page whose row count still grows lists everything. Rows are counted generically (table
rows, list items, articles, options and ``data-row`` marks in HTML; ``results`` or the items of a JSON
list; entries of a feed), so a new list page is measured without being named here. Only patterns whose
every answer is bounded by design are left out, each with its reason.
"""

import json
import os
import re

import pytest
from django.core.management import call_command

from tests import crawl

pytestmark = pytest.mark.django_db

GROWTH = 60  # copies of every demo suggestion per round: more than any list's page (the inbox's 50)

# Patterns not measured, each with its reason.
NOT_MEASURED = {
    "admin:": "Django's admin: every changelist pages by list_per_page (100), the admin's own paginator",
    # Documents, printed or kept as a whole: one delegate's or one office's year, like an export.
    "staff:letter": "the year's letter to one delegate lists each of their suggestions, as printed",
    "delegates:letter": "the same letter, as the delegate reads it",
    "yearend:sheet": "one office's score sheet with the evidence of its year, as printed and objected to",
    "delegates:my_record": "the 履职档案: one delegate's record of a term, a document (left to page by session)",
    "delegates:record": "the 履职档案 of one session",
}

ROW_MARKS = re.compile(r"<tr[\s>]|<li[\s>]|<article[\s>]|<option[\s>]|\bdata-row\b")
FEED_MARKS = re.compile(r"<entry[\s>]|<item[\s>]")


def _copy(instance, **changes):
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(force_insert=True)
    return instance


def _grow(times):
    """``times`` copies of every suggestion with the rows that list it somewhere, by plain inserts."""
    from django.db.models import Max

    from suggestions.models import (
        Assignment,
        AssignmentRequest,
        ContactRecord,
        CoSigner,
        FollowUp,
        HandlingRound,
        Opinion,
        Rating,
        Reply,
        Suggestion,
    )
    from suggestions.reporting import worklists

    originals = list(Suggestion.objects.filter(pk__lte=_grow.last_original).order_by("pk"))
    number = (Suggestion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    for original in originals:
        cosigners = list(CoSigner.objects.filter(suggestion=original))
        rounds = list(HandlingRound.objects.filter(suggestion=original))
        assignments = list(Assignment.objects.filter(suggestion=original).order_by("pk"))
        requests = list(AssignmentRequest.objects.filter(assignment__suggestion=original))
        contacts = list(ContactRecord.objects.filter(assignment__suggestion=original))
        opinions = list(Opinion.objects.filter(assignment__suggestion=original))
        replies = list(Reply.objects.filter(suggestion=original))
        ratings = list(Rating.objects.filter(suggestion=original))
        followups = list(FollowUp.objects.filter(reply__suggestion=original))
        for _ in range(times):
            copy = Suggestion.objects.get(pk=original.pk)
            _copy(copy, number=number if copy.number else None, merged_into=None)
            number += 1
            for row in cosigners:
                _copy(CoSigner.objects.get(pk=row.pk), suggestion=copy)
            round_of = {r.pk: _copy(HandlingRound.objects.get(pk=r.pk), suggestion=copy) for r in rounds}
            assignment_of = {}
            for a in assignments:
                fresh = Assignment.objects.get(pk=a.pk)
                assignment_of[a.pk] = _copy(
                    fresh,
                    suggestion=copy,
                    replaces=assignment_of.get(fresh.replaces_id),
                    followup_round=round_of.get(fresh.followup_round_id) if fresh.followup_round_id else None,
                )
            for rows in (requests, contacts, opinions):
                for row in rows:
                    fresh = type(row).objects.get(pk=row.pk)
                    _copy(fresh, assignment=assignment_of[fresh.assignment_id])
            reply_of = {}
            for r in replies:
                fresh = Reply.objects.get(pk=r.pk)
                reply_of[r.pk] = _copy(
                    fresh,
                    suggestion=copy,
                    assignment=assignment_of[fresh.assignment_id],
                    round=round_of[fresh.round_id],
                )
            for r in ratings:
                fresh = Rating.objects.get(pk=r.pk)
                _copy(fresh, suggestion=copy, reply=reply_of[fresh.reply_id], round=round_of[fresh.round_id])
            for f in followups:
                fresh = FollowUp.objects.get(pk=f.pk)
                _copy(fresh, reply=reply_of[fresh.reply_id])
    # Plain inserts go around the actions: recount the home and inbox worklists, as the bench generator does.
    worklists.rebuild()


def _rows(response):
    kind = response.get("Content-Type", "")
    text = response.content.decode(errors="replace")
    if "html" in kind:
        return len(ROW_MARKS.findall(text))
    if "json" in kind:
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("results", data.get("items", []))
        return len(data) if isinstance(data, list) else 0
    if "xml" in kind:
        return len(FEED_MARKS.findall(text))
    return None  # exports (CSV, Excel), files, images: an export lists what it was asked for


def _measure(patterns, prepared):
    """``{(role, key, url): rows}`` of every page answered 200 with something countable."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    found, requested = {}, set()
    for username in crawl.ROLES:
        user = get_user_model().objects.get(username=username) if username else None
        client = Client(HTTP_HOST=crawl.HOST)
        if user:
            client.force_login(user)
        firsts = {}
        for key, url in crawl.pattern_urls(patterns, user, prepared):
            firsts.setdefault(key, url)
        for key, url in firsts.items():
            if key.startswith(tuple(NOT_MEASURED)) or key in NOT_MEASURED:
                continue
            requested.add(key)
            response = client.get(url)
            if getattr(response, "streaming", False):
                continue
            if response.status_code == 200:
                rows = _rows(response)
                if rows is not None:
                    found[(username, key, url)] = rows
    return found, requested


def test_no_page_lists_more_rows_when_the_data_grows():
    from suggestions.models import Suggestion

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    prepared = crawl.prepare()
    patterns = crawl.url_patterns()
    _grow.last_original = Suggestion.objects.order_by("-pk").values_list("pk", flat=True).first()
    _grow(GROWTH)
    before, requested = _measure(patterns, prepared)
    _grow(GROWTH)
    after, _requested = _measure(patterns, prepared)

    grown = [
        f"{role or 'anonymous'} {url} ({key}): {before[k]} → {after[k]} rows"
        for k in before
        for role, key, url in [k]
        if after.get(k, 0) > before[k]
    ]
    vanished = [f"{k[0] or 'anonymous'} {k[2]}: answered 200 before, not after" for k in before if k not in after]
    unmeasured = sorted(
        key
        for key, *_ in patterns
        if key not in requested and key not in crawl.NOT_CRAWLED and not key.startswith(tuple(NOT_MEASURED))
    )
    assert len(before) > 300, len(before)
    assert not grown, "pages that list more rows with more data:\n" + "\n".join(grown)
    assert not vanished, "\n".join(vanished)
    assert not unmeasured, f"patterns never measured: {unmeasured}"
