"""The home page and the timeline page hold a fixed number of SQL queries however many rows."""

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import CoSigner
from suggestions.reporting import worklists
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db

# Each signed-in request also sets its congress scope for row-level security (huaxi_renda.rowscope): one statement
# for a delegate of one congress (the narrowing to the congress they act in would change nothing, so is not sent).
SCOPE = 1
# Counts 1 (the delegate's tally rows), invitations 1, newest ids 1, rows 1 + assignments 1, roles 1.
HOME_QUERIES = 6 + SCOPE
DETAIL_QUERIES = 10 + SCOPE  # ratings come with their delegates in one query (suggestion_detail_context)


def _assigned(session, lead, staff, offices):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=lead)
    actions.suggestion_submit(suggestion=suggestion, actor=lead.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=offices[0], co_offices=offices[1:])
    return suggestion


def _fill_home(n, *, session, delegate, staff, offices, clerk):
    """n suggestions in every section: drafts, submitted, handling, replied, co-signed, invitations."""
    other = factories.DelegateFactory()
    for _ in range(n):
        factories.SuggestionFactory(session=session, lead_delegate=delegate)
        submitted = factories.SuggestionFactory(session=session, lead_delegate=delegate)
        actions.suggestion_submit(suggestion=submitted, actor=delegate.user)
        _assigned(session, delegate, staff, offices)
        replied = _assigned(session, delegate, staff, offices)
        carry_to_reply(replied, replied.assignments.get(office=offices[0]), clerk)
        joint = factories.SuggestionFactory(session=session, lead_delegate=other)
        actions.cosigner_invite(suggestion=joint, actor=other.user, delegates=[delegate])
        if _ % 2:
            actions.cosigner_respond(
                cosigner=CoSigner.objects.get(suggestion=joint, delegate=delegate), actor=delegate.user, accept=True
            )
            actions.suggestion_submit(suggestion=joint, actor=other.user)


@pytest.fixture
def offices(office, co_office, clerk, co_clerk):
    return [office, co_office]


@pytest.mark.parametrize("n", [1, 5])
def test_home_page_query_count_is_fixed(client, django_assert_num_queries, session, delegate, staff, offices, clerk, n):
    _fill_home(n, session=session, delegate=delegate, staff=staff, offices=offices, clerk=clerk)
    client.force_login(delegate.user)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("delegates:home"))
    assert response.status_code == 200
    # 4 led per round plus co-signed ones: the sections really hold n-dependent rows.
    assert response.content.decode().count('href="/delegate/suggestions/') >= 4 * n


def _handled(session, delegate, staff, offices, clerks, *, contacts, rounds):
    suggestion = _assigned(session, delegate, staff, offices)
    lead = suggestion.assignments.get(office=offices[0])
    reply = carry_to_reply(suggestion, lead, clerks[0])
    for extra in range(contacts):
        actions.contact_record(
            assignment=lead,
            actor=clerks[0],
            method="phone",
            date=timezone.localdate(),
            participants="代表",
            summary=f"第{extra}次电话沟通。",
        )
    for number in range(2, rounds + 1):
        actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment=f"第{number}轮不满意。")
        lead.refresh_from_db()
        actions.contact_record(
            assignment=lead,
            actor=clerks[0],
            method="visit",
            date=timezone.localdate(),
            participants="代表",
            summary="再次上门沟通。",
        )
        reply = actions.reply_save_draft(
            assignment=lead,
            actor=clerks[0],
            text=f"第{number}轮答复。",
            result_class=factories.result_class("B"),
            signed_off_by="局长",
            attachment=factories.signed_letter(lead, clerks[0]),
        )
        actions.reply_submit(reply=reply, actor=clerks[0])
    co = suggestion.assignments.get(office=offices[1])
    actions.assignment_sign(assignment=co, actor=clerks[1])
    return suggestion


@pytest.mark.parametrize(("contacts", "rounds"), [(1, 2), (10, 4)])
def test_timeline_page_query_count_is_fixed(
    client, django_assert_num_queries, session, delegate, staff, offices, clerk, co_clerk, contacts, rounds
):
    suggestion = _handled(session, delegate, staff, offices, [clerk, co_clerk], contacts=contacts, rounds=rounds)
    client.force_login(delegate.user)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("delegates:suggestion", args=[suggestion.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="timeline-item"') >= 6 + contacts + 2 * (rounds - 1)


@pytest.mark.parametrize("n", [1, 4])
def test_record_page_query_count_is_fixed(
    client, django_assert_num_queries, session, delegate, staff, offices, clerk, n
):
    _fill_home(n, session=session, delegate=delegate, staff=staff, offices=offices, clerk=clerk)
    client.force_login(delegate.user)
    with django_assert_num_queries(4 + SCOPE):
        response = client.get(reverse("delegates:my_record"))
    assert response.status_code == 200


def test_home_lists_the_newest_finished_and_cosigned_rows_and_counts_them_all(
    client, django_assert_num_queries, session, delegate
):
    """A delegate with many finished suggestions: the newest few are listed, the counts are whole."""
    from suggestions.queries.delegate_selectors import HOME_SHOWN

    other = factories.DelegateFactory(term=session.term)
    extra = 3
    for i in range(HOME_SHOWN + extra):
        factories.SuggestionFactory(
            session=session, lead_delegate=delegate, status="closed", title=f"已办结建议{i:02d}"
        )
        joint = factories.SuggestionFactory(
            session=session, lead_delegate=other, status="closed", title=f"联名建议{i:02d}"
        )
        CoSigner.objects.create(suggestion=joint, delegate=delegate, status=CoSigner.Status.CONFIRMED)
        worklists.refresh([joint.pk])  # written around the actions: counted as a catch-up would
    open_one = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="草稿建议")
    client.force_login(delegate.user)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("delegates:home"))
    html = response.content.decode()
    counts = {c["anchor"]: c["value"] for c in response.context["counts"]}
    total = HOME_SHOWN + extra
    assert counts["finished"] == total and counts["cosigned"] == total and counts["drafts"] == 1
    lists = {item["anchor"]: item for item in response.context["lists"]}
    assert len(lists["finished"]["rows"]) == HOME_SHOWN == len(lists["cosigned"]["rows"])
    assert f"共{total}件" in html and "?section=finished" in html
    assert open_one.title in html
