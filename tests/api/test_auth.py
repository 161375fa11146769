"""Device tokens: made on the token page after a login, sent in the header only, stored hashed, revocable."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import DeviceToken, hash_token

pytestmark = pytest.mark.django_db


def _make_on_page(user, name="我的手机"):
    client = Client()
    client.force_login(user)
    response = client.post(reverse("api_tokens:create"), {"name": name, "days": "30"})
    assert response.status_code == 200
    return response.context["new_token"], client


def test_token_made_on_the_page_is_shown_once_and_stored_only_hashed(delegate):
    raw, client = _make_on_page(delegate.user)
    token = DeviceToken.objects.get(user=delegate.user)
    assert token.key_hash == hash_token(raw)
    assert raw not in str(DeviceToken.objects.values_list().get(pk=token.pk))
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert "我的手机" in page and raw not in page


def test_bearer_and_token_headers_authenticate_and_record_last_use(delegate):
    raw, _client = _make_on_page(delegate.user)
    for keyword in ("Bearer", "Token"):
        response = Client(HTTP_AUTHORIZATION=f"{keyword} {raw}").get("/api/v1/me/")
        assert response.status_code == 200
        assert response.json()["delegate"]["name"] == delegate.name
    assert DeviceToken.objects.get(user=delegate.user).last_used_at is not None


def test_token_in_the_url_is_never_accepted(delegate):
    raw, _client = _make_on_page(delegate.user)
    for param in ("token", "access_token", "auth"):
        response = Client().get(f"/api/v1/me/?{param}={raw}")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_revoked_and_expired_tokens_are_refused(delegate):
    raw, client = _make_on_page(delegate.user)
    token = DeviceToken.objects.get(user=delegate.user)
    client.post(reverse("api_tokens:revoke"), {"token": token.pk})
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me/").status_code == 401
    other, raw2 = services.token_create(user=delegate.user, name="旧手机")
    DeviceToken.objects.filter(pk=other.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "令牌无效、已过期或已撤销。"


def test_one_person_cannot_revoke_another_persons_token(delegate, other_delegate):
    token, raw = services.token_create(user=delegate.user, name="手机")
    client = Client()
    client.force_login(other_delegate.user)
    assert client.post(reverse("api_tokens:revoke"), {"token": token.pk}).status_code == 400
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me/").status_code == 200


def test_token_page_needs_a_login_and_a_name(delegate):
    assert Client().get(reverse("api_tokens:list")).status_code == 302
    client = Client()
    client.force_login(delegate.user)
    response = client.post(reverse("api_tokens:create"), {"name": " "})
    assert response.status_code == 400
    assert "请填写设备名称。" in response.content.decode()


def test_no_endpoint_trades_a_password_for_a_token(delegate):
    delegate.user.set_password("pw-123456-long")
    delegate.user.save()
    for path in ("/api/v1/me/", "/api/v1/suggestions/"):
        response = Client().get(path, HTTP_AUTHORIZATION="Basic " + "ZGVsZWdhdGU6cHctMTIzNDU2LWxvbmc=")
        assert response.status_code == 401
    schema = Client().get("/api/v1/schema/").content.decode()
    assert "password" not in schema


def test_session_auth_for_the_sites_own_javascript_needs_csrf(delegate, session):
    from tests import factories

    client = Client(enforce_csrf_checks=True)
    client.force_login(delegate.user)
    assert client.get("/api/v1/me/").status_code == 200
    category = factories.CategoryFactory()
    response = client.post("/api/v1/suggestions/", {"title": "标题", "body": "内容", "category": category.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    client.get(reverse("api_tokens:list"))  # the page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/suggestions/",
        {"title": "标题", "body": "内容", "category": category.pk},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201, response.content


def test_api_answers_are_private_no_cache(delegate):
    raw, _client = _make_on_page(delegate.user)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me/")
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"]
    assert Client().get("/api/v1/me/")["Cache-Control"] == "private, no-cache"
