"""Model fields whose values the database only ever sees SM4-encrypted (``security.crypto``).

``EncryptedTextField(_("手机号码"), max_length=30, blank=True)`` behaves like a ``CharField`` in forms and
code (``contact.phone`` is the clear number) and is stored as ``sm4$<key id>$…`` text. The database cannot
compare ciphertexts: filter only on blank (``phone=""``) or ``isnull``; look people up by phone through the
keyed hash column (``security.crypto.lookup_hash``).
"""

from __future__ import annotations

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups

from security import crypto


class _BlankOnlyExact(lookups.Exact):
    """``field=""``: ciphertexts differ each time, so only blank can be compared."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it can be compared with blank only "
                "(look people up by phone through the lookup hash column)."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text stored SM4-encrypted; ``max_length`` is checked in forms and validation, not by the column."""

    description = "Text encrypted at rest with SM4 (CTR + HMAC-SM3)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt_or_blank(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if crypto.is_encrypted(value):
            try:
                crypto.decrypt(value)  # a genuine ciphertext (copied from another row) is stored as it is
            except crypto.DecryptionFailed:
                pass  # text that only looks like one ("sm4$…" typed in a form) is encrypted like any other
            else:
                return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _BlankOnlyExact
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted: only blank and isnull lookups are possible.")
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return super(models.TextField, self).formfield(**defaults)


class EncryptedEmailField(EncryptedTextField):
    """An e-mail address stored SM4-encrypted."""

    default_validators = [validators.validate_email]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.EmailField, "widget": forms.EmailInput, **kwargs})
