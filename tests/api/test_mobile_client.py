"""A scripted mobile client, in plain HTTP with device tokens, walks a suggestion through its whole life:
a delegate files jointly, the co-signer confirms, staff register and assign (staff have no API: their
steps are the actions the staff pages call), the office signs, contacts, replies with its signed letter,
and the delegates rate. No page is opened."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from suggestions import actions
from suggestions.models import Assignment, Rating, Suggestion
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content.decode()[:500])
    return response.json()


def _allowed(resource):
    return {a["action"] for a in resource["available_actions"] if a["allowed"]}


def test_delegate_files_jointly_cosigner_confirms_office_replies_delegates_rate(
    session, delegate, other_delegate, staff, office, clerk
):
    category = factories.CategoryFactory()
    lead, cosigner, office_app = bearer(delegate.user), bearer(other_delegate.user), bearer(clerk)

    # The delegate drafts on the phone; a retried request (same Idempotency-Key) files nothing twice.
    payload = {"title": "关于增设小区停车位的建议", "body": "小区停车难，建议增设停车位。", "category": category.pk}
    draft = _ok(
        lead.post("/api/v1/suggestions/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"), 201
    )
    again = lead.post("/api/v1/suggestions/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json()["id"] == draft["id"] and again["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.filter(lead_delegate=delegate).count() == 1
    assert draft["status"] == "draft" and {"edit", "submit", "invite", "attach"} <= _allowed(draft)

    # Autosave with the ETag it read; then a file and an invitation to co-sign.
    etag = lead.get(f"/api/v1/suggestions/{draft['id']}/")["ETag"]
    draft = _ok(
        lead.patch(
            f"/api/v1/suggestions/{draft['id']}/",
            {"body": "小区停车难，夜间占道严重，建议增设停车位。"},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
    )
    pdf = SimpleUploadedFile("现场照片.pdf", factories.SIGNED_LETTER_PDF, content_type="application/pdf")
    _ok(lead.post(f"/api/v1/suggestions/{draft['id']}/attachments/", {"file": pdf}), 201)
    draft = _ok(
        lead.post(
            f"/api/v1/suggestions/{draft['id']}/invitations/",
            {"delegates": [other_delegate.pk]},
            content_type="application/json",
        )
    )
    # Submitting waits for the co-signer's answer: 409 with the page's message.
    refused = lead.post(f"/api/v1/suggestions/{draft['id']}/submit/")
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    assert "还有联名邀请未答复" in refused.json()["message"]

    # The co-signer sees the invitation and confirms.
    invitations = _ok(cosigner.get("/api/v1/invitations/"))
    assert [i["suggestion"]["id"] for i in invitations] == [draft["id"]]
    assert "respond" in _allowed(invitations[0])
    _ok(cosigner.post(f"/api/v1/invitations/{invitations[0]['id']}/confirm/"))

    submitted = _ok(lead.post(f"/api/v1/suggestions/{draft['id']}/submit/"))
    assert submitted["status"] == "submitted"

    # Staff register and assign (their pages' actions).
    suggestion = Suggestion.objects.get(pk=draft["id"])
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office, co_offices=[])

    # The office works from its inbox.
    inbox = _ok(office_app.get("/api/v1/office/assignments/"))
    assert [row["suggestion"]["id"] for row in inbox["results"]] == [draft["id"]]
    pk = inbox["results"][0]["id"]
    assignment = _ok(office_app.get(f"/api/v1/office/assignments/{pk}/"))
    assert "sign" in _allowed(assignment)
    assignment = _ok(office_app.post(f"/api/v1/office/assignments/{pk}/sign/"))
    assert assignment["status"] == Assignment.Status.SIGNED
    contact = {
        "method": "visit",
        "date": timezone.localdate().isoformat(),
        "participants": "代表、经办人",
        "summary": "上门沟通。",
        "delegate_invited": True,
    }
    _ok(office_app.post(f"/api/v1/office/assignments/{pk}/contacts/", contact, content_type="application/json"), 201)
    letter = SimpleUploadedFile("答复函.pdf", factories.SIGNED_LETTER_PDF, content_type="application/pdf")
    assignment = _ok(
        office_app.put(
            f"/api/v1/office/assignments/{pk}/reply/",
            _multipart({"text": "已增设停车位50个。", "result_class": "A", "signed_off_by": "局长", "letter": letter}),
            content_type=_MULTIPART,
        )
    )
    assert assignment["reply"]["status"] == "draft" and assignment["reply_requirements"] == []
    assignment = _ok(office_app.post(f"/api/v1/office/assignments/{pk}/reply/submit/"))
    assert assignment["reply"]["status"] == "submitted"

    # Both delegates rate the reply they now see on the suggestion.
    for app in (lead, cosigner):
        detail = _ok(app.get(f"/api/v1/suggestions/{draft['id']}/"))
        reply = detail["replies"][0]
        assert "rate" in _allowed(reply)
        _ok(
            app.post(
                f"/api/v1/replies/{reply['id']}/ratings/",
                {"value": "satisfied"},
                content_type="application/json",
            ),
            201,
        )
    assert Rating.objects.filter(suggestion_id=draft["id"]).count() == 2
    detail = _ok(lead.get(f"/api/v1/suggestions/{draft['id']}/"))
    assert detail["status"] == "closed"
    steps = [step["action"] for step in detail["timeline"]]
    assert steps[0] == "create" and {"cosigner_invite", "submit", "register", "reply", "rate"} <= set(steps)
    # Every step notified the delegate.
    assert _ok(lead.get("/api/v1/notifications/unread-count/"))["count"] > 0


_MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(data):
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", data)
