"""Migration 0017 classifies the files and upload rows written before attachments knew whose they are."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions import actions
from suggestions.models import Attachment, AuditLog

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
migration = importlib.import_module("suggestions.migrations.0017_access")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _file(suggestion, user, name):
    return actions.attachment_add(
        suggestion=suggestion, actor=user, uploaded_file=SimpleUploadedFile(name, PNG), content_type="image/png"
    )


def test_old_files_and_upload_rows_are_classified_by_what_holds_them(
    draft, delegate, staff, office, co_office, clerk, co_clerk
):
    own = _file(draft, delegate.user, "照片.png")
    actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    actions.suggestion_register(suggestion=draft, actor=staff)
    lead, co = actions.suggestion_assign(suggestion=draft, actor=staff, lead_office=office, co_offices=[co_office])
    actions.assignment_sign(assignment=lead, actor=clerk)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    opinion_file = _file(draft, co_clerk, "意见.png")
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意。", attachment=opinion_file)
    replaced = _file(draft, clerk, "初稿.png")
    actions.reply_save_draft(assignment=lead, actor=clerk, text="草稿。", attachment=replaced)
    letter = _file(draft, clerk, "二稿.png")
    actions.reply_save_draft(assignment=lead, actor=clerk, text="草稿。", attachment=letter)
    # As the rows were before: every file the suggestion's, every upload row an "attach" of the suggestion.
    Attachment.objects.update(kind="suggestion", office=None)
    AuditLog.objects.filter(action="office_attach").update(action="attach", assignment=None)

    migration.classify(apps, None)

    kinds = {a.original_name: (a.kind, a.office_id) for a in Attachment.objects.all()}
    assert kinds == {
        "照片.png": ("suggestion", None),
        "意见.png": ("opinion", co_office.pk),
        "初稿.png": ("letter", office.pk),
        "二稿.png": ("letter", office.pk),
    }
    rows = {log.note: (log.action, log.assignment_id) for log in AuditLog.objects.filter(action__endswith="attach")}
    assert rows == {
        "照片.png": ("attach", None),
        "意见.png": ("office_attach", co.pk),
        "初稿.png": ("office_attach", lead.pk),
        "二稿.png": ("office_attach", lead.pk),
    }
    assert own.pk
