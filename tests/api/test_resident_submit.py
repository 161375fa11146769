"""A resident sends a new opinion through the API (issue 22): the code's target, the SMS code, the opinion with
photos, the tracking code back — the form's checks through the same services, hostile input and rate limits,
and no personal data in any answer."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from PIL import Image
from rest_framework.throttling import SimpleRateThrottle

from stations import actions as station_actions
from stations.models import OpinionPhoto, PhoneVerification, ResidentOpinion, StationDelegate
from tests import factories
from tests.api.conftest import _last_code

pytestmark = pytest.mark.django_db

MOBILE = "13800000081"


@pytest.fixture
def station(staff, delegate, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    return station_actions.station_save(
        actor=staff, name="清溪社区代表联络站", address="花溪区清溪路1号", hours="每周三", delegates=[delegate]
    )


def _client(address="10.20.0.1"):
    return Client(REMOTE_ADDR=address)


def _verify(client, code, mobile=MOBILE):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the SMS leaves after commit
        response = client.post(f"/api/v1/residents/{code}/verification/", {"mobile": mobile}, "application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"verification", "expires_in"} and _last_code(mobile) not in str(body)
    return body["verification"]


def _send(client, code, **fields):
    data = {
        "topic": "路灯不亮",
        "text": "清溪小区路灯坏了三盏。",
        "place": "清溪小区",
        "name": "张三",
        "mobile": MOBILE,
    }
    data.update(fields)
    return client.post(f"/api/v1/residents/{code}/opinions/", data)  # multipart, as a phone sends photos


def test_a_resident_scans_confirms_the_number_sends_with_a_photo_and_follows_it(station, delegate):
    client = _client()
    member_code = StationDelegate.objects.get(station=station, delegate=delegate).code
    target = client.get(f"/api/v1/residents/{member_code}/").json()
    assert target["station"]["name"] == "清溪社区代表联络站" and target["delegate"]["id"] == delegate.pk
    assert target["allow_anonymous"] is False and target["max_photos"] == 4

    token = _verify(client, member_code)
    photo = SimpleUploadedFile("lamp.jpg", factories.photo_bytes(), content_type="image/jpeg")
    sent = _send(client, member_code, verification=token, sms_code=_last_code(MOBILE), photos=[photo])
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["status"] == "received" and set(body) == {"tracking_code", "status", "status_display"}
    opinion = ResidentOpinion.objects.get(tracking_code=body["tracking_code"])
    assert opinion.delegate == delegate and opinion.resident_mobile == MOBILE and opinion.resident_name == "张三"
    with Image.open(OpinionPhoto.objects.get(opinion=opinion).image.open("rb")) as stored:
        assert not stored.getexif()  # the phone's GPS position is gone

    tracked = client.get(f"/api/v1/track/{body['tracking_code']}/").json()
    assert tracked["status"] == "received" and "张三" not in str(tracked) and MOBILE not in str(tracked)
    # The code is used: the same token and code cannot send a second opinion.
    again = _send(client, member_code, verification=token, sms_code=_last_code(MOBILE))
    assert again.status_code == 400 and ResidentOpinion.objects.count() == 1


def test_the_honeypot_a_forged_token_and_a_wrong_code_are_refused_with_nothing_saved(station):
    client = _client()
    token = _verify(client, station.code)
    code = _last_code(MOBILE)
    robot = _send(client, station.code, verification=token, sms_code=code, website="http://spam.example")
    assert robot.status_code == 400 and robot.json()["message"] == "提交未成功，请刷新页面后重新填写。"
    forged = _send(client, station.code, verification=token[:-2] + "xx", sms_code=code)
    assert forged.status_code == 400 and forged.json()["message"] == "验证码已失效，请重新获取。"
    other = PhoneVerification.objects.get()
    wrong = _send(client, station.code, verification=token, sms_code="000000" if code != "000000" else "111111")
    assert wrong.status_code == 400 and "验证码不正确" in wrong.json()["message"]
    other.refresh_from_db()
    assert other.attempts == 1 and other.used_at is None
    no_token = _send(client, station.code, sms_code=code)
    assert no_token.status_code == 400 and no_token.json()["message"] == "请先获取手机验证码。"
    assert not ResidentOpinion.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"), "不是有效的照片"),
        (lambda: SimpleUploadedFile("x.pdf", b"%PDF-1.4 not an image", content_type="image/jpeg"), "不是有效的照片"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused(station, upload, message):
    client = _client()
    token = _verify(client, station.code)
    response = _send(client, station.code, verification=token, sms_code=_last_code(MOBILE), photos=[upload()])
    assert response.status_code == 400 and message in response.json()["message"]
    assert not ResidentOpinion.objects.exists() and not OpinionPhoto.objects.exists()


def test_too_many_or_too_large_photos_are_refused(station, settings):
    client = _client()
    token = _verify(client, station.code)
    code = _last_code(MOBILE)
    five = [SimpleUploadedFile(f"{i}.png", factories.photo_bytes(fmt="PNG")) for i in range(5)]
    response = _send(client, station.code, verification=token, sms_code=code, photos=five)
    assert response.status_code == 400 and "最多上传4张照片" in response.json()["message"]
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "photo_bytes": 100}
    big = SimpleUploadedFile("big.jpg", factories.photo_bytes())
    response = _send(client, station.code, verification=token, sms_code=code, photos=[big])
    assert response.status_code == 400 and "超过" in response.json()["message"]
    assert not ResidentOpinion.objects.exists()


def test_anonymous_only_where_the_station_allows_it(station):
    client = _client()
    refused = _send(client, station.code, anonymous="true", name="", mobile="")
    assert refused.status_code == 400 and "不接收匿名意见" in refused.json()["message"]
    station.allow_anonymous = True
    station.save()
    sent = _send(client, station.code, anonymous="true", name="", mobile="")
    assert sent.status_code == 201
    opinion = ResidentOpinion.objects.get()
    assert opinion.anonymous and opinion.resident_mobile == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"topic": ""},
        {"topic": "长" * 101},
        {"text": "长" * 2001},
        {"text": "<script>alert(1)</script>" * 200},
        {"anonymous": "maybe"},
        {"photos": "not a file"},
        {"mobile": "１３８００００００８１"},
        {"verification": "x" * 500},
    ],
)
def test_hostile_fields_answer_400_with_a_message_and_save_nothing(station, fields):
    response = _send(_client(), station.code, **fields)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    assert not ResidentOpinion.objects.exists()


def test_codes_are_limited_per_number_and_per_address(station, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "otp_per_mobile_hour": 2, "otp_per_address_hour": 3}
    client = _client("10.30.0.1")
    for _ in range(2):
        _verify(client, station.code)
    refused = client.post(f"/api/v1/residents/{station.code}/verification/", {"mobile": MOBILE}, "application/json")
    assert refused.status_code == 400 and "过于频繁" in refused.json()["message"]
    _verify(client, station.code, mobile="13800000082")
    refused = client.post(
        f"/api/v1/residents/{station.code}/verification/", {"mobile": "13800000083"}, "application/json"
    )
    assert refused.status_code == 400 and "网络" in refused.json()["message"]
    assert PhoneVerification.objects.count() == 3
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 60}
    hurried = _client("10.30.0.2").post(
        f"/api/v1/residents/{station.code}/verification/", {"mobile": "13800000082"}, "application/json"
    )
    assert hurried.status_code == 400 and "秒后再试" in hurried.json()["message"]


def test_opinions_are_limited_per_number_a_day(station, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "opinions_per_mobile_day": 1}
    client = _client()
    token = _verify(client, station.code)
    assert _send(client, station.code, verification=token, sms_code=_last_code(MOBILE)).status_code == 201
    token = _verify(client, station.code)
    refused = _send(client, station.code, verification=token, sms_code=_last_code(MOBILE))
    assert refused.status_code == 400 and "已达上限" in refused.json()["message"]
    assert ResidentOpinion.objects.count() == 1


def test_the_anonymous_endpoints_are_throttled_per_address(station, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "1000/min", "address": "2/min"})
    client = _client("10.40.0.1")
    assert client.get(f"/api/v1/residents/{station.code}/").status_code == 200
    assert client.get(f"/api/v1/residents/{station.code}/").status_code == 200
    refused = client.post(f"/api/v1/residents/{station.code}/verification/", {"mobile": MOBILE}, "application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert not PhoneVerification.objects.exists()


def test_an_inactive_station_sends_no_code(station):
    station.is_active = False
    station.save()
    client = _client()
    response = client.post(f"/api/v1/residents/{station.code}/verification/", {"mobile": MOBILE}, "application/json")
    assert response.status_code == 404 and not PhoneVerification.objects.exists()


def test_a_photo_upload_bigger_than_any_limit_is_refused_by_size_before_decoding(station, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0, "photo_bytes": 2048}
    client = _client()
    token = _verify(client, station.code)
    blob = io.BytesIO(b"\xff\xd8\xff" + b"0" * 5000)
    upload = SimpleUploadedFile("huge.jpg", blob.getvalue(), content_type="image/jpeg")
    response = _send(client, station.code, verification=token, sms_code=_last_code(MOBILE), photos=[upload])
    assert response.status_code == 400 and "超过" in response.json()["message"]
