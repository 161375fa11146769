"""``{{ number|mask_phone }}``: 138****5678, for pages that show who someone is but need not call them."""

from django import template

from security import privacy

register = template.Library()


@register.filter
def mask_phone(value):
    """A telephone number with its middle digits hidden."""
    return privacy.mask_phone(value)


@register.filter
def mask_contact(value):
    """A telephone number or an e-mail address, masked (the address a reminder went to)."""
    return privacy.mask_email(value) if "@" in (value or "") else privacy.mask_phone(value)
