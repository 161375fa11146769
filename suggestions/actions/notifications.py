"""In-app notifications: written in the same transaction as the change they tell of; reading them is the user's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import roles
from suggestions.models import Notification, Suggestion
from suggestions.queries.selectors import suggestion_delegates
from suggestions.reminders import suggestion_label

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def notify(
    users: Iterable[AbstractBaseUser | None],
    *,
    title: str,
    body: str = "",
    url: str = "",
    suggestion: Suggestion | None = None,
) -> None:
    """In-app notifications (rows in the same transaction); e-mail goes out after commit.

    A notification about a suggestion names it (number and title) and links to it, whatever the caller wrote.
    """
    if suggestion is not None:
        about = _("建议：%(suggestion)s") % {"suggestion": suggestion_label(suggestion)}
        body = f"{about}\n{body}" if body else about
        url = url or suggestion.get_absolute_url()
    rows = [
        Notification(user=user, title=title[:200], body=body, url=url, suggestion=suggestion)
        for user in {u.pk: u for u in users if u is not None}.values()
    ]
    Notification.objects.bulk_create(rows)


def notify_leader(suggestion: Suggestion, *, previous_leader_id: int | None) -> None:
    """A leader newly named to lead a key suggestion hears of it."""
    leader = suggestion.leader if suggestion.is_key else None
    if leader is None or leader.pk == previous_leader_id or not leader.user_id:
        return
    notify(
        [leader.user],
        title=_("您被确定为重点督办建议“%(title)s”的领衔督办领导") % {"title": suggestion.title},
        suggestion=suggestion,
    )


def office_users(office_id: int) -> list[AbstractBaseUser]:
    """The active accounts of an office's clerks and head."""
    return list(get_user_model().objects.filter(office_memberships__office_id=office_id, is_active=True))


def staff_users(congress_id: int) -> list[AbstractBaseUser]:
    """The active accounts of one congress's NPC staff (staff of another congress are never told of its work)."""
    return list(
        get_user_model().objects.filter(
            groups__name=roles.STAFF_GROUP, is_active=True, staff_membership__congress_id=congress_id
        )
    )


def delegate_users(suggestion: Suggestion) -> list[AbstractBaseUser]:
    """The accounts of the suggestion's delegates (lead and confirmed co-signers)."""
    return [d.user for d in suggestion_delegates(suggestion) if d.user_id]


def notification_mark_read(*, user: AbstractBaseUser, notification: Notification | None = None) -> int:
    """Mark ``notification`` read, or every unread notification of ``user``; only the user's own.

    Returns how many were marked."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
