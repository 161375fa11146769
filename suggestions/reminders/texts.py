"""What a reminder says on each channel: the suggestion named, the e-mail body, message ids."""

from django.conf import settings
from django.utils.translation import gettext as _


def message_id(kind: str, *parts) -> str:
    """A deterministic Message-ID, so a retried e-mail is recognisably the same message."""
    domain = getattr(settings, "REMINDER_MESSAGE_ID_DOMAIN", "huaxi-renda.local")
    return f"<{kind}-{'-'.join(str(p) for p in parts)}@{domain}>"


def suggestion_label(suggestion) -> str:
    """Which suggestion a message is about: its number once registered, and its title."""
    if suggestion.number:
        return _("%(number)s《%(title)s》") % {"number": suggestion.number_display, "title": suggestion.title}
    return _("《%(title)s》") % {"title": suggestion.title}


def title(reminder) -> str:
    """The subject line of a single reminder."""
    return _("【催办】%(kind)s") % {"kind": reminder.get_kind_display()}


def about(reminder) -> str:
    """The reminder's text with the suggestion it concerns named first."""
    if not reminder.suggestion_id:
        return reminder.message
    return _("建议：%(suggestion)s") % {"suggestion": suggestion_label(reminder.suggestion)} + "\n" + reminder.message


def email_body(reminders) -> str:
    """One or more reminders as a numbered list with links, for an e-mail or a digest."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = []
    for index, reminder in enumerate(reminders, start=1):
        lines.append(f"{index}. {reminder.get_kind_display()}：{reminder.message}")
        if reminder.suggestion_id:
            lines.append("   " + _("建议：%(suggestion)s") % {"suggestion": suggestion_label(reminder.suggestion)})
        if reminder.suggestion_id and base:
            lines.append(f"   {base}{reminder.suggestion.get_absolute_url()}")
    lines.append("")
    names = _congress_names(reminders)
    if names:
        lines.append(_("请登录%(congress)s代表建议办理系统办理。") % {"congress": "、".join(names)})
    else:
        lines.append(_("请登录花溪人大代表建议办理系统办理。"))
    return "\n".join(lines)


def _congress_names(reminders) -> list[str]:
    """The names of the congresses the reminders' suggestions belong to (kept by the process: no query)."""
    from congresses.models import congress_by_id

    ids = dict.fromkeys(r.suggestion.congress_id for r in reminders if r.suggestion_id)
    return [c.name for c in map(congress_by_id, ids) if c is not None]


# The SMS signature the first congress's gateway account has registered (what every text began with before
# there were several congresses); another congress's texts are signed with its own short name.
FIRST_SIGNATURE = "花溪人大"


def sms_signature(congress_id) -> str:
    """The signature a text about a row of this congress begins with, without brackets (no query)."""
    from congresses.models import FIRST_SLUG, congress_by_id

    congress = congress_by_id(congress_id)
    if congress is None or congress.slug == FIRST_SLUG:
        return FIRST_SIGNATURE
    return congress.name


def short_text(reminder) -> str:
    """The reminder for a text message: one SMS has no room for a title, the number says which suggestion."""
    if not reminder.suggestion_id:
        return _("【%(signature)s】%(message)s") % {"signature": FIRST_SIGNATURE, "message": reminder.message}
    signature = sms_signature(reminder.suggestion.congress_id)
    number = reminder.suggestion.number_display
    if number:
        return _("【%(signature)s】%(number)s：%(message)s") % {
            "signature": signature,
            "number": number,
            "message": reminder.message,
        }
    return _("【%(signature)s】%(message)s") % {"signature": signature, "message": reminder.message}
