"""Staff look at the dashboard on a phone and a desktop, export Excel with a progress bar, and import a list."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from suggestions.models import Office
from tests import factories
from tests.browser.conftest import ARTIFACTS, AXE, DESKTOP, PHONE, assert_no_horizontal_scroll, screenshot
from tests.suggestions.web.test_reports import build_report_data

pytestmark = pytest.mark.django_db(transaction=True)


def axe_violations(page, *, impacts=("serious", "critical")):
    """The shared helper's inline <script> tag is blocked by the site's CSP: evaluate axe-core instead."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


@pytest.fixture
def data(db):
    session = factories.SessionFactory()
    staff = factories.StaffFactory()
    office = factories.OfficeFactory(name="区住房和城乡建设局")
    co_office = factories.OfficeFactory(name="区财政局")
    other_office = factories.OfficeFactory(name="区交通运输局")
    clerk = factories.OfficeMemberFactory(office=office).user
    factories.OfficeMemberFactory(office=co_office)
    other_clerk = factories.OfficeMemberFactory(office=other_office).user
    built = build_report_data(
        session=session,
        staff=staff,
        office=office,
        co_office=co_office,
        other_office=other_office,
        clerk=clerk,
        other_clerk=other_clerk,
    )
    return {"session": session, "staff": staff, **built}


def _wait_for_charts(page):
    for chart in ("chart-status", "chart-results", "chart-offices", "chart-categories"):
        page.wait_for_selector(f"#{chart}[data-rendered=true] canvas")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_sees_the_figures_tables_and_charts(open_page, data, viewport):
    page = open_page(user=data["staff"], viewport=viewport)
    page.goto("/staff/reports/")
    assert page.locator("h1").inner_text() == "办理情况统计"
    _wait_for_charts(page)
    reply_rate = page.locator("[data-figure=reply_rate]")
    assert "66.7%" in reply_rate.inner_text() and "已答复 2 ÷ 已交办 3" in reply_rate.inner_text()
    assert "50.0%" in page.locator("[data-figure=basic]").inner_text()
    # Each chart really drew something: its canvas is not blank.
    for chart in ("chart-status", "chart-offices"):
        drawn = page.evaluate(
            """(id) => {
                const c = document.querySelector('#' + id + ' canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                return n;
            }""",
            chart,
        )
        assert drawn > 1000, chart
    assert page.locator("[data-office='区交通运输局'] [data-col=overdue]").inner_text() == "1"
    assert page.locator("#overdue").get_by_text("关于整治河道的建议").is_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    name = f"reports-dashboard-{'phone' if viewport == PHONE else 'desktop'}"
    screenshot(page, name)
    if viewport == PHONE:  # the whole phone page is too tall to read: its parts as well
        for part in ("figures-heading", "offices", "overdue"):
            section = page.locator(f"#{part}").locator("xpath=ancestor-or-self::section[1]")
            section.screenshot(path=str(ARTIFACTS / f"{name}-{part}.png"))


def test_sorting_the_office_table_by_overdue_puts_the_late_office_first(open_page, data):
    page = open_page(user=data["staff"])
    page.goto("/staff/reports/")
    page.locator("#offices th", has_text="逾期").get_by_role("link").click()
    page.wait_for_load_state()
    first = page.locator("[data-office-table] tbody tr").first
    assert first.get_attribute("data-office") == "区交通运输局"
    assert page.locator("#offices th[aria-sort=descending]").inner_text() == "逾期"


def test_staff_exports_the_summary_table_with_a_progress_bar(open_page, data):
    page = open_page(user=data["staff"], viewport=DESKTOP)
    page.goto("/staff/reports/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出建议汇总表（Excel）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("建议办理汇总表-") and download.suggested_filename.endswith(".xlsx")
    status = page.locator("[data-export-status]")
    page.wait_for_selector("[data-export-status][data-state=done]")
    assert status.is_visible()
    assert "已导出" in status.inner_text()
    assert page.locator("[data-export-status] .progress").get_attribute("aria-valuenow") == "100"
    page.wait_for_timeout(400)  # let the bar's width transition finish before the picture
    screenshot(page, "reports-export-progress-desktop")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    rows = list(workbook["汇总表"].iter_rows(values_only=True))
    assert rows[1][2] == "标题"
    assert len(rows) == 2 + 5 + 1
    assert {r[2] for r in rows[2:-1]} >= {"关于加快老旧小区改造的建议", "关于整治河道的建议"}


def test_the_leader_sees_the_dashboard_without_export_buttons(open_page, data):
    leader = factories.LeaderFactory()
    page = open_page(user=leader.user, viewport=PHONE)
    page.goto("/staff/reports/")
    _wait_for_charts(page)
    assert page.locator("a[data-export]").count() == 0
    assert_no_horizontal_scroll(page)
    screenshot(page, "reports-dashboard-leader-phone")


def test_staff_imports_offices_after_checking_the_preview(open_page, data, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位名称", "简称", "经办人姓名", "经办人账号", "联系电话"])
    sheet.append(["区水务管理局", "水务局", "李明", "shuiwu", "0851-83600000"])
    sheet.append(["区住房和城乡建设局", "住建局", "", "", ""])
    path = tmp_path / "承办单位.xlsx"
    workbook.save(path)
    page = open_page(user=data["staff"], viewport=PHONE)
    page.goto("/staff/roster/import/offices/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("[data-import-preview]")
    assert page.locator("[data-count=new] .stat-value").inner_text() == "1"
    assert page.locator("[data-count=updated] .stat-value").inner_text() == "1"
    assert_no_horizontal_scroll(page)
    screenshot(page, "reports-import-preview-phone")
    assert not Office.objects.filter(name="区水务管理局").exists()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector(".alert-success")
    assert "新增1条，更新1条" in page.locator(".alert-success").inner_text()
    assert Office.objects.filter(name="区水务管理局", short_name="水务局").exists()


def test_a_bad_import_file_shows_the_errors_in_chinese(open_page, data, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号码"])
    sheet.append(["张三", "12345"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "代表.xlsx"
    path.write_bytes(buffer.getvalue())
    page = open_page(user=data["staff"], viewport=DESKTOP)
    page.goto("/staff/roster/import/delegates/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("[data-import-errors]")
    assert "第2行" in page.locator("[data-error-row='2']").inner_text()
    assert "不是电话号码" in page.locator("[data-error-row='2']").inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "reports-import-errors-desktop")
