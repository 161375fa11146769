"""Filters of the shared cards (templates/suggestions/includes/)."""

import datetime

from django import template

from suggestions.models import Assignment, CoSigner

register = template.Library()


@register.filter
def confirmed_delegates(cosigners):
    """The delegates of the confirmed co-signers: the ones named on the suggestion."""
    return [c.delegate for c in cosigners if c.status == CoSigner.Status.CONFIRMED]


@register.filter
def overdue(assignment: Assignment, today: datetime.date) -> bool:
    """Still owing something (``Assignment.ACTIVE``) and past its effective deadline on ``today``."""
    due = assignment.effective_due
    return assignment.status in Assignment.ACTIVE and due is not None and today is not None and due < today
