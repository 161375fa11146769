"""Hostile input posted to every form of every role: no 5xx, nothing half-saved, script shown as text.

The forms are found by reading the pages each role sees (every ``<form method=post>`` and its fields), so a
new form is covered without listing it here. Values come from hypothesis: random text plus hostile samples
(HTML, script, SQL fragments, control characters, huge numbers, impossible dates, oversized text), and any
field may be missing.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_matrix import world  # noqa: F401 - the shared fixture

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE suggestions_suggestion; --",
    "1 OR 1=1",
    "\x00",
    "abc\x00def",
    "\x1b[31m\x07\x08",
    "9" * 40,
    "-1",
    "1e309",
    "2026-02-30",
    "0000-00-00",
    "9999-99-99",
    "",
    " ",
    "‮反转文字",
    "小区" * 6000,
    "../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "%(name)s",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))

# Pages (per role) whose forms are attacked; kwargs use the objects of the permission-matrix world.
PAGES = [
    ("delegate", "delegates:create", {}),
    ("delegate", "delegates:edit", {"pk": "D"}),
    ("delegate", "delegates:suggestion", {"pk": "S"}),
    ("cosigner", "delegates:home", {}),
    ("staff", "staff:review", {"pk": "SUB"}),
    ("staff", "staff:assign", {"pk": "REG"}),
    ("staff", "staff:assign_list", {}),
    ("staff", "staff:suggestion", {"pk": "S"}),
    ("staff", "staff:requests", {}),
    ("staff", "staff:publication", {}),
    ("staff", "staff:publication_edit", {"pk": "R"}),
    ("staff", "staff:track", {}),
    ("staff", "roster:import", {"kind": "delegates"}),
    ("clerk", "offices:assignment", {"pk": "A"}),
    ("clerk", "offices:inbox", {}),
]
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs.get("type") in ("submit", "file"):
                return
            self.current["fields"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(html, page_url):
    parser = FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = form["action"] or page_url
        if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
            continue
        found.append((action, form["fields"]))
    return found


def counts():
    models = [m for m in apps.get_app_config("suggestions").get_models()] + list(
        apps.get_app_config("delegates").get_models()
    )
    return {m.__name__: m.objects.count() for m in models}


def shows_error(response):
    body = response.content.decode(errors="replace")
    return response.status_code == 400 or 'class="errorlist' in body or "alert-error" in body


@pytest.mark.parametrize("role,name,kwargs", PAGES, ids=[p[1] for p in PAGES])
def test_hostile_values_in_every_form_never_cause_a_server_error(client, world, role, name, kwargs):  # noqa: F811
    from django.urls import reverse

    users, objects = world
    client.force_login(users[role])
    url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
    page = client.get(url)
    assert page.status_code == 200, f"{name} answered {page.status_code}"
    forms = forms_on(page.content.decode(), url)
    assert forms or name in ("offices:inbox", "staff:track", "delegates:home", "staff:publication"), (
        f"no POST form found on {url}"
    )

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(data=st.data())
    def attack(data):
        for action, fields in forms:
            payload = {}
            for field, default in fields.items():
                if field == "csrfmiddlewaretoken":
                    continue
                if data.draw(st.booleans(), label=f"omit {field}"):
                    continue
                payload[field] = data.draw(st.one_of(VALUES, st.just(default)), label=field)
            before = counts()
            response = client.post(action, payload)
            assert response.status_code < 500, f"{action} answered {response.status_code} to {payload!r}"
            body = response.content.decode(errors="replace")
            assert "<script>alert('x')</script>" not in body, f"{action} echoed a script unescaped"
            assert not re.search(r"<img src=x onerror", body), f"{action} echoed HTML unescaped"
            if shows_error(response):
                assert counts() == before, f"{action} showed an error but saved something: {payload!r}"

    attack()
