"""国密 cryptography for personal data: SM4 encryption at rest, SM3 lookup hashes, SM3-HMAC seals.

Construction (``encrypt``): SM4 in CTR mode with a random 16-byte counter block, then HMAC-SM3 over the
key id, the counter block and the ciphertext (encrypt-then-MAC). The stored text is
``sm4$<key id>$<base64url(iv ‖ ciphertext ‖ tag)>``.

Why CTR + HMAC-SM3 and not SM4-GCM or CBC: the integrity of each value then rests on SM3, the algorithm
GB/T 39786 names for integrity, so the assessor sees SM4 for confidentiality and SM3 for integrity and
nothing else; CTR needs no padding (a mobile number stays short) and, with a fresh random counter block
per value, never reuses a key stream; a MAC checked before decrypting refuses any edited or swapped byte.
SM4-GCM would also be sound, but its GHASH is not an SM algorithm, and CBC would need padding and still a MAC.

The configured key (32 bytes) is never used directly: an SM4 key and a MAC key are derived from it with
HMAC-SM3, so the two uses never share a key. The lookup hash (``lookup_hash``) is HMAC-SM3 under a third,
separate key, so a leaked lookup column does not help decrypt, and a dictionary of all 10^10 mobile numbers
cannot be tried without that key. Record seals (``security.integrity``) use a fourth key ring.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

PREFIX = "sm4$"
_KEY_ENTRY = re.compile(r"^([A-Za-z0-9_-]{1,16}):([0-9a-fA-F]{64})$")
_IV_BYTES, _TAG_BYTES = 16, 32


class DecryptionFailed(ValueError):
    """A stored value whose tag does not match: edited, truncated or written under another key."""


@dataclass(frozen=True)
class KeyRing:
    """Keys by id; ``current`` is the id new values are written under."""

    current: str
    keys: dict[str, bytes]


def parse_key_ring(text: str, *, name: str) -> KeyRing:
    """``"k2:<64 hex>,k1:<64 hex>"`` → a ``KeyRing`` whose current key is the first entry."""
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in (text or "").split(",")):
        if not entry:
            continue
        match = _KEY_ENTRY.match(entry)
        if not match:
            raise ImproperlyConfigured(f"{name}: each entry must be 'id:64 hex digits' (got a malformed entry).")
        if match.group(1) in keys:
            raise ImproperlyConfigured(f"{name}: key id {match.group(1)!r} is given twice.")
        keys[match.group(1)] = bytes.fromhex(match.group(2))
    if not keys:
        raise ImproperlyConfigured(f"{name} is not set.")
    return KeyRing(current=next(iter(keys)), keys=keys)


def _hmac_sm3(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, "sm3").digest()


@functools.cache
def _ring(text: str, name: str) -> KeyRing:
    return parse_key_ring(text, name=name)


def encryption_ring() -> KeyRing:
    """The SM4 key ring from ``settings.PII_ENCRYPTION_KEYS``."""
    return _ring(settings.PII_ENCRYPTION_KEYS, "HUAXI_PII_KEYS")


def integrity_ring() -> KeyRing:
    """The record seal key ring from ``settings.INTEGRITY_KEYS``."""
    return _ring(settings.INTEGRITY_KEYS, "HUAXI_INTEGRITY_KEYS")


@functools.cache
def _derived(master: bytes) -> tuple[algorithms.SM4, bytes]:
    """(SM4 algorithm with the derived encryption key, derived MAC key) of one configured key."""
    enc_key = _hmac_sm3(master, b"huaxi-pii-sm4-encryption")[:16]
    mac_key = _hmac_sm3(master, b"huaxi-pii-hmac-sm3")
    return algorithms.SM4(enc_key), mac_key


def _keys_for(key_id: str) -> tuple[algorithms.SM4, bytes]:
    ring = encryption_ring()
    if key_id not in ring.keys:
        raise ImproperlyConfigured(
            f"Personal data was encrypted under key {key_id!r}, which HUAXI_PII_KEYS no longer lists. "
            "Keep old keys configured until `manage.py rotate_keys` has finished."
        )
    return _derived(ring.keys[key_id])


def is_encrypted(value: str | None) -> bool:
    """True when ``value`` is a stored ciphertext (``sm4$…``)."""
    return bool(value) and value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    """The key id a stored ciphertext was written under, or ``None`` for clear text."""
    if not is_encrypted(value):
        return None
    return value.split("$", 2)[1]


def _encrypt_with(plaintext: str, key_id: str) -> str:
    cipher_alg, mac_key = _keys_for(key_id)
    iv = os.urandom(_IV_BYTES)
    encryptor = Cipher(cipher_alg, modes.CTR(iv)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    tag = _hmac_sm3(mac_key, key_id.encode() + b"$" + iv + body)
    return f"{PREFIX}{key_id}${base64.urlsafe_b64encode(iv + body + tag).decode('ascii')}"


# A process reuses the ciphertext it made for a value (the reminder scan writes the same few hundred
# numbers into thousands of delivery rows). That shows only that two rows hold the same value, which
# the lookup hash shows anyway; key streams are never reused (one random counter block per ciphertext).
@functools.lru_cache(maxsize=8192)
def _encrypt_cached(plaintext: str, key_id: str) -> str:
    return _encrypt_with(plaintext, key_id)


def encrypt(plaintext: str) -> str:
    """SM4-CTR + HMAC-SM3 ciphertext of ``plaintext`` under the current key (empty stays empty)."""
    if not plaintext:
        return plaintext
    return _encrypt_cached(plaintext, encryption_ring().current)


def encrypt_fresh(plaintext: str, *, key_id: str | None = None) -> str:
    """Like ``encrypt`` with a new counter block each call (and optionally another configured key)."""
    if not plaintext:
        return plaintext
    return _encrypt_with(plaintext, key_id or encryption_ring().current)


@functools.lru_cache(maxsize=65536)
def _decrypt_cached(token: str) -> str:
    try:
        _prefix, key_id, payload = token.split("$", 2)
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise DecryptionFailed("malformed ciphertext") from error
    if len(raw) < _IV_BYTES + _TAG_BYTES:
        raise DecryptionFailed("truncated ciphertext")
    iv, body, tag = raw[:_IV_BYTES], raw[_IV_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    cipher_alg, mac_key = _keys_for(key_id)
    if not hmac.compare_digest(tag, _hmac_sm3(mac_key, key_id.encode() + b"$" + iv + body)):
        raise DecryptionFailed("tag mismatch")
    decryptor = Cipher(cipher_alg, modes.CTR(iv)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")


def decrypt(value: str | None) -> str | None:
    """The clear text of a stored value; clear text (rows written before encryption) is returned as it is."""
    if not is_encrypted(value):
        return value
    return _decrypt_cached(value)


def decrypt_or_blank(value: str | None) -> str | None:
    """``decrypt``, but a value whose tag fails is logged and read as blank instead of failing the page."""
    try:
        return decrypt(value)
    except DecryptionFailed:
        logger.error("An encrypted personal data value failed its SM3 check (edited or corrupted); read as blank.")
        return ""


def lookup_hash(normalized: str) -> str:
    """HMAC-SM3 (hex) of an already normalized value under the lookup key; ``""`` for an empty value."""
    if not normalized:
        return ""
    key = bytes.fromhex(settings.PII_LOOKUP_KEY) if _is_hex_key(settings.PII_LOOKUP_KEY) else None
    if key is None:
        raise ImproperlyConfigured("HUAXI_PII_LOOKUP_KEY must be 64 hex digits.")
    return _hmac_sm3(key, b"huaxi-lookup$" + normalized.encode("utf-8")).hex()


def _is_hex_key(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{64}", text or ""))


def seal(data: bytes, *, key_id: str | None = None) -> str:
    """``<key id>$<hex HMAC-SM3>`` of ``data`` under the integrity key ring's current (or given) key."""
    ring = integrity_ring()
    key_id = key_id or ring.current
    return f"{key_id}${_hmac_sm3(ring.keys[key_id], b'huaxi-seal$' + data).hex()}"


def seal_matches(data: bytes, stored: str) -> bool:
    """True when ``stored`` is a seal of ``data`` under a configured integrity key."""
    key_id, _sep, _digest = (stored or "").partition("$")
    if key_id not in integrity_ring().keys:
        return False
    return hmac.compare_digest(seal(data, key_id=key_id), stored)


def sm3_hex(data: bytes) -> str:
    """The plain SM3 digest (hex) of ``data``."""
    return hashlib.new("sm3", data).hexdigest()


def clear_caches() -> None:
    """Forget cached keys and values (after the configured keys changed, e.g. in tests)."""
    for cached in (_ring, _derived, _encrypt_cached, _decrypt_cached):
        cached.cache_clear()


def check_configuration() -> list[str]:
    """Problems with the configured keys (for the system check), empty when all is well."""
    problems = []
    for text, name in (
        (settings.PII_ENCRYPTION_KEYS, "HUAXI_PII_KEYS"),
        (settings.INTEGRITY_KEYS, "HUAXI_INTEGRITY_KEYS"),
    ):
        try:
            parse_key_ring(text, name=name)
        except ImproperlyConfigured as error:
            problems.append(str(error))
    if not _is_hex_key(settings.PII_LOOKUP_KEY):
        problems.append("HUAXI_PII_LOOKUP_KEY must be 64 hex digits.")
    return problems
