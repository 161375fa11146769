"""The public outcome pages: what anyone sees without logging in, and what they never see."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from congresses.models import first_congress
from delegates.models import DelegateContact
from suggestions import actions
from suggestions.models import CoSigner, Rating, Reply
from suggestions.queries import public_detail, public_list
from suggestions.queries.public_congress import public_congress
from tests import factories
from tests.conftest import carry_to_reply
from tests.conftest import publish as publish_reply

SECRETS = [
    "SECRET-DRAFT-MARKER",
    "SECRET-SUBMITTED-MARKER",
    "SECRET-NOTREG-MARKER",
    "SECRET-WITHDRAWN-MARKER",
    "SECRET-UNPUBLISHED-MARKER",
    "SECRET-UNPUB-REPLY-MARKER",
    "SECRET-INTERNAL-REPLY-MARKER",
    "SECRET-OPINION-MARKER",
    "SECRET-CONTACT-MARKER",
    "SECRET-PHONE-MARKER",
    "SECRET-ADDRESS-MARKER",
    "SECRET-EMAIL-MARKER",
    "SECRET-COMMENT-MARKER",
    "SECRET-FOLLOWUP-MARKER",
    "SECRET-SIGNER-MARKER",
    "SECRET-STAFF-MARKER",
    "SECRET-CLERK-MARKER",
    "SECRET-INVITED-MARKER",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _filed(session, delegate, staff, *, title, body="小区环境需要整治。", category=None):
    extra = {"category": category} if category else {}
    s = factories.SuggestionFactory(session=session, lead_delegate=delegate, title=title, body=body, **extra)
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    return s


def _assigned_separately(session, delegate, staff, offices, *, title):
    """Filed, registered and assigned to ``offices`` for separate handling (分别办理)."""
    s = _filed(session, delegate, staff, title=title)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, separate_offices=offices)
    return s


def _replied(
    session,
    delegate,
    staff,
    office,
    clerk,
    *,
    title,
    body="小区环境需要整治。",
    code="A",
    text="已解决。",
    public_text=None,
    publish=True,
    **assign,
):
    s = _filed(session, delegate, staff, title=title, body=body)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, **assign)
    s.refresh_from_db()
    reply = carry_to_reply(s, s.assignments.get(office=office), clerk, code=code, text=text)
    if publish:
        publish_reply(reply, staff, public_text=public_text)
    s.refresh_from_db()
    return s, reply


@pytest.fixture
def world(session, staff, delegate, other_delegate, office, co_office, clerk, co_clerk):
    """Published outcomes next to everything that must stay private, each marked."""
    staff.first_name = "SECRET-STAFF-MARKER"
    staff.save()
    clerk.first_name = "SECRET-CLERK-MARKER"
    clerk.save()
    DelegateContact.objects.filter(delegate=delegate).update(
        phone="SECRET-PHONE-MARKER", address="SECRET-ADDRESS-MARKER", email="secret-email-marker@example.test"
    )
    DelegateContact.objects.filter(delegate=other_delegate).update(
        phone="SECRET-PHONE-MARKER", address="SECRET-ADDRESS-MARKER"
    )
    invited = factories.DelegateFactory(name="SECRET-INVITED-MARKER", term=session.term)

    # The showcase-like published outcome: co-signed, co-office opinion, contact record, internal reply text.
    s = factories.SuggestionFactory(
        session=session, lead_delegate=delegate, title="关于加快老旧小区改造的建议", body="老旧小区管网老化，建议改造。"
    )
    actions.cosigner_invite(suggestion=s, actor=delegate.user, delegates=[other_delegate, invited])
    actions.cosigner_respond(cosigner=s.cosigners.get(delegate=other_delegate), actor=other_delegate.user, accept=True)
    # A delegate who declined to co-sign is never named.
    actions.cosigner_respond(cosigner=s.cosigners.get(delegate=invited), actor=invited.user, accept=False)
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    co = s.assignments.get(office=co_office)
    actions.assignment_sign(assignment=co, actor=co_clerk)
    actions.opinion_send(assignment=co, actor=co_clerk, text="协办意见 SECRET-OPINION-MARKER")
    lead = s.assignments.get(office=office)
    actions.assignment_sign(assignment=lead, actor=clerk)
    actions.contact_record(
        assignment=lead,
        actor=clerk,
        method="visit",
        date=timezone.localdate(lead.assigned_at),
        participants="SECRET-CONTACT-MARKER",
        summary="沟通 SECRET-CONTACT-MARKER",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=lead,
        actor=clerk,
        text="内部版本 SECRET-INTERNAL-REPLY-MARKER 联系电话 0851-1234",
        result_class=factories.result_class("B"),
        signed_off_by="SECRET-SIGNER-MARKER",
        attachment=factories.signed_letter(lead, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    actions.rating_submit(
        reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED, comment="SECRET-COMMENT-MARKER"
    )
    actions.rating_submit(reply=reply, actor=other_delegate.user, value=Rating.Value.BASIC)
    actions.followup_post(reply=reply, actor=clerk, text="进展 SECRET-FOLLOWUP-MARKER")
    publish_reply(reply, staff, public_text="已将该小区列入改造计划，管网改造正在施工。")
    s.refresh_from_db()

    # Never shown: a draft, a submitted one, a not registered one, a withdrawn published one,
    # and a replied one whose reply was never published.
    draft = factories.SuggestionFactory(session=session, lead_delegate=delegate, title="草稿 SECRET-DRAFT-MARKER 小区")
    submitted = _filed(session, delegate, staff, title="待审 SECRET-SUBMITTED-MARKER 小区")
    notreg = _filed(session, delegate, staff, title="不予立案 SECRET-NOTREG-MARKER 小区")
    actions.suggestion_reject(suggestion=notreg, actor=staff, reason="个人事务")
    withdrawn, _r = _replied(session, delegate, staff, office, clerk, title="撤回 SECRET-WITHDRAWN-MARKER 小区")
    actions.suggestion_withdraw(suggestion=withdrawn, actor=staff, reason="代表书面申请撤回")
    unpublished, _r = _replied(
        session,
        delegate,
        staff,
        office,
        clerk,
        title="未公开 SECRET-UNPUBLISHED-MARKER 小区",
        text="SECRET-UNPUB-REPLY-MARKER",
        publish=False,
    )
    return {
        "published": s,
        "reply": reply,
        "hidden": [draft, submitted, notreg, withdrawn, unpublished],
        "office": office,
        "co_office": co_office,
    }


def _public_urls(world):
    s = world["published"]
    return [
        reverse("public:list"),
        reverse("public:list") + "?q=小区",
        reverse("public:list") + "?q=SECRET",
        reverse("public:detail", args=[s.pk]),
        reverse("public:stats"),
        reverse("public:office", args=[world["office"].pk]),
        reverse("public:office", args=[world["co_office"].pk]),
        reverse("public:csv"),
        reverse("public:csv") + "?q=小区",
        reverse("public:feed"),
    ]


def _text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --------------------------------------------------------------------------- what must never be shown


def test_no_public_page_csv_or_feed_shows_anything_private(client, world):
    for url in _public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _text(response)
        for marker in SECRETS:
            assert marker not in body, f"{marker} leaked on {url}"
        assert "secret-email-marker" not in body
        assert "0851-1234" not in body


def test_hidden_suggestions_answer_404_on_the_outcome_page(client, world):
    for s in world["hidden"]:
        assert client.get(reverse("public:detail", args=[s.pk])).status_code == 404
    assert client.get(reverse("public:detail", args=[999999])).status_code == 404


def test_the_outcome_page_shows_the_public_text_never_the_internal_one(client, world):
    body = client.get(reverse("public:detail", args=[world["published"].pk])).content.decode()
    assert "已将该小区列入改造计划" in body
    assert "SECRET-INTERNAL-REPLY-MARKER" not in body


def test_unpublishing_removes_the_outcome_everywhere_even_from_the_cache(
    client, world, staff, django_capture_on_commit_callbacks
):
    s = world["published"]
    urls = _public_urls(world)
    for url in urls:  # fill the cache
        body = _text(client.get(url))
        if url.endswith(("/public/", "小区", "csv", "feed/", f"outcomes/{s.pk}/")):
            assert "关于加快老旧小区改造的建议" in body, url
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_unpublish(reply=world["reply"], actor=staff, note="涉及隐私")
    assert client.get(reverse("public:detail", args=[s.pk])).status_code == 404
    for url in urls:
        body = _text(client.get(url))
        assert "关于加快老旧小区改造的建议" not in body, url
        assert "已将该小区列入改造计划" not in body, url


def test_withdrawing_a_published_suggestion_removes_it_from_the_cached_pages(
    client, session, staff, delegate, office, clerk, django_capture_on_commit_callbacks
):
    s, _reply = _replied(session, delegate, staff, office, clerk, title="关于增设小区路灯的建议")
    assert "关于增设小区路灯的建议" in client.get(reverse("public:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.suggestion_withdraw(suggestion=s, actor=staff, reason="代表书面申请撤回")
    assert "关于增设小区路灯的建议" not in client.get(reverse("public:list")).content.decode()
    assert client.get(reverse("public:detail", args=[s.pk])).status_code == 404


def test_html_in_a_public_text_is_shown_as_text(client, session, staff, delegate, office, clerk):
    s, _reply = _replied(
        session, delegate, staff, office, clerk, title="<script>alert(1)</script>小区", public_text="<b>粗体</b>"
    )
    body = client.get(reverse("public:detail", args=[s.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "&lt;b&gt;粗体&lt;/b&gt;" in body


# --------------------------------------------------------------------------- list


def test_the_list_shows_number_names_offices_result_date_and_rating(client, world):
    body = client.get(reverse("public:list")).content.decode()
    s = world["published"]
    assert s.title in body
    assert s.number_display in body
    assert s.lead_delegate.name in body
    cosigner = s.cosigners.get(status=CoSigner.Status.CONFIRMED).delegate
    assert cosigner.name in body
    assert world["office"].name in body
    assert "B 正在解决或者列入计划逐步解决" in body
    assert "满意" in body and "基本满意" in body
    assert s.session.name in body and s.category.name in body


def test_a_two_character_search_finds_the_outcome(client, world):
    body = client.get(reverse("public:list"), {"q": "小区"}).content.decode()
    assert world["published"].title in body
    body = client.get(reverse("public:list"), {"q": "路灯"}).content.decode()
    assert world["published"].title not in body
    assert "没有找到符合条件的办理结果" in body


def test_the_list_says_how_many_outcomes_a_search_finds(client, world):
    body = client.get(reverse("public:list"), {"q": "小区"}).content.decode()
    assert "找到1件办理结果" in body
    assert "找到0件办理结果" in client.get(reverse("public:list"), {"q": "路灯"}).content.decode()
    assert "match-count" not in client.get(reverse("public:list")).content.decode()


def test_the_count_stops_at_its_cap(client, world, monkeypatch):
    from suggestions.queries import public_list

    monkeypatch.setattr(public_list, "COUNT_CAP", 0)
    assert "找到超过0件办理结果" in client.get(reverse("public:list"), {"q": "小区"}).content.decode()


def test_a_punctuation_only_query_lists_everything_like_no_query(client, world):
    body = client.get(reverse("public:list"), {"q": "，。！？"}).content.decode()
    assert world["published"].title in body
    assert "没有找到符合条件的办理结果" not in body


@pytest.mark.parametrize(
    ("param", "match", "miss"),
    [
        ("result", "B", "A"),
        ("rating", "basic", "unsatisfied"),
    ],
)
def test_filters_by_result_and_rating(client, world, param, match, miss):
    title = world["published"].title
    assert title in client.get(reverse("public:list"), {param: match}).content.decode()
    assert title not in client.get(reverse("public:list"), {param: miss}).content.decode()


def test_filters_by_office_session_and_category(client, world, co_office, other_office):
    s = world["published"]
    title = s.title
    assert title in client.get(reverse("public:list"), {"office": world["office"].pk}).content.decode()
    # The co-office did not answer the public: filtering on it does not find the suggestion.
    assert title not in client.get(reverse("public:list"), {"office": co_office.pk}).content.decode()
    assert title in client.get(reverse("public:list"), {"session": s.session_id}).content.decode()
    assert title in client.get(reverse("public:list"), {"category": s.category_id}).content.decode()
    other = factories.CategoryFactory(name="教育科技")
    assert title not in client.get(reverse("public:list"), {"category": other.pk}).content.decode()


def test_a_reply_carries_the_office_of_its_assignment(world):
    """The office filter reads ``Reply.office``: every way a reply is written fills it from the assignment."""
    replies = list(Reply.objects.select_related("assignment"))
    assert replies and all(r.office_id == r.assignment.office_id for r in replies)


def test_bad_filter_values_show_an_error_not_a_server_error(client, world):
    response = client.get(reverse("public:list"), {"session": "abc", "rating": "<x>", "after": "zz-1"})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()


def test_the_list_pages_newest_first(client, session, staff, delegate, office, clerk):
    made = [
        _replied(session, delegate, staff, office, clerk, title=f"关于第{i}号小区的建议")[0]
        for i in range(public_list.PAGE_SIZE + 3)
    ]
    newest = made[-1]
    response = client.get(reverse("public:list"))
    body = response.content.decode()
    assert body.index(made[-1].title) < body.index(made[-2].title)
    assert made[2].title not in body
    assert 'rel="next"' in body
    # Second page: the rest, and a way back.
    after = public_list.encode_cursor(sorted(made, key=lambda s: (s.published_at, s.pk))[3])
    body2 = client.get(reverse("public:list"), {"after": after}).content.decode()
    for s in made[:3]:
        assert s.title in body2
    assert newest.title not in body2
    assert 'rel="prev"' in body2


def test_the_list_never_counts_the_table(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("public:list"))
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_keyset_cursor_goes_back_to_the_previous_page(session, staff, delegate, office, clerk):
    for i in range(5):
        _replied(session, delegate, staff, office, clerk, title=f"关于第{i}号小区的建议")
    qs = public_list.outcomes(first_congress())
    first = public_list.outcome_page(qs, size=2)
    second = public_list.outcome_page(qs, after=first.next_cursor, size=2)
    back = public_list.outcome_page(qs, before=second.prev_cursor, size=2)
    assert [s.pk for s in back.items] == [s.pk for s in first.items]
    assert back.prev_cursor == ""
    third = public_list.outcome_page(qs, after=second.next_cursor, size=2)
    assert len(third.items) == 1 and third.next_cursor == ""


def _make_outcomes(n, session, staff, office, clerk):
    for i in range(n):
        d = factories.DelegateFactory(term=session.term)
        other = factories.DelegateFactory(term=session.term)
        s = factories.SuggestionFactory(session=session, lead_delegate=d, title=f"关于第{i}个小区的建议")
        actions.cosigner_invite(suggestion=s, actor=d.user, delegates=[other])
        actions.cosigner_respond(cosigner=s.cosigners.get(), actor=other.user, accept=True)
        actions.suggestion_submit(suggestion=s, actor=d.user)
        actions.suggestion_register(suggestion=s, actor=staff)
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office)
        reply = carry_to_reply(s, s.assignments.get(), clerk)
        actions.rating_submit(reply=reply, actor=d.user, value=Rating.Value.SATISFIED)
        publish_reply(reply, staff)


def _count_list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    public_congress()  # the congress of the address: kept by the process a minute (one query a minute)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("public:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_holds_a_fixed_query_count(client, session, staff, office, clerk, django_assert_num_queries):
    _make_outcomes(2, session, staff, office, clerk)
    few = _count_list_queries(client)
    _make_outcomes(10, session, staff, office, clerk)
    many = _count_list_queries(client)
    # Page of suggestions (ids only), the rows' own columns, co-signers, replies, ratings + the four filter
    # menus (session, category, office, result class) in one statement; never a COUNT over the table; and the
    # transaction's congress scope (row-level security, huaxi_renda.rowscope).
    assert few == many == 7
    cache.clear()
    public_congress()
    with django_assert_num_queries(many + 1):  # a search also counts its matches, up to COUNT_CAP
        client.get(reverse("public:list"), {"q": "小区"})


def test_a_cached_list_and_outcome_page_need_no_query(client, world, django_assert_num_queries):
    url = reverse("public:detail", args=[world["published"].pk])
    client.get(reverse("public:list"))
    client.get(url)
    with django_assert_num_queries(0):
        client.get(reverse("public:list"))
    with django_assert_num_queries(0):
        client.get(url)


def test_the_outcome_page_holds_a_fixed_query_count(
    client, session, staff, delegate, other_delegate, office, co_office, clerk
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    simple, _r = _replied(session, delegate, staff, office, clerk, title="关于简单小区的建议")
    rich, reply = _replied(session, delegate, staff, office, clerk, title="关于复杂小区的建议", code="B")
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="不够")
    # Round 2 for the rich one: another reply, more ratings, follow-ups.
    rich.refresh_from_db()
    lead = rich.assignments.get()
    actions.contact_record(
        assignment=lead,
        actor=clerk,
        method="meeting",
        date=timezone.localdate(lead.assigned_at),
        participants="代表、经办人",
        summary="再次座谈。",
    )
    r2 = actions.reply_save_draft(
        assignment=lead,
        actor=clerk,
        text="第二轮",
        result_class=factories.result_class("B"),
        signed_off_by="局长",
        attachment=factories.signed_letter(lead, clerk),
    )
    actions.reply_submit(reply=r2, actor=clerk)
    actions.followup_post(reply=r2, actor=clerk, text="进展一")
    actions.followup_post(reply=r2, actor=clerk, text="进展二")
    publish_reply(r2, staff)

    def count(pk):
        cache.clear()
        public_congress()  # kept by the process a minute
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("public:detail", args=[pk])).status_code == 200
        return len(ctx.captured_queries)

    # Suggestion, co-signers, replies, ratings, rounds, follow-ups (and the congress scope): the same for one
    # reply or many.
    assert count(simple.pk) == count(rich.pk) == 7


# --------------------------------------------------------------------------- outcome page


def test_the_outcome_page_reads_like_a_news_item_with_timeline_and_progress(client, world):
    s = world["published"]
    response = client.get(reverse("public:detail", args=[s.pk]))
    body = response.content.decode()
    assert "<h1" in body and s.title in body
    assert 'class="lead"' in body
    assert "代表领衔" in body  # the lead paragraph names the lead delegate and co-signers
    assert "办理过程" in body
    for label in ("立案", "交办承办单位", "代表评价", "办理结果公开"):
        assert label in body
    assert "跟踪督办进展" in body and "承办单位报送办理进展" in body
    assert "data-print" in body
    assert f"/public/outcomes/{s.pk}/" in body  # the stable, shareable URL


def test_the_lead_paragraph_names_the_key_leader_and_the_rating(session, staff, delegate, office, clerk, leader):
    s, reply = _replied(
        session,
        delegate,
        staff,
        office,
        clerk,
        title="关于9855厂老旧小区改造的建议",
        is_key=True,
        leader=leader,
        publish=False,
    )
    actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED)
    publish_reply(reply, staff)
    suggestion = public_detail.outcome_detail(s.pk, first_congress())
    text = public_detail.lead_paragraph(suggestion)
    assert f"由{leader.title}{leader.name}领衔督办" in text
    assert "代表评价：满意" in text
    assert office.name in text


def test_public_reads_use_only_published_submitted_replies(world):
    s = world["published"]
    from suggestions.queries import selectors

    expected = [r.pk for r in selectors.public_replies(s)]
    assert [r.pk for r in public_detail.outcome_detail(s.pk, first_congress()).published_replies] == expected
    assert Reply.objects.filter(is_published=False).exists()


# --------------------------------------------------------------------------- stats, office, open data


def test_stats_show_figures_with_numerator_and_denominator_and_chart_data(client, world):
    response = client.get(reverse("public:stats"))
    body = response.content.decode()
    assert "办复率" in body and "满意率" in body
    assert 'id="public-stats-data"' in body
    assert "echarts.min.js" in body and "js/public.js" in body
    assert "统计口径" in body
    assert "<table" in body and world["office"].name in body


def test_stats_for_an_unknown_session_fall_back_to_the_current_one(client, world):
    assert client.get(reverse("public:stats"), {"session": "999999"}).status_code == 200
    assert client.get(reverse("public:stats"), {"session": "x"}).status_code == 200


def test_the_office_page_shows_counts_results_and_ratings(client, world):
    body = client.get(reverse("public:office", args=[world["office"].pk])).content.decode()
    assert world["office"].name in body
    assert "办复率" in body and "按时办复率" in body
    assert "B 正在解决或者列入计划逐步解决" in body
    assert world["published"].title in body
    assert client.get(reverse("public:office", args=[999999])).status_code == 404


def test_the_csv_lists_published_outcomes_with_formula_cells_defused(
    client, session, staff, delegate, office, clerk, world
):
    _replied(session, delegate, staff, office, clerk, title='=HYPERLINK("x")小区')
    response = client.get(reverse("public:csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = _text(response).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "编号" and rows[0][1] == "标题"
    titles = [r[1] for r in rows[1:]]
    assert world["published"].title in titles
    assert '\'=HYPERLINK("x")小区' in titles
    assert len(rows) == 3


def test_the_feed_is_atom_with_newest_outcomes(client, world):
    response = client.get(reverse("public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert world["published"].title in body
    assert f"/public/outcomes/{world['published'].pk}/" in body


def test_public_pages_need_no_login_and_a_logged_in_user_sees_the_same(client, world, staff):
    url = reverse("public:detail", args=[world["published"].pk])
    anonymous = client.get(url).content.decode()
    client.force_login(staff)
    logged_in = client.get(url).content.decode()
    assert "SECRET-STAFF-MARKER" in logged_in  # the header greets the user …
    assert world["published"].title in logged_in
    client.logout()
    assert "SECRET-STAFF-MARKER" not in client.get(url).content.decode()  # … and the cache never keeps it
    assert anonymous.count("csrfmiddlewaretoken") == 1


def test_an_unpublished_reply_next_to_a_published_one_stays_hidden(
    client, session, staff, delegate, office, other_office, clerk, other_clerk
):
    s = _assigned_separately(session, delegate, staff, [office, other_office], title="关于小区污水直排的建议")
    shown = carry_to_reply(s, s.assignments.get(office=office), clerk, text="内部 SECRET-INTERNAL-REPLY-MARKER")
    hidden = carry_to_reply(
        s, s.assignments.get(office=other_office), other_clerk, code="C", text="SECRET-UNPUB-REPLY-MARKER"
    )
    actions.rating_submit(reply=hidden, actor=delegate.user, value=Rating.Value.UNSATISFIED, comment="SECRET-X")
    publish_reply(shown, staff, public_text="污水管网已接入市政管网。")
    urls = [
        reverse("public:list"),
        reverse("public:detail", args=[s.pk]),
        reverse("public:csv"),
        reverse("public:feed"),
    ]
    for url in urls:
        body = _text(client.get(url))
        assert "关于小区污水直排的建议" in body, url
        for marker in ("SECRET-UNPUB-REPLY-MARKER", "SECRET-INTERNAL-REPLY-MARKER", "SECRET-X"):
            assert marker not in body, url
        if 'id="h-outcomes"' in body:
            body = body.split('id="h-outcomes"')[1]  # (the office menu of the filters names every office)
        assert other_office.name not in body, url  # its part of the answer is not published
        assert "不满意" not in body, url
    assert "C 因条件限制" not in client.get(reverse("public:detail", args=[s.pk])).content.decode()
    assert (
        "关于小区污水直排的建议" not in client.get(reverse("public:list"), {"office": other_office.pk}).content.decode()
    )


def test_statistics_count_every_registered_suggestion_not_only_published_ones(client, world):
    body = client.get(reverse("public:stats")).content.decode()
    # published + withdrawn (excluded) + unpublished replied: two registered, both assigned and replied.
    assert '<span class="stat-value">2</span><span class="stat-label">立案件数</span>' in body
    assert "已立案的全部建议" in body


def test_an_anonymous_visitor_gets_the_cached_page_with_a_working_csrf_token_of_their_own(world):
    from django.test import Client

    from suggestions.web.public import _slots

    url = reverse("public:detail", args=[world["published"].pk]) + "?utm=x&lt"
    pages = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        body = response.content.decode()
        for slot in _slots():
            assert slot not in body
        token = response.cookies["csrftoken"].value
        assert 'name="next" type="hidden" value="/public/outcomes/' in body
        assert "utm=x&amp;lt" in body  # the path is escaped like the template would
        # The language form in the footer works with the visitor's own token.
        assert (
            visitor.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token, "next": url}).status_code
            == 302
        )
        pages.append(body)
    assert pages[0].split("csrfmiddlewaretoken")[0] == pages[1].split("csrfmiddlewaretoken")[0]


def test_a_visitor_with_a_pending_message_gets_a_freshly_rendered_layout(client, world):
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from suggestions.web import public

    client.get(reverse("public:list"))  # the whole page is now cached for anonymous visitors
    request = RequestFactory().get(reverse("public:list"))
    request.session, request.user = SessionStore(), AnonymousUser()
    request._messages = FallbackStorage(request)
    messages.info(request, "您已安全退出。MSG-MARKER")
    assert "MSG-MARKER" in public.outcome_list(request).content.decode()
    assert "MSG-MARKER" not in client.get(reverse("public:list")).content.decode()


def test_public_pages_work_when_the_cache_is_down(client, world, settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    try:
        for url in _public_urls(world):
            assert client.get(url).status_code == 200, url
    finally:
        caches["default"].close()


def test_a_delegate_rating_two_separate_replies_counts_once(
    session, staff, delegate, office, other_office, clerk, other_clerk
):
    s = _assigned_separately(session, delegate, staff, [office, other_office], title="关于小区管网的建议")
    for o, c in ((office, clerk), (other_office, other_clerk)):
        reply = carry_to_reply(s, s.assignments.get(office=o), c)
        actions.rating_submit(reply=reply, actor=delegate.user, value=Rating.Value.SATISFIED)
        publish_reply(reply, staff)
    suggestion = public_detail.outcome_detail(s.pk, first_congress())
    assert suggestion.summary.rating_text == "满意"
    assert [o.name for o in suggestion.summary.offices] == [office.name, other_office.name]


def test_a_list_row_says_what_the_outcome_page_says(
    world, session, staff, delegate, office, other_office, clerk, other_clerk
):
    """List rows load plain values (``load_rows``), the outcome page model instances: one summary rule."""
    separate = _assigned_separately(session, delegate, staff, [office, other_office], title="关于小区管网的建议")
    for o, c, value in ((office, clerk, Rating.Value.SATISFIED), (other_office, other_clerk, Rating.Value.BASIC)):
        reply = carry_to_reply(separate, separate.assignments.get(office=o), c)
        actions.rating_submit(reply=reply, actor=delegate.user, value=value)
        publish_reply(reply, staff)
    ids = [world["published"].pk, separate.pk]
    rows = public_list.load_rows(list(public_list.outcome_rows_base(first_congress()).filter(pk__in=ids)))
    assert len(rows) == 2

    def shown(summary):
        return (
            [(o.pk, o.name) for o in summary.offices],
            [(rc.code, rc.name, rc.needs_follow_up, rc.counts_as_adopted) for rc in summary.result_classes],
            summary.reply_date,
            summary.rating_text,
            summary.rating_round,
        )

    for row in rows:
        page = public_detail.outcome_detail(row.pk, first_congress())
        assert shown(row.summary) == shown(page.summary)
        assert row.cosigner_names == [c.delegate.name for c in page.confirmed_cosigners]
    by_pk = {row.pk: row for row in rows}
    assert by_pk[world["published"].pk].cosigner_names  # the co-signer who accepted, not the one who declined
    assert by_pk[separate.pk].summary.rating_text == "满意1人、基本满意1人"


def test_a_page_built_while_a_publication_changed_is_not_served_afterwards(db):
    """The page is stored with the version read before it was built; a bump during the build outdates it."""
    from django.core.cache import cache

    from suggestions.web import public

    builds = []

    def build():
        builds.append(1)
        if len(builds) == 1:
            cache.incr(public.VERSION_KEY)  # a reply is unpublished while this page renders
        return {"title": "t", "body": f"build {len(builds)}"}

    assert public.cached(first_congress(), "race", ("x",), build)["body"] == "build 1"
    assert (
        public.cached(first_congress(), "race", ("x",), build)["body"] == "build 2"
    )  # not the page of the old version
    assert public.cached(first_congress(), "race", ("x",), build)["body"] == "build 2"  # now cached
    assert len(builds) == 2


def test_filter_menus_mark_the_chosen_value_and_escape_names(client, world):
    from tests import factories

    odd = factories.OfficeFactory(name='区"测试"<b>局</b>')
    response = client.get(reverse("public:list"), {"office": odd.pk, "rating": "satisfied"})
    html = response.content.decode()
    assert f'<option value="{odd.pk}" selected>区&quot;测试&quot;&lt;b&gt;局&lt;/b&gt;</option>' in html
    assert '<option value="satisfied" selected>' in html
    assert '<select name="office" id="id_office">' in html


def test_list_rows_are_cached_per_suggestion_and_redrawn_when_it_changes(
    client, world, staff, delegate, clerk, django_capture_on_commit_callbacks
):
    """After a publication only the changed suggestion's row is rendered again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    s = world["published"]
    client.get(reverse("public:list"))  # every row rendered and cached
    other, reply = _replied(
        s.session, delegate, staff, world["office"], clerk, title="关于修缮老旧小区路面的建议", publish=False
    )
    with django_capture_on_commit_callbacks(execute=True):  # the publication bumps the page version on commit
        publish_reply(reply, staff, public_text="路面已修缮。")
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("public:list")).content.decode()
    assert "关于修缮老旧小区路面的建议" in html and s.title in html
    prefetches = [q["sql"] for q in captured.captured_queries if "suggestions_reply" in q["sql"].split("WHERE")[0]]
    assert prefetches and all(f"({other.pk})" in sql or f"= {other.pk}" in sql for sql in prefetches)
    # The showcase's co-signer, offices and rating are still in its (cached) row.
    assert "基本满意" in html or "满意" in html
