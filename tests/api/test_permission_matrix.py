"""Every API endpoint × every role, against objects of a world where each role has its place.

404: the object is outside what the role may read (the pages' scope); 403: the role may read it but the
rule book refuses the action to this person; 409: this person, but not now; 401: no credentials.
A URL of the API without a row here fails ``test_every_api_url_has_a_row``.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests import factories
from tests.api.conftest import bearer

ROLES = ["anonymous", "delegate", "cosigner", "other_delegate", "clerk", "co_clerk", "other_clerk", "staff"]
DELEGATES = {"delegate", "cosigner", "other_delegate"}
CLERKS = {"clerk", "co_clerk", "other_clerk"}
LOGGED_IN = set(ROLES) - {"anonymous"}
READERS_OF_S = {"delegate", "cosigner", "clerk", "co_clerk", "staff"}


def expect(default, **codes):
    """Expected status per role: ``default`` for logged-in roles not named, 401 for anonymous unless named."""
    table = dict.fromkeys(LOGGED_IN, default)
    table["anonymous"] = 401
    table.update(codes)
    return table


def reads_s(ok=200, **codes):
    table = expect(404, **codes)
    for role in READERS_OF_S:
        table.setdefault(role, ok)
        if role not in codes:
            table[role] = ok
    return table


TODAY = "TODAY"
FILE = "FILE"
# name: (method, path with {S} {D} {A} {CA} {R} {INV} {N} {ATT}, data, {role: status})
MATRIX = {
    "schema": ("get", "/api/v1/schema/", None, dict.fromkeys(ROLES, 200)),
    "docs": ("get", "/api/v1/docs/", None, dict.fromkeys(ROLES, 200)),
    "me": ("get", "/api/v1/me/", None, expect(200)),
    "notifications": ("get", "/api/v1/notifications/", None, expect(200)),
    "notifications_unread": ("get", "/api/v1/notifications/unread-count/", None, expect(200)),
    "notifications_read_all": ("post", "/api/v1/notifications/read-all/", None, expect(200)),
    "notification_read": ("post", "/api/v1/notifications/{N}/read/", None, expect(404, delegate=200)),
    "suggestions": ("get", "/api/v1/suggestions/", None, expect(200)),
    "suggestions.create": (
        "post",
        "/api/v1/suggestions/",
        {"title": "新建议", "body": "内容", "category": "CATEGORY"},
        expect(403, delegate=201, cosigner=201, other_delegate=201),
    ),
    "suggestion": ("get", "/api/v1/suggestions/{S}/", None, reads_s()),
    "suggestion.patch": (
        "patch",
        "/api/v1/suggestions/{D}/",
        {"title": "改过的标题"},
        expect(404, delegate=200, cosigner=403),
    ),
    "suggestion_submit": ("post", "/api/v1/suggestions/{D}/submit/", None, expect(404, delegate=409, cosigner=403)),
    "suggestion_withdraw": (
        "post",
        "/api/v1/suggestions/{S}/withdraw/",
        {"reason": "不再需要。"},
        reads_s(403, delegate=409, staff=200),
    ),
    "suggestion_invite": (
        "post",
        "/api/v1/suggestions/{D}/invitations/",
        {"delegates": ["OTHER_DELEGATE"]},
        expect(404, delegate=200, cosigner=403),
    ),
    "suggestion_attach": (
        "post",
        "/api/v1/suggestions/{D}/attachments/",
        FILE,
        expect(404, delegate=201, cosigner=403),
    ),
    "attachment_download": ("get", "/api/v1/attachments/{ATT}/download/", None, reads_s()),
    "invitations": ("get", "/api/v1/invitations/", None, expect(200)),
    "invitation_confirm": ("post", "/api/v1/invitations/{INV}/confirm/", None, expect(404, cosigner=200)),
    "invitation_decline": ("post", "/api/v1/invitations/{INV}/decline/", None, expect(404, cosigner=200)),
    "cosigner_drop": ("post", "/api/v1/cosigners/{INV}/drop/", None, expect(404, delegate=200, cosigner=403)),
    "reply_rate": (
        "post",
        "/api/v1/replies/{R}/ratings/",
        {"value": "satisfied"},
        reads_s(403, delegate=201, cosigner=201),
    ),
    "office_inbox": ("get", "/api/v1/office/assignments/", None, expect(200)),
    "assignment": ("get", "/api/v1/office/assignments/{A}/", None, expect(404, clerk=200)),
    "assignment_sign": ("post", "/api/v1/office/assignments/{CA}/sign/", None, expect(404, co_clerk=200)),
    "assignment_contacts": (
        "post",
        "/api/v1/office/assignments/{A}/contacts/",
        {"method": "phone", "date": TODAY, "participants": "代表", "summary": "电话沟通。"},
        expect(404, clerk=201),
    ),
    "assignment_opinion": (
        "post",
        "/api/v1/office/assignments/{CA}/opinion/",
        {"text": "同意主办单位意见。"},
        expect(404, co_clerk=409),
    ),
    "assignment_reply": (
        "put",
        "/api/v1/office/assignments/{A}/reply/",
        {"text": "答复。", "result_class": "A", "signed_off_by": "局长"},
        expect(404, clerk=409),
    ),
    "assignment_reply_submit": ("post", "/api/v1/office/assignments/{A}/reply/submit/", None, expect(404, clerk=409)),
    "assignment_extension": (
        "post",
        "/api/v1/office/assignments/{A}/extension-request/",
        {"reason": "需要时间。", "until": "2099-01-01"},
        expect(404, clerk=409),
    ),
    "assignment_return": (
        "post",
        "/api/v1/office/assignments/{CA}/return-request/",
        {"reason": "不属于本单位职责。"},
        expect(404, co_clerk=201),
    ),
    "public_outcomes": ("get", "/api/v1/public/outcomes/", None, dict.fromkeys(ROLES, 200)),
    "public_outcome": ("get", "/api/v1/public/outcomes/{S}/", None, dict.fromkeys(ROLES, 200)),
    "public_statistics": ("get", "/api/v1/public/statistics/", None, dict.fromkeys(ROLES, 200)),
    "public_menus": ("get", "/api/v1/public/menus/", None, dict.fromkeys(ROLES, 200)),
}


def api_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "api":
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_api_url_has_a_row():
    from tests.api.test_stations import MATRIX as STATIONS_MATRIX  # stations and residents' opinions

    covered = {name.split(".")[0] for name in (*MATRIX, *STATIONS_MATRIX)}
    assert api_url_names() == covered


def _call(client, method, path, data, world):
    people, ids, other_delegate = world
    path = path.format(**ids)
    headers = {"HTTP_IF_MATCH": "*"} if method == "patch" else {}
    if data == FILE:
        upload = SimpleUploadedFile("说明.pdf", factories.SIGNED_LETTER_PDF, content_type="application/pdf")
        return client.post(path, {"file": upload})
    if data is None:
        return getattr(client, method)(path, **headers)
    data = dict(data)
    for key, value in data.items():
        if value == TODAY:
            data[key] = timezone.localdate().isoformat()
        elif value == "CATEGORY":
            data[key] = factories.CategoryFactory().pk
        elif value == ["OTHER_DELEGATE"]:
            data[key] = [other_delegate.pk]
    return getattr(client, method)(path, data, content_type="application/json", **headers)


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_endpoint_answers_each_role_as_designed(name, role, world):
    from django.test import Client

    method, path, data, table = MATRIX[name]
    people, _ids, _other = world
    client = Client() if role == "anonymous" else bearer(people[role])
    response = _call(client, method, path, data, world)
    assert response.status_code == table[role], (name, role, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"} and body["message"]
