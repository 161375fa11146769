"""Delegate pages: filing, co-signing, following, rating, record — and every refusal."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.models import Attachment, CoSigner, Rating, Suggestion
from tests import factories
from tests.conftest import carry_to_reply, publish

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


@pytest.fixture
def as_delegate(client, delegate):
    client.force_login(delegate.user)
    return client


@pytest.fixture
def category(db):
    return factories.CategoryFactory(name="城乡建设")


def form_data(cat, **extra):
    data = {
        "title": "关于增设花溪大道公交站点的建议",
        "category": cat.pk,
        "series": "session",
        "body": "花溪大道沿线居民出行不便，建议增设公交站点。",
        "action": "save",
    }
    data.update(extra)
    return data


# --------------------------------------------------------------------------- filing


def test_the_form_says_one_matter_per_suggestion(as_delegate, session):
    response = as_delegate.get(reverse("delegates:create"))
    assert response.status_code == 200
    assert "一事一议：一件建议只写一个事项" in response.content.decode()


def test_save_draft_creates_a_draft_of_the_current_session(as_delegate, session, delegate, category):
    response = as_delegate.post(reverse("delegates:create"), form_data(category))
    suggestion = Suggestion.objects.get(lead_delegate=delegate)
    assert response.status_code == 302
    assert response["Location"] == reverse("delegates:edit", args=[suggestion.pk])
    assert suggestion.status == Suggestion.Status.DRAFT
    assert suggestion.session == session


def test_missing_fields_show_chinese_errors_beside_each_field_and_keep_the_text(as_delegate, session, category):
    response = as_delegate.post(reverse("delegates:create"), form_data(category, title="", category=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写标题。" in html
    assert "请选择类别。" in html
    assert "花溪大道沿线居民出行不便" in html  # the typed body is still there
    assert not Suggestion.objects.exists()


def test_preview_saves_and_shows_the_draft_as_staff_will_see_it(as_delegate, session, delegate, category):
    response = as_delegate.post(reverse("delegates:create"), form_data(category, action="preview"), follow=True)
    suggestion = Suggestion.objects.get(lead_delegate=delegate)
    assert response.redirect_chain[-1][0] == reverse("delegates:suggestion", args=[suggestion.pk])
    assert "这是草稿，还没有提交" in response.content.decode()


def test_submit_from_the_form_submits(as_delegate, session, delegate, category):
    as_delegate.post(reverse("delegates:create"), form_data(category, action="submit"))
    assert Suggestion.objects.get(lead_delegate=delegate).status == Suggestion.Status.SUBMITTED


def test_an_allowed_attachment_is_stored_with_the_draft(as_delegate, session, delegate, category):
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    as_delegate.post(reverse("delegates:create"), {**form_data(category), "attachments": [upload]})
    attachment = Attachment.objects.get()
    assert attachment.suggestion.lead_delegate == delegate
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "现场照片.png"


def test_a_disguised_file_is_refused_by_content_with_a_clear_message(as_delegate, session, category):
    upload = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = as_delegate.post(reverse("delegates:create"), {**form_data(category), "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "类型不被允许或与扩展名不符" in html
    assert "请重新选择附件" in html
    assert "花溪大道沿线居民出行不便" in html
    assert not Suggestion.objects.exists()
    assert not Attachment.objects.exists()


def test_an_image_renamed_to_another_extension_is_refused(as_delegate, session, category):
    upload = SimpleUploadedFile("说明.docx", PNG, content_type="application/octet-stream")
    response = as_delegate.post(reverse("delegates:create"), {**form_data(category), "attachments": [upload]})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(as_delegate, session, category):
    upload = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = as_delegate.post(reverse("delegates:create"), {**form_data(category), "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "超过大小限制（最大1MB）" in html
    assert not Suggestion.objects.exists()


def test_a_returned_suggestion_shows_its_reason_and_can_be_edited_and_resubmitted(
    as_delegate, submitted, staff, delegate, category
):
    actions.suggestion_return(suggestion=submitted, actor=staff, reason="请补充具体地点。")
    page = as_delegate.get(reverse("delegates:suggestion", args=[submitted.pk])).content.decode()
    assert "请补充具体地点。" in page
    edit = as_delegate.get(reverse("delegates:edit", args=[submitted.pk])).content.decode()
    assert "请补充具体地点。" in edit
    as_delegate.post(
        reverse("delegates:edit", args=[submitted.pk]),
        form_data(category, body="地点：花溪大道中段。", action="submit"),
    )
    submitted.refresh_from_db()
    assert submitted.status == Suggestion.Status.SUBMITTED
    assert submitted.body == "地点：花溪大道中段。"


def test_a_not_registered_suggestion_shows_its_reason_and_cannot_be_edited(as_delegate, submitted, staff):
    actions.suggestion_reject(suggestion=submitted, actor=staff, reason="属于代表本人及其亲属的个人事务")
    page = as_delegate.get(reverse("delegates:suggestion", args=[submitted.pk])).content.decode()
    assert "属于代表本人及其亲属的个人事务" in page
    assert reverse("delegates:edit", args=[submitted.pk]) not in page
    response = as_delegate.get(reverse("delegates:edit", args=[submitted.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("delegates:suggestion", args=[submitted.pk])


# --------------------------------------------------------------------------- autosave and similar


def test_autosave_creates_then_updates_one_draft(as_delegate, session, delegate, category):
    data = form_data(category)
    first = as_delegate.post(reverse("delegates:autosave"), data).json()
    assert first["ok"] is True
    second = as_delegate.post(reverse("delegates:autosave"), {**data, "pk": first["pk"], "body": "改过的内容"}).json()
    assert second["pk"] == first["pk"]
    assert Suggestion.objects.get().body == "改过的内容"
    assert first["edit_url"] == reverse("delegates:edit", args=[first["pk"]])


def test_autosave_of_an_incomplete_form_saves_nothing_and_says_why(as_delegate, session, category):
    answer = as_delegate.post(reverse("delegates:autosave"), form_data(category, body="")).json()
    assert answer["ok"] is False
    assert "自动保存" in answer["message"]
    assert not Suggestion.objects.exists()


def test_autosave_after_the_login_expired_answers_401_so_the_page_keeps_the_text(client, session, category):
    response = client.post(reverse("delegates:autosave"), form_data(category))
    assert response.status_code == 401
    assert response.json()["login"] is True


def test_autosave_cannot_overwrite_another_delegates_draft(client, other_delegate, draft, category):
    client.force_login(other_delegate.user)
    response = client.post(reverse("delegates:autosave"), {**form_data(category), "pk": draft.pk})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != form_data(category)["title"]


def test_autosave_of_a_submitted_suggestion_is_refused_with_the_service_message(as_delegate, submitted, category):
    response = as_delegate.post(reverse("delegates:autosave"), {**form_data(category), "pk": submitted.pk})
    assert response.status_code == 409
    assert "不能再修改" in response.json()["message"]


def test_similar_shows_registered_suggestions_with_their_outcome_but_never_others_drafts(
    as_delegate, session, delegate, other_delegate, staff, office, clerk
):
    title = "关于花溪大道增设公交站点的建议"
    others_draft = factories.SuggestionFactory(session=session, lead_delegate=other_delegate, title=title)
    earlier = factories.SessionFactory(number=4, is_current=False)
    published = factories.SuggestionFactory(session=earlier, lead_delegate=other_delegate, title=title + "（续）")
    actions.suggestion_submit(suggestion=published, actor=other_delegate.user)
    actions.suggestion_register(suggestion=published, actor=staff)
    actions.suggestion_assign(suggestion=published, actor=staff, lead_office=office)
    reply = carry_to_reply(published, published.assignments.get(), clerk)
    publish(reply, staff)
    results = as_delegate.get(reverse("delegates:similar"), {"title": "花溪大道公交站点"}).json()["results"]
    ids = [r["id"] for r in results]
    assert published.pk in ids
    assert others_draft.pk not in ids
    hit = results[ids.index(published.pk)]
    assert hit["outcome"].startswith("A")
    assert hit["session"] == earlier.name
    assert "body" not in hit and "lead" not in hit


def test_similar_does_not_list_another_delegates_registered_but_unpublished_suggestion(
    as_delegate, session, other_delegate, staff
):
    hidden = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于花溪大道公交站点的建议"
    )
    actions.suggestion_submit(suggestion=hidden, actor=other_delegate.user)
    results = as_delegate.get(reverse("delegates:similar"), {"title": "花溪大道公交站点"}).json()["results"]
    assert results == []


def test_similar_shows_another_delegates_registered_unpublished_suggestion_as_title_session_and_status_only(
    as_delegate, session, other_delegate, staff
):
    registered = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于花溪大道公交站点的建议", body="私人电话13800000000"
    )
    actions.suggestion_submit(suggestion=registered, actor=other_delegate.user)
    actions.suggestion_register(suggestion=registered, actor=staff)
    response = as_delegate.get(reverse("delegates:similar"), {"title": "花溪大道公交站点"})
    (hit,) = response.json()["results"]
    assert hit["id"] == registered.pk and hit["title"] == registered.title
    assert (
        hit["session"] == session.name
        and hit["status"] == Suggestion.objects.get(pk=registered.pk).get_status_display()
    )
    assert hit["url"] == "" and hit["number"] == "" and hit["outcome"] == "" and hit["mine"] is False
    assert "13800000000" not in response.content.decode() and other_delegate.name not in response.content.decode()


def test_similar_shows_and_matches_another_delegates_published_suggestion_through_its_public_view_only(
    as_delegate, session, other_delegate, staff, office, clerk
):
    from tests.conftest import publish

    published = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于张三家门口公交站点的建议", body="张三电话"
    )
    actions.suggestion_submit(suggestion=published, actor=other_delegate.user)
    actions.suggestion_register(suggestion=published, actor=staff)
    actions.suggestion_assign(suggestion=published, actor=staff, lead_office=office)
    reply = carry_to_reply(published, published.assignments.get(), clerk)
    publish(reply, staff, public_title="关于某处公交站点的建议", public_body="（内容涉及个人信息，不予公开。）")
    (hit,) = as_delegate.get(reverse("delegates:similar"), {"title": "公交站点"}).json()["results"]
    assert hit["id"] == published.pk and hit["title"] == "关于某处公交站点的建议"
    assert hit["url"] == reverse("public:detail", args=[published.pk]) and hit["outcome"]
    # Matched on the public version only: what it masks finds nothing.
    assert as_delegate.get(reverse("delegates:similar"), {"title": "张三家门口"}).json()["results"] == []


def test_similar_never_matches_another_delegates_unpublished_suggestion_by_its_body(
    as_delegate, session, other_delegate, staff
):
    registered = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于某事项的建议", body="青岩古镇停车场收费过高"
    )
    actions.suggestion_submit(suggestion=registered, actor=other_delegate.user)
    actions.suggestion_register(suggestion=registered, actor=staff)
    results = as_delegate.get(reverse("delegates:similar"), {"title": "青岩古镇停车场收费"}).json()["results"]
    assert results == []


def test_similar_matches_my_own_suggestion_by_its_body_and_links_to_it(as_delegate, session, delegate, staff):
    mine = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, title="关于某事项的建议", body="青岩古镇停车场收费过高"
    )
    actions.suggestion_submit(suggestion=mine, actor=delegate.user)
    actions.suggestion_register(suggestion=mine, actor=staff)
    (hit,) = as_delegate.get(reverse("delegates:similar"), {"title": "青岩古镇停车场收费"}).json()["results"]
    assert hit["id"] == mine.pk and hit["mine"] is True
    assert hit["url"] == reverse("delegates:suggestion", args=[mine.pk])


def test_similar_reads_the_body_being_typed_and_shows_up_to_ten(as_delegate, session, other_delegate, staff):
    for n in range(12):
        s = factories.SuggestionFactory(
            session=session, lead_delegate=other_delegate, title=f"关于第{n}号路段停车难的建议", body="车位不足"
        )
        actions.suggestion_submit(suggestion=s, actor=other_delegate.user)
        actions.suggestion_register(suggestion=s, actor=staff)
    results = as_delegate.get(reverse("delegates:similar"), {"title": "停车难"}).json()["results"]
    assert len(results) == 10
    assert as_delegate.get(reverse("delegates:similar"), {"title": "关于", "body": "停车难"}).json()["results"]


# --------------------------------------------------------------------------- joint suggestions


def test_lead_finds_a_delegate_of_the_same_term_by_name_and_invites(as_delegate, draft, other_delegate):
    page = as_delegate.get(reverse("delegates:suggestion", args=[draft.pk]), {"q": other_delegate.name})
    assert other_delegate.name in page.content.decode()
    as_delegate.post(reverse("delegates:invite", args=[draft.pk]), {"delegate": other_delegate.pk})
    assert CoSigner.objects.get(suggestion=draft).delegate == other_delegate


def test_a_delegate_of_another_term_cannot_be_invited(as_delegate, draft):
    stranger = factories.DelegateFactory(term=factories.TermFactory(number=17, name="第十七届"))
    found = as_delegate.get(reverse("delegates:suggestion", args=[draft.pk]), {"q": stranger.name})
    assert f"没有找到姓名含“{stranger.name}”的本届代表" in found.content.decode()
    as_delegate.post(reverse("delegates:invite", args=[draft.pk]), {"delegate": stranger.pk})
    assert not CoSigner.objects.exists()


def test_invitee_sees_the_invitation_on_the_home_page_reads_and_confirms(client, draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    client.force_login(other_delegate.user)
    home = client.get(reverse("delegates:home")).content.decode()
    assert draft.title in home
    assert "邀请您联名" in home
    text = client.get(reverse("delegates:suggestion", args=[draft.pk])).content.decode()
    assert draft.body in text
    cosigner = CoSigner.objects.get()
    client.post(reverse("delegates:respond", args=[cosigner.pk]), {"accept": "1"})
    cosigner.refresh_from_db()
    assert cosigner.status == CoSigner.Status.CONFIRMED


def test_an_invitation_past_its_deadline_is_refused_with_a_message(client, draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    CoSigner.objects.update(deadline=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(other_delegate.user)
    assert draft.title not in client.get(reverse("delegates:home")).content.decode()
    response = client.post(reverse("delegates:respond", args=[CoSigner.objects.get().pk]), {"accept": "1"}, follow=True)
    assert "已过确认期限" in response.content.decode()
    assert CoSigner.objects.get().status == CoSigner.Status.INVITED


def test_submit_is_refused_while_an_invitation_is_open_and_allowed_after_dropping_it(
    as_delegate, draft, delegate, other_delegate
):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    response = as_delegate.post(reverse("delegates:submit", args=[draft.pk]), follow=True)
    assert "还有联名邀请未答复" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Suggestion.Status.DRAFT
    as_delegate.post(reverse("delegates:drop", args=[CoSigner.objects.get().pk]))
    as_delegate.post(reverse("delegates:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Suggestion.Status.SUBMITTED


def test_lead_sees_who_confirmed_and_who_declined(as_delegate, draft, delegate, other_delegate):
    third = factories.DelegateFactory()
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate, third])
    actions.cosigner_respond(
        cosigner=CoSigner.objects.get(delegate=other_delegate), actor=other_delegate.user, accept=True
    )
    actions.cosigner_respond(cosigner=CoSigner.objects.get(delegate=third), actor=third.user, accept=False)
    page = as_delegate.get(reverse("delegates:suggestion", args=[draft.pk])).content.decode()
    assert "已确认" in page and "已谢绝" in page


# --------------------------------------------------------------------------- withdraw


def test_withdraw_needs_a_reason_and_keeps_what_was_typed_on_error(as_delegate, submitted):
    response = as_delegate.post(reverse("delegates:withdraw", args=[submitted.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "请写明撤回的理由" in response.content.decode()
    as_delegate.post(reverse("delegates:withdraw", args=[submitted.pk]), {"reason": "问题已解决。"})
    submitted.refresh_from_db()
    assert submitted.status == Suggestion.Status.WITHDRAWN
    assert submitted.status_reason == "问题已解决。"


# --------------------------------------------------------------------------- follow and rate


def test_the_timeline_shows_number_offices_roles_contact_and_reply(as_delegate, replied, lead_assignment):
    page = as_delegate.get(reverse("delegates:suggestion", args=[replied.suggestion_id])).content.decode()
    for text in ("立案", "编号：", "交办", "区住房和城乡建设局", "主办", "签收", "沟通联系", "答复", "已解决。"):
        assert text in page, text
    assert "协办" in page and "区财政局" in page
    assert str(lead_assignment.effective_due) in page


def test_an_unsatisfied_rating_needs_a_comment_and_keeps_the_choice(as_delegate, replied):
    url = reverse("delegates:rate", args=[replied.pk])
    response = as_delegate.post(url, {f"r{replied.pk}-value": "unsatisfied", f"r{replied.pk}-comment": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请写明不满意的理由" in html
    assert 'value="unsatisfied" checked' in html or 'value="unsatisfied"\n' in html or "checked" in html
    assert not Rating.objects.exists()


def test_unsatisfied_opens_a_new_round_whose_deadline_the_delegate_sees(as_delegate, replied):
    url = reverse("delegates:rate", args=[replied.pk])
    as_delegate.post(url, {f"r{replied.pk}-value": "unsatisfied", f"r{replied.pk}-comment": "没有解决根本问题。"})
    suggestion = Suggestion.objects.get(pk=replied.suggestion_id)
    assert suggestion.status == Suggestion.Status.REHANDLING
    new_round = suggestion.rounds.get(number=2)
    page = as_delegate.get(reverse("delegates:suggestion", args=[suggestion.pk])).content.decode()
    assert "正在第2轮重新办理" in page
    assert new_round.due_date.strftime("%Y-%m-%d") in page


def test_every_delegate_of_a_joint_suggestion_rates_separately(
    client, draft, delegate, other_delegate, staff, office, clerk
):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=CoSigner.objects.get(), actor=other_delegate.user, accept=True)
    actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    actions.suggestion_register(suggestion=draft, actor=staff)
    actions.suggestion_assign(suggestion=draft, actor=staff, lead_office=office)
    reply = carry_to_reply(draft, draft.assignments.get(), clerk)
    for person in (delegate, other_delegate):
        client.force_login(person.user)
        page = client.get(reverse("delegates:suggestion", args=[draft.pk])).content.decode()
        assert "请评价这份答复" in page
        client.post(reverse("delegates:rate", args=[reply.pk]), {f"r{reply.pk}-value": "satisfied"})
    assert set(Rating.objects.values_list("delegate_id", flat=True)) == {delegate.pk, other_delegate.pk}
    draft.refresh_from_db()
    assert draft.status == Suggestion.Status.CLOSED


def test_record_lists_led_and_cosigned_suggestions_per_session_with_outcomes_and_ratings(
    as_delegate, replied, delegate, other_delegate
):
    actions.rating_submit(reply=replied, actor=delegate.user, value="basic", comment="")
    cosigned = factories.SuggestionFactory(
        session=replied.suggestion.session, lead_delegate=other_delegate, title="关于路灯维修的建议"
    )
    actions.cosigner_invite(suggestion=cosigned, actor=other_delegate.user, delegates=[delegate])
    actions.cosigner_respond(cosigner=CoSigner.objects.get(suggestion=cosigned), actor=delegate.user, accept=True)
    actions.suggestion_submit(suggestion=cosigned, actor=other_delegate.user)
    page = as_delegate.get(reverse("delegates:my_record")).content.decode()
    assert replied.suggestion.session.name in page
    assert replied.suggestion.title in page
    assert "A 已经解决或者基本解决" in page or "A " in page
    assert "第1轮：基本满意" in page
    assert "关于路灯维修的建议" in page
    assert other_delegate.name in page


# --------------------------------------------------------------------------- refusals (object level)


@pytest.fixture
def as_other(client, other_delegate):
    client.force_login(other_delegate.user)
    return client


@pytest.mark.parametrize(
    "name",
    ["delegates:suggestion", "delegates:edit"],
)
def test_another_delegate_never_sees_my_draft(as_other, draft, name):
    assert as_other.get(reverse(name, args=[draft.pk])).status_code == 404


def test_my_draft_is_not_on_another_delegates_home_or_record(as_other, draft):
    assert draft.title not in as_other.get(reverse("delegates:home")).content.decode()
    assert draft.title not in as_other.get(reverse("delegates:my_record")).content.decode()


def test_another_delegate_cannot_edit_submit_withdraw_or_invite(as_other, draft, category, delegate):
    assert as_other.post(reverse("delegates:edit", args=[draft.pk]), form_data(category)).status_code == 404
    assert as_other.post(reverse("delegates:submit", args=[draft.pk])).status_code == 404
    assert as_other.post(reverse("delegates:withdraw", args=[draft.pk]), {"reason": "x"}).status_code == 404
    third = factories.DelegateFactory()
    assert as_other.post(reverse("delegates:invite", args=[draft.pk]), {"delegate": third.pk}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Suggestion.Status.DRAFT
    assert not CoSigner.objects.exists()


def test_another_delegate_cannot_rate_my_reply(as_other, replied):
    response = as_other.post(reverse("delegates:rate", args=[replied.pk]), {f"r{replied.pk}-value": "satisfied"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_an_invited_cosigner_may_read_but_not_rate_edit_or_withdraw(client, replied, delegate, other_delegate):
    suggestion = replied.suggestion
    CoSigner.objects.create(suggestion=suggestion, delegate=other_delegate, status=CoSigner.Status.INVITED)
    client.force_login(other_delegate.user)
    assert client.get(reverse("delegates:suggestion", args=[suggestion.pk])).status_code == 200
    assert (
        client.post(reverse("delegates:rate", args=[replied.pk]), {f"r{replied.pk}-value": "satisfied"}).status_code
        == 404
    )
    assert client.post(reverse("delegates:withdraw", args=[suggestion.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("delegates:edit", args=[suggestion.pk])).status_code == 404


def test_a_cosigner_cannot_drop_other_invitations_or_answer_someone_elses(client, draft, delegate, other_delegate):
    third = factories.DelegateFactory()
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate, third])
    client.force_login(other_delegate.user)
    thirds = CoSigner.objects.get(delegate=third)
    assert client.post(reverse("delegates:drop", args=[thirds.pk])).status_code == 404
    assert client.post(reverse("delegates:respond", args=[thirds.pk]), {"accept": "1"}).status_code == 404
    thirds.refresh_from_db()
    assert thirds.status == CoSigner.Status.INVITED


def test_a_declined_invitee_no_longer_sees_the_draft(client, draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=CoSigner.objects.get(), actor=other_delegate.user, accept=False)
    client.force_login(other_delegate.user)
    assert client.get(reverse("delegates:suggestion", args=[draft.pk])).status_code == 404


def test_another_delegates_record_is_404(as_other, delegate):
    assert as_other.get(reverse("delegates:record", args=[delegate.pk])).status_code == 404


def test_a_clerk_or_anonymous_user_is_kept_out_of_delegate_pages(client, clerk, draft):
    assert client.get(reverse("delegates:home")).status_code == 302
    client.force_login(clerk)
    assert client.get(reverse("delegates:home")).status_code == 403
    assert client.get(reverse("delegates:suggestion", args=[draft.pk])).status_code == 403


def test_hostile_text_is_shown_as_text(as_delegate, session, category, delegate):
    as_delegate.post(reverse("delegates:create"), form_data(category, title="<script>alert(1)</script>标题"))
    suggestion = Suggestion.objects.get()
    page = as_delegate.get(reverse("delegates:suggestion", args=[suggestion.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# --------------------------------------------------------------------------- home


def test_home_groups_my_suggestions_with_counts_offices_and_due_dates(as_delegate, replied, lead_assignment, delegate):
    factories.SuggestionFactory(session=replied.suggestion.session, lead_delegate=delegate, title="一件草稿")
    html = as_delegate.get(reverse("delegates:home")).content.decode()
    to_rate = html.split('id="to-rate"')[1].split("</section>")[0]
    assert replied.suggestion.title in to_rate
    assert "区住房和城乡建设局（主办）" in to_rate
    assert lead_assignment.effective_due.strftime("%Y-%m-%d") in to_rate
    assert "一件草稿" in html.split('id="drafts"')[1].split("</section>")[0]
    assert '<span class="stat-value">1</span><span class="stat-label">待我评价</span>' in html


def test_after_rating_the_suggestion_leaves_the_to_rate_list(as_delegate, replied, delegate):
    actions.rating_submit(reply=replied, actor=delegate.user, value="satisfied")
    html = as_delegate.get(reverse("delegates:home")).content.decode()
    assert 'id="to-rate"' not in html
    assert replied.suggestion.title in html.split('id="finished"')[1]


def test_the_shared_detail_actions_include_links_the_lead_to_the_delegate_page(rf, replied, delegate):
    from django.template.loader import render_to_string

    suggestion = replied.suggestion
    html = render_to_string(
        "suggestions/includes/actions_delegate.html",
        {"me_delegate": delegate, "suggestion": suggestion, "cosigners": []},
    )
    assert reverse("delegates:suggestion", args=[suggestion.pk]) in html
    assert "去处理这件建议" not in render_to_string(
        "suggestions/includes/actions_delegate.html",
        {"me_delegate": factories.DelegateFactory(), "suggestion": suggestion, "cosigners": []},
    )


@pytest.mark.parametrize("pk", ["abc", "99999999", "-1", "1e9"])
def test_autosave_with_a_bad_pk_saves_nothing(as_delegate, session, category, pk):
    response = as_delegate.post(reverse("delegates:autosave"), {**form_data(category), "pk": pk})
    assert response.status_code == 404
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "x" * 201, "category": "1", "series": "session", "body": "b"},
        {"title": "t", "category": "abc", "series": "nope", "body": "b"},
        {"title": "t", "category": "999999", "series": "session", "body": "\x00"},
        {"title": ["a", "b"], "body": "<b>x</b>", "series": "recess"},
    ],
)
def test_hostile_form_input_gets_a_chinese_message_never_a_server_error(as_delegate, session, data):
    response = as_delegate.post(reverse("delegates:create"), {**data, "action": "submit"})
    assert response.status_code == 400
    assert "还有内容需要修改" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_hostile_rating_input_is_refused_cleanly(as_delegate, replied):
    url = reverse("delegates:rate", args=[replied.pk])
    response = as_delegate.post(url, {f"r{replied.pk}-value": "great", f"r{replied.pk}-comment": "x" * 6000})
    assert response.status_code == 400
    assert "请选择满意、基本满意或不满意" in response.content.decode()
    assert not Rating.objects.exists()


def test_cosigned_suggestions_are_listed_apart_from_those_i_lead(client, draft, delegate, other_delegate):
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate])
    actions.cosigner_respond(cosigner=CoSigner.objects.get(), actor=other_delegate.user, accept=True)
    client.force_login(other_delegate.user)
    html = client.get(reverse("delegates:home")).content.decode()
    cosigned = html.split('id="cosigned"')[1].split("</section>")[0]
    assert draft.title in cosigned
    assert f"领衔：{delegate.name}" in cosigned
    assert 'id="drafts"' not in html


def test_a_returned_suggestion_shows_its_reason_on_the_home_page(as_delegate, submitted, staff):
    actions.suggestion_return(suggestion=submitted, actor=staff, reason="请补充具体地点。")
    drafts = as_delegate.get(reverse("delegates:home")).content.decode().split('id="drafts"')[1]
    assert "退回理由：请补充具体地点。" in drafts.split("</section>")[0]


def test_the_co_office_is_shown_with_its_opinion_deadline_on_the_delegate_pages(as_delegate, assigned, co_assignment):
    co_assignment.refresh_from_db()
    content = as_delegate.get(reverse("delegates:suggestion", args=[assigned.pk])).content.decode()
    row = content[content.index(co_assignment.office.name) :].split("</tr>")[0]
    assert f"{co_assignment.opinion_due:%Y-%m-%d}" in row and "协办意见期限" in row
    assert f"{co_assignment.due_date:%Y-%m-%d}" not in row
    home = as_delegate.get(reverse("delegates:home")).content.decode()
    line = home[home.index(co_assignment.office.name) :].split("</li>")[0]
    assert f"协办意见期限 {co_assignment.opinion_due:%Y-%m-%d}" in line


def test_withdrawal_is_not_offered_while_a_reply_waits_for_the_rating(as_delegate, replied, delegate):
    suggestion = replied.suggestion
    page = as_delegate.get(reverse("delegates:suggestion", args=[suggestion.pk]))
    assert page.context["can_withdraw"] is False
    assert "撤回这件建议" not in page.content.decode()
    assert "请评价这份答复" in page.content.decode()
    response = as_delegate.post(
        reverse("delegates:withdraw", args=[suggestion.pk]), {"reason": "不想要了。"}, follow=True
    )
    assert "请先评价答复" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REPLIED


def test_withdrawal_is_offered_while_the_suggestion_is_in_handling(as_delegate, assigned):
    page = as_delegate.get(reverse("delegates:suggestion", args=[assigned.pk]))
    assert page.context["can_withdraw"] is True
    assert "撤回这件建议" in page.content.decode()


def test_the_preview_button_says_it_saves_the_draft(as_delegate, session):
    page = as_delegate.get(reverse("delegates:create")).content.decode()
    button = page.split('value="preview"')[1].split("</button>")[0]
    assert "保存并预览" in button


def test_similar_matches_a_suggestion_i_cosign_by_its_body_but_not_one_whose_invitation_i_declined(
    as_delegate, session, delegate, other_delegate, staff
):
    """The hint asks which candidates are the delegate's own of the candidates only (``_OwnAmong``): a co-signed
    one is read in full, one whose invitation was declined is another delegate's (title only while unpublished)."""
    cosigned = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于某事项的建议", body="青岩古镇停车场收费过高"
    )
    declined = factories.SuggestionFactory(
        session=session, lead_delegate=other_delegate, title="关于另一事项的建议", body="青岩古镇停车场收费过高"
    )
    CoSigner.objects.create(suggestion=cosigned, delegate=delegate, status=CoSigner.Status.CONFIRMED)
    CoSigner.objects.create(suggestion=declined, delegate=delegate, status=CoSigner.Status.DECLINED)
    for s in (cosigned, declined):
        actions.suggestion_submit(suggestion=s, actor=other_delegate.user)
        actions.suggestion_register(suggestion=s, actor=staff)
    (hit,) = as_delegate.get(reverse("delegates:similar"), {"title": "青岩古镇停车场收费"}).json()["results"]
    assert hit["id"] == cosigned.pk and hit["mine"] is True
