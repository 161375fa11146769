"""Telephone numbers as people write them in rosters: mobiles and landlines.

``classify("+86 138-0000-0001")`` → ``("mobile", "13800000001")``;
``classify("0851-8361 2345转801")`` → ``("landline", "0851-83612345-801")``.
Full-width digits, spaces, dashes, brackets and the +86 / 86 / 0086 prefix are accepted.
"""

import re
import unicodedata

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code (010, 02x, or four digits starting with 0), then a 7–8 digit number, then an extension.
LANDLINE_RE = re.compile(r"^(?:(0(?:10|2\d|[3-9]\d{2})))?([2-9]\d{6,7})(?:(?:转|ext\.?|x|#|-)(\d{1,6}))?$", re.I)
SPLIT_RE = re.compile(r"[/／、,，;；\n]+|\s{2,}")
NOISE_RE = re.compile(r"[\s\-—–()（）.·]+")


def _clean(text):
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def split_numbers(text):
    """The separate numbers in one cell ("13800000001 / 0851-83612345")."""
    return [part.strip() for part in SPLIT_RE.split(_clean(text)) if part.strip()]


def classify(text):
    """("mobile" | "landline", normalized) or (None, original) when it is no telephone number."""
    raw = _clean(text)
    compact = re.sub(r"\s+", "", raw)
    # An extension keeps its separator; the rest loses its punctuation.
    match = re.match(r"^(.*?)(?:(转|ext\.?|x|#)(\d{1,6}))?$", compact, re.I)
    body, ext = match.group(1), match.group(3)
    body_digits = NOISE_RE.sub("", body)
    mobile = re.sub(r"^(?:\+?0{0,2}86)(?=1\d{10}$)", "", body_digits)
    if not ext and MOBILE_RE.match(mobile):
        return "mobile", mobile
    landline_body = (
        re.sub(r"^\+?0{0,2}86(?=\d{9,11}$)", "0", body_digits)
        if body_digits.startswith(("+86", "0086"))
        else body_digits
    )
    # "0851-83612345-801": the last dash group is an extension when the number before it is complete.
    if not ext:
        parts = [p for p in re.split(r"[-—–]", re.sub(r"[\s()（）]", "-", body)) if p]
        if len(parts) >= 2 and re.fullmatch(r"\d{1,6}", parts[-1]):
            head = "".join(parts[:-1])
            head_match = LANDLINE_RE.match(head)
            if head_match and not LANDLINE_RE.match(landline_body) and head_match.group(3) is None:
                landline_body, ext = head, parts[-1]
    found = LANDLINE_RE.match(landline_body)
    if found and found.group(3) is None:
        area, number = found.group(1), found.group(2)
        value = f"{area}-{number}" if area else number
        if ext:
            value += f"-{ext}"
        return "landline", value
    return None, raw


def mask(value):
    """138****0001, 0851-****2345: enough to recognise a number, not to call it."""
    value = value or ""
    if MOBILE_RE.match(value):
        return f"{value[:3]}****{value[-4:]}"
    digits = sum(ch.isdigit() for ch in value)
    if digits < 6:
        return value
    area, sep, rest = value.partition("-")
    if sep and area.startswith("0"):
        number = rest.split("-")[0]
        return f"{area}-****{number[-4:]}"
    return f"****{value.split('-')[0][-4:]}"


def lookup_hash(value):
    """The keyed SM3 lookup hash of a telephone number in any notation ("" when it is none)."""
    from security.crypto import lookup_hash as keyed_hash

    kind, number = classify(value)
    return keyed_hash(number) if kind else ""


def holders(numbers, *, exclude=()):
    """{number: [Delegate, …]}: delegates whose mobile is one of ``numbers``, found by the keyed lookup hash.

    One query whatever the count; the stored numbers are never decrypted to compare them.
    """
    from delegates.models import DelegateContact

    by_hash = {lookup_hash(n): n for n in numbers if n}
    by_hash.pop("", None)
    found = {}
    contacts = (
        DelegateContact.objects.filter(phone_hash__in=list(by_hash))
        .exclude(delegate__in=[d for d in exclude if d is not None])
        .select_related("delegate__delegation", "delegate__constituency", "delegate__user")
        .order_by("delegate__name", "pk")
    )
    for contact in contacts:
        found.setdefault(by_hash[contact.phone_hash], []).append(contact.delegate)
    return found
