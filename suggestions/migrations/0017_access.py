"""Each attachment knows what it is and whose it is, so a download is decided by one rule.

Until now an office's files were told apart from the suggestion's own by what pointed at them (a
reply, an opinion). A draft reply letter that the office replaced pointed at nothing any more and
became downloadable by everyone who may read the suggestion, and its name was listed beside the
delegate's files. ``kind`` and ``office`` say it directly; existing files are classified here from
the replies and opinions that hold them, and an unreferenced file uploaded by a clerk of an office
handling the suggestion is that office's replaced letter.

Audit rows of an office's upload get their own action (``office_attach``, shown to that office only):
their note is the file's name, which is not for the delegates.
"""

import django.db.models.deletion
from django.db import migrations, models


def classify(apps, schema_editor):
    Attachment = apps.get_model("suggestions", "Attachment")
    Reply = apps.get_model("suggestions", "Reply")
    Opinion = apps.get_model("suggestions", "Opinion")
    Assignment = apps.get_model("suggestions", "Assignment")
    OfficeMember = apps.get_model("suggestions", "OfficeMember")
    AuditLog = apps.get_model("suggestions", "AuditLog")
    for reply in Reply.objects.filter(attachment__isnull=False).only("attachment_id", "office_id"):
        Attachment.objects.filter(pk=reply.attachment_id).update(kind="letter", office_id=reply.office_id)
    for opinion in Opinion.objects.filter(attachment__isnull=False).select_related("assignment"):
        Attachment.objects.filter(pk=opinion.attachment_id).update(
            kind="opinion", office_id=opinion.assignment.office_id
        )
    for attachment in Attachment.objects.filter(kind="suggestion").select_related("suggestion__lead_delegate"):
        if attachment.uploaded_by_id == attachment.suggestion.lead_delegate.user_id:
            continue
        offices = set(
            Assignment.objects.filter(suggestion_id=attachment.suggestion_id).values_list("office_id", flat=True)
        )
        mine = OfficeMember.objects.filter(user_id=attachment.uploaded_by_id, office_id__in=offices).first()
        if mine is not None:
            Attachment.objects.filter(pk=attachment.pk).update(kind="letter", office_id=mine.office_id)
    for log in AuditLog.objects.filter(action="attach").select_related("suggestion__lead_delegate"):
        if log.suggestion_id is None or log.actor_id == log.suggestion.lead_delegate.user_id:
            continue
        offices = Assignment.objects.filter(suggestion_id=log.suggestion_id).exclude(
            status__in=["returned", "withdrawn"]
        )
        member_of = set(OfficeMember.objects.filter(user_id=log.actor_id).values_list("office_id", flat=True))
        assignment = next((a for a in offices if a.office_id in member_of), None)
        if assignment is not None:
            AuditLog.objects.filter(pk=log.pk).update(action="office_attach", assignment_id=assignment.pk)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0016_roster")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="kind",
            field=models.CharField(
                choices=[("suggestion", "建议附件"), ("letter", "答复函"), ("opinion", "协办意见附件")],
                db_default="suggestion",
                default="suggestion",
                max_length=12,
                verbose_name="用途",
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="office",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="suggestions.office",
                verbose_name="承办单位",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
