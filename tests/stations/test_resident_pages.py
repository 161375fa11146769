"""The resident's pages through HTTP: two steps with the SMS code, tracking, honeypot, hostile input, QR codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stations import actions
from stations.models import ResidentOpinion
from tests import factories
from tests.stations.conftest import last_code

pytestmark = pytest.mark.django_db


def _get_code(client, station, mobile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("residents:scan", args=[station.code]), {"mobile": mobile})
    assert response.status_code == 302
    return last_code(mobile)


def test_a_resident_sends_an_opinion_with_a_photo_and_follows_it_without_personal_data(
    client, station, django_capture_on_commit_callbacks
):
    code = _get_code(client, station, "13700137000", django_capture_on_commit_callbacks)
    photo = SimpleUploadedFile("p.jpg", factories.photo_bytes(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("residents:form", args=[station.code]),
            {
                "code": code,
                "topic": "垃圾清运",
                "text": "请联系我13700137000，垃圾三天没人收。",
                "place": "清溪小区",
                "name": "赵六",
                "photos": [photo],
            },
        )
    opinion = ResidentOpinion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "residents:track", args=[opinion.tracking_code]
    )
    page = client.get(response["Location"]).content.decode()
    assert opinion.tracking_code in page and "垃圾清运" in page
    assert "13700137000" not in page and "赵六" not in page
    assert opinion.photos.count() == 1


def test_the_honeypot_refuses_with_a_message_and_saves_nothing(client, station, django_capture_on_commit_callbacks):
    code = _get_code(client, station, "13700137001", django_capture_on_commit_callbacks)
    response = client.post(
        reverse("residents:form", args=[station.code]),
        {"code": code, "topic": "t", "text": "x", "name": "机器人", "website": "http://spam.example"},
    )
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not ResidentOpinion.objects.exists()


def test_a_wrong_sms_code_is_shown_as_a_chinese_message(client, station, django_capture_on_commit_callbacks):
    code = _get_code(client, station, "13700137002", django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        reverse("residents:form", args=[station.code]), {"code": wrong, "topic": "t", "text": "x", "name": "钱七"}
    )
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()


def test_the_form_without_a_code_sent_goes_back_to_the_first_step(client, station):
    response = client.get(reverse("residents:form", args=[station.code]))
    assert response.status_code == 302 and response["Location"] == reverse("residents:scan", args=[station.code])


def test_an_anonymous_opinion_where_allowed_needs_no_number(client, station):
    response = client.post(
        reverse("residents:form", args=[station.code]) + "?anonymous=1", {"topic": "噪音", "text": "夜里施工"}
    )
    assert response.status_code == 302
    assert ResidentOpinion.objects.get().anonymous


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "'; DROP TABLE stations_residentopinion; --", "\u202eevil", "𝕏" * 50],
)
def test_hostile_text_is_stored_as_text_and_shown_escaped(client, station, text):
    response = client.post(
        reverse("residents:form", args=[station.code]) + "?anonymous=1", {"topic": "t", "text": text}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        page = client.get(response["Location"]).content.decode()
        assert "<script>alert(1)</script>" not in page


def test_an_unknown_station_code_or_tracking_code_is_404(client, db):
    assert client.get(reverse("residents:scan", args=["NOSUCH"])).status_code == 404
    assert client.get(reverse("residents:track", args=["NOSUCH"])).status_code == 404
    response = client.get(reverse("residents:lookup"), {"code": "NOSUCH"})
    assert response.status_code == 200 and "没有找到" in response.content.decode()


def test_qr_codes_are_png_and_svg_of_the_residents_form_and_the_poster_names_the_station(
    client, station, station_clerk
):
    client.force_login(station_clerk)
    png = client.get(reverse("stations:qr", args=[station.pk, "png"]))
    assert png["Content-Type"] == "image/png" and b"".join(png.streaming_content).startswith(b"\x89PNG")
    svg = client.get(reverse("stations:qr", args=[station.pk, "svg"]))
    assert b"<svg xmlns=" in b"".join(svg.streaming_content)
    poster = client.get(reverse("stations:poster", args=[station.pk])).content.decode()
    assert station.name in poster and station.hours in poster


def test_a_station_page_lists_only_published_answers(client, station, send_opinion, station_clerk):
    opinion = send_opinion(station)
    actions.opinion_answer(opinion=opinion, actor=station_clerk, text="已修复。")
    page = client.get(reverse("stations:public", args=[station.pk])).content.decode()
    assert "路灯不亮" not in page
    actions.opinion_publish(opinion=opinion, actor=station_clerk, public_text="路灯坏了。", public_answer="已修复。")
    page = client.get(reverse("stations:public", args=[station.pk])).content.decode()
    assert "路灯不亮" in page and "张三" not in page
