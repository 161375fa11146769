"""Registered templates (模板号) per kind of message, and the values of their variables.

``SMS_TEMPLATES`` maps a kind to a template id, or to ``{"id": ..., "params": [names]}``
when the template's variables differ from the defaults. Reminder kinds without
their own entry use ``reminder``; ``manual`` is staff's 催办 (its text is a variable),
``code`` a one-time code, ``activation`` an account activation notice.
"""

from dataclasses import dataclass

from django.conf import settings

from suggestions.reminders.sms import SMSError, SMSMessage

DEFAULT_PARAMS = {
    "reminder": ["number", "message"],
    "manual": ["number", "message"],
    "code": ["code"],
    "activation": ["name", "username", "expires", "url"],
    "notice": ["message"],
}
# A template variable holds at most this many characters (the cloud services' rule for ordinary variables).
VARIABLE_MAX_CHARS = 35
# Link variables (registered as such with the gateway) are longer: a cut link would lead nowhere.
VARIABLE_LIMITS = {"url": 200}
SPECIAL_KINDS = ("manual", "code", "activation", "notice")


@dataclass
class Template:
    """One registered template: its id at the gateway and its variable names, in order."""

    kind: str
    id: str
    params: list


def _entry(kind):
    templates = getattr(settings, "SMS_TEMPLATES", {}) or {}
    if kind in templates:
        return kind, templates[kind]
    fallback = "reminder" if kind not in SPECIAL_KINDS or kind == "notice" else None
    if fallback and fallback in templates:
        return fallback, templates[fallback]
    return kind, None


def template_for(kind: str) -> Template:
    """The registered template for a kind of message; SMSError when none is configured."""
    name, entry = _entry(kind)
    if not entry:
        raise SMSError(f"no SMS template registered for {kind!r} (SMS_TEMPLATES)")
    if isinstance(entry, str):
        return Template(kind=name, id=entry, params=DEFAULT_PARAMS.get(name, ["message"]))
    return Template(kind=name, id=str(entry["id"]), params=list(entry.get("params") or DEFAULT_PARAMS.get(name, [])))


def values(message: SMSMessage, template: Template) -> dict[str, str]:
    """The template's variables from the message, each within one variable's length."""
    source = {"message": message.text, **message.params}
    result = {}
    for name in template.params:
        value = " ".join(str(source.get(name, "") or "-").split())
        most = VARIABLE_LIMITS.get(name, VARIABLE_MAX_CHARS)
        result[name] = value if len(value) <= most else value[: most - 1] + "…"
    return result


def sign_name() -> str:
    """The registered signature (短信签名)."""
    return getattr(settings, "SMS_SIGN_NAME", "") or "花溪人大"


def timeout() -> float:
    """Seconds to wait for the gateway; after that the outcome of a send is unknown."""
    return float(getattr(settings, "SMS_TIMEOUT_SECONDS", 10))
