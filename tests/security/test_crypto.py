"""密评: structured personal data is SM4-encrypted at rest, found by a keyed SM3 hash, and keys rotate."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from delegates.models import DelegateContact
from security import crypto
from suggestions.models import Office, OfficeMember, Reminder, ReminderDelivery
from tests import factories

MOBILE = "13912345678"
LANDLINE = "0851-83619876"
EMAIL = "wang.xiuying@example.test"
ADDRESS = "贵阳市花溪区清溪路88号"
OFFICE_PHONE = "0851-83612233"
CLERK_PHONE = "13712349876"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


@pytest.fixture
def contact(db):
    delegate = factories.DelegateFactory()
    contact = delegate.contact
    contact.phone, contact.landline, contact.email, contact.address = MOBILE, LANDLINE, EMAIL, ADDRESS
    contact.save()
    return contact


def test_a_round_trip_gives_back_the_value_and_the_stored_text_names_sm4_and_the_key(settings):
    token = crypto.encrypt_fresh("13800000001")
    assert token.startswith("sm4$test1$") and "13800000001" not in token
    assert crypto.decrypt(token) == "13800000001"
    assert crypto.encrypt_fresh("13800000001") != token  # a fresh counter block each time


def test_an_edited_ciphertext_fails_its_sm3_check():
    token = crypto.encrypt_fresh("13800000001")
    prefix, key_id, payload = token.split("$")
    flipped = payload[:30] + ("A" if payload[30] != "A" else "B") + payload[31:]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(f"{prefix}${key_id}${flipped}")
    assert crypto.decrypt_or_blank(f"{prefix}${key_id}${flipped}") == ""


def test_a_raw_select_sees_only_ciphertext_of_the_delegates_contact(contact):
    for column, clear in (("phone", MOBILE), ("landline", LANDLINE), ("email", EMAIL), ("address", ADDRESS)):
        stored = _raw("delegates_delegatecontact", column, contact.pk)
        assert stored.startswith("sm4$") and clear not in stored
    reloaded = DelegateContact.objects.get(pk=contact.pk)
    assert (reloaded.phone, reloaded.landline, reloaded.email, reloaded.address) == (MOBILE, LANDLINE, EMAIL, ADDRESS)


def test_office_phones_and_reminder_addresses_are_ciphertext_in_the_table(db):
    office = factories.OfficeFactory(contact_phone=OFFICE_PHONE)
    member = factories.OfficeMemberFactory(office=office, phone=CLERK_PHONE)
    assert OFFICE_PHONE not in _raw("suggestions_office", "contact_phone", office.pk)
    assert CLERK_PHONE not in _raw("suggestions_officemember", "phone", member.pk)
    assert Office.objects.get(pk=office.pk).contact_phone == OFFICE_PHONE
    assert OfficeMember.objects.get(pk=member.pk).phone == CLERK_PHONE


def test_a_person_is_found_by_phone_in_any_notation_through_the_keyed_hash(contact):
    stored_hash = _raw("delegates_delegatecontact", "phone_hash", contact.pk)
    assert len(stored_hash) == 64 and MOBILE not in stored_hash
    assert list(DelegateContact.objects.with_phone("+86 139-1234-5678")) == [contact]
    assert not DelegateContact.objects.with_phone("13900000000").exists()
    with override_settings(PII_LOOKUP_KEY="77" * 32):  # another key: another hash, nothing found
        assert not DelegateContact.objects.with_phone(MOBILE).exists()


def test_changing_a_phone_with_update_fields_keeps_the_lookup_hash_current(contact):
    contact.phone = "13600000000"
    contact.save(update_fields=["phone"])
    assert list(DelegateContact.objects.with_phone("13600000000")) == [contact]
    assert not DelegateContact.objects.with_phone(MOBILE).exists()


def test_an_encrypted_column_refuses_a_comparison_that_could_never_match(contact):
    assert DelegateContact.objects.filter(pk=contact.pk).exclude(phone="").exists()
    with pytest.raises(FieldError):
        list(DelegateContact.objects.filter(phone=MOBILE))
    with pytest.raises(FieldError):
        list(DelegateContact.objects.filter(phone__contains="139"))


def test_rotate_keys_re_encrypts_everything_under_the_new_key(contact):
    office = factories.OfficeFactory(contact_phone=OFFICE_PHONE)
    new_ring = "test2:" + "88" * 32 + "," + settings.PII_ENCRYPTION_KEYS
    with override_settings(PII_ENCRYPTION_KEYS=new_ring):
        call_command("rotate_keys", verbosity=0)
        for table, column, pk in (
            ("delegates_delegatecontact", "phone", contact.pk),
            ("delegates_delegatecontact", "address", contact.pk),
            ("suggestions_office", "contact_phone", office.pk),
        ):
            assert crypto.key_id_of(_raw(table, column, pk)) == "test2"
    with override_settings(PII_ENCRYPTION_KEYS="test2:" + "88" * 32):  # the old key may now go
        crypto.clear_caches()
        assert DelegateContact.objects.get(pk=contact.pk).phone == MOBILE
        assert Office.objects.get(pk=office.pk).contact_phone == OFFICE_PHONE
    crypto.clear_caches()


def test_a_value_under_a_key_no_longer_configured_is_a_configuration_error(contact):
    with override_settings(PII_ENCRYPTION_KEYS="other:" + "99" * 32):
        crypto.clear_caches()
        with pytest.raises(ImproperlyConfigured, match="rotate_keys"):
            DelegateContact.objects.get(pk=contact.pk)
    crypto.clear_caches()


def test_production_refuses_to_start_without_the_personal_data_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUAXI_PII", "HUAXI_INTEGRITY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="huaxi_renda.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="renda.example.gov.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "HUAXI_PII_KEYS" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_real_pg_dump_holds_none_of_the_structured_personal_values_in_clear(contact):
    office = factories.OfficeFactory(contact_phone=OFFICE_PHONE)
    member = factories.OfficeMemberFactory(office=office, phone=CLERK_PHONE)
    reminder = Reminder.objects.create(kind=Reminder.Kind.MANUAL, stage="1", message="请尽快办理")
    # The delivery log keeps where an SMS or e-mail went: encrypted like the rest.
    ReminderDelivery.objects.create(
        reminder=reminder, recipient=member.user, channel=ReminderDelivery.Channel.SMS, address=CLERK_PHONE
    )
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(
        [  # noqa: S607
            "pg_dump",
            "--data-only",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "postgres",
            db["NAME"],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "COPY public.delegates_delegatecontact" in dump and member.user.username in dump
    factory_phone = f"139{contact.delegate.pk:08d}"
    for clear in (MOBILE, LANDLINE, EMAIL, ADDRESS, OFFICE_PHONE, CLERK_PHONE, "83619876", "12345678", factory_phone):
        assert clear not in dump, clear


def test_the_roster_import_warns_of_a_new_delegate_with_an_existing_delegates_mobile(contact):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from suggestions.actions import roster_import

    book = Workbook()
    book.active.append(["序号", "姓名", "代表团", "手机号码"])
    book.active.append([1, "王秀英", "花溪街道代表团", "+86 139 1234 5678"])  # contact's number, written otherwise
    book.active.append([2, "刘芳", "青岩镇代表团", "13700000009"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("名单.xlsx", buffer.getvalue())
    result = roster_import.preview("delegates", upload, term=contact.delegate.term)
    shared = [w for w in result.warnings if "手机号码与现有代表" in str(w)]
    assert len(shared) == 1 and contact.delegate.name in str(shared[0]) and MOBILE not in str(shared[0])


def test_the_data_migration_encrypts_rows_written_in_clear_and_its_reverse_decrypts_them(contact):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("delegates.migrations.0003_encrypted_contacts")
    step = next(op for op in migration.Migration.operations if hasattr(op, "code"))
    forward, backward = step.code, step.reverse_code
    with connection.cursor() as cursor:  # as the row was before the migration
        cursor.execute(
            "UPDATE delegates_delegatecontact SET phone = %s, address = %s, phone_hash = '' WHERE id = %s",
            [MOBILE, ADDRESS, contact.pk],
        )
    editor = SimpleNamespace(connection=connection)
    forward(apps, editor)
    assert crypto.is_encrypted(_raw("delegates_delegatecontact", "phone", contact.pk))
    assert crypto.is_encrypted(_raw("delegates_delegatecontact", "address", contact.pk))
    assert list(DelegateContact.objects.with_phone(MOBILE)) == [contact]
    forward(apps, editor)  # safe to run twice: what is encrypted stays as it is
    assert DelegateContact.objects.get(pk=contact.pk).phone == MOBILE
    backward(apps, editor)
    assert _raw("delegates_delegatecontact", "phone", contact.pk) == MOBILE


def test_text_that_only_looks_like_a_ciphertext_is_encrypted_too(contact):
    contact.address = "sm4$test1$not-a-ciphertext"
    contact.save()
    stored = _raw("delegates_delegatecontact", "address", contact.pk)
    assert stored != contact.address and crypto.decrypt(stored) == "sm4$test1$not-a-ciphertext"
