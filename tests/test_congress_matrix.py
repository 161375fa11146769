"""Two congresses, each fully apart (issue 18): the permission matrix across congresses.

Congress A is the first congress (花溪区人大), congress B a township congress (青岩镇人大). Each has staff, a
lead delegate and a co-signer, two offices with a clerk, a supervising leader and suggestions in every state
(draft with an open invitation, submitted, returned, not registered, registered, assigned, handling with an
extension request, replied and published, closed, withdrawn, merged). Every title and name of a congress
carries its mark (``MARK``), so a page of the other congress that shows any of them is caught.

For each role of one congress, every signed-in URL pattern (``tests/crawl.py`` enumerates them) is requested
with the other congress's object ids: the answer is a 404 (or a 403 for a page-level refusal, or 405 for a
GET of a form's target, which is then POSTed and refused in turn); the pages, lists, exports and API lists
without an id never show the other congress's marks. Writes across congresses (sign, assign, reply, rate,
merge…) change nothing. A person who is a delegate of both congresses sees only the congress they act in,
and switching (``congresses.services.act_in`` or the switcher's POST) changes that.
"""

import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congresses import services as congress_services
from congresses.models import Congress, first_congress
from suggestions import actions
from suggestions.defaults import install_congress_defaults
from suggestions.models import (
    Assignment,
    Attachment,
    AuditLog,
    Category,
    CoSigner,
    Notification,
    Office,
    Rating,
    Reply,
    Suggestion,
)
from tests import crawl, factories
from tests.conftest import publish

MARK = {"A": "枫林", "B": "松涛"}
PREFIX = {"A": "fl", "B": "st"}

# The signed-in areas this matrix walks (by URL name): pages, forms, exports and the API.
WALKED = (
    "home",
    "notifications",
    "notifications_read",
    "notification_open",
    "suggestions:",
    "congresses:",
    "delegates:",
    "staff:",
    "offices:",
    "roster:",
    "api_tokens:",
    "api:",
    "reports:",
    "reminders:",
)
# Not walked here, and why.
ELSEWHERE = {
    "stations:": "liaison stations: two congresses' stations walked in tests/stations/test_congress_stations.py",
    "api:opinion": "the stations' API: tests/stations/test_congress_stations.py",
    "residents:": "no account: reached by a station's code (tests/stations/test_congress_stations.py)",
    "api:track": "no account: a resident's tracking code (tests/stations/test_congress_stations.py)",
    "api:resident_": "no account: a resident sends at a station's code (tests/stations/test_congress_stations.py)",
    "api:public_": "anonymous: each congress's public site (tests/suggestions/web/test_public_congresses.py)",
    "public:": "anonymous: each congress's public site (tests/suggestions/web/test_public_congresses.py)",
    "congress_public:": "anonymous: each congress's public site (tests/suggestions/web/test_public_congresses.py)",
    "privacy:": "not in issue 18's split: the privacy officer's pages",
    "security:": "account security: no congress data",
}
NOT_DATA = {"api:schema", "api:docs"}  # the OpenAPI description: no rows of any congress


def _walked(key):
    if key in NOT_DATA or any(key.startswith(prefix) for prefix in ELSEWHERE):
        return False
    return any(key == prefix or (prefix.endswith(":") and key.startswith(prefix)) for prefix in WALKED)


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%matrix\n", content_type="application/pdf")


def build(side, congress, term_kwargs):
    """One congress's world, every title and name marked; returns ``(users, objects)``."""
    mark, prefix = MARK[side], PREFIX[side]
    install_congress_defaults(apps.get_model, congress=congress)
    term = factories.TermFactory(congress=congress, **term_kwargs)
    session = factories.SessionFactory(term=term, name=f"{mark}第一次会议")
    delegation = factories.DelegationFactory(term=term, name=f"{mark}代表团")

    def person(role, name):
        return {"username": f"{prefix}_{role}", "first_name": name}

    staff = factories.StaffFactory(congress=congress, **person("staff", f"{mark}工作人员"))
    lead = factories.DelegateFactory(
        term=term, delegation=delegation, name=f"{mark}代表甲", user=factories.UserFactory(**person("lead", "x"))
    )
    cosigner = factories.DelegateFactory(
        term=term, delegation=delegation, name=f"{mark}代表乙", user=factories.UserFactory(**person("cosigner", "y"))
    )
    office = factories.OfficeFactory(congress=congress, name=f"{mark}住建局")
    co_office = factories.OfficeFactory(congress=congress, name=f"{mark}财政局")
    clerk = factories.OfficeMemberFactory(office=office, user=factories.UserFactory(**person("clerk", "z"))).user
    co_clerk = factories.OfficeMemberFactory(
        office=co_office, user=factories.UserFactory(**person("coclerk", "w"))
    ).user
    leader = factories.LeaderFactory(
        congress=congress, name=f"{mark}领导", user=factories.UserFactory(**person("leader", f"{mark}领导"))
    )
    category = Category.objects.filter(congress=congress).order_by("pk").first()
    result_b = factories.result_class("B", congress=congress)
    counter = iter(range(1, 100))

    def new(delegate=lead, *, submit=True):
        s = factories.SuggestionFactory(
            session=session, lead_delegate=delegate, category=category, title=f"{mark}关于第{next(counter)}件事的建议"
        )
        if submit:
            actions.suggestion_submit(suggestion=s, actor=delegate.user)
        return s

    def assign(s, **kwargs):
        actions.suggestion_register(suggestion=s, actor=staff)
        return actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, **kwargs)[0]

    def reply_to(assignment, text):
        actions.assignment_sign(assignment=assignment, actor=clerk)
        actions.contact_record(
            assignment=assignment,
            actor=clerk,
            method="visit",
            date=timezone.localdate(),
            participants="代表",
            summary=f"{mark}上门沟通。",
            delegate_invited=True,
        )
        reply = actions.reply_save_draft(
            assignment=assignment,
            actor=clerk,
            text=text,
            result_class=result_b,
            signed_off_by=f"{mark}局长",
            attachment=factories.signed_letter(assignment, clerk),
        )
        return actions.reply_submit(reply=reply, actor=clerk)

    draft = new(submit=False)
    invitation = actions.cosigner_invite(suggestion=draft, actor=lead.user, delegates=[cosigner])[0]
    submitted = new()
    returned = new()
    actions.suggestion_return(suggestion=returned, actor=staff, reason=f"{mark}请补充。")
    rejected = new()
    actions.suggestion_reject(suggestion=rejected, actor=staff, reason=f"{mark}不属于建议。")
    registered = new()
    actions.suggestion_register(suggestion=registered, actor=staff)
    assigned = new()
    actions.suggestion_register(suggestion=assigned, actor=staff)
    pending = actions.suggestion_assign(suggestion=assigned, actor=staff, lead_office=office, co_offices=[co_office])[0]
    handling = new()
    signed = assign(handling)
    actions.assignment_sign(assignment=signed, actor=clerk)
    actions.extension_request(
        assignment=signed, actor=clerk, reason=f"{mark}需协调。", until=actions.extension_limit(assignment=signed)
    )
    # Replied and published, with a file, a confirmed co-signer, and the lead delegate's rating.
    replied = new(submit=False)
    actions.cosigner_invite(suggestion=replied, actor=lead.user, delegates=[cosigner])
    actions.cosigner_respond(cosigner=replied.cosigners.get(), actor=cosigner.user, accept=True)
    attachment = actions.attachment_add(
        suggestion=replied,
        actor=lead.user,
        uploaded_file=_pdf(f"{mark}现场说明.pdf"),
        content_type="application/pdf",
    )
    actions.suggestion_submit(suggestion=replied, actor=lead.user)
    replied_assignment = assign(replied, is_key=True, leader=leader)
    reply = reply_to(replied_assignment, f"{mark}答复正文。")
    publish(reply, staff, public_text=f"{mark}答复正文。")
    actions.rating_submit(reply=reply, actor=lead.user, value=Rating.Value.SATISFIED)
    closed = new()
    closed_reply = reply_to(assign(closed), f"{mark}已办结答复。")
    actions.rating_submit(reply=closed_reply, actor=lead.user, value=Rating.Value.SATISFIED)
    withdrawn = new()
    actions.suggestion_withdraw(suggestion=withdrawn, actor=lead.user, reason=f"{mark}撤回。")
    merge_target, merged = new(), new(cosigner)
    actions.suggestion_merge(target=merge_target, sources=[merged], actor=staff)
    notification = Notification.objects.create(
        user=lead.user, suggestion=replied, title=f"{mark}通知", url=replied.get_absolute_url()
    )
    users = {
        "staff": staff,
        "lead": lead.user,
        "cosigner": cosigner.user,
        "clerk": clerk,
        "co_clerk": co_clerk,
        "leader": leader.user,
    }
    objects = {
        "congress": congress,
        "session": session,
        "term": term,
        "lead": lead,
        "cosigner": cosigner,
        "office": office,
        "co_office": co_office,
        "leader": leader,
        "category": category,
        "result_b": result_b,
        "draft": draft,
        "invitation": invitation,
        "submitted": submitted,
        "registered": registered,
        "assigned": assigned,
        "pending": pending,
        "signed": signed,
        "replied": replied,
        "reply": reply,
        "attachment": attachment,
        "closed": closed,
        "notification": notification,
    }
    return users, objects


@pytest.fixture
def worlds(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    a = first_congress()
    b = factories.CongressFactory(name="青岩镇人大", slug="qingyan", level=Congress.Level.TOWNSHIP)
    world_a = build("A", a, {"number": 18, "name": "花溪区第十八届人民代表大会"})
    world_b = build("B", b, {"number": 1, "name": "青岩镇第一届人民代表大会"})
    crawl._accept_privacy_notice([u for world in (world_a, world_b) for u in world[0].values()])
    return {"A": world_a, "B": world_b}


def samples_of(congress):
    """The ids ``tests/crawl.py`` fills URL patterns with, all of one congress's objects."""
    suggestions = Suggestion.objects.filter(congress=congress)
    assignments = Assignment.objects.filter(suggestion__congress=congress)
    replies = Reply.objects.filter(suggestion__congress=congress)
    return {
        "suggestion": crawl._one_per(suggestions, "status"),
        "published": crawl._pks(suggestions.filter(published_at__isnull=False)),
        "assignment": crawl._one_per(assignments, "status"),
        "letter_missing": crawl._pks(assignments.filter(status=Assignment.Status.REPLIED), 1),
        "attachment": crawl._pks(Attachment.objects.filter(suggestion__congress=congress)),
        "cosigner": crawl._one_per(CoSigner.objects.filter(suggestion__congress=congress), "status"),
        "reply": crawl._one_per(replies, "status"),
        "office": crawl._pks(Office.objects.filter(congress=congress)),
        "delegate": crawl._pks(_delegates(congress)),
        "notification": crawl._pks(Notification.objects.filter(suggestion__congress=congress)),
        "user": [],
        "delivery": [0],
        "token": ["no-such-token"],
    }


def _delegates(congress):
    from delegates.models import Delegate

    return Delegate.objects.filter(congress=congress)


def text_of(response):
    """What a person reads in the answer: the page, the JSON, or every cell of a workbook."""
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
        )
        return "\n".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if kind.startswith(("text/", "application/json", "application/problem+json")) or not kind:
        return content.decode(errors="replace")
    return ""  # a file download: only reached with one's own congress's ids, never checked for marks here


def state_of(congress):
    """Everything a cross-congress write could change in ``congress``."""
    return {
        "suggestions": sorted(
            Suggestion.objects.filter(congress=congress).values_list(
                "pk", "status", "is_key", "leader_id", "category_id"
            )
        ),
        "assignments": sorted(
            Assignment.objects.filter(suggestion__congress=congress).values_list(
                "pk", "status", "office_id", "handler_id"
            )
        ),
        "replies": sorted(
            Reply.objects.filter(suggestion__congress=congress).values_list("pk", "status", "is_published")
        ),
        "cosigners": sorted(CoSigner.objects.filter(suggestion__congress=congress).values_list("pk", "status")),
        "ratings": Rating.objects.filter(suggestion__congress=congress).count(),
        "audit": AuditLog.objects.filter(suggestion__congress=congress).count(),
        "notifications_read": Notification.objects.filter(suggestion__congress=congress, read_at__isnull=False).count(),
    }


def client_for(user):
    client = Client(HTTP_HOST=crawl.HOST, raise_request_exception=False)
    client.force_login(user)
    return client


REFUSED = (403, 404)
# crawl.py fills these patterns' ids from another model than the view reads: here they get the right one.
OWN_MODEL = {"staff:publication_edit": "reply"}


def _urls(patterns, user, prepared):
    urls = [(key, url) for key, url in crawl.pattern_urls(patterns, user, prepared) if key not in OWN_MODEL]
    for key, model in OWN_MODEL.items():
        urls += [(key, reverse(key, args=[pk])) for pk in prepared[model]]
    return urls


def walk(worlds, reader, owner):
    """Every walked URL as each role of ``reader`` with ``owner``'s ids; ``(problems, requests)``."""
    users, _objects = worlds[reader]
    foreign = MARK[owner]
    patterns = [p for p in crawl.url_patterns() if _walked(p[0])]
    with_id = {key for key, _name, _route, params in patterns if "pk" in params}
    prepared = samples_of(worlds[owner][1]["congress"])
    problems, count = [], 0
    for role, user in users.items():
        cache.clear()  # the API's per-user and per-address limits count in the cache: each role walks afresh
        client = client_for(user)
        for key, url in _urls(patterns, user, prepared):
            response = client.get(url)
            count += 1
            if response.status_code >= 500:
                problems.append(f"{reader}:{role} GET {url} -> {response.status_code}")
                continue
            if key in with_id:
                if response.status_code == 405:  # a form's or an endpoint's target: send it what it takes
                    response = client.post(url, {})
                    count += 1
                if response.status_code == 405:
                    response = client.put(url, {}, content_type="application/json")
                    count += 1
                if response.status_code not in REFUSED:
                    problems.append(
                        f"{reader}:{role} {response.request['REQUEST_METHOD']} {url} -> "
                        f"{response.status_code}, not refused"
                    )
                    continue
            if foreign in text_of(response):
                problems.append(f"{reader}:{role} GET {url} shows {owner}'s {foreign}")
    return problems, count


@pytest.mark.parametrize(("reader", "owner"), [("B", "A"), ("A", "B")])
def test_no_page_form_export_or_api_of_one_congress_reads_the_others(worlds, reader, owner):
    before = state_of(worlds[owner][1]["congress"])
    problems, count = walk(worlds, reader, owner)
    assert count > 500, count
    assert not problems, "\n".join(problems[:40])
    # GETs and the POSTs above changed nothing of the other congress.
    assert state_of(worlds[owner][1]["congress"]) == before


def test_each_congress_reads_its_own(worlds):
    """The walk above can fail: with their own congress's ids the same people open the same pages."""
    for side in ("A", "B"):
        users, objects = worlds[side]
        mark = MARK[side]
        replied = objects["replied"]
        for role, url in (
            ("staff", reverse("staff:suggestion", args=[replied.pk])),
            ("staff", reverse("staff:track")),
            ("staff", reverse("api:suggestions")),
            ("lead", reverse("delegates:suggestion", args=[replied.pk])),
            ("lead", reverse("delegates:home")),
            ("clerk", reverse("offices:assignment", args=[objects["signed"].pk])),
            ("clerk", reverse("offices:inbox")),
            ("clerk", reverse("api:office_inbox")),
            ("leader", reverse("staff:leader_home")),
            ("cosigner", reverse("suggestions:detail", args=[replied.pk])),
        ):
            response = client_for(users[role]).get(url)
            assert response.status_code == 200, (side, role, url, response.status_code)
            assert mark in text_of(response), (side, role, url)
            assert MARK["A" if side == "B" else "B"] not in text_of(response), (side, role, url)


# --------------------------------------------------------------------------- writes across congresses


def test_writes_across_congresses_change_nothing(worlds):
    """B's people POST every step of the workflow to A's objects: each is refused and A is unchanged."""
    users_b, objects_b = worlds["B"]
    _users_a, a = worlds["A"]
    before = state_of(a["congress"])
    posts = [
        ("clerk", "offices:sign", a["pending"].pk, {}),
        ("clerk", "offices:reply", a["signed"].pk, {"text": "跨人大答复", "result_class": objects_b["result_b"].pk}),
        ("clerk", "offices:contact", a["signed"].pk, {"method": "visit", "summary": "x"}),
        ("clerk", "offices:handler", a["signed"].pk, {"handler": users_b["clerk"].pk}),
        ("staff", "staff:assign", a["registered"].pk, {"mode": "lead", "lead_office": objects_b["office"].pk}),
        ("staff", "staff:suggestion", a["replied"].pk, {"action": "close", "close-note": "x"}),
        ("staff", "staff:suggestion", a["replied"].pk, {"action": "key", "key-is_key": "on"}),
        ("staff", "staff:review", a["submitted"].pk, {"action": "register", "register-number": "7"}),
        ("staff", "staff:publication_edit", a["reply"].pk, {}),
        ("lead", "delegates:rate", a["reply"].pk, {f"r{a['reply'].pk}-value": "satisfied"}),
        ("cosigner", "delegates:rate", a["reply"].pk, {f"r{a['reply'].pk}-value": "satisfied"}),
        ("lead", "delegates:submit", a["draft"].pk, {}),
        ("lead", "delegates:invite", objects_b["draft"].pk, {"delegate": a["cosigner"].pk}),
        ("cosigner", "delegates:respond", a["invitation"].pk, {"accept": "1"}),
        ("lead", "delegates:withdraw", a["submitted"].pk, {"reason": "x"}),
        ("lead", "notification_open", a["notification"].pk, None),
    ]
    for role, name, pk, data in posts:
        client = client_for(users_b[role])
        url = reverse(name, args=[pk])
        response = client.get(url) if data is None else client.post(url, data)
        if name == "delegates:invite":  # B's own draft: the invitee of another congress is no delegate here
            assert response.status_code in (302, 400), (name, response.status_code)
        else:
            assert response.status_code in REFUSED, (role, name, response.status_code)
    # The staff's queue decisions name the object in the form, not the URL.
    staff = client_for(users_b["staff"])
    request_id = a["signed"].requests.get().pk
    for action in ("extension_approve", "extension_refuse"):
        response = staff.post(
            reverse("staff:requests"), {"action": action, "request_id": request_id, f"r{request_id}-note": "x"}
        )
        assert response.status_code == 404, action
    # The bulk forms tick ids: another congress's are none of theirs (nothing chosen; A's state is checked below).
    for name, field, pk in (
        ("staff:inbox_bulk_register", "suggestions", a["submitted"].pk),
        ("staff:publication_bulk", "replies", a["reply"].pk),
    ):
        assert staff.post(reverse(name), {field: [pk]}).status_code == 302, name
    # The API: the same steps as JSON.
    api_posts = [
        ("clerk", "api:assignment_sign", a["pending"].pk, {}),
        ("clerk", "api:assignment_reply_submit", a["signed"].pk, {}),
        ("cosigner", "api:reply_rate", a["reply"].pk, {"value": "satisfied"}),
        ("cosigner", "api:invitation_confirm", a["invitation"].pk, {}),
        ("lead", "api:suggestion_submit", a["draft"].pk, {}),
        ("lead", "api:cosigner_drop", a["invitation"].pk, {}),
    ]
    for role, name, pk, data in api_posts:
        response = client_for(users_b[role]).post(reverse(name, args=[pk]), data, content_type="application/json")
        assert response.status_code == 404, (role, name, response.status_code)
    assert state_of(a["congress"]) == before


def test_services_refuse_rows_of_another_congress(worlds):
    """Every link a service makes is checked: offices, leaders, categories, result classes, co-signers, merges."""
    users_b, b = worlds["B"]
    _users_a, a = worlds["A"]
    staff_b = users_b["staff"]
    fresh = factories.SuggestionFactory(
        session=b["session"], lead_delegate=b["lead"], category=b["category"], title="松涛关于跨人大的建议"
    )
    with pytest.raises(actions.InvalidInput):
        actions.cosigner_invite(suggestion=fresh, actor=b["lead"].user, delegates=[a["cosigner"]])
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_save_draft(
            actor=b["lead"].user, title="x", body="y", category=a["category"], suggestion=fresh
        )
    actions.suggestion_submit(suggestion=fresh, actor=b["lead"].user)
    actions.suggestion_register(suggestion=fresh, actor=staff_b)
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(suggestion=fresh, actor=staff_b, lead_office=a["office"])
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(suggestion=fresh, actor=staff_b, lead_office=b["office"], co_offices=[a["co_office"]])
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_assign(
            suggestion=fresh, actor=staff_b, lead_office=b["office"], is_key=True, leader=a["leader"]
        )
    with pytest.raises(actions.InvalidInput):
        actions.suggestion_set_key(suggestion=b["replied"], actor=staff_b, is_key=True, leader=a["leader"])
    (assignment,) = actions.suggestion_assign(suggestion=fresh, actor=staff_b, lead_office=b["office"])
    actions.assignment_sign(assignment=assignment, actor=users_b["clerk"])
    with pytest.raises(actions.InvalidInput):
        actions.reply_save_draft(assignment=assignment, actor=users_b["clerk"], text="答复", result_class=a["result_b"])
    with pytest.raises(actions.InvalidInput):
        actions.assignment_request_return(
            assignment=assignment, actor=users_b["clerk"], reason="不属于本单位", suggested_office=a["office"]
        )
    # A clerk serves the offices of one congress: B's clerk's account cannot become A's office's clerk.
    with pytest.raises(actions.InvalidInput):
        from suggestions.actions import accounts

        accounts.office_save(
            actor=_users_a["staff"], office=a["co_office"], values={"clerk_username": users_b["clerk"].username}
        )
    # Activation links: only for the congress's own accounts.
    with pytest.raises(actions.InvalidInput):
        accounts.activation_issue(actor=staff_b, users=[a["lead"].user])
    assert not fresh.assignments.filter(office__congress=a["congress"]).exists()


# --------------------------------------------------------------------------- a delegate of two congresses


def test_a_delegate_of_both_congresses_sees_the_congress_acted_in(worlds):
    users_a, a = worlds["A"]
    _users_b, b = worlds["B"]
    person = users_a["lead"]
    # The same person is also a delegate of congress B (one login, two delegate records), leading one there.
    second = factories.DelegateFactory(term=b["term"], name="松涛代表丙", user=person)
    own_b = factories.SuggestionFactory(
        session=b["session"], lead_delegate=second, category=b["category"], title="松涛关于两级代表的建议"
    )
    client = client_for(person)

    def reads(mark):
        """Whether the delegate's home page and the API's list show suggestions of the congress marked so."""
        return [mark in text_of(client.get(url)) for url in (reverse("delegates:home"), reverse("api:suggestions"))]

    assert reads(MARK["A"]) == [True, True]
    assert reads(MARK["B"]) == [False, False]
    assert client.get(reverse("delegates:suggestion", args=[own_b.pk])).status_code == 404
    assert client.get(reverse("delegates:suggestion", args=[a["replied"].pk])).status_code == 200

    # Switching through the menu's form: now congress B, and only B.
    response = client.post(reverse("congresses:choose"), {"congress": b["congress"].pk})
    assert response.status_code == 302
    assert reads(MARK["B"]) == [True, True]
    assert reads(MARK["A"]) == [False, False]
    assert client.get(reverse("delegates:suggestion", args=[own_b.pk])).status_code == 200
    assert client.get(reverse("delegates:suggestion", args=[a["replied"].pk])).status_code == 404
    assert client.get(reverse("api:suggestion", args=[a["replied"].pk])).status_code == 404
    assert client.get(reverse("suggestions:detail", args=[a["replied"].pk])).status_code == 404
    # The notification about A's suggestion is not listed while acting in B.
    assert MARK["A"] not in text_of(client.get(reverse("notifications")))

    # And back, through the service.
    congress_services.act_in(user=person, congress_id=a["congress"].pk)
    assert reads(MARK["A"]) == [True, True]
    assert reads(MARK["B"]) == [False, False]
    # A congress where the person holds no role cannot be chosen.
    other = factories.CongressFactory(name="贵阳市人大", slug="guiyang", level=Congress.Level.CITY)
    with pytest.raises(actions.InvalidInput):
        congress_services.act_in(user=person, congress_id=other.pk)


# --------------------------------------------------------------------------- staff accounts


def test_a_new_staff_account_belongs_to_its_creators_congress(db):
    from security.accounts import staff_membership_ensure
    from suggestions import roles

    township = factories.CongressFactory(name="青岩镇人大", slug="qingyan", level=Congress.Level.TOWNSHIP)
    creator = factories.StaffFactory(congress=township)
    new = factories.UserFactory(username="st_new_staff")
    membership = staff_membership_ensure(new, creator=creator)
    assert membership.congress == township
    assert roles.is_staff_member(new) and roles.congress_id_of(new) == township.pk
    # Staff belong to one congress: the first congress's staff cannot make them theirs too.
    with pytest.raises(actions.InvalidInput):
        staff_membership_ensure(new, creator=factories.StaffFactory())
    assert new.staff_membership.congress == township


def test_form_choices_are_the_acting_congress_own(worlds):
    """Categories and result classes have the same names in every congress: their ids tell them apart."""
    users, b = worlds["B"]
    congress = b["congress"]

    def choices(role, url, form_name, field):
        response = client_for(users[role]).get(url)
        assert response.status_code == 200, (url, response.status_code)
        queryset = response.context[form_name].fields[field].queryset
        return set(queryset.values_list("congress_id", flat=True))

    assert choices("lead", reverse("delegates:create"), "form", "category") == {congress.pk}
    assign = reverse("staff:assign", args=[b["registered"].pk])
    assert choices("staff", assign, "form", "lead_office") == {congress.pk}
    assert choices("staff", assign, "form", "leader") == {congress.pk}
    assert choices("staff", reverse("staff:assign_list"), "form", "separate_offices") == {congress.pk}
    signed = reverse("offices:assignment", args=[b["signed"].pk])
    assert choices("clerk", signed, "reply_form", "result_class") == {congress.pk}
    assert choices("clerk", signed, "return_form", "suggested_office") == {congress.pk}
    track = client_for(users["staff"]).get(reverse("staff:track"))
    for name in ("session", "category", "office", "result_class"):
        field = track.context["filterset"].form.fields[name]
        assert set(field.queryset.values_list("congress_id", flat=True)) == {congress.pk}, name
    key = client_for(users["staff"]).get(reverse("staff:suggestion", args=[b["signed"].suggestion_id]))
    assert set(key.context["key_form"].fields["leader"].queryset.values_list("congress_id", flat=True)) == {congress.pk}
