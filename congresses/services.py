"""Choosing the congress to act in (a person with roles in several congresses)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congresses.models import ActingChoice, Congress
from suggestions import roles
from suggestions.errors import InvalidInput


@transaction.atomic
def act_in(*, user: Any, congress_id: int) -> Congress:
    """From now on ``user`` acts in this congress (one of theirs); their roles are read again."""
    if congress_id not in roles.congress_ids_of(user):
        raise InvalidInput(_("您在这个人大没有职务，不能切换到它。"))
    congress = Congress.objects.get(pk=congress_id)
    ActingChoice.objects.update_or_create(user=user, defaults={"congress": congress})
    if hasattr(user, "_huaxi_roles"):
        del user._huaxi_roles
    return congress
