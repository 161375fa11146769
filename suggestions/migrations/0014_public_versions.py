"""Public versions of a suggestion's title and body, reviewed before publication, and their own search index.

The public pages, feed and CSV read ``public_title`` / ``public_body`` only. Suggestions already
published get masked copies of their title and body (``suggestions.pii``), and published replies a
masked public text, so nothing already public keeps a phone or ID number. On PostgreSQL the public
search reads the generated column ``public_bigrams`` (same ``huaxi_bigrams`` as ``search_bigrams``)
through a partial GIN index of the published rows, which replaces ``sugg_public_bigrams`` (0013).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models, transaction

BATCH = 2000

FORWARD = """
ALTER TABLE suggestions_suggestion
  ADD COLUMN IF NOT EXISTS public_bigrams tsvector
  GENERATED ALWAYS AS (huaxi_bigrams(public_title || ' ' || public_body)) STORED;
COMMENT ON COLUMN suggestions_suggestion.public_bigrams IS
  'huaxi_bigrams(public_title || '' '' || public_body): read by the public search (suggestions.search).';
DROP INDEX IF EXISTS sugg_public_bigrams;
CREATE INDEX IF NOT EXISTS sugg_public_text_bigrams ON suggestions_suggestion
  USING gin (public_bigrams) WHERE is_published;
"""

BACKWARD = """
DROP INDEX IF EXISTS sugg_public_text_bigrams;
ALTER TABLE suggestions_suggestion DROP COLUMN IF EXISTS public_bigrams;
CREATE INDEX IF NOT EXISTS sugg_public_bigrams ON suggestions_suggestion USING gin (search_bigrams) WHERE is_published;
"""


def mask_published(apps, schema_editor):
    from django.utils import timezone

    from suggestions import pii

    now = timezone.now()
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Reply = apps.get_model("suggestions", "Reply")
    rows = Suggestion.objects.filter(is_published=True).only("id", "title", "body", "published_at")
    batch = []
    for s in rows.iterator(chunk_size=BATCH):
        s.public_title, s.public_body = pii.mask(s.title), pii.mask(s.body)
        s.public_reviewed_at = s.published_at or now
        batch.append(s)
        if len(batch) >= BATCH:
            Suggestion.objects.bulk_update(batch, ["public_title", "public_body", "public_reviewed_at"])
            batch = []
    Suggestion.objects.bulk_update(batch, ["public_title", "public_body", "public_reviewed_at"])
    batch = []
    for r in (
        Reply.objects.filter(is_published=True)
        .only("id", "text", "public_text", "published_at")
        .iterator(chunk_size=BATCH)
    ):
        r.public_text = pii.mask(r.public_text or r.text)
        r.public_reviewed_at = r.published_at or now
        batch.append(r)
        if len(batch) >= BATCH:
            Reply.objects.bulk_update(batch, ["public_text", "public_reviewed_at"])
            batch = []
    Reply.objects.bulk_update(batch, ["public_text", "public_reviewed_at"])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD)
    try:  # lz4 like body and search_bigrams (0012), where the server has it
        with transaction.atomic():
            schema_editor.execute(
                "ALTER TABLE suggestions_suggestion ALTER COLUMN public_body SET COMPRESSION lz4, "
                "ALTER COLUMN public_bigrams SET COMPRESSION lz4"
            )
    except Exception:  # noqa: BLE001 - a server built without lz4 keeps pglz
        pass


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0013_public_bigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reply",
            name="public_reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="公开版本审核时间"),
        ),
        migrations.AddField(
            model_name="reply",
            name="public_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="public_body",
            field=models.TextField(blank=True, verbose_name="公开内容"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="public_not_personal",
            field=models.JSONField(blank=True, default=list, verbose_name="经确认非个人信息"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="public_reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="公开版本审核时间"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="public_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="public_title",
            field=models.CharField(blank=True, max_length=200, verbose_name="公开标题"),
        ),
        migrations.RunPython(mask_published, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
