"""ETag/If-None-Match, If-Match on drafts (412 on a stale write), Idempotency-Key, throttling with Retry-After,
ISO dates, the error shape, the schema and the documentation page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from suggestions.models import Attachment, Rating, Suggestion
from tests import factories
from tests.api.conftest import bearer
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db


def _draft(app, category, **extra):
    payload = {"title": "关于路灯的建议", "body": "路灯坏了。", "category": category.pk, **extra}
    return app.post("/api/v1/suggestions/", payload, content_type="application/json")


def test_read_sends_an_etag_and_an_unchanged_resource_answers_304(session, delegate):
    app = bearer(delegate.user)
    pk = _draft(app, factories.CategoryFactory()).json()["id"]
    first = app.get(f"/api/v1/suggestions/{pk}/")
    assert first.status_code == 200 and first["ETag"]
    again = app.get(f"/api/v1/suggestions/{pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "private, no-cache"


def test_stale_draft_update_gets_412_and_never_overwrites(session, delegate):
    phone, laptop = bearer(delegate.user, "手机"), bearer(delegate.user, "电脑")
    pk = _draft(phone, factories.CategoryFactory()).json()["id"]
    etag = phone.get(f"/api/v1/suggestions/{pk}/")["ETag"]
    saved = laptop.patch(
        f"/api/v1/suggestions/{pk}/", {"title": "电脑上改的标题"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert saved.status_code == 200 and saved["ETag"] != etag
    stale = phone.patch(
        f"/api/v1/suggestions/{pk}/", {"title": "手机上改的标题"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert Suggestion.objects.get(pk=pk).title == "电脑上改的标题"
    # The ETag the answer carried is the one a GET gives: the next autosave goes through with it.
    assert phone.get(f"/api/v1/suggestions/{pk}/")["ETag"] == saved["ETag"]
    fresh = phone.patch(
        f"/api/v1/suggestions/{pk}/", {"body": "新内容"}, content_type="application/json", HTTP_IF_MATCH=saved["ETag"]
    )
    assert fresh.status_code == 200 and fresh.json()["title"] == "电脑上改的标题"


def test_draft_update_without_if_match_is_refused_with_428(session, delegate):
    app = bearer(delegate.user)
    pk = _draft(app, factories.CategoryFactory()).json()["id"]
    response = app.patch(f"/api/v1/suggestions/{pk}/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 428
    assert Suggestion.objects.get(pk=pk).title == "关于路灯的建议"


def test_bad_draft_input_answers_the_pages_chinese_message_and_saves_nothing(session, delegate):
    app = bearer(delegate.user)
    response = _draft(app, factories.CategoryFactory(), title="   ")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_input", "message": "请填写标题。", "fields": {}}
    response = app.post("/api/v1/suggestions/", {"title": "标题"}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()["fields"]) == {"body", "category"}
    assert not Suggestion.objects.exists()


def test_idempotency_key_replays_the_first_answer_and_never_files_twice(session, delegate):
    app = bearer(delegate.user)
    category = factories.CategoryFactory()
    first = app.post(
        "/api/v1/suggestions/",
        {"title": "标题", "body": "内容", "category": category.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    replay = app.post(
        "/api/v1/suggestions/",
        {"title": "标题", "body": "内容", "category": category.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert replay.status_code == first.status_code == 201
    assert replay.json() == first.json()
    assert Suggestion.objects.count() == 1
    other = app.post(
        "/api/v1/suggestions/",
        {"title": "另一个标题", "body": "内容", "category": category.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Suggestion.objects.count() == 1


def test_idempotency_keys_are_per_person(session, delegate, other_delegate):
    category = factories.CategoryFactory()
    for person in (delegate, other_delegate):
        response = bearer(person.user).post(
            "/api/v1/suggestions/",
            {"title": "标题", "body": "内容", "category": category.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="same",
        )
        assert response.status_code == 201
    assert Suggestion.objects.count() == 2


def test_a_refused_request_does_not_keep_its_key_so_a_corrected_retry_runs(session, delegate):
    app = bearer(delegate.user)
    category = factories.CategoryFactory()
    bad = app.post(
        "/api/v1/suggestions/",
        {"title": " ", "body": "内容", "category": category.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert bad.status_code == 400
    good = app.post(
        "/api/v1/suggestions/",
        {"title": "标题", "body": "内容", "category": category.pk},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert good.status_code == 201


def test_idempotent_upload_and_rating_do_not_repeat(replied, delegate):
    app = bearer(delegate.user)
    suggestion = replied.suggestion
    for _attempt in range(2):
        response = app.post(
            f"/api/v1/replies/{replied.pk}/ratings/",
            {"value": "satisfied"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="rate-1",
        )
        assert response.status_code == 201
    assert Rating.objects.filter(reply=replied).count() == 1
    draft = factories.SuggestionFactory(session=suggestion.session, lead_delegate=delegate)
    for _attempt in range(2):
        upload = SimpleUploadedFile("图.pdf", factories.SIGNED_LETTER_PDF)
        assert (
            app.post(f"/api/v1/suggestions/{draft.pk}/attachments/", {"file": upload}, HTTP_IDEMPOTENCY_KEY="up-1")
        ).status_code == 201
    assert Attachment.objects.filter(suggestion=draft).count() == 1


def test_upload_of_a_disguised_file_is_refused_with_the_pages_message(session, delegate):
    app = bearer(delegate.user)
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    upload = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf")
    response = app.post(f"/api/v1/suggestions/{draft.pk}/attachments/", {"file": upload})
    assert response.status_code == 400
    assert "类型不被允许" in response.json()["message"]


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/min", "address": "1000/min"},
    }
)
def test_throttle_per_user_answers_429_with_retry_after(delegate, other_delegate):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        phone, laptop = bearer(delegate.user, "手机"), bearer(delegate.user, "电脑")
        codes = [phone.get("/api/v1/me/").status_code for _ in range(3)]
        refused = laptop.get("/api/v1/me/")  # the same person on another device
        assert codes == [200, 200, 200] and refused.status_code == 429
        assert int(refused["Retry-After"]) >= 1
        assert refused.json()["code"] == "throttled" and "请求过于频繁" in refused.json()["message"]
        assert bearer(other_delegate.user).get("/api/v1/me/").status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1000/min", "address": "2/min"},
    }
)
def test_throttle_per_address_covers_anonymous_and_logged_in_alike(delegate):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        anonymous = Client(REMOTE_ADDR="10.0.0.9")
        assert anonymous.get("/api/v1/me/").status_code == 401
        assert bearer(delegate.user).get("/api/v1/me/", REMOTE_ADDR="10.0.0.9").status_code == 200
        refused = anonymous.get("/api/v1/me/", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert refused.status_code == 429 and refused["Retry-After"]
        assert Client(REMOTE_ADDR="10.0.0.10").get("/api/v1/me/").status_code == 401
        # Guessing tokens from one address is throttled like anything else.
        guesser = Client(REMOTE_ADDR="10.0.0.11", HTTP_AUTHORIZATION="Bearer hx_guess")
        assert [guesser.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 429]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def test_dates_are_iso_8601(session, delegate):
    body = _draft(bearer(delegate.user), factories.CategoryFactory()).json()
    assert body["created_at"][:4].isdigit() and "T" in body["created_at"]
    assert body["created_at"].endswith("+08:00")


def test_schema_is_openapi_3_with_chinese_descriptions_and_no_free_form_objects():
    import yaml

    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]["/api/v1/suggestions/{id}/submit/"]["post"]["summary"] == "提交建议"

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" not in node:
                extra = node.get("additionalProperties")
                assert isinstance(extra, dict) and extra, f"free-form object at {where}"
            if node.get("additionalProperties") is True:
                raise AssertionError(f"free-form object at {where}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema["components"], "components")


def test_documentation_page_uses_only_local_assets():
    page = Client().get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_office_replies_are_visible_to_delegates_only_once_submitted(assigned, lead_assignment, clerk, delegate):
    from django.utils import timezone

    from suggestions import actions

    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    actions.contact_record(
        assignment=lead_assignment,
        actor=clerk,
        method="phone",
        date=timezone.localdate(),
        participants="代表",
        summary="电话。",
    )
    actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿答复内容")
    body = bearer(delegate.user).get(f"/api/v1/suggestions/{assigned.pk}/").content.decode()
    assert "草稿答复内容" not in body
    office_view = bearer(clerk).get(f"/api/v1/suggestions/{assigned.pk}/").json()
    assert office_view["replies"][0]["text"] == "草稿答复内容"
    carry_to_reply  # noqa: B018 - imported for the fixtures' module
