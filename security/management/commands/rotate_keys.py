"""Re-encrypt personal data under the current SM4 key, refresh lookup hashes, re-seal intact records.

Rotation: put the new key first in HUAXI_PII_KEYS (keep the old ones after it), restart, run this
command, then remove the old keys. The same for HUAXI_INTEGRITY_KEYS. A new HUAXI_PII_LOOKUP_KEY takes
effect for lookups once this command has rewritten the hash columns.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from security import crypto, integrity
from security.fields import EncryptedTextField
from security.migration_ops import rewrite


def encrypted_columns():
    """(model, [encrypted column names], {column: hash column}) for every model with encrypted fields."""
    found = []
    for model in apps.get_models():
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not columns:
            continue
        names = {f.column for f in model._meta.concrete_fields}
        hashes = {c: f"{c}_hash" for c in columns if f"{c}_hash" in names}
        found.append((model, columns, hashes))
    return found


class Command(BaseCommand):
    help = "Re-encrypt personal data under the current key (HUAXI_PII_KEYS) and re-seal records (HUAXI_INTEGRITY_KEYS)."

    def handle(self, *args, **options):
        from delegates import phones

        current = crypto.encryption_ring().current

        for model, columns, hashes in encrypted_columns():

            def convert(column, value, hashes=hashes):
                clear = crypto.decrypt(value) if crypto.is_encrypted(value) else value
                changed = {}
                if value and crypto.key_id_of(value) != current:
                    changed[column] = crypto.encrypt_fresh(clear)
                if column in hashes:
                    changed[hashes[column]] = phones.lookup_hash(clear)
                return changed

            with transaction.atomic():
                count = rewrite(
                    connection, model._meta.db_table, columns + list(hashes.values()), _only(convert, columns)
                )
            self.stdout.write(f"{model._meta.label}: {count} rows rewritten under key {current}")

        for model in integrity.sealed_models():
            resealed = broken = 0
            with transaction.atomic():
                for obj, state in integrity.walk(model):
                    if state == integrity.Seal.BROKEN:
                        broken += 1
                    elif state == integrity.Seal.OK and not obj.integrity_seal.startswith(
                        crypto.integrity_ring().current + "$"
                    ):
                        integrity.seal(obj)
                        resealed += 1
            self.stdout.write(f"{model._meta.label}: {resealed} seals renewed, {broken} broken seals left as found")


def _only(convert, columns):
    """Apply ``convert`` to the encrypted columns only (hash columns are read along but derived)."""

    def wrapped(column, value):
        return convert(column, value) if column in columns else {}

    return wrapped
