"""Staff review replies before publication: redact, publish or hold back, unpublish, bulk publish."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import actions
from suggestions.models import Reply, Suggestion
from tests import factories
from tests.conftest import carry_to_reply, publish

pytestmark = pytest.mark.django_db


def _post(client, reply, action, **fields):
    """The review form as staff send it: the suggestion's title and body as written unless given."""
    data = {"action": action, "public_title": reply.suggestion.title, "public_body": reply.suggestion.body}
    return client.post(reverse("staff:publication_edit", args=[reply.pk]), {**data, **fields})


def _ready(reply, staff, delegate):
    """Reviewed (phone masked) and rated by the delegate: what bulk publishing may take."""
    actions.reply_save_public_text(
        reply=reply,
        actor=staff,
        public_text=reply.text.replace("13900000000", "139****0000"),
        public_title=reply.suggestion.title,
        public_body=reply.suggestion.body,
    )
    actions.rating_submit(reply=reply, actor=delegate.user, value="satisfied")


def _replied(session, delegate, staff, office, clerk, title):
    suggestion = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title)
    actions.suggestion_submit(suggestion=suggestion, actor=delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=staff)
    [assignment] = actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=office)
    return carry_to_reply(suggestion, assignment, clerk, text=f"{title}的答复。联系电话13900000000。")


def test_unpublished_replies_are_listed_for_review(client, staff, replied):
    client.force_login(staff)
    response = client.get(reverse("staff:publication"))
    assert [r.pk for r in response.context["page"].object_list] == [replied.pk]
    assert [r.pk for r in client.get(reverse("staff:publication"), {"tab": "published"}).context["page"]] == []


def test_saving_a_redacted_version_holds_it_back(client, staff, replied):
    client.force_login(staff)
    response = _post(client, replied, "save", public_text="已解决。（联系方式已删去）")
    assert response.status_code == 302
    replied.refresh_from_db()
    assert replied.public_text == "已解决。（联系方式已删去）" and not replied.is_published


def test_publishing_uses_the_edited_public_version_not_the_original(client, staff, replied):
    client.force_login(staff)
    response = _post(client, replied, "publish", public_text="公开版本", early_reason="代表已口头表示满意")
    assert response.status_code == 302
    replied.refresh_from_db()
    replied.suggestion.refresh_from_db()
    assert replied.is_published and replied.public_text == "公开版本" and replied.suggestion.is_published


def test_an_empty_public_version_is_refused_and_nothing_is_published(client, staff, replied):
    client.force_login(staff)
    response = _post(client, replied, "publish", public_text="   ", early_reason="代表已口头表示满意")
    assert response.status_code == 400
    assert "公开版本不能为空" in response.content.decode()
    replied.refresh_from_db()
    assert not replied.is_published


def test_unpublishing_hides_the_reply_again(client, staff, replied):
    publish(replied, staff)
    client.force_login(staff)
    response = client.post(
        reverse("staff:publication_edit", args=[replied.pk]), {"action": "unpublish", "note": "涉密"}
    )
    assert response.status_code == 302
    replied.refresh_from_db()
    replied.suggestion.refresh_from_db()
    assert not replied.is_published and not replied.suggestion.is_published


def test_a_draft_reply_cannot_be_opened_for_publication(client, staff, lead_assignment, clerk):
    actions.assignment_sign(assignment=lead_assignment, actor=clerk)
    draft = actions.reply_save_draft(assignment=lead_assignment, actor=clerk, text="草稿")
    client.force_login(staff)
    assert client.get(reverse("staff:publication_edit", args=[draft.pk])).status_code == 404


def test_bulk_publishing_publishes_every_ticked_reply(client, staff, session, delegate, office, clerk):
    first = _replied(session, delegate, staff, office, clerk, "关于甲的建议")
    second = _replied(session, delegate, staff, office, clerk, "关于乙的建议")
    left = _replied(session, delegate, staff, office, clerk, "关于丙的建议")
    for reply in (first, second, left):
        _ready(reply, staff, delegate)
    client.force_login(staff)
    response = client.post(reverse("staff:publication_bulk"), {"replies": [first.pk, second.pk]}, follow=True)
    assert "已公开2份答复" in response.content.decode()
    published = set(Reply.objects.filter(is_published=True).values_list("pk", flat=True))
    assert published == {first.pk, second.pk} and left.pk not in published


def test_bulk_publishing_reports_a_reply_whose_suggestion_was_withdrawn_meanwhile(
    client, staff, session, delegate, office, clerk, monkeypatch
):
    first = _replied(session, delegate, staff, office, clerk, "关于甲的建议")
    second = _replied(session, delegate, staff, office, clerk, "关于乙的建议")
    _ready(first, staff, delegate)
    real = actions.reply_publish

    def racing(*, reply, **kwargs):
        if reply.pk == second.pk:
            actions.suggestion_withdraw(suggestion=reply.suggestion, actor=staff, reason="代表书面撤回")
        return real(reply=reply, **kwargs)

    monkeypatch.setattr(actions, "reply_publish", racing)
    client.force_login(staff)
    response = client.post(reverse("staff:publication_bulk"), {"replies": [first.pk, second.pk]}, follow=True)
    content = response.content.decode()
    assert "已公开1份答复" in content and "关于乙的建议”未能公开" in content
    assert Suggestion.objects.get(pk=second.suggestion_id).is_published is False


def test_the_publication_list_holds_a_fixed_query_count(client, staff, session, delegate, office, clerk):
    for n in range(2):
        _replied(session, delegate, staff, office, clerk, f"关于第{n}件的建议")
    client.force_login(staff)
    client.get(reverse("staff:publication"))  # warm what is read once and kept (the calendar, the navigation's counts)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:publication"))
    for n in range(2, 12):
        _replied(session, delegate, staff, office, clerk, f"关于第{n}件的建议")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:publication"))
    assert len(response.context["page"].object_list) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("name", ["staff:publication_bulk", "staff:inbox_bulk_register"])
def test_bulk_forms_ignore_hostile_ids(client, staff, name):
    client.force_login(staff)
    hostile = ["abc", "99999999999999999999", "-5", "<b>1</b>"]
    response = client.post(reverse(name), {"replies": hostile, "suggestions": hostile}, follow=True)
    assert response.status_code == 200
    assert "请勾选" in response.content.decode()
