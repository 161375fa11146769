"""Staff pages through HTTP: a station created from its form, refusals shown in Chinese, a discussion from Excel."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stations.models import GroupDiscussion, RecordedDraft, Station
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_create_a_station_with_its_delegates_and_staff_accounts(client, staff, delegate):
    account = factories.UserFactory(username="zhanwu")
    client.force_login(staff)
    response = client.post(
        reverse("stations:create"),
        {
            "name": "青岩镇代表联络站",
            "address": "青岩镇1号",
            "hours": "每周五上午",
            "first_response_workdays": 3,
            "answer_workdays": 15,
            "delegates": [delegate.pk],
            "staff_users": [account.pk],
        },
    )
    station = Station.objects.get()
    assert response.status_code == 302 and response["Location"] == station.get_absolute_url()
    assert list(station.delegates.all()) == [delegate] and list(station.staff.all()) == [account]
    assert station.code and station.memberships.get().code != station.code


def test_a_first_response_deadline_longer_than_the_answer_deadline_is_refused_in_chinese(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("stations:create"),
        {"name": "站", "address": "址", "hours": "时", "first_response_workdays": 20, "answer_workdays": 15},
    )
    assert response.status_code == 400 and "首次回应时限不长于答复时限" in response.content.decode()
    assert not Station.objects.exists()


def _sheet(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("rows.xlsx", out.getvalue())


def test_staff_record_a_discussion_from_an_excel_sheet(client, staff, session):
    delegation = factories.DelegationFactory(name="石板镇代表团")
    factories.DelegateFactory(term=session.term, name="孙代表")
    factories.DelegateFactory(term=session.term, name="周代表")
    category = factories.CategoryFactory()
    client.force_login(staff)
    sheet = _sheet(
        [["标题", "内容", "提出代表"], ["建议一", "内容一", "孙代表、周代表"], ["建议二", "内容二", "周代表"]]
    )
    response = client.post(
        reverse("stations:discussion_new"),
        {
            "session": session.pk,
            "delegation": delegation.pk,
            "date": "2026-01-06",
            "place": "",
            "category": category.pk,
            "excel": sheet,
        },
    )
    discussion = GroupDiscussion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("stations:discussion", args=[discussion.pk])
    assert RecordedDraft.objects.filter(discussion=discussion).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "石板镇代表团" in page and "待代表确认" in page


def test_an_unknown_delegate_in_the_form_names_the_row_and_saves_nothing(client, staff, session):
    delegation = factories.DelegationFactory()
    client.force_login(staff)
    response = client.post(
        reverse("stations:discussion_new"),
        {
            "session": session.pk,
            "delegation": delegation.pk,
            "date": "2026-01-06",
            "category": factories.CategoryFactory().pk,
            "title_0": "建议",
            "body_0": "内容",
            "delegates_0": "不存在的人",
        },
    )
    assert response.status_code == 400 and "第1件：找不到代表“不存在的人”" in response.content.decode()
    assert not GroupDiscussion.objects.exists()
