"""Replies as sent and ratings carry an SM3-HMAC; a row changed outside the actions is reported."""

import logging

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from security import integrity
from suggestions import actions
from suggestions.models import Rating, Reply


def _tamper(table, column, value, pk):
    with connection.cursor() as cursor:  # what someone with database access could do
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def rating(replied, delegate):
    return actions.rating_submit(reply=replied, actor=delegate.user, value=Rating.Value.SATISFIED, comment="很好")


def test_submitting_a_reply_seals_it_and_the_seal_names_sm3_hmac_key(replied):
    reply = Reply.objects.get(pk=replied.pk)
    assert reply.integrity_seal.startswith("test1$") and len(reply.integrity_seal.split("$")[1]) == 64
    assert integrity.check(reply) == integrity.Seal.OK


def test_a_rating_is_sealed_when_saved(rating):
    assert integrity.check(Rating.objects.get(pk=rating.pk)) == integrity.Seal.OK


def test_an_intact_reply_shows_no_flag_to_staff(client, replied, staff):
    client.force_login(staff)
    page = client.get(reverse("suggestions:detail", args=[replied.suggestion_id])).content.decode()
    assert replied.text in page and 'data-integrity="broken"' not in page


def test_a_draft_reply_is_not_sealed_and_not_reported(assigned, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    draft = actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿")
    assert Reply.objects.get(pk=draft.pk).integrity_seal == ""
    call_command("verify_integrity", stdout=open("/dev/null", "w"))  # noqa: SIM115 - no broken row, no error


def test_a_reply_text_edited_in_the_database_is_logged_and_named_by_verify_integrity(replied, caplog):
    _tamper("suggestions_reply", "text", "改过的答复", replied.pk)
    with caplog.at_level(logging.ERROR, logger="security.integrity"):
        assert integrity.check(Reply.objects.get(pk=replied.pk)) == integrity.Seal.BROKEN
    assert f"suggestions.reply {replied.pk}" in caplog.text
    with pytest.raises(CommandError, match=f"suggestions.reply {replied.pk}"):
        call_command("verify_integrity", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))  # noqa: SIM115


def test_a_rating_value_changed_in_the_database_is_reported(rating):
    _tamper("suggestions_rating", "value", Rating.Value.UNSATISFIED, rating.pk)
    assert integrity.is_broken(Rating.objects.get(pk=rating.pk))
    with pytest.raises(CommandError, match=f"suggestions.rating {rating.pk}"):
        call_command("verify_integrity", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))  # noqa: SIM115


def test_staff_see_a_flag_on_a_changed_reply_and_delegates_do_not(client, replied, staff, delegate):
    cache.clear()  # the detail page caches its parts by audit version, which a raw UPDATE does not move
    url = reverse("suggestions:detail", args=[replied.suggestion_id])
    client.force_login(staff)
    _tamper("suggestions_reply", "signed_off_by", "别人", replied.pk)
    page = client.get(url).content.decode()
    assert 'data-integrity="broken"' in page and "完整性校验未通过" in page
    client.force_login(delegate.user)
    assert 'data-integrity="broken"' not in client.get(url).content.decode()


def test_attaching_the_letter_later_renews_the_seal(replied, clerk):
    from tests import factories

    Reply.objects.filter(pk=replied.pk).update(attachment=None, integrity_seal="")
    reply = Reply.objects.get(pk=replied.pk)
    letter = factories.signed_letter(reply.assignment, clerk)
    actions.reply_attach_letter(reply=reply, actor=clerk, attachment=letter)
    assert integrity.check(Reply.objects.get(pk=replied.pk)) == integrity.Seal.OK


def test_seal_unsealed_seals_rows_written_before_seals_existed(replied):
    Reply.objects.filter(pk=replied.pk).update(integrity_seal="")
    call_command("verify_integrity", "--seal-unsealed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert integrity.check(Reply.objects.get(pk=replied.pk)) == integrity.Seal.OK
