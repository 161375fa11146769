"""Filters of the shared cards (templates/suggestions/includes/)."""

from django import template

register = template.Library()


@register.filter
def confirmed_delegates(cosigners):
    """The delegates of the confirmed co-signers: the ones named on the suggestion."""
    return [c.delegate for c in cosigners if c.status == "confirmed"]
