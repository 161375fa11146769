"""Every stations URL × every role, residents and station staff included: allowed or refused as this table says.

"Refused" means 403, 404 or a redirect to the login page; "allowed" any other answer below 500.
A URL of the stations or residents namespaces without a row fails ``test_every_stations_url_has_a_row``.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from stations import actions, discussions
from tests import factories

ROLES = [
    "anonymous",
    "station_delegate",
    "other_delegate",
    "station_clerk",
    "other_station_clerk",
    "office_clerk",
    "other_clerk",
    "staff",
    "admin",
    "secretary",
    "other_secretary",
]
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE - {"anonymous"}
STATION_PEOPLE = {"station_delegate", "station_clerk"}
STAFF = {"staff", "admin"}
# The secretary of DISC's delegation, and the secretary of another delegation (issue 22's group discussions).
SECRETARIES = {"secretary", "other_secretary"}


def row(method, kwargs, allowed, data=None):
    return {"method": method, "kwargs": kwargs, "allowed": set(allowed), "data": data or {}}


# "ST" the station; "RCV" an opinion waiting for triage; "FWD" one forwarded to the office; "ANS" an answered one;
# "PH" a photo of RCV; "DRAFT" a draft staff recorded for the station delegate; "DISC" its discussion.
MATRIX = {
    "stations:list": row("get", {}, LOGGED_IN),
    "stations:create": row("get", {}, STAFF),
    "stations:dashboard": row("get", {}, STAFF),
    "stations:office_inbox": row("get", {}, {"office_clerk", "other_clerk"}),
    "stations:detail": row("get", {"pk": "ST"}, STATION_PEOPLE | STAFF),
    "stations:edit": row("get", {"pk": "ST"}, STAFF),
    "stations:qr": row("get", {"pk": "ST", "kind": "png"}, STATION_PEOPLE | STAFF),
    "stations:poster": row("get", {"pk": "ST"}, STATION_PEOPLE | STAFF),
    "stations:delegate_qr": row("get", {"pk": "ST", "delegate_pk": "SD", "kind": "svg"}, STATION_PEOPLE | STAFF),
    "stations:delegate_poster": row("get", {"pk": "ST", "delegate_pk": "SD"}, STATION_PEOPLE | STAFF),
    "stations:suggest": row("post", {"pk": "ST"}, STATION_PEOPLE),
    "stations:public": row("get", {"pk": "ST"}, EVERYONE),
    "stations:opinion": row("get", {"pk": "FWD"}, STATION_PEOPLE | STAFF | {"office_clerk"}),
    "stations:answer": row("post", {"pk": "RCV"}, STATION_PEOPLE, {"text": "已处理。"}),
    "stations:forward": row("post", {"pk": "RCV"}, STATION_PEOPLE),
    "stations:merge": row("post", {"pk": "RCV"}, STATION_PEOPLE),
    "stations:office_sign": row("post", {"pk": "FWD"}, {"office_clerk"}),
    "stations:office_answer": row("post", {"pk": "FWD"}, {"office_clerk"}, {"text": "已办理。"}),
    "stations:extension_request": row("post", {"pk": "FWD"}, {"office_clerk"}, {"until": "x", "reason": "x"}),
    # The handlers and NPC staff decide; nothing is pending in the world, so the step answers "not now".
    "stations:extension_decide": row("post", {"pk": "FWD"}, STATION_PEOPLE | STAFF, {"decision": "approve"}),
    "stations:publish": row("post", {"pk": "ANS"}, STATION_PEOPLE),
    "stations:photo": row("get", {"pk": "PH"}, STATION_PEOPLE | STAFF),
    "stations:discussion_new": row("get", {}, STAFF | SECRETARIES),
    "stations:discussion": row("get", {"pk": "DISC"}, STAFF | {"secretary"}),
    "stations:drafts": row("get", {}, LOGGED_IN),
    "stations:draft_edit": row("get", {"pk": "DRAFT"}, {"staff"}),
    "stations:draft_confirm": row("post", {"pk": "DRAFT"}, {"station_delegate"}),
    "residents:scan": row("get", {"code": "CODE"}, EVERYONE),
    "residents:form": row("get", {"code": "CODE"}, EVERYONE),  # redirects to step 1 without a code sent
    "residents:lookup": row("get", {}, EVERYONE),
    "residents:track": row("get", {"code": "TRACK"}, EVERYONE),
    "residents:add": row("post", {"code": "TRACK"}, EVERYONE, {"text": "补充"}),
    "residents:rate": row("post", {"code": "TRACK"}, EVERYONE, {"value": "satisfied"}),
    "residents:withdraw": row("post", {"code": "TRACK"}, EVERYONE),
}


def stations_url_names():
    resolver = get_resolver()
    names = []
    for namespace in ("stations", "residents"):
        _prefix, sub = resolver.namespace_dict[namespace]
        names += [f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)]
    return set(names)


def test_every_stations_url_has_a_row():
    assert stations_url_names() == set(MATRIX)


@pytest.fixture
def world(
    db,
    station,
    station_delegate,
    station_clerk,
    staff,
    office,
    clerk,
    other_clerk,
    other_delegate,
    send_opinion,
    settings,
):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    photo = SimpleUploadedFile("p.jpg", factories.photo_bytes())
    received = send_opinion(station, mobile="13800000041", photos=[photo])
    forwarded = send_opinion(station, mobile="13800000042")
    actions.opinion_forward(opinion=forwarded, actor=station_clerk, office=office)
    answered = send_opinion(station, mobile="13800000043")
    actions.opinion_answer(opinion=answered, actor=station_clerk, text="已处理。")
    other_station = factories.StationFactory()
    other_station_clerk = factories.UserFactory(username="other_station_clerk")
    other_station.staff.add(other_station_clerk)
    secretary = factories.UserFactory(username="secretary")
    other_secretary = factories.UserFactory(username="other_secretary")
    delegation = factories.DelegationFactory()  # may exist already (get or create): the secretary set on it
    delegation.secretary = secretary
    delegation.save(update_fields=["secretary"])
    factories.DelegationFactory(name="石板镇代表团", secretary=other_secretary)
    discussion = discussions.discussion_record(
        actor=staff,
        session=factories.SessionFactory(),
        delegation=delegation,
        date=datetime.date(2026, 1, 6),
        place="",
        rows=[discussions.RecordedRow("分组审议建议", "内容", [station_delegate])],
        category=factories.CategoryFactory(),
    )
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return {
        "users": {
            "anonymous": None,
            "station_delegate": station_delegate.user,
            "other_delegate": other_delegate.user,
            "station_clerk": station_clerk,
            "other_station_clerk": other_station_clerk,
            "office_clerk": clerk,
            "other_clerk": other_clerk,
            "staff": staff,
            "admin": admin,
            "secretary": secretary,
            "other_secretary": other_secretary,
        },
        "objects": {
            "ST": station.pk,
            "SD": station_delegate.pk,
            "RCV": received.pk,
            "FWD": forwarded.pk,
            "ANS": answered.pk,
            "PH": received.photos.get().pk,
            "DRAFT": discussion.drafts.get().pk,
            "DISC": discussion.pk,
            "CODE": station.code,
            "TRACK": received.tracking_code,
        },
    }


def _refused(response):
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_stations_url_answers_each_role_as_the_matrix_says(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for name, spec in MATRIX.items():
        kwargs = {k: world["objects"].get(v, v) for k, v in spec["kwargs"].items()}
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, spec["method"])(url, spec["data"])
        assert response.status_code < 500, f"{name} gave {response.status_code} for {role}"
        allowed = not _refused(response)
        if allowed != (role in spec["allowed"]):
            wrong.append(f"{name}: {'allowed' if allowed else 'refused'} ({response.status_code})")
    assert not wrong, f"{role}: " + "; ".join(wrong)
