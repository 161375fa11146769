"""The security audit: what is recorded, the SM3 chain, append-only in PostgreSQL, verify_audit, search and export."""

import datetime
import io
import zipfile

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from security import chain, events
from security.admin_views import export_bundle
from security.models import SecurityEvent, SecurityEventKind
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_record_carries_the_sm3_of_its_content_and_of_the_previous_record():
    first = events.record(event=SecurityEventKind.CONFIG_CHANGE, actor=1, target_type="x", target_id=2)
    second = events.record(event=SecurityEventKind.EXPORT, actor=1, detail={"rows": 3})
    assert second.prev_hash == first.hash
    second.refresh_from_db()
    assert second.hash == chain.record_hash(second) and len(second.hash) == 64
    # The SM3 test vector of GB/T 32905: "abc".
    assert chain.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    call_command("verify_audit")


def test_the_database_refuses_to_change_or_delete_a_record_even_for_the_table_owner():
    row = events.record(event=SecurityEventKind.EXPORT)
    for change in (
        lambda: SecurityEvent.objects.filter(pk=row.pk).update(outcome="failure"),
        lambda: SecurityEvent.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_verify_audit_names_the_first_record_a_superuser_edited(capsys):
    rows = [events.record(event=SecurityEventKind.LOGIN, actor=n) for n in range(1, 5)]
    with connection.cursor() as cursor:
        # A superuser can switch triggers off for its session; the chain still shows the edit.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE security_securityevent SET actor_id = 99 WHERE id = %s", [rows[2].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match=f"record {rows[2].pk}: content"):
        call_command("verify_audit")


def test_verify_audit_finds_a_removed_record():
    rows = [events.record(event=SecurityEventKind.LOGIN, actor=n) for n in range(1, 4)]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM security_securityevent WHERE id = %s", [rows[1].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match=f"record {rows[2].pk}: previous"):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_a_role_that_is_not_superuser_can_append_but_not_update_or_delete():
    """Production connects as such a role: with every table privilege it still cannot rewrite the audit."""
    row = events.record(event=SecurityEventKind.LOGIN, actor=1)
    db = connection.settings_dict
    # Roles belong to the whole server: one per test database, so that parallel runs never share one.
    role = f"huaxi_audit_{db['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():  # left by a run that was killed: its grants in this database go with it
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON security_securityevent TO {role}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE security_securityevent_id_seq TO {role}")
    try:
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, dbname=db["NAME"], user=role, autocommit=True
        ) as app:
            assert not app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
            app.execute(
                "INSERT INTO security_securityevent (at, event, target_type, target_id, outcome, detail, prev_hash, hash)"
                " VALUES (now(), 'login', '', '', 'success', '{}', '', '')"
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                app.execute("UPDATE security_securityevent SET actor_id = 2 WHERE id = %s", [row.pk])
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                app.execute("DELETE FROM security_securityevent WHERE id = %s", [row.pk])
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("SET session_replication_role = replica")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert SecurityEvent.objects.get(pk=row.pk).actor_id == 1


def test_account_creation_deactivation_and_group_changes_are_audited():
    user = factories.StaffFactory(username="someone")
    assert SecurityEvent.objects.filter(event=SecurityEventKind.ACCOUNT_CREATE, target_id=str(user.pk)).exists()
    assert SecurityEvent.objects.filter(event=SecurityEventKind.ROLE_CHANGE, target_id=str(user.pk)).exists()
    user.is_active = False
    user.save()
    assert SecurityEvent.objects.filter(event=SecurityEventKind.ACCOUNT_DEACTIVATE, target_id=str(user.pk)).exists()


def test_a_change_in_the_django_admin_is_audited_with_its_actor_and_address(client, system_admin):
    user = factories.UserFactory(username="clerkx")
    client.force_login(system_admin)
    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "clerkx",
            "first_name": "新",
            "last_name": "",
            "email": "x@example.test",
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
        REMOTE_ADDR="10.0.0.8",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = SecurityEvent.objects.get(event=SecurityEventKind.ADMIN_CHANGE)
    assert (change.actor_id, change.target_type, change.target_id, change.address) == (
        system_admin.pk,
        "auth.user",
        str(user.pk),
        "10.0.0.8",
    )
    deactivate = SecurityEvent.objects.get(event=SecurityEventKind.ACCOUNT_DEACTIVATE)
    assert deactivate.actor_id == system_admin.pk


def test_a_configuration_change_in_the_admin_is_a_configuration_event(system_admin):
    from django.contrib.admin.models import CHANGE, LogEntry

    from suggestions.models import Category

    category = Category.objects.first()
    LogEntry.objects.log_actions(
        user_id=system_admin.pk, queryset=[category], action_flag=CHANGE, change_message="", single_object=True
    )
    row = SecurityEvent.objects.get(event=SecurityEventKind.CONFIG_CHANGE)
    assert (row.actor_id, row.target_type, row.target_id) == (system_admin.pk, "suggestions.category", str(category.pk))


def test_records_hold_no_phone_id_number_or_name_in_clear(client, delegate, settings):
    delegate.user.first_name = "王小明"
    delegate.user.save()
    client.post(reverse("login"), {"username": delegate.user.username, "password": "wrong"})
    client.post(reverse("login"), {"username": delegate.user.username, "password": "pw-123456"})
    text = " ".join(str(row.detail) + row.target_id + row.target_type for row in SecurityEvent.objects.all())
    assert "王小明" not in text and delegate.user.username not in text


def test_the_audit_administrator_searches_by_person_event_and_date(client, audit_admin):
    events.record(event=SecurityEventKind.LOGIN, actor=900101)
    events.record(event=SecurityEventKind.LOGOUT, actor=900101)
    events.record(event=SecurityEventKind.LOGIN, actor=900202)
    client.force_login(audit_admin)
    page = client.get(reverse("security:audit"), {"person": 900101, "event": "login"}).context["page"]
    assert [(e.actor_id, e.event) for e in page] == [(900101, "login")]
    today = timezone.localdate()
    page = client.get(reverse("security:audit"), {"start": today, "end": today, "person": 900202}).context["page"]
    assert len(page) == 1
    yesterday = today - datetime.timedelta(days=1)
    assert not client.get(reverse("security:audit"), {"end": yesterday}).context["page"].object_list
    by_name = client.get(reverse("security:audit"), {"person": audit_admin.username}).context["page"]
    assert by_name.object_list and all(
        audit_admin.pk in (e.actor_id, int(e.target_id or 0)) for e in by_name.object_list
    )
    bad = client.get(reverse("security:audit"), {"start": today, "end": yesterday})
    assert bad.status_code == 200 and "截止日期不能早于起始日期" in bad.content.decode()


def test_the_audit_export_is_a_zip_with_the_csv_its_sm3_digest_and_signature(client, audit_admin):
    events.record(event=SecurityEventKind.LOGIN, actor=987654)  # an id no account of this test has
    client.force_login(audit_admin)
    response = client.get(reverse("security:audit_export"), {"person": 987654})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(bundle.namelist())
    csv_name = next(n for n in names if n.endswith(".csv"))
    data = bundle.read(csv_name)
    assert bundle.read(csv_name + ".sm3").decode().split()[0] == chain.sm3_hex(data)
    assert bundle.read(csv_name + ".sig").decode().split()[1] == chain.hmac_sm3_hex(key=chain.signing_key(), data=data)
    assert data.decode().count("\n") == 2  # header and the one record
    export = SecurityEvent.objects.get(event=SecurityEventKind.EXPORT, actor_id=audit_admin.pk)
    assert export.detail["sm3"] == chain.sm3_hex(data)


def test_the_export_signature_changes_when_the_file_does():
    events.record(event=SecurityEventKind.LOGIN, actor=7)
    data, digest, signature = export_bundle(SecurityEvent.objects.all())
    assert chain.hmac_sm3_hex(key=chain.signing_key(), data=data + b"x") != signature


def test_a_downloaded_file_is_audited(client, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:export_summary"))
    assert response.status_code == 200
    row = SecurityEvent.objects.get(event=SecurityEventKind.EXPORT, actor_id=staff.pk)
    assert row.detail["path"] == reverse("reports:export_summary")


def test_a_retention_below_180_days_fails_the_checks(settings):
    from security.checks import audit_retention

    settings.SECURITY_AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_retention(None)] == ["security.E001"]
    settings.SECURITY_AUDIT_RETENTION_DAYS = 180
    assert audit_retention(None) == []
    assert django_settings.SECURITY_AUDIT_RETENTION_DAYS >= 180


def test_a_password_reset_in_the_django_admin_is_audited_and_forces_a_change(client, system_admin):
    from security.models import AccountSecurity

    user = factories.UserFactory(username="clerky")
    user.set_password("First#2026a")
    user.save()
    client.force_login(system_admin)
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Reset#2026b", "password2": "Reset#2026b", "usable_password": "true"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302
    row = SecurityEvent.objects.get(event=SecurityEventKind.PASSWORD_RESET)
    assert (row.actor_id, row.target_id, row.address) == (system_admin.pk, str(user.pk), "10.0.0.9")
    assert AccountSecurity.objects.get(user=user).must_change_password


def test_a_bulk_delete_in_the_django_admin_is_audited_object_by_object(client):
    from suggestions.models import Category

    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    doomed = [factories.CategoryFactory(name=f"待删除{n}", order=90 + n) for n in range(3)]
    client.force_login(root)
    response = client.post(
        "/admin/suggestions/category/",
        {"action": "delete_selected", "_selected_action": [c.pk for c in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    rows = SecurityEvent.objects.filter(event=SecurityEventKind.CONFIG_CHANGE, target_type="suggestions.category")
    assert sorted(rows.values_list("target_id", flat=True)) == sorted(str(c.pk) for c in doomed)
    assert {row.actor_id for row in rows} == {root.pk}


def test_verify_audit_with_an_anchor_from_an_export_finds_records_cut_off_the_end():
    rows = [events.record(event=SecurityEventKind.LOGIN, actor=n) for n in range(1, 4)]
    call_command("verify_audit", anchor=[rows[-1].hash])
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM security_securityevent WHERE id = %s", [rows[-1].pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    call_command("verify_audit")  # the chain alone cannot see a missing tail
    with pytest.raises(CommandError, match="removed"):
        call_command("verify_audit", anchor=[rows[-1].hash])
