"""Who sees which step of the handling timeline: ``timeline.VISIBILITY``, one test per audience."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import AuditAction, AuditLog, CoSigner, Suggestion
from suggestions.queries import timeline
from tests import factories

# What each party writes that is for the staff and that office only.
REMIND = "催办：请本周内答复，内部督促"
EXTENSION_REASON = "需要协调财政资金，内部理由"
EXTENSION_NOTE = "同意延期，工作人员批注"
CO_RETURN_REASON = "不属于本单位职责，内部理由"
CO_REFUSE_NOTE = "不同意退回，工作人员批注"
INTERNAL = (REMIND, EXTENSION_REASON, EXTENSION_NOTE, CO_RETURN_REASON, CO_REFUSE_NOTE)


@pytest.fixture
def handled(session, staff, delegate, other_delegate, office, co_office, clerk, co_clerk, leader):
    """A key suggestion of the recess series, co-signed, handled by a lead and a co-office, with every
    kind of internal note on it; the lead office has replied."""
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, series=Suggestion.Series.RECESS)
    actions.cosigner_invite(suggestion=suggestion, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=suggestion.cosigners.get(), actor=other_delegate.user, accept=True)
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff, number=7)
    lead, co = actions.suggestion_assign(
        suggestion=suggestion, actor=staff, lead_office=office, co_offices=[co_office], is_key=True, leader=leader
    )
    actions.assignment_sign(assignment=lead, actor=clerk)
    actions.reminder_manual(assignment=lead, actor=staff, message=REMIND)
    request = actions.extension_request(
        assignment=lead, actor=clerk, reason=EXTENSION_REASON, until=actions.extension_limit(assignment=lead)
    )
    actions.extension_approve(request=request, actor=staff, note=EXTENSION_NOTE)
    co_request = actions.assignment_request_return(assignment=co, actor=co_clerk, reason=CO_RETURN_REASON)
    actions.return_request_refuse(request=co_request, actor=staff, note=CO_REFUSE_NOTE)
    actions.contact_record(
        assignment=lead,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="上门。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=lead,
        actor=clerk,
        text="已列入计划。",
        result_class=factories.result_class("B"),
        signed_off_by="局长",
        attachment=factories.signed_letter(lead, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    suggestion.refresh_from_db()
    return suggestion


def _timeline(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.context["timeline"], response.content.decode()


def _detail(suggestion):
    return reverse("suggestions:detail", args=[suggestion.pk])


# --------------------------------------------------------------------------- the table


def test_every_action_the_services_write_is_a_member_of_the_enumeration_with_a_row_and_a_label():
    root = Path(__file__).resolve().parents[3] / "suggestions"
    # People and accounts (accounts, roster_import) write rows without a suggestion: no timeline shows them.
    people = {"accounts.py", "roster_import.py"}
    source = "\n".join(p.read_text() for p in sorted((root / "actions").rglob("*.py")) if p.name not in people)
    assert not re.findall(r'action="[a-z_]+"', source), "write audit actions as AuditAction members"
    written = {AuditAction[name] for name in re.findall(r"AuditAction\.([A-Z_]+)", source)}
    assert {AuditAction.REPLY, AuditAction.ATTACH, AuditAction.OFFICE_ATTACH} <= written
    assert written - set(timeline.VISIBILITY) == set(), "decide who sees each new action in timeline.VISIBILITY"
    assert all(isinstance(action, AuditAction) for action in timeline.VISIBILITY)
    for audiences in timeline.VISIBILITY.values():
        assert audiences <= set(timeline.AUDIENCES)


def test_every_action_label_comes_from_the_enumeration():
    assert timeline.ACTION_LABELS == dict(AuditAction.choices)
    assert str(timeline.ACTION_LABELS["reply"]) == "答复"
    assert AuditLog.Action is AuditAction
    assert AuditLog(action=AuditAction.REMIND).get_action_display() == "催办"


def test_no_module_writes_an_audit_action_as_a_bare_string():
    root = Path(__file__).resolve().parents[3]
    for path in [*(root / "suggestions").rglob("*.py"), *(root / "delegates").rglob("*.py")]:
        if "migrations" in path.parts or "management" in path.parts:
            continue
        assert not re.findall(r'\baction="[a-z_]+"', path.read_text()), path


def test_an_action_the_table_does_not_know_is_shown_to_staff_only():
    item = {"action": "something_new", "office_id": None}
    assert timeline.audiences_for("something_new") == {timeline.STAFF}
    assert timeline.Viewer(audiences=frozenset({timeline.STAFF})).may_see(item)
    for audience in set(timeline.AUDIENCES) - {timeline.STAFF}:
        viewer = timeline.Viewer(audiences=frozenset({audience}), office_ids=frozenset({1}))
        assert not viewer.may_see(item), audience


def test_internal_notes_are_for_staff_and_that_office_only():
    for action in ("remind", "request_return", "return_approved", "return_refused", "request_extension"):
        assert timeline.audiences_for(action) == {timeline.OFFICE, timeline.STAFF}, action
    assert timeline.audiences_for("extension_approved") == {timeline.OFFICE, timeline.STAFF}
    assert timeline.audiences_for("extension_refused") == {timeline.OFFICE, timeline.STAFF}


# --------------------------------------------------------------------------- one test per audience


def test_the_lead_delegate_sees_the_handling_but_no_internal_note_on_any_page(client, handled, delegate):
    for url in (_detail(handled), reverse("delegates:suggestion", args=[handled.pk])):
        steps, page = _timeline(client, delegate.user, url)
        actions = {item["action"] for item in steps}
        assert {"submit", "register", "assign", "sign", "contact", "reply"} <= actions
        assert not actions & {"remind", "request_extension", "extension_approved", "request_return", "return_refused"}
        assert not [text for text in INTERNAL if text in page], url
        assert not [item for item in steps if item["actor"]], "delegates are not shown who acted"


def test_a_confirmed_cosigner_sees_what_the_lead_delegate_sees(client, handled, delegate, other_delegate):
    lead_steps, _ = _timeline(client, delegate.user, _detail(handled))
    steps, page = _timeline(client, other_delegate.user, _detail(handled))
    assert [item["action"] for item in steps] == [item["action"] for item in lead_steps]
    assert not [text for text in INTERNAL if text in page]


def test_an_invited_cosigner_reads_the_draft_but_not_its_timeline(client, draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    for url in (_detail(draft), reverse("delegates:suggestion", args=[draft.pk])):
        steps, page = _timeline(client, other_delegate.user, url)
        assert draft.body in page
        assert steps == []


def test_each_office_sees_its_own_internal_steps_and_not_the_other_offices(client, handled, clerk, co_clerk):
    lead, co = handled.assignments.get(role="lead"), handled.assignments.get(role="co")
    for url in (_detail(handled), reverse("offices:assignment", args=[lead.pk])):
        steps, page = _timeline(client, clerk, url)
        assert REMIND in page and EXTENSION_REASON in page and EXTENSION_NOTE in page, url
        assert CO_RETURN_REASON not in page and CO_REFUSE_NOTE not in page, url
        assert {item["office_id"] for item in steps} <= {None, lead.office_id}
    for url in (_detail(handled), reverse("offices:assignment", args=[co.pk])):
        steps, page = _timeline(client, co_clerk, url)
        assert CO_RETURN_REASON in page and CO_REFUSE_NOTE in page, url
        assert not [text for text in (REMIND, EXTENSION_REASON, EXTENSION_NOTE) if text in page], url
        assert "register" in {item["action"] for item in steps}  # the suggestion's own steps


def test_staff_see_every_step_with_who_acted_and_no_name_twice(client, handled, staff):
    for url in (_detail(handled), reverse("staff:suggestion", args=[handled.pk])):
        steps, page = _timeline(client, staff, url)
        # Every step but an office's own uploads (draft letters are the office's until it replies).
        assert len(steps) == handled.audit_logs.exclude(action="office_attach").count()
        assert all(text in page for text in INTERNAL)
        for item in steps:
            assert not (item["note"] and item["note"] in (item["actor"], item["office"])), item
        respond = next(item for item in steps if item["action"] == "cosigner_respond")
        name = handled.cosigners.get().delegate.name
        assert respond["actor"] and respond["note"] == "" and name in respond["detail"]


def test_the_supervising_leader_follows_the_handling_without_internal_notes(client, handled, leader):
    steps, page = _timeline(client, leader.user, _detail(handled))
    actions = {item["action"] for item in steps}
    assert {"register", "assign", "sign", "contact", "reply"} <= actions
    assert not [text for text in INTERNAL if text in page]


def test_the_public_audience_gets_the_dated_steps_of_the_public_outcome_page_only(handled):
    from suggestions.models import AuditLog
    from suggestions.queries.timeline import PUBLIC_VIEWER, build_timeline, timeline_for

    items = build_timeline(AuditLog.objects.filter(suggestion=handled).select_related("actor", "assignment__office"))
    shown = {item["action"] for item in timeline_for(PUBLIC_VIEWER, items, suggestion=handled)}
    assert shown == {"register", "assign", "reply"}
    assert {a for a, aud in timeline.VISIBILITY.items() if timeline.PUBLIC in aud} == {
        "register",
        "assign",
        "reply",
        "rehandle",
        "rate",
        "publish",
    }


# --------------------------------------------------------------------------- number format


def test_every_timeline_writes_the_number_as_every_other_page_does(client, handled, delegate, staff):
    assert handled.number_display == "闭会第7号"
    for user, url in (
        (delegate.user, reverse("delegates:suggestion", args=[handled.pk])),
        (staff, _detail(handled)),
    ):
        steps, page = _timeline(client, user, url)
        register = next(item for item in steps if item["action"] == "register")
        assert register["detail"] == "编号：闭会第7号"
        assert "编号：7<" not in page and "编号：7\n" not in page


def test_a_cosigner_answer_is_not_a_secret_to_the_lead(client, handled, delegate):
    steps, _ = _timeline(client, delegate.user, reverse("delegates:suggestion", args=[handled.pk]))
    respond = next(item for item in steps if item["action"] == "cosigner_respond")
    assert respond["detail"].endswith(str(CoSigner.Status.CONFIRMED.label))


# --------------------------------------------------------------------------- cost


def test_filtering_per_viewer_costs_no_query_and_the_count_does_not_grow_with_the_steps(
    client, handled, staff, clerk, co_clerk, delegate, leader
):
    """The timeline is cached for everyone and filtered per viewer in Python: the detail page's query
    count per role stays what it is, however many steps there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _detail(handled)
    users = {"staff": staff, "clerk": clerk, "co_clerk": co_clerk, "delegate": delegate.user, "leader": leader.user}

    def counts():
        found = {}
        for name, user in users.items():
            client.force_login(user)
            client.get(url)  # fills the cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[name] = len(queries.captured_queries)
        return found

    few = counts()
    lead = handled.assignments.get(role="lead")
    for n in range(8):
        actions.contact_record(
            assignment=lead, actor=clerk, method="phone", date=timezone.localdate(), participants="代表", summary=f"{n}"
        )
        actions.reminder_manual(assignment=handled.assignments.get(role="co"), actor=staff, message=f"催办{n}")
    assert counts() == few
    assert max(few.values()) <= 6 + 2  # and the two statements of the request's congress scope (rowscope)
