"""Every URL × every role, against objects that belong to someone else: allowed or refused as this table says.

A URL pattern without a row in ``MATRIX`` fails ``test_every_url_has_a_row``: adding a page means deciding
here who may open it. "Refused" means 401 (JSON endpoints), 403, 404 or a redirect to the login page;
"allowed" means any other answer below 500 (a page, a redirect after an action, or 400 for input the form rejects), never a 5xx.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from suggestions import services
from suggestions.models import Notification
from tests import factories

ROLES = ["anonymous", "delegate", "cosigner", "other_delegate", "clerk", "other_clerk", "staff", "leader", "admin"]
LOGGED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
DELEGATES = {"delegate", "cosigner", "other_delegate"}
STAFF = {"staff", "admin"}
CLERKS = {"clerk", "other_clerk"}
SUGGESTION_PEOPLE = {"delegate", "cosigner", "clerk", "staff", "leader", "admin"}


def row(method, kwargs, allowed, data=None):
    return {"method": method, "kwargs": kwargs, "allowed": set(allowed), "data": data or {}}


# kwargs name objects of the world below: "S" the assigned, replied, key suggestion; "D" the lead delegate's
# draft with an open invitation to the co-signer; "SUB" a submitted suggestion; "A" the lead assignment of S;
# "REG" a registered one; "R" its reply; "INV" the invitation on D; "N" a notification of the lead delegate;
# "ATT" an attachment of S. Another assignment of the office waits for an extension decision.
MATRIX = {
    "home": row("get", {}, LOGGED_IN),
    "login": row("get", {}, EVERYONE),
    "logout": row("post", {}, EVERYONE),
    "set_language": row("post", {}, EVERYONE, {"language": "zh-hans"}),
    "notifications": row("get", {}, LOGGED_IN),
    "notifications_read": row("post", {}, LOGGED_IN),
    "notification_open": row("get", {"pk": "N"}, {"delegate"}),
    "suggestions:detail": row("get", {"pk": "S"}, SUGGESTION_PEOPLE),
    "suggestions:attachment": row("get", {"pk": "ATT"}, SUGGESTION_PEOPLE),
    "delegates:home": row("get", {}, DELEGATES),
    "delegates:create": row("get", {}, DELEGATES),
    "delegates:autosave": row("post", {}, DELEGATES),
    "delegates:similar": row("get", {}, DELEGATES),
    "delegates:suggestion": row("get", {"pk": "S"}, {"delegate", "cosigner"}),
    "delegates:edit": row("get", {"pk": "D"}, {"delegate"}),
    "delegates:submit": row("post", {"pk": "D"}, {"delegate"}),
    "delegates:withdraw": row("post", {"pk": "D"}, {"delegate"}, {"reason": "不再需要。"}),
    "delegates:invite": row("post", {"pk": "D"}, {"delegate"}),
    "delegates:drop": row("post", {"pk": "INV"}, {"delegate"}),
    "delegates:respond": row("post", {"pk": "INV"}, {"cosigner"}, {"accept": "1"}),
    "delegates:rate": row("post", {"pk": "R"}, {"delegate", "cosigner"}),
    "delegates:my_record": row("get", {}, DELEGATES),
    "delegates:record": row("get", {"pk": "DELEGATE"}, {"delegate"}),
    "reports:dashboard": row("get", {}, STAFF | {"leader"}),
    "reports:export_summary": row("get", {}, STAFF),
    "reports:export_offices": row("get", {}, STAFF),
    "roster:import": row("get", {"kind": "delegates"}, STAFF),
    "roster:import_confirm": row("post", {"kind": "delegates"}, STAFF),
    "roster:import_template": row("get", {"kind": "delegates"}, STAFF),
    "roster:home": row("get", {}, STAFF),
    "roster:activations": row("get", {}, STAFF),
    "roster:links": row("get", {}, STAFF),
    "roster:links_send": row("post", {}, STAFF),
    "activate": row("get", {"token": "no-such-token"}, EVERYONE),  # 410 for an unknown link, whoever asks
    "staff:inbox": row("get", {}, STAFF),
    "staff:inbox_bulk_register": row("post", {}, STAFF),
    "staff:review": row("get", {"pk": "SUB"}, STAFF),
    "staff:assign_list": row("get", {}, STAFF),
    "staff:suggestion": row("get", {"pk": "S"}, STAFF),
    "staff:assign": row("get", {"pk": "REG"}, STAFF),
    "staff:requests": row("get", {}, STAFF),
    "staff:track": row("get", {}, STAFF),
    "staff:publication": row("get", {}, STAFF),
    "staff:publication_bulk": row("post", {}, STAFF),
    "staff:publication_edit": row("get", {"pk": "R"}, STAFF),
    "staff:leader_home": row("get", {}, STAFF | {"leader"}),
    "offices:inbox": row("get", {}, CLERKS),
    "offices:assignment": row("get", {"pk": "A"}, {"clerk"}),
    "offices:sign": row("post", {"pk": "A"}, {"clerk"}),
    "offices:request_return": row("post", {"pk": "A"}, {"clerk"}),
    "offices:contact": row("post", {"pk": "A"}, {"clerk"}),
    "offices:opinion": row("post", {"pk": "A"}, {"clerk"}),
    "offices:reply": row("post", {"pk": "A"}, {"clerk"}),
    "offices:letter": row("get", {"pk": "A"}, {"clerk"}),
    "offices:extension": row("post", {"pk": "A"}, {"clerk"}),
    "offices:followup": row("post", {"pk": "A"}, {"clerk"}),
    "offices:handler": row("post", {"pk": "A"}, {"clerk"}),
    "reminders:list": row("get", {}, STAFF),
    "reminders:office": row("get", {}, CLERKS),
    "reminders:suggestion": row("get", {"pk": "S"}, STAFF),
    "public:list": row("get", {}, EVERYONE),
    "public:detail": row("get", {"pk": "S"}, EVERYONE),
    "public:stats": row("get", {}, EVERYONE),
    "public:office": row("get", {"pk": "OFFICE"}, EVERYONE),
    "public:csv": row("get", {}, EVERYONE),
    "public:feed": row("get", {}, EVERYONE),
}


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_has_a_row():
    names = url_names()
    assert names - set(MATRIX) == set(), "new URLs need a row in MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX names URLs that no longer exist"


@pytest.fixture
def world(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    session = factories.SessionFactory()
    staff = factories.StaffFactory()
    delegate = factories.DelegateFactory(term=session.term)
    cosigner = factories.DelegateFactory(term=session.term)
    other_delegate = factories.DelegateFactory(term=session.term)
    office = factories.OfficeFactory(name="区住房和城乡建设局")
    other_office = factories.OfficeFactory(name="区交通运输局")
    clerk = factories.OfficeMemberFactory(office=office).user
    other_clerk = factories.OfficeMemberFactory(office=other_office).user
    leader = factories.LeaderFactory()
    admin = factories.UserFactory(username="root-admin", is_superuser=True, is_staff=True)

    s = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    services.cosigner_invite(suggestion=s, actor=delegate.user, delegates=[cosigner])
    services.cosigner_respond(cosigner=s.cosigners.get(), actor=cosigner.user, accept=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.attachment_add(
        suggestion=s,
        actor=delegate.user,
        uploaded_file=SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
        content_type="image/png",
    )
    services.suggestion_submit(suggestion=s, actor=delegate.user)
    services.suggestion_register(suggestion=s, actor=staff)
    (assignment,) = services.suggestion_assign(
        suggestion=s, actor=staff, lead_office=office, is_key=True, leader=leader
    )
    services.assignment_sign(assignment=assignment, actor=clerk)
    services.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="上门。",
        delegate_invited=True,
    )
    reply = services.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="答复。",
        result_class=factories.result_class("B"),
        signed_off_by="局长",
    )
    services.reply_submit(reply=reply, actor=clerk)
    services.reply_publish(reply=reply, actor=staff, public_text="答复。")

    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    invitation = services.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[cosigner])[0]
    sub = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    services.suggestion_submit(suggestion=sub, actor=other_delegate.user)
    reg = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    services.suggestion_submit(suggestion=reg, actor=other_delegate.user)
    services.suggestion_register(suggestion=reg, actor=staff)
    pending = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    services.suggestion_submit(suggestion=pending, actor=other_delegate.user)
    services.suggestion_register(suggestion=pending, actor=staff)
    (pending_assignment,) = services.suggestion_assign(suggestion=pending, actor=staff, lead_office=office)
    services.assignment_sign(assignment=pending_assignment, actor=clerk)
    services.extension_request(
        assignment=pending_assignment,
        actor=clerk,
        reason="需协调。",
        until=services.extension_limit(assignment=pending_assignment),
    )
    notification = Notification.objects.create(user=delegate.user, title="通知", url="/")
    users = {
        "anonymous": None,
        "delegate": delegate.user,
        "cosigner": cosigner.user,
        "other_delegate": other_delegate.user,
        "clerk": clerk,
        "other_clerk": other_clerk,
        "staff": staff,
        "leader": leader.user,
        "admin": admin,
    }
    objects = {
        "S": s.pk,
        "D": draft.pk,
        "SUB": sub.pk,
        "REG": reg.pk,
        "A": assignment.pk,
        "R": reply.pk,
        "INV": invitation.pk,
        "N": notification.pk,
        "ATT": attachment.pk,
        "DELEGATE": delegate.pk,
        "OFFICE": office.pk,
    }
    return users, objects


def refused(response):
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302) and "/accounts/login/?next=" in response.get("Location", "")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_is_allowed_or_refused_as_declared(client, world, name):
    users, objects = world
    spec = MATRIX[name]
    kwargs = {key: objects.get(value, value) for key, value in spec["kwargs"].items()}
    url = reverse(name, kwargs=kwargs)
    problems = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = getattr(client, spec["method"])(url, spec["data"])
        if response.status_code >= 500:
            problems.append(f"{role}: server error {response.status_code}")
        elif role in spec["allowed"] and refused(response):
            problems.append(f"{role}: refused ({response.status_code}) but should be allowed")
        elif role not in spec["allowed"] and not refused(response):
            problems.append(f"{role}: allowed ({response.status_code}) but should be refused")
    assert not problems, f"{name} {url}: " + "; ".join(problems)
