"""Personal data actions (个人信息保护法): reveal a full number, accept the notice, export and anonymise a person.

Each action asks ``suggestions.policy`` (the one rule book), owns its transaction and writes a security
audit record that names people by id only. Pages call these; they never write rows themselves.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates import phones
from delegates.models import Delegate, DelegateContact
from security import events
from security.models import SecurityEvent, SecurityEventKind
from security.models_privacy import PrivacyConsent, PrivacyNotice

SESSION_PENDING = "privacy_notice_pending"  # the notice version this session still has to accept


# --------------------------------------------------------------------------- masking


def mask_phone(value: str) -> str:
    """138****5678 / 0851-****2345: enough to recognise a number, not to call it."""
    return phones.mask(value or "")


def mask_email(value: str) -> str:
    """w***@example.cn."""
    name, at, domain = (value or "").partition("@")
    return f"{name[:1]}***@{domain}" if at else ("***" if value else "")


def mask_address(value: str) -> str:
    """The first six characters of an address, the rest hidden."""
    return f"{value[:6]}****" if value else ""


# --------------------------------------------------------------------------- reveal


def contact_reveal(*, actor: Any, assignment: Any, request: Any = None) -> str:
    """The lead delegate's full mobile number for someone who needs it, recorded as a REVEAL event."""
    from suggestions.errors import NotPermitted, WorkflowError
    from suggestions.policy import Action, require

    delegate = assignment.suggestion.lead_delegate
    try:
        require(actor, Action.REVEAL_CONTACT, assignment)
    except WorkflowError:
        events.record(
            event=SecurityEventKind.REVEAL,
            actor=actor,
            request=request,
            target=delegate,
            outcome=SecurityEvent.Outcome.REFUSED,
            detail={"field": "phone", "assignment": assignment.pk},
        )
        raise
    contact = DelegateContact.objects.filter(delegate=delegate).first()
    if contact is None or not contact.phone:
        raise NotPermitted(_("该代表没有登记手机号码。"))
    events.record(
        event=SecurityEventKind.REVEAL,
        actor=actor,
        request=request,
        target=delegate,
        detail={"field": "phone", "assignment": assignment.pk},
    )
    return contact.phone


# --------------------------------------------------------------------------- the notice


def notice_required(user: Any) -> PrivacyNotice | None:
    """The notice ``user`` must accept before going on (a delegate who has not accepted the current one), or None."""
    if not getattr(settings, "PRIVACY_NOTICE_REQUIRED", True) or not user.is_authenticated:
        return None
    if not Delegate.objects.filter(user=user).exists():
        return None
    notice = PrivacyNotice.current()
    if notice is None or PrivacyConsent.objects.filter(user=user, notice=notice).exists():
        return None
    return notice


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At login, remember in the session whether the current notice is still to be accepted (no query later)."""
    if request is None or not hasattr(request, "session"):
        return
    notice = notice_required(user)
    if notice is None:
        request.session.pop(SESSION_PENDING, None)
    else:
        request.session[SESSION_PENDING] = notice.version


@transaction.atomic
def notice_accept(*, user: Any, notice: PrivacyNotice, request: Any = None) -> PrivacyConsent:
    """Record that ``user`` accepted this version of the notice (once; accepting again changes nothing)."""
    consent, _created = PrivacyConsent.objects.get_or_create(
        user=user, notice=notice, defaults={"address": events.client_address(request)}
    )
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_PENDING, None)
    return consent


# --------------------------------------------------------------------------- export


def _when(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def person_data(*, delegate: Delegate) -> dict[str, Any]:
    """Everything the system holds about ``delegate`` as a person, in clear: for the person themself."""
    Suggestion = apps.get_model("suggestions", "Suggestion")
    CoSigner = apps.get_model("suggestions", "CoSigner")
    Rating = apps.get_model("suggestions", "Rating")
    contact = DelegateContact.objects.filter(delegate=delegate).first()
    user = delegate.user
    return {
        "exported_at": _when(timezone.now()),
        "delegate": {
            "name": delegate.name,
            "term": str(delegate.term),
            "delegation": delegate.delegation.name if delegate.delegation_id else "",
            "constituency": delegate.constituency.name if delegate.constituency_id else "",
            "work_unit": delegate.work_unit,
            "in_office": delegate.is_active,
        },
        "contact": {
            "phone": contact.phone if contact else "",
            "landline": contact.landline if contact else "",
            "email": contact.email if contact else "",
            "address": contact.address if contact else "",
        },
        "account": {
            "username": user.username if user else "",
            "email": user.email if user else "",
            "date_joined": _when(user.date_joined) if user else None,
            "last_login": _when(user.last_login) if user else None,
        },
        "privacy_consents": [
            {"version": c.notice.version, "accepted_at": _when(c.accepted_at)}
            for c in PrivacyConsent.objects.filter(user=user).select_related("notice")
        ]
        if user
        else [],
        "suggestions_led": [
            {
                "number": s.number_display,
                "title": s.title,
                "status": s.get_status_display(),
                "submitted_at": _when(s.submitted_at),
            }
            for s in Suggestion.objects.filter(lead_delegate=delegate).order_by("created_at", "id")
        ],
        "suggestions_cosigned": [
            {"number": c.suggestion.number_display, "title": c.suggestion.title, "status": c.get_status_display()}
            for c in CoSigner.objects.filter(delegate=delegate).select_related("suggestion").order_by("id")
        ],
        "ratings": [
            {
                "suggestion": r.suggestion.number_display,
                "value": r.get_value_display(),
                "comment": r.comment,
                "rated_at": _when(r.rated_at),
            }
            for r in Rating.objects.filter(delegate=delegate).select_related("suggestion").order_by("rated_at", "id")
        ],
    }


def person_export(*, actor: Any, delegate: Delegate, request: Any = None) -> dict[str, Any]:
    """``person_data`` for someone the policy allows (the person, or staff for them), recorded as DOWNLOAD/EXPORT."""
    from suggestions.policy import Action, require

    require(actor, Action.EXPORT_PERSON, delegate)
    own = getattr(actor, "pk", None) is not None and delegate.user_id == actor.pk
    events.record(
        event=SecurityEventKind.DOWNLOAD if own else SecurityEventKind.EXPORT,
        actor=actor,
        request=request,
        target=delegate,
        detail={"what": "person_data"},
    )
    return person_data(delegate=delegate)


def person_workbook(data: dict[str, Any]) -> bytes:
    """The exported data as an Excel workbook: one sheet per part."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for part, value in data.items():
        if part == "exported_at":
            continue
        sheet = book.create_sheet(part[:31])
        rows = value if isinstance(value, list) else [value]
        if rows:
            headers = list(rows[0])
            sheet.append(headers)
            for row in rows:
                sheet.append([str(row[h]) if row[h] is not None else "" for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- anonymise


@transaction.atomic
def person_anonymise(*, actor: Any, delegate: Delegate, request: Any = None) -> Delegate:
    """Replace a former delegate's name and contacts with placeholders; suggestions, replies and ratings stay."""
    from suggestions.policy import Action, require

    delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
    require(actor, Action.ANONYMISE_PERSON, delegate)
    delegate.name = _("已匿名代表%(id)s") % {"id": delegate.pk}
    delegate.work_unit = ""
    delegate.save(update_fields=["name", "work_unit"])
    DelegateContact.objects.filter(delegate=delegate).update(phone="", phone_hash="", landline="", email="", address="")
    if delegate.user_id:
        user = type(delegate.user).objects.select_for_update().get(pk=delegate.user_id)
        user.first_name, user.last_name, user.email, user.is_active = "", "", "", False
        user.set_unusable_password()
        user.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
    events.record(
        event=SecurityEventKind.ADMIN_CHANGE,
        actor=actor,
        request=request,
        target=delegate,
        detail={"what": "anonymise_person"},
    )
    return delegate
