"""Publication privacy (issue #14): title, body and reply reach the public only in versions staff reviewed,
with personal data masked; only the final reply of a round, and only once rated unless staff say why."""

import csv
import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from suggestions import actions, publication
from suggestions.models import AuditLog, Rating, Reply, Suggestion
from tests import factories
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db

PHONE = "13985012345"
BODY = f"我家住青岩镇龙井村3组12号，门前道路坑洼不平，雨天积水严重。联系电话{PHONE}。建议尽快硬化道路。"
REPLY = "已将龙井村道路硬化列入2025年计划。经办人手机13608512345，身份证520111197507071234。"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _replied(session, delegate, staff, office, clerk, *, title="关于硬化龙井村道路的建议", body=BODY, text=REPLY):
    s = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, body=body)
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    [assignment] = actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
    return carry_to_reply(s, assignment, clerk, text=text)


def _rate(reply, delegate, value=Rating.Value.SATISFIED, comment=""):
    actions.rating_submit(reply=reply, actor=delegate.user, value=value, comment=comment)


def _public_texts(client, reply):
    """Everything the public can read about the suggestion: page, list, search, CSV and feed."""
    s = reply.suggestion
    pages = [
        client.get(reverse("public:detail", args=[s.pk])).content.decode(),
        client.get(reverse("public:list")).content.decode(),
        client.get(reverse("public:feed")).content.decode(),
        b"".join(client.get(reverse("public:csv")).streaming_content).decode("utf-8-sig"),
    ]
    return "\n".join(pages)


# --------------------------------------------------------------------------- item 1: title and body


def test_a_reply_cannot_be_published_before_the_title_and_body_are_reviewed(session, delegate, staff, office, clerk):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    actions.reply_save_public_text(reply=reply, actor=staff, public_text="已将道路硬化列入计划。")
    with pytest.raises(actions.InvalidInput, match="审核建议标题和内容"):
        actions.reply_publish(reply=reply, actor=staff)
    assert not Suggestion.objects.get(pk=reply.suggestion_id).is_published


def test_the_public_pages_search_csv_and_feed_read_only_the_reviewed_public_versions(
    client, session, delegate, staff, office, clerk
):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    texts = publication.public_texts(reply.suggestion, reply)  # what the review page pre-fills: masked
    title, body, text = (t.public for t in texts)
    assert PHONE not in body and "139****2345" in body and "3组12号" not in body
    actions.reply_publish(reply=reply, actor=staff, public_title=title, public_body=body, public_text=text)

    everything = _public_texts(client, reply)
    for secret in (PHONE, "3组12号", "13608512345", "520111197507071234"):
        assert secret not in everything
    assert "139****2345" in everything and "门前道路坑洼不平" in everything
    # The footer's promise is now true: contact details removed.
    assert "已隐去" in client.get(reverse("public:detail", args=[reply.suggestion_id])).content.decode()
    # Searching for the phone number (or a piece of the address) finds nothing; the public words still do.
    for term, found in ((PHONE, 0), ("3组12号", 0), ("道路坑洼", 1)):
        response = client.get(reverse("public:list"), {"q": term})
        assert response.content.decode().count(reverse("public:detail", args=[reply.suggestion_id])) == found, term


def test_the_csv_names_the_public_title_not_the_original(client, session, delegate, staff, office, clerk):
    reply = _replied(session, delegate, staff, office, clerk, title=f"关于{PHONE}反映道路问题的建议")
    _rate(reply, delegate)
    title, body, text = (t.public for t in publication.public_texts(reply.suggestion, reply))
    actions.reply_publish(reply=reply, actor=staff, public_title=title, public_body=body, public_text=text)
    content = b"".join(client.get(reverse("public:csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][1] == "关于139****2345反映道路问题的建议"


def test_staff_review_page_shows_title_body_and_reply_with_personal_data_marked_and_masked_versions(
    client, session, delegate, staff, office, clerk
):
    reply = _replied(session, delegate, staff, office, clerk)
    client.force_login(staff)
    page = client.get(reverse("staff:publication_edit", args=[reply.pk])).content.decode()
    assert f'<mark class="pii" title="手机号码">{PHONE}</mark>' in page
    assert '<mark class="pii" title="详细地址">3组12号</mark>' in page
    assert '<mark class="pii" title="身份证号码">520111197507071234</mark>' in page
    form = client.get(reverse("staff:publication_edit", args=[reply.pk])).context["form"]
    assert "139****2345" in form.initial["public_body"] and PHONE not in form.initial["public_body"]
    assert "520***********1234" in form.initial["public_text"]


def test_publishing_from_the_review_page_saves_the_edited_title_and_body(
    client, session, delegate, staff, office, clerk
):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    client.force_login(staff)
    response = client.post(
        reverse("staff:publication_edit", args=[reply.pk]),
        {
            "action": "publish",
            "public_title": "关于硬化村组道路的建议",
            "public_body": "门前道路坑洼不平，建议尽快硬化。",
            "public_text": "已将道路硬化列入2025年计划。",
        },
    )
    assert response.status_code == 302
    s = Suggestion.objects.get(pk=reply.suggestion_id)
    assert (s.public_title, s.public_body, s.is_published) == (
        "关于硬化村组道路的建议",
        "门前道路坑洼不平，建议尽快硬化。",
        True,
    )
    assert s.public_reviewed_by == staff
    assert AuditLog.objects.filter(suggestion=s, action="review_public_version").exists()


# --------------------------------------------------------------------------- item 2: bulk publish


def test_bulk_publish_skips_a_reply_whose_public_version_was_never_reviewed(
    client, session, delegate, staff, office, clerk
):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    actions.suggestion_save_public_version(
        suggestion=reply.suggestion, actor=staff, public_title="关于硬化道路的建议", public_body="建议硬化道路。"
    )
    client.force_login(staff)
    response = client.post(reverse("staff:publication_bulk"), {"replies": [reply.pk]}, follow=True)
    assert "公开版本尚未审核" in response.content.decode()
    reply.refresh_from_db()
    assert not reply.is_published
    assert "13608512345" not in client.get(reverse("public:list")).content.decode()


def test_bulk_publish_publishes_a_reviewed_rated_reply(client, session, delegate, staff, office, clerk):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    title, body, text = (t.public for t in publication.public_texts(reply.suggestion, reply))
    actions.reply_save_public_text(reply=reply, actor=staff, public_title=title, public_body=body, public_text=text)
    client.force_login(staff)
    response = client.post(reverse("staff:publication_bulk"), {"replies": [reply.pk]}, follow=True)
    assert "已公开1份答复" in response.content.decode()
    reply.refresh_from_db()
    assert reply.is_published and "13608512345" not in reply.public_text


# --------------------------------------------------------------------------- item 3: detection blocks publication


def test_an_unmasked_phone_in_a_public_version_refuses_publication(session, delegate, staff, office, clerk):
    reply = _replied(session, delegate, staff, office, clerk)
    _rate(reply, delegate)
    with pytest.raises(actions.InvalidInput, match="个人信息"):
        actions.reply_publish(
            reply=reply, actor=staff, public_title="关于道路的建议", public_body=BODY, public_text="已列入计划。"
        )
    reply.refresh_from_db()
    assert not reply.is_published and not Suggestion.objects.get(pk=reply.suggestion_id).is_published


def test_staff_may_record_that_a_flagged_number_is_not_personal_and_that_decision_is_audited(
    session, delegate, staff, office, clerk
):
    body = "建议在村口公示热线电话83861234，方便群众反映问题。"
    reply = _replied(session, delegate, staff, office, clerk, body=body, text="已设置公示牌。")
    _rate(reply, delegate)
    with pytest.raises(actions.InvalidInput):
        actions.reply_publish(
            reply=reply, actor=staff, public_title="关于公示热线的建议", public_body=body, public_text="已设置公示牌。"
        )
    actions.reply_publish(
        reply=reply,
        actor=staff,
        public_title="关于公示热线的建议",
        public_body=body,
        public_text="已设置公示牌。",
        not_personal=["83861234", "99999999"],  # a value that was never flagged is ignored
        note="这是镇政府值班热线，不是个人电话。",
    )
    s = Suggestion.objects.get(pk=reply.suggestion_id)
    assert s.is_published and s.public_body == body and s.public_not_personal == ["83861234"]
    log = AuditLog.objects.get(suggestion=s, action="pii_not_personal")
    assert (
        log.data == {"spans": ["83861234"]} and log.note == "这是镇政府值班热线，不是个人电话。" and log.actor == staff
    )


def test_the_review_page_offers_to_confirm_a_remaining_span_and_publishes_once_confirmed(
    client, session, delegate, staff, office, clerk
):
    body = "建议公示热线电话83861234。"
    reply = _replied(session, delegate, staff, office, clerk, body=body, text="已公示。")
    _rate(reply, delegate)
    client.force_login(staff)
    data = {"action": "publish", "public_title": "关于公示热线的建议", "public_body": body, "public_text": "已公示。"}
    refused = client.post(reverse("staff:publication_edit", args=[reply.pk]), data)
    assert refused.status_code == 400
    assert 'name="not_personal" value="83861234"' in refused.content.decode()
    done = client.post(
        reverse("staff:publication_edit", args=[reply.pk]), {**data, "not_personal": "83861234", "note": "单位热线"}
    )
    assert done.status_code == 302
    assert Reply.objects.get(pk=reply.pk).is_published


# --------------------------------------------------------------------------- item 14: final, rated replies only


def _contact(assignment, clerk):
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="meeting",
        date=timezone.localdate(assignment.assigned_at),
        participants="代表、经办人",
        summary="再次座谈。",
    )


def _second_round(reply, delegate, clerk, text="第二轮答复：道路已硬化。"):
    _rate(reply, delegate, Rating.Value.UNSATISFIED, "没有具体时间表")
    assignment = reply.assignment
    _contact(assignment, clerk)
    r2 = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text=text,
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=r2, actor=clerk)
    return r2


def test_a_superseded_reply_leaves_the_publication_queue_and_cannot_be_published(
    client, session, delegate, staff, office, clerk
):
    first = _replied(session, delegate, staff, office, clerk, body="建议硬化道路。", text="已列入计划。")
    _rate(first, delegate, Rating.Value.UNSATISFIED, "没有具体时间表")
    client.force_login(staff)
    queue = [r.pk for r in client.get(reverse("staff:publication")).context["page"].object_list]
    assert first.pk not in queue  # round 2 opened: round 1 is no longer the answer
    with pytest.raises(actions.TransitionNotAllowed, match="最后一轮"):
        actions.reply_publish(
            reply=first, actor=staff, public_title="关于道路的建议", public_body="建议硬化道路。", public_text="已列入计划。",
            early_reason="x",
        )  # fmt: skip
    _contact(first.assignment, clerk)
    second = actions.reply_save_draft(
        assignment=first.assignment,
        actor=clerk,
        text="道路已硬化。",
        result_class=factories.result_class("A"),
        signed_off_by="局长",
        attachment=factories.signed_letter(first.assignment, clerk),
    )
    actions.reply_submit(reply=second, actor=clerk)
    queue = [r.pk for r in client.get(reverse("staff:publication")).context["page"].object_list]
    assert queue == [second.pk]


def test_a_reply_is_not_published_before_the_delegates_rated_it_unless_staff_say_why(
    session, delegate, staff, office, clerk
):
    reply = _replied(session, delegate, staff, office, clerk, body="建议硬化道路。", text="已列入计划。")
    versions = {"public_title": "关于道路的建议", "public_body": "建议硬化道路。", "public_text": "已列入计划。"}
    with pytest.raises(actions.TransitionNotAllowed, match="尚未评价"):
        actions.reply_publish(reply=reply, actor=staff, **versions)
    assert not Reply.objects.get(pk=reply.pk).is_published
    actions.reply_publish(reply=reply, actor=staff, early_reason="代表外出学习，经主任同意先行公开", **versions)
    log = AuditLog.objects.get(suggestion=reply.suggestion, action="publish")
    assert log.note == "代表外出学习，经主任同意先行公开" and log.data["before_rating"] is True


def test_a_rated_reply_is_published_without_a_reason(session, delegate, staff, office, clerk):
    reply = _replied(session, delegate, staff, office, clerk, body="建议硬化道路。", text="已列入计划。")
    _rate(reply, delegate)
    actions.reply_publish(
        reply=reply,
        actor=staff,
        public_title="关于道路的建议",
        public_body="建议硬化道路。",
        public_text="已列入计划。",
    )
    assert Reply.objects.get(pk=reply.pk).is_published


# --------------------------------------------------------------------------- item 25: list and timeline


def test_the_publication_list_says_edited_only_when_a_public_version_differs(
    client, session, delegate, staff, office, clerk
):
    same = _replied(session, delegate, staff, office, clerk, title="关于甲的建议", body="建议甲。", text="答复甲。")
    edited = _replied(session, delegate, staff, office, clerk, title="关于乙的建议", body="建议乙。", text="答复乙。")
    waiting = _replied(session, delegate, staff, office, clerk, title="关于丙的建议", body="建议丙。", text="答复丙。")
    actions.reply_save_public_text(
        reply=same, actor=staff, public_title="关于甲的建议", public_body="建议甲。", public_text="答复甲。"
    )
    actions.reply_save_public_text(
        reply=edited, actor=staff, public_title="关于乙的建议", public_body="建议乙。", public_text="答复乙（删节）。"
    )
    client.force_login(staff)
    rows = {r.pk: r for r in client.get(reverse("staff:publication")).context["page"].object_list}
    assert rows[same.pk].edited is False and rows[edited.pk].edited is True
    assert rows[waiting.pk].public_reviewed_at is None
    page = client.get(reverse("staff:publication")).content.decode()
    assert page.count("已审核，已修改") == 1 and page.count("已审核，同原文") == 1 and page.count("待审核") == 1


def test_the_public_timeline_tells_of_re_handling_only_after_an_earlier_published_reply(
    client, session, delegate, staff, office, clerk
):
    first = _replied(session, delegate, staff, office, clerk, body="建议硬化道路。", text="已列入计划。")
    second = _second_round(first, delegate, clerk)
    _rate(second, delegate)
    actions.reply_publish(
        reply=second,
        actor=staff,
        public_title="关于道路的建议",
        public_body="建议硬化道路。",
        public_text="道路已硬化。",
    )
    page = client.get(reverse("public:detail", args=[first.suggestion_id])).content.decode()
    assert "道路已硬化。" in page and "已列入计划。" not in page
    assert "重新办理" not in page and "第2轮" not in page


# --------------------------------------------------------------------------- the data migration


def test_the_migration_masks_what_was_already_public(session, delegate, staff, office, clerk):
    from importlib import import_module

    reply = _replied(session, delegate, staff, office, clerk)
    # Published the old way: raw title, body and reply, no public versions.
    Suggestion.objects.filter(pk=reply.suggestion_id).update(is_published=True, status=Suggestion.Status.CLOSED)
    Reply.objects.filter(pk=reply.pk).update(is_published=True, public_text=REPLY)
    import_module("suggestions.migrations.0014_public_versions").mask_published(apps, None)
    s = Suggestion.objects.get(pk=reply.suggestion_id)
    assert (
        s.public_title == "关于硬化龙井村道路的建议" and PHONE not in s.public_body and "139****2345" in s.public_body
    )
    assert s.public_reviewed_at is not None
    assert "520111197507071234" not in Reply.objects.get(pk=reply.pk).public_text
