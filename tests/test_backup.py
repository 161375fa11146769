"""Backup and restore: pg_dump of the database and a tar of MEDIA_ROOT come back into a fresh database."""

import hashlib
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from suggestions import actions
from suggestions.models import Attachment, AuditLog, Suggestion

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
TABLES = ["suggestions_suggestion", "suggestions_attachment", "suggestions_auditlog", "delegates_delegate", "auth_user"]


def counts(dbname):
    with psycopg.connect(f"{PG}/{dbname}") as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def restore_db():
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script, *args, database, media):
    env = {**os.environ, "DATABASE_URL": f"{PG}/{database}", "DJANGO_MEDIA_ROOT": str(media)}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *map(str, args)],
        env=env,
        capture_output=True,  # noqa: S603
        text=True,
        timeout=120,
    )


def test_backup_then_restore_brings_back_rows_and_uploaded_files(tmp_path, settings, restore_db, submitted, delegate):
    settings.MEDIA_ROOT = tmp_path / "media"
    attachment = Attachment(
        suggestion=submitted,
        original_name="现场照片.pdf",
        content_type="application/pdf",
        size=20,
        uploaded_by=delegate.user,
    )
    attachment.file.save("photo.pdf", ContentFile(b"%PDF-1.4 test content"), save=True)
    factories.SuggestionFactory(session=submitted.session, lead_delegate=delegate, title="第二件建议")
    source = connection.settings_dict["NAME"]
    before = counts(source)
    assert before["suggestions_attachment"] == 1 and before["suggestions_auditlog"] >= 1

    backup = run("backup.sh", tmp_path / "backup", database=source, media=settings.MEDIA_ROOT)
    assert backup.returncode == 0, backup.stderr
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    restore = run("restore.sh", tmp_path / "backup", database=restore_db, media=restored_media)
    assert restore.returncode == 0, restore.stderr

    assert counts(restore_db) == before
    with psycopg.connect(f"{PG}/{restore_db}") as conn:
        title, status = conn.execute(
            "SELECT title, status FROM suggestions_suggestion WHERE id = %s", [submitted.pk]
        ).fetchone()
        (file_name,) = conn.execute("SELECT file FROM suggestions_attachment").fetchone()
    assert (title, status) == (submitted.title, Suggestion.Status.SUBMITTED)
    assert sha(restored_media / file_name) == sha(Path(settings.MEDIA_ROOT) / attachment.file.name)


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings, draft):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = connection.settings_dict["NAME"]
    assert run("backup.sh", tmp_path / "b", database=source, media=settings.MEDIA_ROOT).returncode == 0
    result = run("restore.sh", tmp_path / "b", database=source, media=tmp_path / "m")
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert Suggestion.objects.filter(pk=draft.pk).exists()


def test_restore_refuses_a_corrupted_backup(tmp_path, settings, restore_db, draft):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = connection.settings_dict["NAME"]
    assert run("backup.sh", tmp_path / "b", database=source, media=settings.MEDIA_ROOT).returncode == 0
    with open(tmp_path / "b" / "db.dump", "ab") as handle:
        handle.write(b"garbage")
    result = run("restore.sh", tmp_path / "b", database=restore_db, media=tmp_path / "m")
    assert result.returncode != 0
    with psycopg.connect(f"{PG}/{restore_db}") as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def test_audit_rows_survive_the_round_trip(tmp_path, settings, restore_db, submitted, staff):
    settings.MEDIA_ROOT = tmp_path / "media"
    actions.suggestion_register(suggestion=submitted, actor=staff)
    source = connection.settings_dict["NAME"]
    audit_actions = sorted(AuditLog.objects.values_list("action", flat=True))
    assert run("backup.sh", tmp_path / "b", database=source, media=settings.MEDIA_ROOT).returncode == 0
    assert run("restore.sh", tmp_path / "b", database=restore_db, media=tmp_path / "m").returncode == 0
    with psycopg.connect(f"{PG}/{restore_db}") as conn:
        restored = sorted(r[0] for r in conn.execute("SELECT action FROM suggestions_auditlog"))
    assert restored == audit_actions
