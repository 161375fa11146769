"""The bigram indexes keep a small pending list (64 kB instead of the server's 4 MB).

GIN's fast update puts each new or edited text's bigrams in a pending list that every scan of the index reads
through and that the planner counts as cost; it is merged into the index only when it outgrows
``gin_pending_list_limit`` or by (auto)vacuum. A few hundred drafts saved in a session week left about 500 kB
there: the planner then judged a capped lookup of a common bigram cheaper by reading the table from its start
and testing each row (the similar-suggestion hint's statement went from 12 ms to 100 ms at 100k, reading 17,000
pages instead of 800). With 64 kB the writer that fills the list merges it (a draft's bigrams are a few kB), so
the list stays a few pages and the plans stay on the index. PostgreSQL only.
"""

from django.db import migrations

INDEXES = ("sugg_text_bigrams", "sugg_public_text_bigrams", "sugg_congress_text_bigrams", "sugg_congress_public_bigrams")
PENDING_LIST_KB = 64


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0032_reminder_code")]

    operations = [migrations.RunPython(forwards, backwards)]
