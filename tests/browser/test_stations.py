"""Residents and liaison stations in a browser, the resident at phone width.

1. A resident scans a station's code, confirms the number with the SMS code, sends an opinion with a photo and
   follows it by its tracking code; the delegate forwards it, the office answers, the resident rates it, and the
   answered opinion appears redacted on the station's page.
2. Three opinions become one suggestion of the delegate; when it is answered the residents see it.
3. Five suggestions recorded from a group discussion; two delegates confirm theirs.
Screenshots go to tests/artifacts/screenshots/stations-*.png.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from stations import actions, discussions, residents
from stations.models import RecordedDraft, ResidentOpinion
from suggestions import actions as suggestion_actions
from suggestions.reminders import sms
from tests import factories
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, screenshot
from tests.conftest import carry_to_reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):
    session = factories.SessionFactory()
    staff = factories.StaffFactory()
    delegate = factories.DelegateFactory(term=session.term, name="王建国")
    station_clerk = factories.UserFactory(username="lly", first_name="刘联络")
    office = factories.OfficeFactory(name="区住房和城乡建设局")
    clerk = factories.OfficeMemberFactory(office=office).user
    station = actions.station_save(
        actor=staff,
        name="清溪社区代表联络站",
        address="花溪区清溪路1号",
        hours="每周三 9:00–12:00",
        delegates=[delegate],
        staff_users=[station_clerk],
    )
    return {
        "session": session,
        "staff": staff,
        "delegate": delegate,
        "station_clerk": station_clerk,
        "office": office,
        "clerk": clerk,
        "station": station,
    }


def sms_code(mobile):
    for phone, text in reversed([(m.phone, m.text) for m in sms.outbox]):
        if phone == mobile and "验证码" in text:
            return re.search(r"(\d{6})", text).group(1)
    raise AssertionError("no code sent")


def check(page, name):
    assert_no_horizontal_scroll(page)
    screenshot(page, f"stations-{name}")


def test_a_resident_sends_an_opinion_by_qr_code_and_follows_it_to_a_rated_published_answer(open_page, world):
    station, mobile = world["station"], "13912345678"
    page = open_page(viewport=PHONE)
    page.goto(reverse("residents:scan", args=[station.code]))
    assert station.name in page.content()
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(re.compile(r"/form/$"))
    page.get_by_label("短信验证码").fill(sms_code(mobile))
    page.get_by_label("主题").fill("小区路灯不亮")
    page.locator("#id_text").fill("清溪小区3栋门口路灯坏了一个月，晚上很黑。有事打我电话13912345678。")
    page.get_by_label("地点或小区").fill("清溪小区")
    page.get_by_label("姓名").fill("陈女士")
    page.get_by_label("照片（最多4张）").set_input_files(
        [{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": factories.photo_bytes()}]
    )
    check(page, "1-resident-form")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url(re.compile(r"/track/[A-Z0-9]+/$"))
    opinion = ResidentOpinion.objects.get()
    assert opinion.tracking_code in page.content() and opinion.photos.count() == 1
    assert "陈女士" not in page.content() and "13912345678" not in page.content()
    check(page, "2-resident-tracking")

    # The delegate forwards it to the office (on a phone too).
    delegate_page = open_page(user=world["delegate"].user, viewport=PHONE)
    delegate_page.goto(reverse("stations:opinion", args=[opinion.pk]))
    assert "陈女士" in delegate_page.content()  # the handler sees the resident
    delegate_page.get_by_label("承办单位").select_option(label="区住房和城乡建设局")
    delegate_page.get_by_role("button", name="转办").click()
    delegate_page.wait_for_load_state()
    check(delegate_page, "3-delegate-forwarded")

    # The office sees it in its inbox beside its assignments, signs for it there, then answers; the resident's
    # name is masked for it.
    office_page = open_page(user=world["clerk"])
    office_page.goto(reverse("offices:inbox"))
    section = office_page.locator("#station-opinions")
    assert "待签收" in section.inner_text()
    section.get_by_role("button", name="签收").click()
    office_page.wait_for_load_state()
    assert "已签收" in office_page.locator("#station-opinions").inner_text()
    check(office_page, "3b-office-inbox-signed")
    office_page.locator("#station-opinions").get_by_role("link", name="小区路灯不亮").click()
    assert "陈女士" not in office_page.content() and "陈**" in office_page.content()
    office_page.locator("#id_text").fill("已安排维修人员，三个工作日内修复。")
    office_page.get_by_role("button", name="提交答复").click()
    office_page.wait_for_load_state()
    opinion.refresh_from_db()
    assert (
        opinion.status == ResidentOpinion.Status.ANSWERED
        and timezone.localdate(opinion.answered_at) <= opinion.answer_due
    )

    # The resident reads the answer and rates it.
    page.goto(reverse("residents:track", args=[opinion.tracking_code]))
    assert "三个工作日内修复" in page.content()
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert "已办结" in page.content()
    check(page, "4-resident-rated")

    # Station staff publish the reviewed text; the station's page shows it redacted.
    clerk_page = open_page(user=world["station_clerk"], viewport=PHONE)
    clerk_page.goto(reverse("stations:opinion", args=[opinion.pk]))
    clerk_page.get_by_role("button", name="公开").click()
    clerk_page.wait_for_load_state()
    public = open_page(viewport=PHONE)
    public.goto(reverse("stations:public", args=[station.pk]))
    content = public.content()
    assert "小区路灯不亮" in content and "13912345678" not in content and "139****5678" in content
    check(public, "5-station-public-page")

    # The printable A4 poster shows the station's code, name and hours.
    poster = open_page(user=world["station_clerk"])
    poster.goto(reverse("stations:poster", args=[station.pk]))
    poster.wait_for_load_state("networkidle")
    assert poster.locator("img.poster-qr").evaluate("img => img.naturalWidth") > 0
    assert "每周三 9:00–12:00" in poster.content()
    screenshot(poster, "stations-0-poster")


def test_three_opinions_become_one_suggestion_and_the_residents_see_its_answer(open_page, world, settings):
    settings.STATIONS_LIMITS = {"otp_interval_seconds": 0}
    station = world["station"]
    codes = []
    for i in range(3):
        mobile = f"1390000000{i}"
        verification = residents.verification_send(mobile=mobile, address="10.0.0.1")
        opinion = residents.opinion_submit(
            station=station,
            topic=f"停车难{i}",
            text="小区停车位不足。",
            name=f"居民{i}",
            mobile=mobile,
            verification_id=verification.pk,
            code=sms_code(mobile),
        )
        codes.append(opinion.tracking_code)
    factories.CategoryFactory(name="城乡建设")
    page = open_page(user=world["delegate"].user, viewport=PHONE)
    page.goto(reverse("stations:detail", args=[station.pk]))
    for i in range(3):
        page.get_by_label(re.compile(f"停车难{i}")).check()
    page.get_by_label("建议标题").fill("关于解决清溪小区停车难的建议")
    page.get_by_label("建议内容").fill("多位居民反映小区停车位不足，建议规划建设公共停车场。")
    page.get_by_label("类别").select_option(label="城乡建设")
    check(page, "6-delegate-suggest")
    page.get_by_role("button", name="形成建议草稿").click()
    page.wait_for_load_state()
    suggestion = ResidentOpinion.objects.get(tracking_code=codes[0]).suggestion
    assert suggestion is not None and suggestion.resident_opinions.count() == 3

    staff, clerk = world["staff"], world["clerk"]
    suggestion_actions.suggestion_submit(suggestion=suggestion, actor=world["delegate"].user)
    suggestion_actions.suggestion_register(suggestion=suggestion, actor=staff)
    suggestion_actions.suggestion_assign(suggestion=suggestion, actor=staff, lead_office=world["office"], co_offices=[])
    carry_to_reply(suggestion, suggestion.assignments.get(), clerk)
    assert actions.opinions_follow_suggestions() == 3  # what the periodic scan does

    resident = open_page(viewport=PHONE)
    resident.goto(reverse("residents:track", args=[codes[1]]))
    assert "已答复待评价" in resident.content() and "形成的代表建议已由承办单位答复" in resident.content()
    check(resident, "7-resident-sees-suggestion-answer")


def test_five_suggestions_from_a_group_discussion_wait_for_two_delegates_who_confirm_theirs(open_page, world):
    session, staff = world["session"], world["staff"]
    delegation = factories.DelegationFactory(name="青岩镇代表团")
    first = factories.DelegateFactory(term=session.term, delegation=delegation, name="赵一")
    second = factories.DelegateFactory(term=session.term, delegation=delegation, name="钱二")
    factories.CategoryFactory(name="城乡建设")
    page = open_page(user=staff)
    page.goto(reverse("stations:discussion_new"))
    page.get_by_label("会议").select_option(label=session.name)
    page.get_by_label("代表团").select_option(label="青岩镇代表团")
    page.get_by_label("日期").fill("2026-01-06")
    page.get_by_label("地点").fill("第三会议室")
    page.get_by_label("类别").select_option(label="城乡建设")
    for i in range(5):
        row = page.locator("fieldset").nth(i)
        row.get_by_label("标题").fill(f"分组审议建议{i + 1}")
        row.get_by_label("内容").fill(f"审议政府工作报告时提出的第{i + 1}条建议。")
        row.get_by_label(re.compile("提出代表")).fill("赵一" if i < 3 else "钱二")
    check(page, "8-discussion-form")
    page.get_by_role("button", name="录入").click()
    page.wait_for_url(re.compile(r"/stations/discussions/\d+/$"))
    assert "待代表确认" in page.content()
    assert RecordedDraft.objects.filter(confirmed_at__isnull=True).count() == 5
    check(page, "9-discussion-record")

    for delegate, count in ((first, 3), (second, 2)):
        phone = open_page(user=delegate.user, viewport=PHONE)
        phone.goto(reverse("stations:drafts"))
        assert phone.get_by_test_id("waiting-draft").count() == count
        check(phone, f"10-drafts-{delegate.name}")
        phone.get_by_role("button", name="确认并提交").first.click()
        phone.wait_for_load_state()
        assert phone.get_by_test_id("waiting-draft").count() == count - 1
    assert RecordedDraft.objects.filter(confirmed_at__isnull=False).count() == 2
    assert discussions  # the record stays with them
    assert datetime.date(2026, 1, 6) == RecordedDraft.objects.first().discussion.date
