"""Personal data in a text about to become public: find it, mask it.

``find(text)`` returns the spans of mobile and landline numbers (with +86/86,
spaces, dashes, full-width digits, area codes and extensions), 18-digit ID
numbers, e-mail addresses and street addresses down to 组/号/栋/单元/室.
``mask(text)`` returns the text with the digits of each span replaced by ``*``
(``139****5678``), so a masked text yields no span again.

Look-alikes are left alone on purpose: 文号 (花府发〔2025〕12号), 3号线, 第12号建议,
amounts and dates. A landline without an area code is only taken after a word
such as 电话 or 座机: seven or eight bare digits are more often an amount.

Pure Python, no Django model: the publication service, the review page, the
data migration and the bench share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "mobile": _("手机号码"),
    "landline": _("固定电话"),
    "id": _("身份证号码"),
    "email": _("电子邮箱"),
    "address": _("详细地址"),
}

# One character for one character, so a span found in the folded text is the same span in the original.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "＋": "+",
        "－": "-",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "﹣": "-",
        "（": "(",
        "）": ")",
        "\u3000": " ",
        "\xa0": " ",
        "Ｘ": "X",
        "ｘ": "x",
        "＠": "@",
        "：": ":",
    }
)

_SEP = r"[ \-]?"
_MOBILE = re.compile(
    r"(?<![\d.])(?:\(?(?:\+|00)?86\)?[ \-]?)?" r"1[3-9]\d(?:" + _SEP + r"\d){8}(?!\d)",
)
_EXT = r"(?:[ ]?(?:转|分机|ext\.?|-)[ ]?\d{1,5}(?!\d))?"
_LANDLINE_AREA = re.compile(
    r"(?<![\d.])(?:\(?(?:\+|00)?86\)?[ \-]?)?\(?0\d{2,3}\)?[ \-]?[2-9]\d{2,3}[ \-]?\d{4}(?!\d)" + _EXT
)
_LANDLINE_BARE = re.compile(
    r"(?:电话|座机|联系方式|联系|热线|手机|号码|传真|拨打|致电|tel|Tel|TEL)[^\d\n]{0,6}?"
    r"(?<![\d.])([2-9]\d{2,3}[ \-]?\d{4}(?!\d)" + _EXT + r")(?![万亿元])"
)
_LISTED = re.compile(
    r"[ ]?(?:、|,|，|/|或|和|及)[ ]?((?:0\d{2,3}[ \-]?)?[1-9]\d{2,3}[ \-]?\d{4}(?:[ \-]?\d{3})?)(?![\d万亿元])"
)
_ID = re.compile(
    r"(?<![\d])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
)
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")

_N = r"[0-9一二三四五六七八九十百零〇两]+"
_D = r"\d+(?:-\d+)?"
_BUILDING = (
    r"(?:[ ]?" + _D + r"[ ]?(?:栋|幢|号楼|座))?"
    r"(?:[ ]?" + _D + r"[ ]?单元)?"
    r"(?:[ ]?" + _D + r"[ ]?(?:室|号房|号|楼|层))?"
)
_ADDRESSES = [
    # 某某村3组12号, 龙井村三组, 青岩镇新楼寨5组
    re.compile(r"(?:村|寨|屯|社区|村民)[ ]?(" + _N + r"[ ]?(?:组|社|队)(?:[ ]?" + _D + r"[ ]?号)?" + _BUILDING + r")"),
    # 花溪大道28号5栋2单元301室, 清溪路12-3号 (not 2号线, not 12号文)
    re.compile(r"(?:路|街|大道|巷|弄|胡同|道)[ ]?(" + _D + r"[ ]?号(?![线文令台院])" + _BUILDING + r")"),
    # 5栋2单元301室, 3号楼1单元, 2单元502室, 8幢301室: two levels at least
    re.compile(
        r"(?<![\d])("
        + _D
        + r"[ ]?(?:栋|幢|号楼|座)[ ]?"
        + _D
        + r"[ ]?(?:单元|室|号房)(?:[ ]?"
        + _D
        + r"[ ]?(?:室|号房|号))?"
        + r"|"
        + _D
        + r"[ ]?单元[ ]?"
        + _D
        + r"[ ]?(?:室|号房|号))"
    ),
    # 门牌号为15号, 门牌：22-1号
    re.compile(r"门牌(?:号码|号)?(?:为|是|:)?[ ]?(" + _D + r"[ ]?号?)"),
]
_MASKABLE = re.compile(r"[0-9０-９一二三四五六七八九十百零〇两]")


@dataclass(frozen=True)
class Span:
    """One piece of personal data found in a text: where it is, what kind, and the text itself."""

    start: int
    end: int
    kind: str
    text: str

    @property
    def label(self) -> str:
        """The kind's Chinese name (手机号码, 详细地址 …)."""
        return KINDS[self.kind]


def _fold(text: str | None) -> str:
    return (text or "").translate(_FOLD)


def find(text: str | None) -> list[Span]:
    """Every personal-data span in ``text``, in order, none overlapping (a longer or earlier one wins)."""
    text = text or ""
    folded = _fold(text)
    found = []
    for kind, pattern in (("id", _ID), ("email", _EMAIL), ("mobile", _MOBILE), ("landline", _LANDLINE_AREA)):
        found += [(m.start(), m.end(), kind) for m in pattern.finditer(folded)]
    found += [(m.start(1), m.end(1), "landline") for m in _LANDLINE_BARE.finditer(folded)]
    for pattern in _ADDRESSES:
        found += [(m.start(1), m.end(1), "address") for m in pattern.finditer(folded)]
    # A number listed after a phone number (电话83861234、83865678) is a phone number too.
    phones = [f for f in found if f[2] in ("mobile", "landline")]
    while phones:
        _start, end, _kind = phones.pop()
        m = _LISTED.match(folded, end)
        if m:
            more = (m.start(1), m.end(1), "mobile" if _MOBILE.fullmatch(m.group(1)) else "landline")
            found.append(more)
            phones.append(more)
    spans, taken = [], []
    priority = {"id": 0, "email": 1, "mobile": 2, "landline": 3, "address": 4}
    for start, end, kind in sorted(found, key=lambda f: (priority[f[2]], f[0], -(f[1] - f[0]))):
        # Trim separators a pattern took at its edges.
        while end > start and text[end - 1] in " -":
            end -= 1
        if end <= start or any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        spans.append(Span(start, end, kind, text[start:end]))
    return sorted(spans, key=lambda s: s.start)


def _mask_span(span: Span) -> str:
    chars = list(span.text)
    positions = [i for i, c in enumerate(_fold(span.text)) if c.isdigit() or c in "Xx"]
    if span.kind == "mobile":
        keep = set(positions[-11:][:3] + positions[-4:]) | set(positions[:-11])  # +86 stays
    elif span.kind == "landline":  # the area code (and +86) stay, the number goes
        match = re.match(r"[ (]*(?:(?:\+|00)?86\)?[ \-]?)?\(?0\d{2,3}(?=\D)", _fold(span.text))
        keep = {i for i in positions if match and i < match.end()}
    elif span.kind == "id":
        keep = set(positions[:3] + positions[-4:])
    elif span.kind == "email":
        at = span.text.index("@") if "@" in span.text else span.text.index("＠")
        return span.text[0] + "***" + span.text[at:]
    else:  # address: every number goes
        return "".join("*" if _MASKABLE.match(c) else c for c in chars)
    return "".join("*" if i in positions and i not in keep else c for i, c in enumerate(chars))


def mask(text: str | None, spans: Iterable[Span] | None = None) -> str:
    """``text`` with every span (default: every span ``find`` sees) masked."""
    text = text or ""
    spans = find(text) if spans is None else spans
    out, at = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[at : span.start])
        out.append(_mask_span(span))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def unmasked(text: str | None, *, not_personal: Iterable[str] = ()) -> list[Span]:
    """The spans of ``text`` still open, leaving out those staff recorded as not personal."""
    cleared = set(not_personal)
    return [s for s in find(text) if s.text not in cleared]


def highlight(text: str | None, spans: Iterable[Span] | None = None) -> list[tuple[str, Span | None]]:
    """``[(piece, span or None), …]`` covering ``text``: what a template marks."""
    text = text or ""
    spans = find(text) if spans is None else spans
    pieces, at = [], 0
    for span in spans:
        if span.start > at:
            pieces.append((text[at : span.start], None))
        pieces.append((span.text, span))
        at = span.end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
