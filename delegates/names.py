"""Names in rosters: login names made from a person's name, and names that look like each other.

Login names: the full pinyin of the name in lower case (王秀英 → ``wangxiuying``; ü is written
``v``: 吕 → ``lv``); when that is taken, the first free of ``wangxiuying2``, ``wangxiuying3`` …
A name with no Chinese or Latin letters gets ``user``.
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

NON_LOGIN_RE = re.compile(r"[^a-z0-9]")
PUNCT_RE = re.compile(r"[\s()（）·.、,，]+")


def normalize(name):
    return PUNCT_RE.sub("", unicodedata.normalize("NFKC", name or ""))


def login_base(name):
    syllables = lazy_pinyin(normalize(name), style=Style.NORMAL, errors=lambda chars: list(chars))
    base = NON_LOGIN_RE.sub("", "".join(syllables).lower().replace("ü", "v"))
    return base[:140] or "user"


def login_name(name, taken):
    """The login name for ``name`` by the rule above; ``taken`` is a set of names in use (updated)."""
    base = login_base(name)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate


def _pinyin(name):
    return "".join(lazy_pinyin(name, style=Style.NORMAL))


def _is_abbreviation(short, long):
    """住建局 in 住房和城乡建设局: every character in order, the same first and last character."""
    if len(short) < 3 or len(short) >= len(long) or short[0] != long[0] or short[-1] != long[-1]:
        return False
    position = 0
    for char in short:
        position = long.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def look_alike(a, b):
    """Why two different names may be the same body, or "" when they do not look alike."""
    a, b = normalize(a), normalize(b)
    if not a or not b or a == b:
        return ""
    # 区财政局 / 区民政局 are two bodies: one different character means little in a short name.
    if len(a) == len(b) and len(a) >= 5:
        differing = sum(1 for x, y in zip(a, b, strict=True) if x != y)
        if differing == 1:
            return "pinyin" if _pinyin(a) == _pinyin(b) else "one_char"
    if _pinyin(a) == _pinyin(b):
        return "pinyin"
    if _is_abbreviation(a, b) or _is_abbreviation(b, a):
        return "abbreviation"
    return ""


def near_duplicates(new_names, existing_names=()):
    """Pairs (a, b, reason) among ``new_names`` and between them and ``existing_names``."""
    new_names = list(dict.fromkeys(new_names))
    existing = [n for n in dict.fromkeys(existing_names) if n not in new_names]
    pairs = []
    for index, a in enumerate(new_names):
        for b in new_names[index + 1 :] + existing:
            reason = look_alike(a, b)
            if reason:
                pairs.append((a, b, reason))
    return pairs
