"""Excel exports: the 汇总表 and the per-office table, opened with openpyxl and checked row by row."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from suggestions import actions
from suggestions.reporting import xlsx
from tests import factories
from tests.suggestions.web.test_reports import _new

SUMMARY = reverse("reports:export_summary")
OFFICES = reverse("reports:export_offices")


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return load_workbook(io.BytesIO(body))


@pytest.mark.django_db
class TestSummaryExport:
    def test_the_summary_table_has_a_title_chinese_headers_and_one_row_per_suggestion(
        self, client, staff, session, report_data
    ):
        client.force_login(staff)
        response = client.get(SUMMARY, {"session": session.pk})
        assert "attachment" in response["Content-Disposition"]
        assert "filename*=utf-8''" in response["Content-Disposition"]
        sheet = _workbook(response)["汇总表"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == f"{session.name}代表建议办理情况汇总表"
        assert list(rows[1]) == [
            "序号",
            "编号",
            "标题",
            "领衔代表",
            "联名代表",
            "类别",
            "承办单位",
            "状态",
            "答复期限",
            "答复日期",
            "办理结果",
            "代表评价",
        ]
        body = rows[2:-1]
        assert len(body) == 5
        assert rows[-1][0] == "合计" and rows[-1][2] == "共5件"
        by_title = {r[2]: r for r in body}
        s1 = report_data["s1"]
        s1.refresh_from_db()
        first = by_title["关于加快老旧小区改造的建议"]
        assert first[1] == s1.number_display
        assert first[3] == "王秀英"
        assert first[5] == "城乡建设"
        assert first[6] == "区住房和城乡建设局（主办）\n区财政局（协办）"
        assert first[7] == "办结"
        lead = s1.assignments.get(role="lead")
        assert first[8].date() == lead.due_date
        assert first[9].date() == timezone.localdate()
        assert first[10] == "A 已经解决或者基本解决"
        assert first[11] == "满意"
        assert by_title["关于增设公交站台的建议"][11] == "基本满意"
        assert by_title["关于修缮校舍的建议"][4] == "陈志强"
        assert by_title["关于修缮校舍的建议"][6] is None
        waiting = by_title["关于增加路灯的建议"]
        assert waiting[1] is None and waiting[7] == "已提交待审查"
        # Sorted by number: registered ones first, in number order.
        numbers = [r[1] for r in body if r[1]]
        assert numbers == sorted(numbers, key=lambda n: int("".join(c for c in n if c.isdigit())))

    def test_the_summary_sheet_is_set_up_for_printing(self, client, staff, session, report_data):
        client.force_login(staff)
        sheet = _workbook(client.get(SUMMARY, {"session": session.pk}))["汇总表"]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$2"
        assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet["B2"].font.b is True

    def test_drafts_and_other_sessions_are_not_exported(self, client, staff, session, report_data):
        other = factories.SessionFactory(
            term=session.term,
            number=4,
            is_current=False,
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 1, 9),
        )
        factories.SuggestionFactory(session=session, title="一份草稿")
        _new(other, report_data["delegate"], staff, title="上次会议的建议")
        client.force_login(staff)
        titles = [
            r[2]
            for r in _workbook(client.get(SUMMARY, {"session": session.pk}))["汇总表"].iter_rows(
                min_row=3, values_only=True
            )
        ]
        assert "一份草稿" not in titles
        assert "上次会议的建议" not in titles
        everything = [r[2] for r in _workbook(client.get(SUMMARY))["汇总表"].iter_rows(min_row=3, values_only=True)]
        assert "上次会议的建议" in everything and "一份草稿" not in everything

    def test_the_export_follows_the_track_list_filters_and_its_chosen_order(
        self, client, staff, session, report_data, other_office
    ):
        client.force_login(staff)

        def titles(**query):
            sheet = _workbook(client.get(SUMMARY, query))["汇总表"]
            return [r[2] for r in sheet.iter_rows(min_row=3, values_only=True)][:-1]

        assert sorted(titles(session=session.pk, status="closed")) == [
            "关于加快老旧小区改造的建议",
            "关于增设公交站台的建议",
        ]
        assert titles(office=other_office.pk) == ["关于整治河道的建议"]
        assert titles(overdue="1") == ["关于整治河道的建议"]
        by_title = titles(session=session.pk, ordering="title")
        assert by_title == sorted(by_title)
        assert titles(session="not-a-number") is not None  # an invalid filter value is ignored, not a 500

    def test_the_export_query_count_does_not_grow_with_rows(
        self, client, staff, session, report_data, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(staff)
        client.get(SUMMARY, {"session": session.pk})
        with CaptureQueriesContext(connection) as small:
            _workbook(client.get(SUMMARY, {"session": session.pk}))
        for n in range(12):
            _new(session, report_data["delegate"], staff, title=f"追加建议{n}")
        with django_assert_num_queries(len(small)):
            sheet = _workbook(client.get(SUMMARY, {"session": session.pk}))["汇总表"]
        assert sheet.max_row == 2 + 17 + 1


@pytest.mark.django_db
class TestOfficeExport:
    def test_the_office_table_has_one_row_per_office_with_rates_and_a_total(
        self, client, staff, session, report_data, office, co_office, other_office
    ):
        client.force_login(staff)
        sheet = _workbook(client.get(OFFICES, {"session": session.pk}))["承办单位统计"]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == f"{session.name}承办单位办理情况统计表"
        assert rows[1][:8] == ("序号", "承办单位", "交办件数", "主办", "协办", "分办", "已答复", "办复率")
        by_office = {r[1]: r for r in rows[2:-1]}
        assert set(by_office) == {office.name, co_office.name, other_office.name}
        lead = by_office[office.name]
        assert lead[2:7] == (2, 2, 0, 0, 2)
        assert lead[7] == 1.0  # 办复率 as a number, shown as a percentage
        assert lead[10:14] == (2, 2, 1.0, 0)
        assert by_office[other_office.name][13] == 1
        assert by_office[co_office.name][7] == 0.0
        total = rows[-1]
        assert total[0] == "合计" and total[2] == 4 and total[13] == 1
        assert sheet["H3"].number_format == "0.0%"
        assert sheet.page_setup.orientation == "landscape"


@pytest.mark.django_db
class TestExportAccess:
    @pytest.mark.parametrize("url", [SUMMARY, OFFICES])
    def test_anonymous_is_sent_to_login(self, client, session, url):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("url", [SUMMARY, OFFICES])
    @pytest.mark.parametrize("who", ["delegate", "clerk", "leader"])
    def test_delegate_clerk_and_leader_are_refused(self, client, session, url, who, request):
        person = request.getfixturevalue(who)
        client.force_login(getattr(person, "user", person))
        assert client.get(url).status_code == 403


@pytest.mark.django_db
class TestFormulaInjection:
    """Text a delegate or an administrator typed is never a live formula in an exported workbook."""

    HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1"]

    def test_every_text_cell_that_starts_like_a_formula_is_written_as_text(self, client, staff, session):
        for title in self.HOSTILE:
            delegate = factories.DelegateFactory(name="=代表" + title[:3], term=session.term)
            _new(session, delegate, staff, title=title)
        client.force_login(staff)
        sheet = _workbook(client.get(SUMMARY, {"session": session.pk}))["汇总表"]
        cells = {cell.value: cell for row in sheet.iter_rows(min_row=3) for cell in row if isinstance(cell.value, str)}
        for text in self.HOSTILE:
            cell = cells[text]
            assert cell.data_type == "s", text
            assert cell.quotePrefix, text
        names = [c for v, c in cells.items() if v.startswith("=代表")]
        assert names and all(c.data_type == "s" for c in names)
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
        # Ordinary text keeps the plain style.
        assert not cells["城乡建设"].quotePrefix and cells["城乡建设"].data_type == "s"

    @pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
    def test_a_reused_cell_is_text_for_risky_values_and_plain_again_after(self, text):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(Workbook(write_only=True).create_sheet("x"))
        xlsx.set_value(cell, text)
        assert cell.data_type == "s" and cell.quotePrefix
        xlsx.set_value(cell, "普通文字")
        assert cell.data_type == "s" and not cell.quotePrefix
        xlsx.set_value(cell, 3)
        assert cell.data_type == "n" and not cell.quotePrefix

    def test_the_office_table_writes_an_office_name_starting_with_equals_as_text(
        self, client, staff, session, delegate
    ):
        hostile = factories.OfficeFactory(name="=cmd|' /C calc'!A0")
        s = _new(session, delegate, staff)
        actions.suggestion_assign(suggestion=s, actor=staff, lead_office=hostile)
        client.force_login(staff)
        sheet = _workbook(client.get(OFFICES, {"session": session.pk}))["承办单位统计"]
        cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
        assert cell.data_type == "s" and cell.quotePrefix
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
