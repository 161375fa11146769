"""Writes for people and offices: delegates, offices, their login accounts.

Used by the Excel import (``delegates.imports``); each call checks the actor is
NPC staff and writes an audit row. The import runs them all in one transaction.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from suggestions import roles
from suggestions.models import AuditLog, Office, OfficeMember
from suggestions.services import InvalidInput, NotPermitted

from .models import Constituency, Delegate, DelegateContact, Delegation


def _require_staff(actor):
    if not roles.is_staff_member(actor):
        raise NotPermitted(_("只有人大工作人员可以进行此操作。"))


def _audit(*, actor, action, note, data):
    AuditLog.objects.create(actor=actor, action=action, note=note, data=data)


def user_ensure(*, username, full_name):
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
def delegate_save(*, actor, term, values, delegate=None):
    """Create or update a delegate of ``term``; ``values`` holds only the columns given.

    Keys: name, delegation, constituency, work_unit, phone, username.
    """
    _require_staff(actor)
    created = delegate is None
    if created:
        delegate = Delegate(term=term, name=values["name"])
    else:
        delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
    if "delegation" in values:
        delegate.delegation = (
            Delegation.objects.get_or_create(term=term, name=values["delegation"])[0] if values["delegation"] else None
        )
    if "constituency" in values:
        delegate.constituency = (
            Constituency.objects.get_or_create(name=values["constituency"])[0] if values["constituency"] else None
        )
    if "work_unit" in values:
        delegate.work_unit = values["work_unit"]
    if values.get("username"):
        user = user_ensure(username=values["username"], full_name=values["name"])
        if delegate.user_id not in (None, user.pk):
            raise InvalidInput(
                _("代表“%(name)s”已有登录账号，不能改为%(username)s。")
                % {"name": delegate.name, "username": values["username"]}
            )
        delegate.user = user
    delegate.save()
    if "phone" in values:
        contact, _created = DelegateContact.objects.get_or_create(delegate=delegate)
        if contact.phone != values["phone"]:
            contact.phone = values["phone"]
            contact.save(update_fields=["phone"])
    _audit(
        actor=actor,
        action="delegate_import" if created else "delegate_update",
        note=delegate.name,
        data={"delegate": delegate.pk, "term": term.pk, "fields": sorted(values)},
    )
    return delegate


@transaction.atomic
def office_save(*, actor, values, office=None):
    """Create or update an office and (if given) its clerk's account and membership.

    Keys: name, short_name, clerk_name, clerk_username, phone.
    """
    _require_staff(actor)
    created = office is None
    if created:
        office = Office(name=values["name"])
    else:
        office = Office.objects.select_for_update().get(pk=office.pk)
    if "short_name" in values:
        office.short_name = values["short_name"]
    office.save()
    if values.get("clerk_username"):
        user = user_ensure(username=values["clerk_username"], full_name=values.get("clerk_name", ""))
        if values.get("clerk_name") and user.first_name != values["clerk_name"]:
            user.first_name = values["clerk_name"][:150]
            user.save(update_fields=["first_name"])
        member, _created = OfficeMember.objects.get_or_create(
            office=office, user=user, defaults={"role": OfficeMember.Role.CLERK, "phone": values.get("phone", "")}
        )
        if "phone" in values and member.phone != values["phone"]:
            member.phone = values["phone"]
            member.save(update_fields=["phone"])
    _audit(
        actor=actor,
        action="office_import" if created else "office_update",
        note=office.name,
        data={"office": office.pk, "fields": sorted(values)},
    )
    return office
