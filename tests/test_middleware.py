"""huaxi_renda/middleware.py: control characters, the client address behind nginx, private pages not cached."""

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from huaxi_renda.middleware import ControlCharacterMiddleware
from suggestions.models import Suggestion
from tests import factories

# --------------------------------------------------------------------------- control characters


def _through(request):
    seen = {}

    def view(req):
        seen["request"] = req
        return HttpResponse()

    ControlCharacterMiddleware(view)(request)
    return seen["request"]


def test_query_parameters_lose_every_control_character():
    request = _through(RequestFactory().get("/", {"q": "老旧\x00小区\n\x1b", "k\x00ey": "x"}))
    assert request.GET["q"] == "老旧小区"
    assert request.GET["key"] == "x"


def test_form_fields_lose_control_characters_but_keep_tabs_and_line_breaks():
    request = _through(RequestFactory().post("/", {"body": "一\r\n二\t三\x00\x07\x7f\x85", "title": "标\x00题"}))
    assert request.POST["body"] == "一\r\n二\t三"
    assert request.POST["title"] == "标题"


def test_upload_names_lose_control_characters():
    upload = SimpleUploadedFile("答复\x01函\x00.pdf", b"%PDF-1.4\n")
    request = _through(RequestFactory().post("/", {"file": upload}))
    assert request.FILES["file"].name == "答复函.pdf"


@pytest.mark.django_db
def test_a_nul_byte_in_the_delegates_invite_search_is_ignored_not_a_server_error(client, draft, delegate):
    client.force_login(delegate.user)
    response = client.get(f"/delegate/suggestions/{draft.pk}/", {"q": "\x00"})
    assert response.status_code == 200
    response = client.get(f"/delegate/suggestions/{draft.pk}/", {"q": "王\x00"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_a_posted_title_is_dropped_and_the_draft_saved(client, delegate, session):
    client.force_login(delegate.user)
    category = factories.CategoryFactory()
    response = client.post(
        "/delegate/new/",
        {
            "title": "关于\x00增设公交站点的建议",
            "body": "第一段。\r\n第二段\x00。",
            "category": category.pk,
            "series": "session",
            "action": "save",
        },
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    saved = Suggestion.objects.get(lead_delegate=delegate)
    assert saved.title == "关于增设公交站点的建议"
    assert "\x00" not in saved.body and "\n" in saved.body


# --------------------------------------------------------------------------- the client address behind nginx


def _fail_login(client, username, *, peer, real_ip=None):
    headers = {"REMOTE_ADDR": peer}
    if real_ip:
        headers["HTTP_X_REAL_IP"] = real_ip
        headers["HTTP_X_FORWARDED_FOR"] = real_ip
    return client.post("/accounts/login/", {"username": username, "password": "wrong"}, **headers)


@pytest.mark.django_db
def test_behind_nginx_one_clients_wrong_passwords_do_not_lock_out_another_client(client, settings):
    factories.UserFactory(username="wangwu")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _fail_login(client, "wangwu", peer="127.0.0.1", real_ip="203.0.113.5")
    assert response.status_code == 429
    # Another person behind the same nginx still logs in.
    response = client.post(
        "/accounts/login/",
        {"username": "wangwu", "password": "pw-123456"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="198.51.100.20",
    )
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.django_db
def test_a_client_address_header_from_an_untrusted_peer_is_ignored(client):
    factories.UserFactory(username="zhaoliu")
    _fail_login(client, "zhaoliu", peer="192.0.2.44", real_ip="203.0.113.99")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.44"}


@pytest.mark.django_db
def test_the_trusted_proxies_are_a_setting(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    factories.UserFactory(username="sunqi")
    _fail_login(client, "sunqi", peer="127.0.0.1", real_ip="203.0.113.7")
    _fail_login(client, "sunqi", peer="10.0.0.2", real_ip="203.0.113.8")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1", "203.0.113.8"}


# --------------------------------------------------------------------------- Cache-Control


@pytest.mark.django_db
def test_logged_in_pages_and_downloads_are_private_and_not_stored(client, staff, delegate):
    client.force_login(staff)
    for url in ("/staff/", "/staff/track/", "/staff/reports/export/summary.xlsx", "/public/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    client.force_login(delegate.user)
    response = client.get("/delegate/")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_login_page_is_not_stored_but_public_pages_keep_their_caching(client):
    login = client.get("/accounts/login/")["Cache-Control"]
    assert "private" in login and "no-store" in login
    for url in ("/public/", "/public/stats/", "/public/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
