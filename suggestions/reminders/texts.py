"""What a reminder says on each channel: the suggestion named, the e-mail body, message ids."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions.models.reminders import Reminder

K = Reminder.Kind
# What the scan's reminders over assignments say, by kind and the stage's prefix (``n2``, ``before3``,
# ``late7``): the rows keep the kind, the stage, the deadline named and the working days since assignment,
# and are worded when shown (in the reader's language, with the suggestion's title as it is then).
SCAN_TEXTS = {
    (K.SIGN, "n"): gettext_lazy("请签收交办的建议“%(title)s”（已交办%(days)s个工作日）。"),
    (K.OPINION, "before"): gettext_lazy("协办意见须于%(date)s前送主办单位：建议“%(title)s”。"),
    (K.OPINION, "late"): gettext_lazy("协办意见已逾期（期限%(date)s），请尽快送主办单位：建议“%(title)s”。"),
    (K.REPLY_DUE, "before"): gettext_lazy("建议“%(title)s”须于%(date)s前答复代表。"),
    (K.REHANDLE, "before"): gettext_lazy("重新办理的建议“%(title)s”须于%(date)s前再次答复代表。"),
    (K.REHANDLE, "late"): gettext_lazy("重新办理的建议“%(title)s”已超过期限%(date)s，请尽快答复（第%(n)s次催办）。"),
    (K.OVERDUE, "n"): gettext_lazy("建议“%(title)s”已超过答复期限（%(date)s），请尽快答复（第%(n)s次催办）。"),
    (K.FOLLOW_UP, "n"): gettext_lazy("建议“%(title)s”正在解决（B类），请报送最新办理进展。"),
}


def reminder_text(reminder) -> str:
    """The reminder's own message, or the scan's wording for its kind and stage (the suggestion loaded)."""
    if reminder.message:
        return reminder.message
    prefix = reminder.stage.rstrip("0123456789")
    template = SCAN_TEXTS.get((reminder.kind, prefix))
    if template is None:
        return ""
    return str(template) % {
        "title": reminder.suggestion.title if reminder.suggestion_id else "",
        "date": reminder.due.isoformat() if reminder.due else "",
        "days": reminder.workdays,
        "n": reminder.stage[len(prefix) :],
    }


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
        return reminder.text
    return _("建议：%(suggestion)s") % {"suggestion": suggestion_label(reminder.suggestion)} + "\n" + reminder.text


def email_body(reminders) -> str:
    """One or more reminders as a numbered list with links, for an e-mail or a digest."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = []
    for index, reminder in enumerate(reminders, start=1):
        lines.append(f"{index}. {reminder.get_kind_display()}：{reminder.text}")
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
        return _("【%(signature)s】%(message)s") % {"signature": FIRST_SIGNATURE, "message": reminder.text}
    signature = sms_signature(reminder.suggestion.congress_id)
    number = reminder.suggestion.number_display
    if number:
        return _("【%(signature)s】%(number)s：%(message)s") % {
            "signature": signature,
            "number": number,
            "message": reminder.text,
        }
    return _("【%(signature)s】%(message)s") % {"signature": signature, "message": reminder.text}
