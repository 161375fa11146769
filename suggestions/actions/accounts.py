"""Writes for people and offices: delegates, offices, their login accounts and activation links.

Used by the Excel import (``suggestions.actions.roster_import``) and the account pages; each call asks the
rule book (``Action.MANAGE_PEOPLE``: staff) and writes an audit row. The import runs them all in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congresses.models import Congress
from delegates.models import AccountActivation, Constituency, Delegate, DelegateContact, Delegation
from suggestions.actions._base import Action, audit, require
from suggestions.actor import Actor
from suggestions.errors import InvalidInput, NotPermitted  # noqa: F401 - the refusals of these actions
from suggestions.models import AuditAction, AuditLog, Office, OfficeMember

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.base_user import AbstractBaseUser

    from delegates.models import Term
    from suggestions.actions._base import ActorUser

ACTIVATION_DAYS = 14  # settings.ACCOUNT_ACTIVATION_DAYS overrides it


def _user_ensure(*, username: str, full_name: str) -> AbstractBaseUser:
    """The account with this login name, created (without a password) if new.

    New accounts have no usable password: the administrator sets one, or the
    person resets it, before the first login.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=full_name[:150])
        user.set_unusable_password()
        user.save()
    elif full_name and not user.first_name:
        user.first_name = full_name[:150]
        user.save(update_fields=["first_name"])
    return user


@transaction.atomic
def delegate_save(
    *, actor: ActorUser, term: Term, values: dict[str, str], delegate: Delegate | None = None, new_username: str = ""
) -> Delegate:
    """Create or update a delegate of ``term``; ``values`` holds only the columns given.

    Keys: name, delegation, constituency, work_unit, phone, landline, email, username.
    ``new_username``: create this account for a delegate who has none (no usable password).
    """
    created = delegate is None
    if not created:
        delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
    require(actor, Action.MANAGE_PEOPLE, delegate)
    if term.congress_id != Actor.of(actor).congress_id:
        raise InvalidInput(_("只能管理本人大的代表。"))
    if created:
        delegate = Delegate(term=term, name=values["name"])
    if "delegation" in values:
        delegate.delegation = (
            Delegation.objects.get_or_create(term=term, name=values["delegation"])[0] if values["delegation"] else None
        )
    if "constituency" in values:
        delegate.constituency = (
            Constituency.objects.get_or_create(congress_id=term.congress_id, name=values["constituency"])[0]
            if values["constituency"]
            else None
        )
    if "work_unit" in values:
        delegate.work_unit = values["work_unit"]
    if values.get("username"):
        user = _user_ensure(username=values["username"], full_name=values["name"])
        if delegate.user_id not in (None, user.pk):
            raise InvalidInput(
                _("代表“%(name)s”已有登录账号，不能改为%(username)s。")
                % {"name": delegate.name, "username": values["username"]}
            )
        delegate.user = user
    elif new_username and delegate.user_id is None:
        delegate.user = _user_ensure(username=new_username, full_name=values["name"])
    delegate.save()
    contact_fields = [key for key in ("phone", "landline", "email") if key in values]
    if contact_fields:
        contact, _created = DelegateContact.objects.get_or_create(delegate=delegate)
        changed = [key for key in contact_fields if getattr(contact, key) != values[key]]
        for key in changed:
            setattr(contact, key, values[key])
        if changed:
            contact.save(update_fields=changed)
    audit(
        actor=actor,
        action=AuditAction.DELEGATE_IMPORT if created else AuditAction.DELEGATE_UPDATE,
        note=delegate.name,
        data={"delegate": delegate.pk, "term": term.pk, "fields": sorted(values)},
    )
    return delegate


@transaction.atomic
def office_save(
    *, actor: ActorUser, values: dict[str, str], office: Office | None = None, new_username: str = ""
) -> Office:
    """Create or update an office, its contact and (if given) its clerk's account and membership.

    Keys: name, short_name, contact_name, phone (the contact's), clerk_username (the contact's account).
    ``new_username``: create this account for the contact when the office has no clerk yet.
    """
    created = office is None
    if not created:
        office = Office.objects.select_for_update().get(pk=office.pk)
    require(actor, Action.MANAGE_PEOPLE, office)
    if created:
        office = Office(name=values["name"], congress_id=Actor.of(actor).congress_id)
    if "short_name" in values:
        office.short_name = values["short_name"]
    if "contact_name" in values:
        office.contact_name = values["contact_name"]
    if "phone" in values:
        office.contact_phone = values["phone"]
    office.save()
    username = values.get("clerk_username") or (new_username if created or not office.members.exists() else "")
    if username:
        contact = values.get("contact_name", "")
        user = _user_ensure(username=username, full_name=contact)
        if OfficeMember.objects.filter(user=user).exclude(office__congress_id=office.congress_id).exists():
            raise InvalidInput(
                _("账号%(username)s已是其他人大承办单位的经办人：一名经办人只为一个人大的单位工作。")
                % {"username": username}
            )
        if contact and user.first_name != contact:
            user.first_name = contact[:150]
            user.save(update_fields=["first_name"])
        member, _created = OfficeMember.objects.get_or_create(
            office=office, user=user, defaults={"role": OfficeMember.Role.CLERK, "phone": values.get("phone", "")}
        )
        if "phone" in values and member.phone != values["phone"]:
            member.phone = values["phone"]
            member.save(update_fields=["phone"])
    audit(
        actor=actor,
        action=AuditAction.OFFICE_IMPORT if created else AuditAction.OFFICE_UPDATE,
        note=office.name,
        data={"office": office.pk, "fields": sorted(values)},
    )
    return office


# --------------------------------------------------------------------------- account activation


@dataclass
class IssuedLink:
    """A link as handed to a person: the token exists only here, the database keeps its hash."""

    user_id: int
    username: str
    full_name: str
    token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _activation_days() -> int:
    return int(getattr(settings, "ACCOUNT_ACTIVATION_DAYS", ACTIVATION_DAYS))


def _check_users_of_congress(users: list, congress_id: int | None) -> None:
    """Links go only to the delegates, clerks and staff of one congress."""
    from django.db.models import Q

    ours = set(
        get_user_model()
        .objects.filter(pk__in=[u.pk for u in users])
        .filter(
            Q(delegate_records__congress_id=congress_id)
            | Q(office_memberships__office__congress_id=congress_id)
            | Q(staff_membership__congress_id=congress_id)
        )
        .values_list("pk", flat=True)
    )
    strangers = [u.username for u in users if u.pk not in ours]
    if strangers:
        raise InvalidInput(_("不能为其他人大的账号生成激活链接：%(names)s。") % {"names": "、".join(strangers[:5])})


@transaction.atomic
def activation_issue(
    *,
    actor: ActorUser,
    users: Iterable[AbstractBaseUser],
    days: int | None = None,
    below: Congress | None = None,
) -> list[IssuedLink]:
    """A new one-time activation link per user; earlier unused links of these users stop working.

    The users are of the actor's congress; ``below``: of that congress, whose first staff accounts the actor
    (who may manage it: ``MANAGE_CONGRESSES``) has just created.
    """
    require(actor, Action.MANAGE_PEOPLE, None)
    if below is not None:
        require(actor, Action.MANAGE_CONGRESSES, below)
    users = list(users)
    if not users:
        return []
    _check_users_of_congress(users, below.pk if below is not None else Actor.of(actor).congress_id)
    now = timezone.now()
    expires = now + timedelta(days=days or _activation_days())
    AccountActivation.objects.filter(
        user__in=users, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now)
    issued, rows = [], []
    for user in users:
        token = secrets.token_urlsafe(32)
        rows.append(AccountActivation(user=user, token_hash=_token_hash(token), created_by=actor, expires_at=expires))
        issued.append(IssuedLink(user.pk, user.username, user.get_full_name() or user.username, token, expires))
    AccountActivation.objects.bulk_create(rows)
    AuditLog.objects.bulk_create(
        [
            AuditLog(actor=actor, action=AuditAction.ACTIVATION_ISSUE, note=user.username, data={"user": user.pk})
            for user in users
        ]
    )
    return issued


def activation_find(token: str | None) -> AccountActivation | None:
    """The usable activation of ``token``, or None (unknown, used, replaced or expired)."""
    if not token or len(token) > 100:
        return None
    return (
        AccountActivation.objects.select_related("user")
        .filter(
            token_hash=_token_hash(token),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,  # an account switched off by the administrator stays off
        )
        .first()
    )


@transaction.atomic
def activation_use(*, token: str, password: str) -> AbstractBaseUser:
    """Set the password of the link's user and end the link; the caller has validated the password."""
    found = activation_find(token)
    if found is None:
        raise InvalidInput(_("激活链接无效、已使用或已过期，请联系人大工作人员重新获取。"))
    activation = AccountActivation.objects.select_for_update().get(pk=found.pk)
    if activation.used_at is not None or activation.revoked_at is not None:
        raise InvalidInput(_("激活链接无效、已使用或已过期，请联系人大工作人员重新获取。"))
    user = activation.user
    user._password_set_by_owner = True  # security.passwords: the holder chose it, no forced change follows
    user.set_password(password)
    user.save(update_fields=["password"])
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    audit(
        actor=user,
        action=AuditAction.ACTIVATION_USE,
        note=user.username,
        data={"user": user.pk, "activation": activation.pk},
    )
    return user
