"""The scoring pages for each role, the forms' bad input, and the Excel exports with their Chinese intact."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.yearend.test_actions import _scored
from yearend import actions
from yearend.models import Objection, Rubric, ScoreSheet

READERS = {"staff", "admin", "leader"}
X_OFFICE = {"clerk", "head"}


@pytest.fixture
def released(scoring_world):
    rubric = _scored(scoring_world)
    actions.sheets_release(rubric=rubric, actor=scoring_world.staff)
    return scoring_world, rubric


def _client(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _expect(role, allowed, *, refused=403):
    if role in allowed:
        return 200
    return 302 if role == "anonymous" else refused


def test_every_page_answers_each_role_as_designed(released):
    w, rubric = released
    x_sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    y_sheet = ScoreSheet.objects.get(rubric=rubric, office=w.y)
    pages = [
        (reverse("yearend:home"), READERS, 403),
        (reverse("yearend:rubric", args=[rubric.pk]), READERS, 403),
        (reverse("yearend:scores", args=[rubric.pk]), READERS, 403),
        (reverse("yearend:scores_export", args=[rubric.pk]), {"staff", "admin"}, 404),
        (reverse("yearend:sheet", args=[x_sheet.pk]), READERS | X_OFFICE, 404),
        (reverse("yearend:sheet_export", args=[x_sheet.pk]), READERS | X_OFFICE, 404),
        (reverse("yearend:sheet", args=[y_sheet.pk]), READERS, 404),
        (reverse("yearend:office_home"), X_OFFICE | {"other_clerk"}, 403),
        (reverse("yearend:rubric_create"), {"staff", "admin"}, 403),
    ]
    wrong = []
    for url, allowed, refused in pages:
        for role in w.users:
            status = _client(w, role).get(url).status_code
            expected = _expect(role, allowed, refused=refused)
            if role == "leader" and url.endswith("scores.xlsx"):
                expected = 403  # a leader reads the scores but does not export the table
            if status != expected:
                wrong.append(f"{url} {role}: {status}, expected {expected}")
    assert wrong == []


def test_the_ranking_shows_the_chart_the_table_and_last_years_column(released):
    w, rubric = released
    html = _client(w, "leader").get(reverse("yearend:scores", args=[rubric.pk])).content.decode()
    assert "<svg" in html and "住建局" in html and "区住房和城乡建设局" in html
    assert "上年总分" in html
    assert 'action="/yearend/rubrics/' not in html  # a leader is offered no button


def test_the_office_page_shows_why_and_offers_the_objection_form_to_its_own_office_only(released):
    w, rubric = released
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    html = _client(w, "clerk").get(reverse("yearend:sheet", args=[sheet.pk])).content.decode()
    assert "按时答复" in html and "答复函规范。" in html and str(sheet.total) in html
    assert f'action="{reverse("yearend:object", args=[sheet.pk])}"' in html
    assert "操作记录" not in html  # the audit is the staff's
    staff_html = _client(w, "staff").get(reverse("yearend:sheet", args=[sheet.pk])).content.decode()
    assert f'action="{reverse("yearend:object", args=[sheet.pk])}"' not in staff_html
    assert "操作记录" in staff_html and f'action="{reverse("yearend:score", args=[sheet.pk])}"' in staff_html
    office_list = _client(w, "clerk").get(reverse("yearend:office_home")).content.decode()
    assert "区住房和城乡建设局" in office_list and "区财政局" not in office_list


def test_an_objection_posted_by_the_office_and_bad_input_never_half_saves(released):
    w, rubric = released
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    clerk = _client(w, "clerk")
    url = reverse("yearend:object", args=[sheet.pk])
    response = clerk.post(url, {"text": "", "item": "99999"}, follow=True)
    assert response.status_code == 200 and Objection.objects.count() == 0
    response = clerk.post(url, {"text": "<script>alert(1)</script>答复逾期有客观原因。"}, follow=True)
    assert response.status_code == 200 and Objection.objects.count() == 1
    assert "<script>alert(1)</script>" not in response.content.decode()
    other = _client(w, "other_clerk")
    assert other.post(url, {"text": "不服。"}).status_code == 404
    staff = _client(w, "staff")
    bad = staff.post(reverse("yearend:score", args=[sheet.pk]), {"item": "abc", "points": "x", "reason": ""})
    assert bad.status_code == 302
    objection = Objection.objects.get()
    answered = staff.post(reverse("yearend:answer", args=[objection.pk]), {"accept": "0", "answer": "不予采纳。"})
    assert answered.status_code == 302
    assert Objection.objects.get().status == Objection.Status.REJECTED


def test_staff_build_a_rubric_through_the_pages(scoring_world):
    w = scoring_world
    staff = _client(w, "staff")
    bad = staff.post(reverse("yearend:rubric_create"), {"year": "abc", "title": ""})
    assert bad.status_code == 400 and Rubric.objects.count() == 0
    response = staff.post(
        reverse("yearend:rubric_create"),
        {
            "year": "2026",
            "title": "考评办法",
            "full_marks": "100",
            "deduction_cap": "5",
            "bonus_cap": "3",
            "objection_workdays": "5",
        },
    )
    rubric = Rubric.objects.get()
    assert response.status_code == 302
    item_url = reverse("yearend:item_create", args=[rubric.pk])
    refused = staff.post(item_url, {"order": "1", "name": "满意率", "kind": "rate", "weight": "100"})
    assert refused.status_code == 400 and "比例指标" in refused.content.decode()
    staff.post(item_url, {"order": "1", "name": "满意率", "kind": "rate", "metric": "satisfaction", "weight": "100"})
    assert rubric.items.count() == 1
    staff.post(reverse("yearend:rubric_publish", args=[rubric.pk]))
    assert Rubric.objects.get().status == Rubric.Status.PUBLISHED
    page = staff.get(reverse("yearend:rubric", args=[rubric.pk])).content.decode()
    assert reverse("yearend:item_create", args=[rubric.pk]) not in page  # locked
    assert f'action="{reverse("yearend:rubric_version", args=[rubric.pk])}"' in page


def test_the_exports_open_in_excel_with_chinese_intact(released):
    w, rubric = released
    staff = _client(w, "staff")
    response = staff.get(reverse("yearend:scores_export", args=[rubric.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["考评得分", "得分明细"]
    table = list(book["考评得分"].iter_rows(values_only=True))
    assert "承办单位得分排名" in table[0][0]
    assert table[1][:2] == ("名次", "承办单位")
    offices = {row[1] for row in table[2:]}
    assert offices == {"区住房和城乡建设局", "区财政局", "区交通运输局"}
    detail = [row for row in book["得分明细"].iter_rows(values_only=True)]
    assert ("区住房和城乡建设局", "按时答复", "按比例计分", 15, 2, 4, 0.5, 7.5) in [row[:8] for row in detail]
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    own = _client(w, "clerk").get(reverse("yearend:sheet_export", args=[sheet.pk]))
    assert "attachment" in own["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(own.streaming_content)))
    rows = [row for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "区住房和城乡建设局 2026年度办理绩效考评得分表"
    assert rows[-1][0].startswith("总分") and rows[-1][6] == float(sheet.total)
    page_setup = book.active.page_setup
    assert page_setup.orientation == "landscape"


def test_the_ranking_page_costs_the_same_queries_for_three_offices_as_for_ten(released):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    w, rubric = released
    client = _client(w, "staff")
    url = reverse("yearend:scores", args=[rubric.pk])
    client.get(url)  # warm the per-process caches (navigation, calendar)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(7):
        ScoreSheet.objects.create(rubric=rubric, office=factories.OfficeFactory(name=f"区测试局{n}"))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "区测试局6" in html
    assert len(many) == len(few) <= 20, [q["sql"][:120] for q in many.captured_queries]
