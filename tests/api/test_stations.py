"""Liaison stations and residents' opinions in the API (issues 21/22): every new endpoint × every role,
the resident's tracking code as the only permission, personal data by the rule book, and one whole flow.

404: out of the role's scope; 403: the rule book refuses the action to this person; 409: not now;
401: no credentials where a login is needed.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from security.models import SecurityEvent, SecurityEventKind
from stations import actions as station_actions
from stations import office as station_office
from stations.models import ResidentOpinion
from tests import factories
from tests.api.conftest import bearer, resident_opinion

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "station_staff",
    "other_station_staff",
    "station_delegate",
    "other_delegate",
    "clerk",
    "other_clerk",
    "staff",
]
LOGGED_IN = set(ROLES) - {"anonymous"}
HANDLERS = {"station_staff", "station_delegate"}


def expect(default, **codes):
    """Expected status per role: ``default`` for logged-in roles not named, 401 for anonymous unless named."""
    table = dict.fromkeys(LOGGED_IN, default)
    table["anonymous"] = 401
    table.update(codes)
    return table


EVERYONE_200 = dict.fromkeys(ROLES, 200)
# name: (method, path with {ST} {RCV} {FWD} {ANS} {RCV_CODE} {ANS_CODE} {OFFICE}, data, {role: status})
MATRIX = {
    "public_stations": ("get", "/api/v1/public/stations/", None, EVERYONE_200),
    "public_station": ("get", "/api/v1/public/stations/{ST}/", None, EVERYONE_200),
    "public_station.inactive": ("get", "/api/v1/public/stations/{CLOSED}/", None, dict.fromkeys(ROLES, 404)),
    "track": ("get", "/api/v1/track/{RCV_CODE}/", None, EVERYONE_200),
    "track.unknown": ("get", "/api/v1/track/NOSUCHCODE/", None, dict.fromkeys(ROLES, 404)),
    "track_add": ("post", "/api/v1/track/{RCV_CODE}/add/", {"text": "补充：东门也坏了。"}, dict.fromkeys(ROLES, 201)),
    "track_add.answered": ("post", "/api/v1/track/{ANS_CODE}/add/", {"text": "补充。"}, dict.fromkeys(ROLES, 409)),
    "track_rate": ("post", "/api/v1/track/{ANS_CODE}/rate/", {"value": "satisfied"}, dict.fromkeys(ROLES, 200)),
    "track_rate.not_answered": (
        "post",
        "/api/v1/track/{RCV_CODE}/rate/",
        {"value": "satisfied"},
        dict.fromkeys(ROLES, 409),
    ),
    "track_withdraw": ("post", "/api/v1/track/{RCV_CODE}/withdraw/", None, dict.fromkeys(ROLES, 200)),
    "track_withdraw.answered": ("post", "/api/v1/track/{ANS_CODE}/withdraw/", None, dict.fromkeys(ROLES, 409)),
    "opinions": ("get", "/api/v1/opinions/", None, expect(200)),
    "opinion": (
        "get",
        "/api/v1/opinions/{RCV}/",
        None,
        expect(404, station_staff=200, station_delegate=200, staff=200),
    ),
    "opinion.forwarded": (
        "get",
        "/api/v1/opinions/{FWD}/",
        None,
        expect(404, station_staff=200, station_delegate=200, clerk=200, staff=200),
    ),
    "opinion_answer": (
        "post",
        "/api/v1/opinions/{RCV}/answer/",
        {"text": "已联系街道修复。"},
        expect(404, station_staff=200, station_delegate=200, staff=403),
    ),
    "opinion_answer.forwarded": (
        "post",
        "/api/v1/opinions/{FWD}/answer/",
        {"text": "已联系街道修复。"},
        expect(404, station_staff=409, station_delegate=409, clerk=403, staff=403),
    ),
    "opinion_forward": (
        "post",
        "/api/v1/opinions/{RCV}/forward/",
        {"office": "{OFFICE}", "note": "请尽快处理。"},
        expect(404, station_staff=200, station_delegate=200, staff=403),
    ),
    "opinion_forward.forwarded": (
        "post",
        "/api/v1/opinions/{FWD}/forward/",
        {"office": "{OFFICE}"},
        expect(404, station_staff=409, station_delegate=409, clerk=403, staff=403),
    ),
    "opinion_office_answer": (
        "post",
        "/api/v1/opinions/{FWD}/office-answer/",
        {"text": "已修复。"},
        expect(404, station_staff=403, station_delegate=403, clerk=200, staff=403),
    ),
    "opinion_office_sign": (  # FWD is signed already: signing again changes nothing
        "post",
        "/api/v1/opinions/{FWD}/sign/",
        None,
        expect(404, station_staff=403, station_delegate=403, clerk=200, staff=403),
    ),
    "opinion_office_sign.not_forwarded": (
        "post",
        "/api/v1/opinions/{RCV}/sign/",
        None,
        expect(404, station_staff=403, station_delegate=403, staff=403),
    ),
    "opinion_extension_request": (
        "post",
        "/api/v1/opinions/{FWD}/extension-request/",
        {"until": "{LATER}", "reason": "需要协调供电公司。"},
        expect(404, station_staff=403, station_delegate=403, clerk=200, staff=403),
    ),
    "opinion_extension_request.bad_date": (
        "post",
        "/api/v1/opinions/{FWD}/extension-request/",
        {"until": "2099-13-45", "reason": "x"},
        expect(404, station_staff=400, station_delegate=400, clerk=400, staff=400),
    ),
    "opinion_extension_decision.none_pending": (
        "post",
        "/api/v1/opinions/{FWD}/extension-decision/",
        {"approve": True},
        expect(404, station_staff=409, station_delegate=409, clerk=403, staff=409),
    ),
    "resident_target": ("get", "/api/v1/residents/{ST_CODE}/", None, EVERYONE_200),
    "resident_target.unknown": ("get", "/api/v1/residents/NOSUCHCODE/", None, dict.fromkeys(ROLES, 404)),
    "resident_target.closed": ("get", "/api/v1/residents/{CLOSED_CODE}/", None, dict.fromkeys(ROLES, 404)),
    "resident_verification": (
        "post",
        "/api/v1/residents/{ST_CODE}/verification/",
        {"mobile": "13800000099"},
        dict.fromkeys(ROLES, 201),
    ),
    "resident_verification.bad_number": (
        "post",
        "/api/v1/residents/{ST_CODE}/verification/",
        {"mobile": "12345"},
        dict.fromkeys(ROLES, 400),
    ),
    "resident_opinion.without_code": (
        "post",
        "/api/v1/residents/{ST_CODE}/opinions/",
        {"topic": "路灯", "text": "坏了", "name": "张三", "mobile": "13800000099"},
        dict.fromkeys(ROLES, 400),
    ),
    "resident_opinion.closed_station": (
        "post",
        "/api/v1/residents/{CLOSED_CODE}/opinions/",
        {"topic": "路灯", "text": "坏了", "anonymous": True},
        dict.fromkeys(ROLES, 404),
    ),
    "opinion_office_answer.not_forwarded": (
        "post",
        "/api/v1/opinions/{RCV}/office-answer/",
        {"text": "已修复。"},
        expect(404, station_staff=403, station_delegate=403, staff=403),
    ),
}


@pytest.fixture
def stations_world(staff, delegate, other_delegate, office, clerk, other_clerk, settings):
    """Station ST (the delegate attached, a station staff account) and another station with its own people;
    RCV waiting for triage, FWD forwarded to the clerk's office, ANS answered; CLOSED an inactive station."""
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    station_staff = factories.UserFactory(username="lianluoyuan")
    station = station_actions.station_save(
        actor=staff,
        name="清溪社区代表联络站",
        address="花溪区清溪路1号",
        hours="每周三 9:00–12:00",
        delegates=[delegate],
        staff_users=[station_staff],
    )
    other_station_staff = factories.UserFactory(username="other_lianluoyuan")
    station_actions.station_save(
        actor=staff,
        name="青岩镇代表联络站",
        address="青岩镇",
        hours="每周五",
        delegates=[other_delegate],
        staff_users=[other_station_staff],
    )
    closed = factories.StationFactory(is_active=False)
    received = resident_opinion(station, mobile="13800000061")
    forwarded = resident_opinion(station, mobile="13800000062")
    station_actions.opinion_forward(opinion=forwarded, actor=station_staff, office=office)
    station_office.opinion_office_sign(opinion=forwarded, actor=clerk)
    answered = resident_opinion(station, mobile="13800000063")
    station_actions.opinion_answer(opinion=answered, actor=station_staff, text="已处理。")
    people = {
        "station_staff": station_staff,
        "other_station_staff": other_station_staff,
        "station_delegate": delegate.user,
        "other_delegate": other_delegate.user,
        "clerk": clerk,
        "other_clerk": other_clerk,
        "staff": staff,
    }
    ids = {
        "ST": station.pk,
        "CLOSED": closed.pk,
        "RCV": received.pk,
        "FWD": forwarded.pk,
        "ANS": answered.pk,
        "RCV_CODE": received.tracking_code,
        "ANS_CODE": answered.tracking_code,
        "OFFICE": office.pk,
        "ST_CODE": station.code,
        "CLOSED_CODE": closed.code,
        "LATER": (forwarded.answer_due + datetime.timedelta(days=3)).isoformat(),
    }
    return people, ids


def client_for(people, role):
    return Client() if role == "anonymous" else bearer(people[role])


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_station_endpoint_answers_each_role_as_designed(name, role, stations_world):
    people, ids = stations_world
    method, path, data, table = MATRIX[name]
    client = client_for(people, role)
    path = path.format(**ids)
    if data is None:
        response = getattr(client, method)(path)
    else:
        data = {
            key: int(value.format(**ids))
            if value == "{OFFICE}"
            else value.format(**ids)
            if isinstance(value, str)
            else value
            for key, value in data.items()
        }
        response = getattr(client, method)(path, data, content_type="application/json")
    assert response.status_code == table[role], (name, role, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"} and body["message"]


def test_refusals_carry_the_pages_chinese_messages(stations_world):
    people, ids = stations_world
    rate = Client().post(f"/api/v1/track/{ids['RCV_CODE']}/rate/", {"value": "satisfied"}, "application/json")
    assert rate.json() == {
        "code": "transition_not_allowed",
        "message": "这条意见还没有答复，暂不能评价。",
        "fields": {},
    }
    office_answer = bearer(people["staff"]).post(
        f"/api/v1/opinions/{ids['FWD']}/office-answer/", {"text": "答复。"}, "application/json"
    )
    assert office_answer.status_code == 403
    assert office_answer.json()["message"] == "只有转办的承办单位可以答复这条意见。"
    unsatisfied = Client().post(f"/api/v1/track/{ids['ANS_CODE']}/rate/", {"value": "unsatisfied"}, "application/json")
    assert unsatisfied.status_code == 400 and unsatisfied.json()["message"] == "请填写评价意见。"
    nowhere = bearer(people["station_staff"]).post(
        f"/api/v1/opinions/{ids['RCV']}/forward/", {"office": 999999}, "application/json"
    )
    assert nowhere.status_code == 400 and nowhere.json()["message"] == "请选择承办单位。"
    assert ResidentOpinion.objects.get(pk=ids["RCV"]).status == ResidentOpinion.Status.RECEIVED


def test_opinion_list_holds_only_what_each_role_may_handle(stations_world):
    people, ids = stations_world
    rcv, fwd, ans = ids["RCV"], ids["FWD"], ids["ANS"]
    expected = {
        "station_staff": {rcv, fwd, ans},
        "station_delegate": {rcv, fwd, ans},
        "other_station_staff": set(),
        "other_delegate": set(),
        "clerk": {fwd},
        "other_clerk": set(),
        "staff": {rcv, fwd, ans},
    }
    for role, wanted in expected.items():
        rows = bearer(people[role]).get("/api/v1/opinions/").json()["results"]
        assert {row["id"] for row in rows} == wanted, role


def test_personal_data_only_for_the_handlers_masked_for_office_and_staff(stations_world):
    people, ids = stations_world
    path = f"/api/v1/opinions/{ids['FWD']}/"
    handler = bearer(people["station_staff"]).get(path).json()
    assert handler["resident"] == {"name": "张三", "mobile": "13800000062"}
    assert "13912345678" in handler["text"]
    assert SecurityEvent.objects.filter(event=SecurityEventKind.REVEAL, target_id=str(ids["FWD"])).exists()
    for role in ("clerk", "staff"):
        body = bearer(people[role]).get(path).json()
        assert body["resident"]["name"] == "张*", role
        assert body["resident"]["mobile"] != "13800000062" and body["resident"]["mobile"], role
        assert "13912345678" not in body["text"], role
    allowed = {a["action"] for a in bearer(people["clerk"]).get(path).json()["available_actions"] if a["allowed"]}
    assert "opinion_office_answer" in allowed and "opinion_personal_data" not in allowed


def test_tracking_shows_status_and_answers_without_personal_data(stations_world):
    _people, ids = stations_world
    body = Client().get(f"/api/v1/track/{ids['ANS_CODE'].lower()}/").json()
    assert body["status"] == "answered" and body["answer"] == "已处理。"
    assert "13912345678" not in body["text"]
    assert "张三" not in str(body) and "13800000063" not in str(body)
    allowed = {a["action"]: a["allowed"] for a in body["available_actions"]}
    assert allowed == {"add": False, "rate": True, "withdraw": False}


def test_public_station_shows_only_published_reviewed_text(stations_world):
    people, ids = stations_world
    answered = ResidentOpinion.objects.get(pk=ids["ANS"])
    station_actions.opinion_publish(
        opinion=answered, actor=people["station_staff"], public_text="清溪小区路灯不亮。", public_answer="已修复。"
    )
    body = Client().get(f"/api/v1/public/stations/{ids['ST']}/").json()
    assert [o["public_text"] for o in body["opinions"]] == ["清溪小区路灯不亮。"]
    assert body["figures"]["received"] == 3
    assert "张三" not in str(body) and "13912345678" not in str(body)
    listed = Client().get("/api/v1/public/stations/").json()["results"]
    assert {row["name"] for row in listed} == {"清溪社区代表联络站", "青岩镇代表联络站"}


def test_resident_opinion_forwarded_answered_by_the_office_and_rated_all_through_the_api(
    staff, delegate, office, clerk, settings
):
    station = station_actions.station_save(
        actor=staff, name="清溪社区代表联络站", address="花溪区清溪路1号", hours="每周三", delegates=[delegate]
    )
    opinion = resident_opinion(station, mobile="13800000071")
    code = opinion.tracking_code
    as_delegate, as_clerk, resident = bearer(delegate.user), bearer(clerk), Client()

    offered = {
        a["action"]
        for a in as_delegate.get(f"/api/v1/opinions/{opinion.pk}/").json()["available_actions"]
        if a["allowed"]
    }
    assert {"opinion_answer", "opinion_forward"} <= offered
    forwarded = as_delegate.post(
        f"/api/v1/opinions/{opinion.pk}/forward/", {"office": office.pk, "note": "请核实。"}, "application/json"
    )
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    assert forwarded.json()["forwarded_office"] == {"id": office.pk, "name": office.name}
    assert resident.get(f"/api/v1/track/{code}/").json()["status"] == "forwarded"

    assert [row["id"] for row in as_clerk.get("/api/v1/opinions/").json()["results"]] == [opinion.pk]
    early = as_clerk.post(f"/api/v1/opinions/{opinion.pk}/office-answer/", {"text": "已修。"}, "application/json")
    assert early.status_code == 409 and early.json()["message"] == "请先签收再答复。"
    signed = as_clerk.post(f"/api/v1/opinions/{opinion.pk}/sign/")
    assert signed.status_code == 200
    offered = {a["action"] for a in signed.json()["available_actions"] if a["allowed"]}
    assert {"opinion_office_answer", "opinion_request_extension"} <= offered
    until = (opinion.answer_due + datetime.timedelta(days=5)).isoformat()
    asked = as_clerk.post(
        f"/api/v1/opinions/{opinion.pk}/extension-request/",
        {"until": until, "reason": "需更换线路。"},
        "application/json",
    )
    assert asked.status_code == 200
    decided = as_delegate.post(
        f"/api/v1/opinions/{opinion.pk}/extension-decision/", {"approve": True}, "application/json"
    )
    assert decided.status_code == 200 and decided.json()["answer_due"] == until
    opinion.refresh_from_db()
    assert opinion.effective_answer_due.isoformat() == until
    answered = as_clerk.post(
        f"/api/v1/opinions/{opinion.pk}/office-answer/", {"text": "路灯已全部更换。"}, "application/json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"

    tracked = resident.get(f"/api/v1/track/{code}/").json()
    assert tracked["answer"] == "路灯已全部更换。"
    rated = resident.post(f"/api/v1/track/{code}/rate/", {"value": "basic"}, "application/json")
    assert rated.status_code == 200 and rated.json()["status"] == "closed" and rated.json()["rating"] == "basic"
    again = resident.post(f"/api/v1/track/{code}/rate/", {"value": "satisfied"}, "application/json")
    assert again.status_code == 409
    opinion.refresh_from_db()
    assert opinion.status == ResidentOpinion.Status.CLOSED and opinion.rating == "basic"


def _queries(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_station_and_opinion_lists_run_a_fixed_number_of_queries(staff, delegate, office, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    station_staff = factories.UserFactory(username="lianluoyuan")
    station = station_actions.station_save(
        actor=staff,
        name="清溪社区代表联络站",
        address="花溪区",
        hours="每周三",
        delegates=[delegate],
        staff_users=[station_staff],
    )

    def add(n, start):
        for i in range(n):
            factories.StationFactory()
            opinion = resident_opinion(station, mobile=f"138000001{start + i:02d}")
            station_actions.opinion_forward(opinion=opinion, actor=station_staff, office=office)

    counts = []
    for n, start in ((1, 0), (5, 1)):
        add(n, start)
        counts.append(
            (
                _queries(Client(), "/api/v1/public/stations/"),
                _queries(bearer(station_staff), "/api/v1/opinions/"),
                _queries(bearer(delegate.user), "/api/v1/opinions/"),
                _queries(bearer(staff), "/api/v1/opinions/"),
            )
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1]) <= 12, counts


def test_tracking_code_guesses_are_throttled_per_address(stations_world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "1000/min", "address": "3/min"})
    guesses = [Client().get(f"/api/v1/track/GUESS{i}/") for i in range(3)]
    assert [r.status_code for r in guesses] == [404, 404, 404]
    refused = Client().post(f"/api/v1/track/{stations_world[1]['RCV_CODE']}/withdraw/")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused.json()["code"] == "throttled"
    assert ResidentOpinion.objects.get(pk=stations_world[1]["RCV"]).status == ResidentOpinion.Status.RECEIVED
