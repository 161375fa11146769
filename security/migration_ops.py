"""Data migration steps that encrypt (and, going back, decrypt) existing personal data columns.

They read and write the columns with plain SQL, so they do not depend on the model classes of the day:
forward, every clear value becomes ``sm4$…`` (a fresh counter block per row) and the lookup hash column
is filled; backward, every ciphertext becomes clear text again so the column can shrink back.
"""

from __future__ import annotations

from collections.abc import Callable

from security import crypto

BATCH = 1000


def rewrite(connection, table: str, columns: list[str], convert: Callable[[str, str], dict[str, str]]) -> int:
    """Rewrite ``columns`` of every row of ``table`` whose values ``convert(column, value)`` changes; the count.

    Reads in id order, a batch at a time (no cursor stays open while rows are written: SQLite too).
    """
    quote = connection.ops.quote_name
    select = (
        f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608 - names from models
        "WHERE id > %s ORDER BY id LIMIT %s"
    )
    count, last = 0, -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
        if not rows:
            return count
        last = rows[-1][0]
        updates: dict[tuple[str, ...], list[list]] = {}
        for pk, *values in rows:
            changed: dict[str, str] = {}
            for column, value in zip(columns, values, strict=True):
                changed.update(convert(column, value or ""))
            if changed:
                count += 1
                keys = tuple(sorted(changed))
                updates.setdefault(keys, []).append([*(changed[k] for k in keys), pk])
        with connection.cursor() as cursor:
            for keys, params in updates.items():
                assignments = ", ".join(f"{quote(k)} = %s" for k in keys)
                cursor.executemany(f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", params)  # noqa: S608


def encrypt_columns(table: str, columns: list[str], *, hashes: dict[str, str] | None = None):
    """A ``RunPython`` forward function: encrypt ``columns``; ``hashes`` maps a phone column to its hash column."""
    hashes = hashes or {}

    def forward(apps, schema_editor):
        from delegates import phones

        def convert(column, value):
            if not value or crypto.is_encrypted(value):
                return {}
            changed = {column: crypto.encrypt_fresh(value)}
            if column in hashes:
                changed[hashes[column]] = phones.lookup_hash(value)
            return changed

        rewrite(schema_editor.connection, table, columns, convert)

    return forward


def decrypt_columns(table: str, columns: list[str]):
    """A ``RunPython`` backward function: write ``columns`` back in clear."""

    def backward(apps, schema_editor):
        def convert(column, value):
            return {column: crypto.decrypt(value)} if crypto.is_encrypted(value) else {}

        rewrite(schema_editor.connection, table, columns, convert)

    return backward
