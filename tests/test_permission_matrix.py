"""Every URL × every role, against objects that belong to someone else: allowed or refused as this table says.

A URL pattern without a row in ``MATRIX`` fails ``test_every_url_has_a_row``: adding a page means deciding
here who may open it. "Refused" means 401 (JSON endpoints), 403, 404 or a redirect to the login page;
"allowed" means any other answer below 500 (a page, a redirect after an action, or 400 for input the form rejects), never a 5xx.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Notification, Resurvey, ResurveyBatch
from tests import factories
from tests.conftest import publish

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
    # Account security (security/urls.py); the administrators' pages belong to none of these roles.
    "security:otp_verify": row("get", {}, LOGGED_IN),
    "security:otp_setup": row("get", {}, LOGGED_IN),
    "security:password_change": row("get", {}, LOGGED_IN),
    "security:password_forgot": row("get", {}, EVERYONE),
    "security:password_reset": row("get", {}, EVERYONE),
    "security:stay": row("post", {}, LOGGED_IN),
    "security:lockouts": row("get", {}, set()),
    "security:unlock": row("post", {}, set(), {"username": "nobody"}),
    "security:roles": row("get", {}, set()),
    "security:otp_reset": row("post", {}, set(), {"username": "nobody"}),
    "security:policy": row("post", {}, set()),
    "security:audit": row("get", {}, set()),
    "security:audit_export": row("get", {}, set()),
    "login": row("get", {}, EVERYONE),
    "favicon": row("get", {}, EVERYONE),
    "logout": row("post", {}, EVERYONE),
    "set_language": row("post", {}, EVERYONE, {"language": "zh-hans"}),
    "notifications": row("get", {}, LOGGED_IN),
    # The congress switcher: any signed-in person may ask (one of no congress of theirs is refused with a message).
    "congresses:choose": row("post", {}, LOGGED_IN, {"congress": "0"}),
    "api_tokens:list": row("get", {}, LOGGED_IN),
    "api_tokens:create": row("post", {}, LOGGED_IN, {"name": "手机"}),
    "api_tokens:revoke": row("post", {}, LOGGED_IN),
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
    "delegates:letter": row("get", {}, DELEGATES),  # each delegate's own letter, never another's
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
    "staff:resurveys": row("get", {}, STAFF),
    "staff:resurvey": row("get", {"pk": "RS"}, STAFF),
    "staff:lookback": row("get", {}, STAFF),
    "staff:letters": row("get", {}, STAFF),
    "staff:letter": row("get", {"pk": "DELEGATE"}, STAFF),
    "offices:inbox": row("get", {}, CLERKS),
    "offices:assignment": row("get", {"pk": "A"}, {"clerk"}),
    "offices:sign": row("post", {"pk": "A"}, {"clerk"}),
    "offices:request_return": row("post", {"pk": "A"}, {"clerk"}),
    "offices:contact": row("post", {"pk": "A"}, {"clerk"}),
    "offices:opinion": row("post", {"pk": "A"}, {"clerk"}),
    "offices:reply": row("post", {"pk": "A"}, {"clerk"}),
    "offices:letter": row("get", {"pk": "A"}, {"clerk"}),
    "offices:letter_upload": row("post", {"pk": "A"}, {"clerk"}),
    "offices:extension": row("post", {"pk": "A"}, {"clerk"}),
    "offices:followup": row("post", {"pk": "A"}, {"clerk"}),
    "offices:handler": row("post", {"pk": "A"}, {"clerk"}),
    "reminders:list": row("get", {}, STAFF),
    "reminders:office": row("get", {}, CLERKS),
    "reminders:suggestion": row("get", {"pk": "S"}, STAFF),
    "reminders:resend": row("post", {"pk": 0}, set()),  # no such delivery: not found for staff, others refused
    "reminders:mine": row("get", {}, LOGGED_IN),
    "public:list": row("get", {}, EVERYONE),
    "public:detail": row("get", {"pk": "S"}, EVERYONE),
    "public:stats": row("get", {}, EVERYONE),
    "public:office": row("get", {"pk": "OFFICE"}, EVERYONE),
    "public:csv": row("get", {}, EVERYONE),
    "public:feed": row("get", {}, EVERYONE),
    # The first congress's site under its slug (/huaxi/public/) is the same site as /public/; a district has
    # no page of its congresses (a city's: tests/suggestions/web/test_public_congresses.py).
    "public:congresses": row("get", {}, set()),
    "congress_public:list": row("get", {"congress_slug": "huaxi"}, EVERYONE),
    "congress_public:detail": row("get", {"congress_slug": "huaxi", "pk": "S"}, EVERYONE),
    "congress_public:stats": row("get", {"congress_slug": "huaxi"}, EVERYONE),
    "congress_public:office": row("get", {"congress_slug": "huaxi", "pk": "OFFICE"}, EVERYONE),
    "congress_public:csv": row("get", {"congress_slug": "huaxi"}, EVERYONE),
    "congress_public:feed": row("get", {"congress_slug": "huaxi"}, EVERYONE),
    "congress_public:congresses": row("get", {"congress_slug": "huaxi"}, set()),
    # Personal data (issue 20): the notice, one's own data, an audited reveal, staff's person page.
    "privacy:notice": row("get", {}, LOGGED_IN),
    "privacy:my_data": row("get", {}, DELEGATES),
    "privacy:reveal_contact": row("post", {"pk": "A"}, {"clerk"} | STAFF),
    "privacy:people": row("get", {}, STAFF),
    "privacy:person": row("get", {"pk": "DELEGATE"}, STAFF),
    "privacy:person_export": row("get", {"pk": "DELEGATE"}, STAFF),
    "privacy:person_anonymise": row("post", {"pk": "DELEGATE"}, STAFF),  # in office: refused with a message
    # Congresses (issue 18). This world's district has no congress above nor below it: the pages of the levels
    # open for its staff (empty), and no object of another level exists to open (tests/congresses/ walk those).
    "congresses:overview": row("get", {}, STAFF),
    "congresses:lower_list": row("get", {"pk": 0}, set()),
    "congresses:lower_suggestion": row("get", {"pk": "S"}, set()),  # its own suggestion is not below it
    "congresses:transfer": row("get", {"pk": "SUB"}, set()),  # no congress above: nobody may transfer
    "congresses:transferred": row("get", {"pk": "S"}, set()),  # not transferred
    "congresses:transfers": row("get", {}, STAFF),
    "congresses:manage": row("get", {}, STAFF),
    "congresses:staff_new": row("get", {"pk": 0}, set()),
    # The year's office scoring (yearend): "RUB" the published rubric, "ITEM" its hand-scored item, "DRUB" a
    # draft rubric with item "DITEM", "SHEET" the clerk's office's released sheet, "OBJ" its open objection.
    # A POST of staff that the state refuses (a published rubric, a released sheet) comes back with a message.
    "yearend:home": row("get", {}, STAFF | {"leader"}),
    "yearend:office_home": row("get", {}, CLERKS),
    "yearend:rubric_create": row("get", {}, STAFF),
    "yearend:rubric": row("get", {"pk": "RUB"}, STAFF | {"leader"}),
    "yearend:rubric_edit": row("post", {"pk": "RUB"}, STAFF, {"title": "改名"}),
    "yearend:item_create": row("get", {"pk": "DRUB"}, STAFF),
    "yearend:item": row("get", {"pk": "DITEM"}, STAFF),
    "yearend:item_remove": row("post", {"pk": "ITEM"}, STAFF),
    "yearend:rubric_publish": row("post", {"pk": "RUB"}, STAFF),
    "yearend:rubric_version": row("post", {"pk": "RUB"}, STAFF),
    "yearend:compute": row("post", {"pk": "RUB"}, STAFF),
    "yearend:release_all": row("post", {"pk": "RUB"}, STAFF),
    "yearend:lock_all": row("post", {"pk": "RUB"}, STAFF),
    "yearend:scores": row("get", {"pk": "RUB"}, STAFF | {"leader"}),
    "yearend:scores_export": row("get", {"pk": "RUB"}, STAFF),
    "yearend:sheet": row("get", {"pk": "SHEET"}, STAFF | {"leader", "clerk"}),
    "yearend:sheet_export": row("get", {"pk": "SHEET"}, STAFF | {"leader", "clerk"}),
    "yearend:score": row("post", {"pk": "SHEET"}, STAFF),
    "yearend:release": row("post", {"pk": "SHEET"}, STAFF),
    "yearend:lock": row("post", {"pk": "SHEET"}, STAFF),
    "yearend:object": row("post", {"pk": "SHEET"}, {"clerk"}, {"text": "请复核。"}),
    "yearend:answer": row("post", {"pk": "OBJ"}, STAFF, {"accept": "0", "answer": "维持。"}),
}


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # The stations, residents and API pages have their own matrices: tests/stations/ and tests/api/.
                if pattern.namespace in ("admin", "stations", "residents", "api"):
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
    actions.cosigner_invite(suggestion=s, actor=delegate.user, delegates=[cosigner])
    actions.cosigner_respond(cosigner=s.cosigners.get(), actor=cosigner.user, accept=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = actions.attachment_add(
        suggestion=s,
        actor=delegate.user,
        uploaded_file=SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
        content_type="image/png",
    )
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    (assignment,) = actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, is_key=True, leader=leader)
    actions.assignment_sign(assignment=assignment, actor=clerk)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="上门。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text="答复。",
        result_class=factories.result_class("B"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    publish(reply, staff, public_text="答复。")

    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    invitation = actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[cosigner])[0]
    sub = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=sub, actor=other_delegate.user)
    reg = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=reg, actor=other_delegate.user)
    actions.suggestion_register(suggestion=reg, actor=staff)
    pending = factories.SuggestionFactory(session=session, lead_delegate=other_delegate)
    actions.suggestion_submit(suggestion=pending, actor=other_delegate.user)
    actions.suggestion_register(suggestion=pending, actor=staff)
    (pending_assignment,) = actions.suggestion_assign(suggestion=pending, actor=staff, lead_office=office)
    actions.assignment_sign(assignment=pending_assignment, actor=clerk)
    actions.extension_request(
        assignment=pending_assignment,
        actor=clerk,
        reason="需协调。",
        until=actions.extension_limit(assignment=pending_assignment),
    )
    notification = Notification.objects.create(user=delegate.user, title="通知", url="/")
    batch = ResurveyBatch.objects.create(session=session, method="all", created_by=staff)
    resurvey = Resurvey.objects.create(batch=batch, suggestion=s, delegate=delegate)
    scoring = _scoring(staff, clerk)
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
        "RS": resurvey.pk,
        "N": notification.pk,
        "ATT": attachment.pk,
        "DELEGATE": delegate.pk,
        "OFFICE": office.pk,
        **scoring,
    }
    return users, objects


def _scoring(staff, clerk):
    """A published rubric scored and released to the clerk's office, which objected; and a draft rubric."""
    from yearend import actions as yearend

    rubric = yearend.rubric_create(actor=staff, year=2026, title="考评办法")
    item = yearend.rubric_item_save(
        rubric=rubric, actor=staff, values={"name": "答复质量", "kind": "manual", "weight": "100"}
    )
    yearend.rubric_publish(rubric=rubric, actor=staff)
    (sheet,) = yearend.scores_compute(rubric=rubric, actor=staff)
    yearend.score_enter(sheet=sheet, item=item, actor=staff, points="90", reason="规范。")
    yearend.sheet_release(sheet=sheet, actor=staff)
    objection = yearend.objection_file(sheet=sheet, actor=clerk, text="请复核。")
    draft = yearend.rubric_create(actor=staff, year=2027, title="考评办法（草稿）")
    draft_item = yearend.rubric_item_save(
        rubric=draft, actor=staff, values={"name": "满意率", "kind": "rate", "metric": "satisfaction", "weight": "100"}
    )
    return {
        "RUB": rubric.pk,
        "ITEM": item.pk,
        "DRUB": draft.pk,
        "DITEM": draft_item.pk,
        "SHEET": sheet.pk,
        "OBJ": objection.pk,
    }


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


# --------------------------------------------------------------------------- files
# Every role × every kind of file. "co_clerk" works for the co-handling office. The suggestion F is key
# (led by the leader), handled by the clerk's office with the co_clerk's office as co-office; the
# cosigner confirmed it. Its first reply, with the signed letter, is submitted and published; the
# delegate was not satisfied, and in the second round the office replaced a draft letter by another.
FILE_ROLES = ROLES + ["co_clerk"]
F_READERS = {"delegate", "cosigner", "clerk", "co_clerk", "staff", "leader", "admin"}
FILE_MATRIX = {
    # A delegate's file on a draft: the author and the invitee reading it to decide; not staff before submission.
    "draft_file": {"delegate", "cosigner"},
    "suggestion_file": F_READERS,
    # A co-office's opinion file: that office, the lead office and staff.
    "opinion_file": {"co_clerk", "clerk", "staff", "admin"},
    "draft_letter": {"clerk"},
    "superseded_letter": {"clerk"},
    # The signed original of a published reply: those who may read the suggestion, not every account.
    "published_letter": F_READERS,
}


@pytest.fixture
def files_world(db, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path

    def upload(name):
        return SimpleUploadedFile(name, b"%PDF-1.4 " + b"0" * 64)

    session = factories.SessionFactory()
    staff = factories.StaffFactory()
    delegate, cosigner, other_delegate = (factories.DelegateFactory(term=session.term) for _ in range(3))
    office, co_office, other_office = (factories.OfficeFactory(name=n) for n in ("区住建局", "区财政局", "区交通局"))
    clerk, co_clerk, other_clerk = (
        factories.OfficeMemberFactory(office=o).user for o in (office, co_office, other_office)
    )
    leader = factories.LeaderFactory()
    admin = factories.UserFactory(username="files-admin", is_superuser=True, is_staff=True)

    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    draft_file = actions.attachment_add(
        suggestion=draft, actor=delegate.user, uploaded_file=upload("草稿附件.pdf"), content_type="application/pdf"
    )
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[cosigner])

    f = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    actions.cosigner_invite(suggestion=f, actor=delegate.user, delegates=[cosigner])
    actions.cosigner_respond(cosigner=f.cosigners.get(), actor=cosigner.user, accept=True)
    suggestion_file = actions.attachment_add(
        suggestion=f, actor=delegate.user, uploaded_file=upload("现场情况.pdf"), content_type="application/pdf"
    )
    actions.suggestion_submit(suggestion=f, actor=delegate.user)
    actions.suggestion_register(suggestion=f, actor=staff)
    lead, co = actions.suggestion_assign(
        suggestion=f, actor=staff, lead_office=office, co_offices=[co_office], is_key=True, leader=leader
    )
    actions.assignment_sign(assignment=co, actor=co_clerk)
    opinion_file = actions.attachment_add(
        suggestion=f, actor=co_clerk, uploaded_file=upload("协办意见.pdf"), content_type="application/pdf"
    )
    actions.opinion_send(assignment=co, actor=co_clerk, text="同意。", attachment=opinion_file)
    actions.assignment_sign(assignment=lead, actor=clerk)
    actions.contact_record(
        assignment=lead,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表",
        summary="上门。",
        delegate_invited=True,
    )

    def save_letter(name, text):
        letter = actions.attachment_add(
            suggestion=f, actor=clerk, uploaded_file=upload(name), content_type="application/pdf"
        )
        return actions.reply_save_draft(
            assignment=lead,
            actor=clerk,
            text=text,
            result_class=factories.result_class("B"),
            signed_off_by="局长",
            attachment=letter,
        )

    reply = save_letter("答复函（签章）.pdf", "答复。")
    published_letter = reply.attachment
    actions.reply_submit(reply=reply, actor=clerk)
    publish(reply, staff, public_text="答复。")
    actions.rating_submit(reply=reply, actor=delegate.user, value="unsatisfied", comment="没有解决。")
    lead.refresh_from_db()
    superseded_letter = save_letter("答复函初稿.pdf", "第二轮草稿。").attachment
    draft_letter = save_letter("答复函二稿.pdf", "第二轮草稿。").attachment
    assert superseded_letter.pk != draft_letter.pk
    users = {
        "anonymous": None,
        "delegate": delegate.user,
        "cosigner": cosigner.user,
        "other_delegate": other_delegate.user,
        "clerk": clerk,
        "co_clerk": co_clerk,
        "other_clerk": other_clerk,
        "staff": staff,
        "leader": leader.user,
        "admin": admin,
    }
    files = {
        "draft_file": draft_file,
        "suggestion_file": suggestion_file,
        "opinion_file": opinion_file,
        "draft_letter": draft_letter,
        "superseded_letter": superseded_letter,
        "published_letter": published_letter,
    }
    return users, files, f


def test_every_attachment_kind_has_a_row():
    from suggestions.models import Attachment

    kinds = {"draft_file": "suggestion", "suggestion_file": "suggestion", "opinion_file": "opinion"}
    kinds |= {name: "letter" for name in FILE_MATRIX if name.endswith("_letter")}
    assert set(kinds) == set(FILE_MATRIX)
    assert set(kinds.values()) == set(Attachment.Kind.values), "a new kind of file needs rows in FILE_MATRIX"


@pytest.mark.parametrize("kind", sorted(FILE_MATRIX))
def test_each_role_may_download_a_file_or_not_as_declared(client, files_world, kind):
    users, files, _ = files_world
    url = reverse("suggestions:attachment", kwargs={"pk": files[kind].pk})
    problems = []
    for role in FILE_ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.get(url)
        allowed = role in FILE_MATRIX[kind]
        if response.status_code >= 500:
            problems.append(f"{role}: server error {response.status_code}")
        elif allowed and response.status_code != 200:
            problems.append(f"{role}: refused ({response.status_code}) but should be allowed")
        elif not allowed and not refused(response):
            problems.append(f"{role}: allowed ({response.status_code}) but should be refused")
    assert not problems, f"{kind}: " + "; ".join(problems)


def test_a_file_name_is_shown_only_to_those_who_may_download_it(client, files_world):
    """Every page a role opens for the suggestion names only the files that role may download."""
    users, files, f = files_world
    pages = {
        "delegate": [reverse("suggestions:detail", args=[f.pk]), reverse("delegates:suggestion", args=[f.pk])],
        "cosigner": [reverse("suggestions:detail", args=[f.pk]), reverse("delegates:suggestion", args=[f.pk])],
        "leader": [reverse("suggestions:detail", args=[f.pk])],
        "staff": [reverse("suggestions:detail", args=[f.pk]), reverse("staff:suggestion", args=[f.pk])],
        "clerk": [reverse("suggestions:detail", args=[f.pk])]
        + [reverse("offices:assignment", args=[a.pk]) for a in f.assignments.filter(role="lead")],
        "co_clerk": [reverse("suggestions:detail", args=[f.pk])]
        + [reverse("offices:assignment", args=[a.pk]) for a in f.assignments.filter(role="co")],
    }
    problems = []
    for role, urls in pages.items():
        client.force_login(users[role])
        for url in urls:
            page = client.get(url).content.decode()
            for kind, attachment in files.items():
                if kind == "draft_file":
                    continue
                if role not in FILE_MATRIX[kind] and attachment.original_name in page:
                    problems.append(f"{role} sees {kind} ({attachment.original_name}) on {url}")
                if role not in FILE_MATRIX[kind] and f"/suggestions/attachments/{attachment.pk}/" in page:
                    problems.append(f"{role} is offered {kind} on {url}")
    assert not problems, "; ".join(problems)
    # And those who may download a file find it listed.
    detail = reverse("suggestions:detail", args=[f.pk])
    for role, kinds in (("staff", ["opinion_file"]), ("clerk", ["superseded_letter", "draft_letter"])):
        client.force_login(users[role])
        page = client.get(detail).content.decode()
        for kind in kinds:
            assert f"/suggestions/attachments/{files[kind].pk}/" in page, (role, kind)
