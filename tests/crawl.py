"""Crawl every page and export of every demo role (not a test module; used by tests/test_crawl.py).

Run inside a configured Django process whose database holds the demo data (``seed_demo``).
Every URL pattern of the resolver is reversed with ids of demo objects of the right model and
requested as each role (once more with NUL bytes in the query); then
the links found on the pages (same host, GET, bounded per view) are followed. ``crawl()``
returns the server errors, the logged-in pages sent without ``Cache-Control: no-store``, and
the patterns never requested.

As a script (``python -m tests.crawl``) it prints the result as JSON, for the SQLite run in a
subprocess.
"""

import html
import json
import re
import traceback
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

ROLES = [
    None,  # anonymous
    "staff_zhang",
    "leader_li",
    "daibiao_wang",
    "daibiao_chen",
    "zhujian",
    "zhujian_head",
    "caizheng",
    "jiaotong",  # the office a resident's opinion was forwarded to
    "lianluo_yang",  # station staff (联络员) of 青岩镇代表联络站
    "admin",
]

# Patterns that a GET never reaches as designed, each with its reason.
NOT_CRAWLED = {
    "admin/(?P<url>.*)$": "the admin's catch-all for unknown addresses: any address it answers is another pattern",
}

HOST = "127.0.0.1"
PUBLIC_PREFIXES = ("/public/", "/static/", "/favicon.ico")  # may be cached; every other page is private
API_PREFIX = "/api/v1/"  # revalidated with ETags: private, no-cache
PER_VIEW = 5  # links followed per role and view: enough for every kind of page, bounded whatever the data
MAX_LINKS = 200  # links followed per role
HREF = re.compile(r"""href=["']([^"'#]+)""")
SKIP_PREFIXES = ("/static/", "/accounts/logout/", "/admin/logout/")


def url_patterns():
    """``[(key, name, route, params)]`` of every pattern; key is the name, or the route when unnamed."""
    from django.urls import URLResolver, get_resolver

    found = []

    def walk(patterns, namespace, prefix, outer):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                # An include's own parameters (/<congress_slug>/public/) come before its patterns'.
                walk(
                    pattern.url_patterns,
                    inner,
                    prefix + str(pattern.pattern),
                    outer + list(pattern.pattern.regex.groupindex),
                )
            else:
                name = f"{namespace}{pattern.name}" if pattern.name else None
                route = prefix + str(pattern.pattern)
                found.append((name or route, name, route, outer + list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", "", [])
    return found


def _pks(queryset, limit=3):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


def _one_per(queryset, field):
    """The first pk of each value of ``field``: one object in every state."""
    seen = {}
    for pk, value in queryset.order_by("pk").values_list("pk", field):
        seen.setdefault(value, pk)
    return list(seen.values())


def _samples(user):
    from django.contrib.auth import get_user_model

    from congresses.models import Congress
    from delegates.models import Delegate
    from suggestions.models import (
        Assignment,
        Attachment,
        CoSigner,
        Notification,
        Office,
        ReminderDelivery,
        Reply,
        Resurvey,
        Suggestion,
    )

    published = Suggestion.objects.filter(published_at__isnull=False)
    mine = Notification.objects.filter(user=user) if user else Notification.objects.none()
    return {
        "suggestion": _one_per(Suggestion.objects.all(), "status") + _pks(published, 1),
        "published": _pks(published),
        "assignment": _one_per(Assignment.objects.all(), "status"),
        "attachment": _pks(Attachment.objects.all()),
        "cosigner": _one_per(CoSigner.objects.all(), "status"),
        "reply": _one_per(Reply.objects.all(), "status"),
        "office": _pks(Office.objects.all()),
        "delegate": _pks(Delegate.objects.filter(user=user), 1) + _pks(Delegate.objects.all(), 1),
        "notification": _pks(mine, 2) or _pks(Notification.objects.all(), 1),
        "user": _pks(get_user_model().objects.all(), 2),
        "delivery": _pks(ReminderDelivery.objects.all(), 1) or [0],
        "congress": _congress_pks(),
        # A re-survey waiting for its call and a recorded one (the demo's differs from the online rating).
        "resurvey": _one_per(Resurvey.objects.all(), "value") or [0],
        # The active congresses' public sites, an inactive one's and an unknown one (both 404).
        "congress_slug": list(Congress.objects.filter(is_active=True).order_by("pk").values_list("slug", flat=True)[:4])
        + list(Congress.objects.filter(is_active=False).values_list("slug", flat=True)[:1])
        + ["nosuch"],
        **_station_samples(),
        **_scoring_samples(),
    }


def _scoring_samples():
    """Ids of the demo's year-end scoring: rubrics (draft and published), items, a sheet in each state, objections."""
    from yearend.models import Objection, Rubric, RubricItem, ScoreSheet

    return {
        "rubric": _one_per(Rubric.objects.all(), "status"),
        "rubric_item": _pks(RubricItem.objects.all(), 2),
        "score_sheet": _one_per(ScoreSheet.objects.all(), "status"),
        "objection": _one_per(Objection.objects.all(), "status"),
    }


def _congress_pks():
    """Every congress of the demo (the levels above and below the one acted in), at most five."""
    from congresses.models import Congress

    return _pks(Congress.objects.all(), 5)


def _station_samples():
    """Ids and codes of the demo's stations: every opinion state, photos, discussions, recorded drafts."""
    from stations.models import GroupDiscussion, OpinionPhoto, RecordedDraft, ResidentOpinion, Station, StationDelegate

    memberships = StationDelegate.objects.order_by("pk")
    opinions = ResidentOpinion.objects.all()
    return {
        "station": _pks(Station.objects.all()),
        "opinion": _one_per(opinions, "status") + _pks(opinions.filter(published_at__isnull=False), 1),
        "photo": _pks(OpinionPhoto.objects.all(), 1),
        "discussion": _pks(GroupDiscussion.objects.all(), 1),
        "recorded_draft": _pks(RecordedDraft.objects.all()),
        "membership": list(memberships.values_list("station_id", "delegate_id")[:2]),
        # A station's code, a delegate's code, and one that matches none (the 404).
        "scan_code": [*Station.objects.order_by("pk").values_list("code", flat=True)[:1]]
        + [*memberships.values_list("code", flat=True)[:1]]
        + ["NOSUCHCODE"],
        "tracking_code": _tracking_codes(opinions) + ["NOSUCHCODE"],
    }


def _tracking_codes(opinions):
    """The tracking code of the first opinion in each state."""
    seen = {}
    for status, code in opinions.order_by("pk").values_list("status", "tracking_code"):
        seen.setdefault(status, code)
    return list(seen.values())


# Which model's ids fill a pattern's <int:pk>, by the pattern's name (namespace:name).
PK_MODEL = {
    "suggestions:detail": "suggestion",
    "suggestions:attachment": "attachment",
    "notification_open": "notification",
    "delegates:suggestion": "suggestion",
    "delegates:edit": "suggestion",
    "delegates:submit": "suggestion",
    "delegates:withdraw": "suggestion",
    "delegates:invite": "suggestion",
    "delegates:drop": "cosigner",
    "delegates:respond": "cosigner",
    "delegates:rate": "reply",
    "delegates:record": "delegate",
    "staff:review": "suggestion",
    "staff:suggestion": "suggestion",
    "staff:assign": "suggestion",
    "staff:publication_edit": "suggestion",
    "staff:resurvey": "resurvey",
    "staff:letter": "delegate",
    "reminders:suggestion": "suggestion",
    "reminders:resend": "delivery",
    "public:detail": "published",
    "public:office": "office",
    # Each congress's public site (/<congress_slug>/public/): every published outcome and office under every
    # congress's address (those of another congress are the 404s).
    "congress_public:detail": "published",
    "congress_public:office": "office",
    "offices:letter_upload": "letter_missing",
    "privacy:reveal_contact": "assignment",
    "privacy:person": "delegate",
    "privacy:person_export": "delegate",
    "privacy:person_anonymise": "delegate",
}
# The API (/api/v1/): the same objects as the pages.
PK_MODEL.update({f"api:{name}": "suggestion" for name in (
    "suggestion", "suggestion_submit", "suggestion_withdraw", "suggestion_invite", "suggestion_attach",
)})  # fmt: skip
PK_MODEL.update({f"api:{name}": "assignment" for name in (
    "assignment", "assignment_sign", "assignment_contacts", "assignment_opinion", "assignment_reply",
    "assignment_reply_submit", "assignment_extension", "assignment_return",
)})  # fmt: skip
PK_MODEL.update({
    "api:attachment_download": "attachment",
    "api:invitation_confirm": "cosigner",
    "api:invitation_decline": "cosigner",
    "api:cosigner_drop": "cosigner",
    "api:reply_rate": "reply",
    "api:notification_read": "notification",
    "api:public_outcome": "published",
})  # fmt: skip
PK_MODEL.update({f"stations:{name}": "station" for name in (
    "detail", "edit", "poster", "suggest", "public",
)})  # fmt: skip
PK_MODEL.update({f"stations:{name}": "opinion" for name in (
    "opinion", "answer", "forward", "merge", "office_answer", "publish", "office_sign", "extension_request",
    "extension_decide",
)})  # fmt: skip
PK_MODEL.update({
    "stations:photo": "photo",
    "stations:discussion": "discussion",
    "stations:draft_edit": "recorded_draft",
    "stations:draft_confirm": "recorded_draft",
})  # fmt: skip
# Patterns with a <str:code>: a QR code's (station or delegate) or a resident's tracking code.
# The year-end scoring (app yearend): rubrics, their items, score sheets and objections.
PK_MODEL.update({f"yearend:{name}": "rubric" for name in (
    "rubric", "rubric_edit", "item_create", "rubric_publish", "rubric_version", "compute", "release_all", "lock_all",
    "scores", "scores_export",
)})  # fmt: skip
PK_MODEL.update({"yearend:item": "rubric_item", "yearend:item_remove": "rubric_item", "yearend:answer": "objection"})
PK_MODEL.update({f"yearend:{name}": "score_sheet" for name in (
    "sheet", "sheet_export", "score", "release", "lock", "object",
)})  # fmt: skip
CODE_SAMPLE = {"residents:scan": "scan_code", "residents:form": "scan_code"}
CODE_SAMPLE.update({f"residents:{name}": "tracking_code" for name in ("track", "add", "rate", "withdraw")})
# The API's stations, residents' and triage endpoints: the same objects as the pages.
CODE_SAMPLE.update({f"api:{name}": "tracking_code" for name in ("track", "track_add", "track_rate", "track_withdraw")})
PK_MODEL.update({"api:public_station": "station"})
PK_MODEL.update({f"api:{name}": "opinion" for name in (
    "opinion", "opinion_answer", "opinion_forward", "opinion_office_answer", "opinion_office_sign",
    "opinion_extension_request", "opinion_extension_decision",
)})  # fmt: skip
# A resident sends an opinion through the API at a station's (or delegate's) code, as through the form.
CODE_SAMPLE.update(
    {f"api:{name}": "scan_code" for name in ("resident_target", "resident_verification", "resident_opinion")}
)
# The congresses: the level above's read-only view, transfer (转交) and administration.
PK_MODEL.update({
    "congresses:lower_list": "congress",
    "congresses:staff_new": "congress",
    "congresses:lower_suggestion": "suggestion",
    "congresses:transfer": "suggestion",
    "congresses:transferred": "suggestion",
})  # fmt: skip
PK_MODEL.update({f"offices:{name}": "assignment" for name in (
    "assignment", "sign", "request_return", "contact", "opinion", "reply", "letter", "extension", "followup", "handler",
)})  # fmt: skip


def _admin_models():
    from django.contrib import admin

    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def pattern_urls(patterns, user, prepared):
    """Every pattern reversed with demo ids (and ``prepare()``'s values): ``[(key, url)]``; raises on a pattern it cannot fill."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from suggestions.models import Suggestion

    samples = {**_samples(user), **prepared}
    # The office pages of the reply without a letter too, where the 补传 form shows.
    samples["assignment"] += [pk for pk in samples["letter_missing"] if pk not in samples["assignment"]]
    admin_models = _admin_models()
    urls = []
    for key, name, route, params in patterns:
        if key in NOT_CRAWLED:
            continue
        if not params:
            urls.append((key, reverse(name)))
            continue
        if params == ["pk"]:
            values = [{"pk": pk} for pk in samples[PK_MODEL[name]]]
        elif params == ["token"]:
            values = [{"token": token} for token in samples["token"]]
        elif params == ["kind"]:
            values = [{"kind": kind} for kind in ("delegates", "offices")]
        elif params == ["code"]:
            values = [{"code": code} for code in samples[CODE_SAMPLE[name]]]
        elif params == ["congress_slug"]:
            values = [{"congress_slug": slug} for slug in samples["congress_slug"]]
        elif params == ["congress_slug", "pk"]:
            values = [
                {"congress_slug": slug, "pk": pk} for slug in samples["congress_slug"] for pk in samples[PK_MODEL[name]]
            ]
        elif params == ["pk", "kind"]:  # a station's QR code; an unknown format is a 404
            values = [{"pk": pk, "kind": kind} for pk in samples["station"][:1] for kind in ("png", "svg", "gif")]
        elif params == ["pk", "delegate_pk"]:
            values = [{"pk": pk, "delegate_pk": delegate_pk} for pk, delegate_pk in samples["membership"]]
        elif params == ["pk", "delegate_pk", "kind"]:
            values = [
                {"pk": pk, "delegate_pk": delegate_pk, "kind": kind}
                for pk, delegate_pk in samples["membership"][:1]
                for kind in ("png", "svg")
            ]
        elif params == ["app_label"]:
            values = [{"app_label": label} for label in ("auth", "axes", "delegates", "suggestions")]
        elif params == ["content_type_id", "object_id"]:
            suggestion_type = ContentType.objects.get_for_model(Suggestion).pk
            values = [{"content_type_id": suggestion_type, "object_id": pk} for pk in samples["suggestion"][:1]]
        elif params == ["object_id"] or params == ["id"]:
            if name:  # admin:<app>_<model>_<change|delete|history|password_change>
                model = admin_models[name.split(":", 1)[1].rsplit("_", 1)[0].removesuffix("_password")]
            else:  # admin/<app>/<model>/<path:object_id>/ (redirects to the change page)
                app, model_name = route.split("/")[1:3]
                model = admin_models[f"{app}_{model_name}"]
            values = [{params[0]: pk} for pk in _pks(model.objects.all(), 2)]
            if not values:
                values = [{params[0]: 1}]  # an empty table: the admin's "does not exist" answer
        else:
            raise AssertionError(f"tests/crawl.py does not know how to fill {key} {params}")
        if not values:
            raise AssertionError(f"the demo has no object to fill {key}")
        if name:
            urls.extend((key, reverse(name, kwargs=kw)) for kw in values)
        else:
            urls.extend((key, "/" + route.replace(f"<path:{params[0]}>", str(kw[params[0]]))) for kw in values)
    return urls


def _key_of(path, keys_by_route):
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name:
        return match.view_name
    return keys_by_route.get(match.route, match.route)


def _links(response, base):
    if "html" not in response.get("Content-Type", ""):
        return []
    links = []
    for href in HREF.findall(response.content.decode(errors="replace")):
        url = urljoin(base, html.unescape(href))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", HOST, "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP_PREFIXES):
            links.append(path)
    return links


def prepare():
    """Bring about, through the project's own services, the states the demo lacks; ``{name: [values]}``.

    - an uploaded file: staff attach one to the showcase so the download page is crawled too;
    - a submitted reply without its signed letter (one sent while the letter was not required), so the
      office's 补传 form and ``offices:letter_upload`` are crawled on the assignment that needs it;
    - an activation link: only the SHA-256 hash of a token is stored, so a real link is issued for a demo
      delegate here (every run: the token exists only in this process), next to a token that matches none.
    """
    from django.contrib.auth import get_user_model

    from suggestions.actions import accounts as delegate_services

    users = get_user_model().objects
    staff = users.get(username="staff_zhang")
    _attach_a_file(staff)
    letter_missing = _reply_without_letter(users.get(username="zhujian"))
    issued = delegate_services.activation_issue(actor=staff, users=[users.get(username="daibiao_chen")])
    _accept_privacy_notice(users.filter(delegate_records__isnull=False).distinct())
    return {"letter_missing": letter_missing, "token": [issued[0].token, "no-such-token"]}


def _accept_privacy_notice(delegates):
    """The demo delegates accepted the privacy notice, so their pages are crawled (not the notice nine times)."""
    from security import privacy
    from security.models_privacy import PrivacyNotice

    notice = PrivacyNotice.current()
    if notice is not None:
        for user in delegates:
            privacy.notice_accept(user=user, notice=notice)


def _attach_a_file(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from suggestions import actions
    from suggestions.models import Attachment, Suggestion

    if Attachment.objects.exists():
        return
    showcase = Suggestion.objects.filter(published_at__isnull=False).order_by("pk").first()
    actions.attachment_add(
        suggestion=showcase,
        actor=staff,
        uploaded_file=SimpleUploadedFile("现场照片说明.pdf", b"%PDF-1.4\n%crawl\n"),
        content_type="application/pdf",
    )


def _reply_without_letter(clerk):
    """The assignment pks of submitted replies with no letter; made on a signed assignment of ``clerk``'s office."""
    from django.utils import timezone

    from suggestions import actions, roles
    from suggestions.models import Assignment, Reply, ResultClass

    def existing():
        replies = Reply.objects.filter(status=Reply.Status.SUBMITTED, attachment__isnull=True)
        return _pks(Assignment.objects.filter(pk__in=replies.values("assignment")), 2)

    if existing():
        return existing()
    assignment = (
        Assignment.objects.filter(
            office__in=roles.office_ids_of(clerk),
            role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE],
            status=Assignment.Status.SIGNED,
        )
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise AssertionError(f"the demo has no signed assignment of {clerk}'s office to reply to without a letter")
    policy = actions.policy_for(assignment.suggestion.session)
    required, policy.reply_letter_required = policy.reply_letter_required, False
    policy.save()
    try:
        actions.contact_record(
            assignment=assignment,
            actor=clerk,
            method="visit",
            date=timezone.localdate(),
            participants="代表、经办人",
            summary="上门沟通。",
            delegate_invited=True,
        )
        reply = actions.reply_save_draft(
            assignment=assignment,
            actor=clerk,
            text="已答复，盖章答复函待补传。",
            result_class=ResultClass.objects.order_by("pk").first(),
            signed_off_by="局长",
        )
        actions.reply_submit(reply=reply, actor=clerk)
    finally:
        policy.reply_letter_required = required
        policy.save()
    return existing()


def crawl():
    """``{"errors": [...], "unrequested": [...], "requests": n}`` over every role."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    prepared = prepare()
    patterns = url_patterns()
    keys_by_route = {route: key for key, name, route, params in patterns}
    requested = set()
    errors = []
    total = 0
    for username in ROLES:
        user = get_user_model().objects.get(username=username) if username else None
        client = Client(HTTP_HOST=HOST, raise_request_exception=True)
        if user:
            client.force_login(user)
        keyed = pattern_urls(patterns, user, prepared)
        urls = [url for key, url in keyed]
        # Each pattern once more with NUL bytes in the usual query parameters (the admin's own pages apart).
        firsts = {key: url for key, url in reversed(keyed) if not url.startswith("/admin/")}
        urls += [f"{url}?q=%00&page=%00&session=%00" for url in firsts.values()]
        queue = deque(urls)
        seen = set(queue)
        per_view = Counter()
        count = 0
        budget = len(queue) + MAX_LINKS  # every pattern, then a bounded number of followed links
        while queue and count < budget:
            url = queue.popleft()
            key = _key_of(urlsplit(url).path, keys_by_route)
            count += 1
            try:
                response = client.get(url)
                status = response.status_code
            except Exception:  # noqa: BLE001 - every server error is reported, not raised
                errors.append({"role": username, "url": url, "status": 500, "error": traceback.format_exc()[-1500:]})
                continue
            if key:
                requested.add(key)
            if status >= 500:
                errors.append(
                    {"role": username, "url": url, "status": status, "error": response.content[:500].decode()}
                )
                continue
            if username and status == 200 and url.startswith(API_PREFIX):
                # The API revalidates with ETags (issue 21): private, never kept without asking.
                if response.get("Cache-Control") != "private, no-cache":
                    errors.append(
                        {"role": username, "url": url, "status": status, "error": "no Cache-Control: private, no-cache"}
                    )
            elif username and status == 200 and not url.startswith(PUBLIC_PREFIXES):
                if "no-store" not in response.get("Cache-Control", ""):
                    errors.append(
                        {"role": username, "url": url, "status": status, "error": "no Cache-Control: no-store"}
                    )
            if status in (301, 302) and response.get("Location"):
                links = [response["Location"]]
            else:
                links = _links(response, url)
            for link in links:
                link_key = _key_of(urlsplit(urljoin(url, link)).path, keys_by_route)
                link = urljoin(url, link)
                if link.startswith("http"):
                    link = urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "")
                if link in seen or link_key is None or per_view[link_key] >= PER_VIEW:
                    continue
                seen.add(link)
                per_view[link_key] += 1
                queue.append(link)
        total += count
    unrequested = sorted(key for key, *_ in patterns if key not in requested and key not in NOT_CRAWLED)
    return {"errors": errors, "unrequested": unrequested, "requests": total}


if __name__ == "__main__":
    import django

    django.setup()
    print("CRAWL-RESULT " + json.dumps(crawl(), ensure_ascii=False))  # noqa: T201
