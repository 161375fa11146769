"""Residents' names and mobile numbers are SM4-encrypted at rest (issue 20/22); numbers are found by a keyed hash."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection

from security import crypto
from stations.models import PhoneVerification, ResidentOpinion

MOBILE = "13912340022"
NAME = "罗秀兰"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


def test_a_raw_select_shows_only_ciphertext_of_a_residents_name_and_number(station, send_opinion):
    opinion = send_opinion(station, mobile=MOBILE, name=NAME)
    for column in ("resident_mobile", "resident_name"):
        stored = _raw("stations_residentopinion", column, opinion.pk)
        assert crypto.is_encrypted(stored) and MOBILE not in stored and NAME not in stored
    verification = PhoneVerification.objects.get()
    stored = _raw("stations_phoneverification", "mobile", verification.pk)
    assert crypto.is_encrypted(stored) and MOBILE not in stored
    reloaded = ResidentOpinion.objects.get(pk=opinion.pk)
    assert (reloaded.resident_mobile, reloaded.resident_name) == (MOBILE, NAME)
    assert PhoneVerification.objects.get().mobile == MOBILE


def test_a_residents_opinions_and_codes_are_found_by_the_number_in_any_notation_through_the_keyed_hash(
    station, send_opinion
):
    opinion = send_opinion(station, mobile=MOBILE)
    assert list(ResidentOpinion.objects.with_mobile("+86 139-1234-0022")) == [opinion]
    assert PhoneVerification.objects.with_mobile(MOBILE).count() == 1
    assert not ResidentOpinion.objects.with_mobile("13900000000").exists()
    with pytest.raises(FieldError):
        list(ResidentOpinion.objects.filter(resident_mobile=MOBILE))


def test_the_per_number_daily_limit_counts_opinions_by_the_hash_of_the_encrypted_number(
    station, send_opinion, settings
):
    from suggestions.errors import InvalidInput

    settings.STATIONS_LIMITS = {"opinions_per_mobile_day": 1, "otp_interval_seconds": 0}
    send_opinion(station, mobile=MOBILE)
    with pytest.raises(InvalidInput, match="已达上限"):
        send_opinion(station, mobile=MOBILE, address="10.0.0.2")
    send_opinion(station, mobile="13912340023", address="10.0.0.3")  # another number is not counted


def test_erasing_personal_data_blanks_the_number_and_its_hash(station, send_opinion):
    from stations import actions

    opinion = actions.opinion_erase_personal_data(opinion=send_opinion(station, mobile=MOBILE))
    assert _raw("stations_residentopinion", "resident_mobile", opinion.pk) == ""
    assert _raw("stations_residentopinion", "resident_mobile_hash", opinion.pk) == ""
    assert not ResidentOpinion.objects.with_mobile(MOBILE).exists()


def test_the_data_migration_encrypts_residents_rows_written_in_clear_and_its_reverse_decrypts_them(
    station, send_opinion
):
    opinion = send_opinion(station, mobile=MOBILE, name=NAME)
    verification = PhoneVerification.objects.get()
    with connection.cursor() as cursor:  # as the rows were before the migration
        cursor.execute(
            "UPDATE stations_residentopinion SET resident_mobile = %s, resident_name = %s, resident_mobile_hash = ''"
            " WHERE id = %s",
            [MOBILE, NAME, opinion.pk],
        )
        cursor.execute(
            "UPDATE stations_phoneverification SET mobile = %s, mobile_hash = '' WHERE id = %s",
            [MOBILE, verification.pk],
        )
    migration = importlib.import_module("stations.migrations.0002_encrypted_residents")
    steps = [op for op in migration.Migration.operations if hasattr(op, "code")]
    editor = SimpleNamespace(connection=connection)
    for step in steps:
        step.code(apps, editor)
        step.code(apps, editor)  # safe to run twice
    assert crypto.is_encrypted(_raw("stations_residentopinion", "resident_mobile", opinion.pk))
    assert crypto.is_encrypted(_raw("stations_residentopinion", "resident_name", opinion.pk))
    assert crypto.is_encrypted(_raw("stations_phoneverification", "mobile", verification.pk))
    assert list(ResidentOpinion.objects.with_mobile(MOBILE)) == [opinion]
    assert list(PhoneVerification.objects.with_mobile(MOBILE)) == [verification]
    for step in reversed(steps):
        step.reverse_code(apps, editor)
    assert _raw("stations_residentopinion", "resident_name", opinion.pk) == NAME
    assert _raw("stations_phoneverification", "mobile", verification.pk) == MOBILE
