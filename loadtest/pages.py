"""What the simulated people need to read pages and log in, without Locust (so tests can import it)."""

import binascii
import hashlib
import hmac
import struct
import time
from html.parser import HTMLParser

SEARCH_WORDS = ["道路", "学校", "医疗", "停车", "供水", "养老", "公交", "垃圾", "农村", "教育"]

# The kinds of request that change something (the bar is on their p95).
WRITES = {"login", "otp", "privacy accept", "autosave", "invite", "submit", "register", "assign", "sign", "reply"}


def totp(hex_key: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (what the authenticator app on the staff member's phone shows)."""
    counter = int((at or time.time()) // step)
    digest = hmac.new(binascii.unhexlify(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


class Forms(HTMLParser):
    """The page's forms: [{"action", "fields": {name: value}, "options": {name: [values]}}]."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._select, self._text = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}, "options": {}})
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                form["options"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form["fields"][name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                form["fields"][name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form["options"][name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                form["options"][self._select].append(value)
            if "selected" in a:
                form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._text = name
            form["fields"][name] = ""

    def handle_data(self, data):
        if self._text and self.forms:
            self.forms[-1]["fields"][self._text] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._text = None


def parse(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


def form_with(page: Forms, field: str):
    return next((f for f in page.forms if field in f["fields"] or field in f["options"]), None)
