"""Who may add and download attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions import actions
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name="意见.png"):
    return SimpleUploadedFile(name, PNG)


def test_a_second_co_office_cannot_download_the_first_co_offices_opinion_file(
    client, assigned, co_assignment, co_clerk, clerk, staff
):
    second_office = factories.OfficeFactory(name="花溪街道办事处")
    second_clerk = factories.OfficeMemberFactory(office=second_office).user
    from suggestions.models import Assignment

    Assignment.objects.create(
        suggestion=assigned,
        office=second_office,
        role="co",
        return_by=co_assignment.return_by,
        due_date=co_assignment.due_date,
    )
    actions.assignment_sign(assignment=co_assignment, actor=co_clerk)
    attachment = actions.attachment_add(
        suggestion=assigned, actor=co_clerk, uploaded_file=upload(), content_type="image/png"
    )
    actions.opinion_send(assignment=co_assignment, actor=co_clerk, text="意见", attachment=attachment)
    url = f"/suggestions/attachments/{attachment.pk}/"
    for user, allowed in ((co_clerk, True), (clerk, True), (staff, True), (second_clerk, False)):
        client.force_login(user)
        assert (client.get(url).status_code == 200) is allowed, user


def test_only_the_suggestions_people_may_add_files(draft, delegate, other_delegate, other_clerk, staff):
    for actor in (other_delegate.user, other_clerk):
        with pytest.raises(actions.NotPermitted):
            actions.attachment_add(suggestion=draft, actor=actor, uploaded_file=upload(), content_type="image/png")
    assert actions.attachment_add(
        suggestion=draft, actor=delegate.user, uploaded_file=upload(), content_type="image/png"
    ).pk
    assert actions.attachment_add(suggestion=draft, actor=staff, uploaded_file=upload(), content_type="image/png").pk
