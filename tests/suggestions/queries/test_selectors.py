"""Access that ends when it should: after a granted return, an expired invitation, and a draft for staff."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import CoSigner
from suggestions.queries import selectors
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _file(suggestion, user, name="现场照片.png"):
    return actions.attachment_add(
        suggestion=suggestion, actor=user, uploaded_file=SimpleUploadedFile(name, PNG), content_type="image/png"
    )


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_an_office_whose_return_was_granted_no_longer_reads_the_suggestion_or_its_later_notes(
    client, assigned, co_assignment, co_clerk, other_office, staff
):
    url = reverse("suggestions:detail", args=[assigned.pk])
    assert _status(client, co_clerk, url) == 200
    request = actions.assignment_request_return(assignment=co_assignment, actor=co_clerk, reason="不属于本单位。")
    actions.return_request_approve(request=request, actor=staff, new_office=other_office, note="改由交通局协办。")
    actions.reminder_manual(
        assignment=assigned.assignments.get(office=other_office), actor=staff, message="新单位请尽快签收。"
    )
    assert _status(client, co_clerk, url) == 404
    assert selectors.suggestion_for_user(co_clerk, assigned.pk) is None
    assert _status(client, co_clerk, reverse("offices:assignment", args=[co_assignment.pk])) == 404


def test_an_office_that_handled_a_withdrawn_suggestion_still_reads_why(client, assigned, lead_assignment, clerk, staff):
    actions.suggestion_withdraw(suggestion=assigned, actor=staff, reason="代表书面申请撤回。")
    client.force_login(clerk)
    page = client.get(reverse("suggestions:detail", args=[assigned.pk])).content.decode()
    assert "代表书面申请撤回。" in page


def test_an_expired_invitation_reads_neither_the_draft_nor_its_attachment(client, draft, delegate, other_delegate):
    attachment = _file(draft, delegate.user)
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    urls = [
        reverse("suggestions:detail", args=[draft.pk]),
        reverse("delegates:suggestion", args=[draft.pk]),
        reverse("suggestions:attachment", args=[attachment.pk]),
    ]
    assert [_status(client, other_delegate.user, url) for url in urls] == [200, 200, 200]
    CoSigner.objects.update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert [_status(client, other_delegate.user, url) for url in urls] == [404, 404, 404]
    assert [_status(client, delegate.user, url) for url in urls] == [200, 200, 200]


def test_a_confirmed_cosigner_keeps_reading_after_the_deadline(client, draft, delegate, other_delegate):
    attachment = _file(draft, delegate.user)
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=draft.cosigners.get(), actor=other_delegate.user, accept=True)
    CoSigner.objects.update(deadline=timezone.now() - datetime.timedelta(days=1))
    assert _status(client, other_delegate.user, reverse("suggestions:attachment", args=[attachment.pk])) == 200
    assert _status(client, other_delegate.user, reverse("delegates:suggestion", args=[draft.pk])) == 200


def test_staff_read_neither_a_draft_nor_its_attachments_until_it_is_submitted(client, draft, delegate, staff):
    attachment = _file(draft, delegate.user)
    urls = [reverse("suggestions:detail", args=[draft.pk]), reverse("suggestions:attachment", args=[attachment.pk])]
    assert [_status(client, staff, url) for url in urls] == [404, 404]
    admin = factories.UserFactory(username="draft-admin", is_superuser=True, is_staff=True)
    assert [_status(client, admin, url) for url in urls] == [404, 404]
    actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    assert [_status(client, staff, url) for url in urls] == [200, 200]


def test_a_replaced_draft_letter_stays_with_its_office(client, assigned, lead_assignment, clerk, co_clerk, delegate):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)

    def save(name):
        letter = _file(assigned, clerk, name)
        return actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿。", attachment=letter)

    first = save("初稿.png").attachment
    second = save("二稿.png").attachment
    assert (
        first.pk != second.pk
        and first.kind == second.kind == "letter"
        and first.office_id == clerk.office_memberships.get().office_id
    )
    for user, expected in ((clerk, 200), (co_clerk, 404), (delegate.user, 404)):
        assert _status(client, user, reverse("suggestions:attachment", args=[first.pk])) == expected, user


def test_an_office_cannot_pass_off_another_offices_file_as_its_letter(
    assigned, lead_assignment, co_assignment, clerk, co_clerk
):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    co_file = _file(assigned, co_clerk)
    with pytest.raises(actions.NotPermitted):
        actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿。", attachment=co_file)


# --------------------------------------------------------------------------- the suggestion's delegates


@pytest.mark.django_db
def test_the_suggestions_delegates_are_the_lead_then_the_confirmed_cosigners_only(draft, delegate, other_delegate):
    declined, invited = factories.DelegateFactory(), factories.DelegateFactory()
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate, declined, invited])
    actions.cosigner_respond(
        cosigner=draft.cosigners.get(delegate=other_delegate), actor=other_delegate.user, accept=True
    )
    actions.cosigner_respond(cosigner=draft.cosigners.get(delegate=declined), actor=declined.user, accept=False)
    assert selectors.suggestion_delegates(draft) == [delegate, other_delegate]


def test_the_active_assignment_statuses_are_written_out_once():
    """``Assignment.ACTIVE`` / ``Assignment.UNANSWERED`` are the one place these status lists live."""
    import re
    from pathlib import Path

    from suggestions.models import Assignment

    A = Assignment.Status
    assert Assignment.ACTIVE == (A.PENDING, A.SIGNED, A.RETURN_REQUESTED, A.REHANDLING)
    assert Assignment.UNANSWERED == (A.PENDING, A.SIGNED, A.RETURN_REQUESTED)
    written_out = re.compile(r"A\.PENDING, A\.SIGNED, A\.RETURN_REQUESTED")
    root = Path(__file__).resolve().parents[3]
    offenders = [
        str(path.relative_to(root))
        for folder in ("suggestions", "delegates")
        for path in (root / folder).rglob("*.py")
        if written_out.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_services_and_office_pages_share_one_suggestion_delegates_helper():
    from suggestions import actions as services_module
    from suggestions.queries import office_selectors

    assert not hasattr(services_module, "_suggestion_delegates")
    assert not hasattr(office_selectors, "suggestion_delegates")
    assert services_module.suggestion_delegates is selectors.suggestion_delegates
