"""Import of delegates and offices from Excel: preview, row-level errors in Chinese, all or nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congresses.models import first_congress
from delegates.models import Delegate
from suggestions.actions import accounts, roster_import
from suggestions.models import AuditLog, Office, OfficeMember
from tests import factories

User = get_user_model()


def xlsx(rows, *, name="名单.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def url(kind, name="import"):
    return reverse(f"roster:{name}", kwargs={"kind": kind})


DELEGATE_HEADER = ["序号", "姓名", "代表团", "选区", "工作单位及职务", "手机号码", "登录账号"]


@pytest.fixture
def term(session):
    return session.term


@pytest.fixture
def existing_delegate(term):
    return factories.DelegateFactory(term=term, name="王秀英", work_unit="清华社区居委会主任", user=None)


def good_delegates_file():
    return xlsx(
        [
            ["花溪区第十八届人大代表名单"],  # a title row above the header, as lists usually have
            DELEGATE_HEADER,
            [1, "王秀英", "花溪街道代表团", "花溪街道第3选区", "清华社区党委书记", 13800000001, ""],
            [2, "陈  志强", "花溪街道代表团", "花溪街道第5选区", "机械厂退休职工", "138 0000 0002", "daibiao_chen"],
            [],
            [3, "刘芳", "青岩镇代表团", "青岩镇第1选区", "青岩镇中心小学教师", "", ""],
        ]
    )


@pytest.mark.django_db
class TestDelegateImport:
    def test_the_preview_shows_new_and_updated_rows_and_saves_nothing(self, client, staff, term, existing_delegate):
        client.force_login(staff)
        response = client.post(url("delegates"), {"term": term.pk, "file": good_delegates_file()})
        assert response.status_code == 200
        preview = response.context["preview"]
        assert preview.errors == []
        assert [(r.row, r.label, r.action) for r in preview.rows] == [
            (3, "王秀英", "updated"),
            (4, "陈志强", "new"),
            (6, "刘芳", "new"),
        ]
        changes = dict((c[0], (c[1], c[2])) for c in preview.rows[0].changes)
        assert changes["工作单位及职务"] == ("清华社区居委会主任", "清华社区党委书记")
        html = response.content.decode()
        assert "确认导入（新增2条，更新1条）" in html
        assert Delegate.objects.filter(term=term).count() == 1
        assert not User.objects.filter(username="daibiao_chen").exists()

    def test_confirming_imports_every_row_with_its_account_and_contact(self, client, staff, term, existing_delegate):
        client.force_login(staff)
        preview = client.post(url("delegates"), {"term": term.pk, "file": good_delegates_file()}).context["preview"]
        response = client.post(url("delegates", "import_confirm"), {"token": preview.token}, follow=True)
        assert "导入完成：新增2条，更新1条，未变0条，新建登录账号1个。" in response.content.decode()
        chen = Delegate.objects.select_related("user", "delegation", "constituency", "contact").get(name="陈志强")
        assert chen.term == term
        assert chen.user.username == "daibiao_chen" and chen.user.first_name == "陈志强"
        assert not chen.user.has_usable_password()
        assert (chen.delegation.name, chen.constituency.name) == ("花溪街道代表团", "花溪街道第5选区")
        assert chen.contact.phone == "13800000002"
        existing_delegate.refresh_from_db()
        assert existing_delegate.work_unit == "清华社区党委书记"
        assert existing_delegate.contact.phone == "13800000001"
        assert AuditLog.objects.filter(action__in=["delegate_import", "delegate_update"], actor=staff).count() == 3

    def test_importing_the_same_file_again_changes_nothing(self, client, staff, term, existing_delegate):
        client.force_login(staff)
        token = client.post(url("delegates"), {"term": term.pk, "file": good_delegates_file()}).context["preview"].token
        client.post(url("delegates", "import_confirm"), {"token": token})
        again = client.post(url("delegates"), {"term": term.pk, "file": good_delegates_file()}).context["preview"]
        assert [r.action for r in again.rows] == ["unchanged", "unchanged", "unchanged"]

    def test_a_file_with_errors_lists_each_row_and_column_in_chinese_and_imports_nothing(
        self, client, staff, term, clerk
    ):
        client.force_login(staff)
        bad = xlsx(
            [
                DELEGATE_HEADER,
                [1, "", "花溪街道代表团", "", "", "13800000001", ""],
                [2, "张三", "", "", "", "1380000", "zhangsan"],
                [3, "李四", "", "", "", "", "zhangsan"],
                [4, "王五", "", "", "", "", "王五账号"],
                [5, "赵六", "", "", "", "", clerk.username],
                [6, "孙七", "", "", "", "13900000000", ""],
            ]
        )
        response = client.post(url("delegates"), {"term": term.pk, "file": bad})
        errors = [str(e) for e in response.context["preview"].errors]
        assert errors == [
            "第2行“姓名”：不能为空",
            "第3行“手机号码”：“1380000”不是电话号码（手机如13800000000，固定电话如0851-83600000）",
            "第4行“登录账号”：与第3行重复",
            "第5行“登录账号”：只能包含英文字母、数字和 @ . + - _",
            "第6行“登录账号”：该账号已被工作人员或承办单位使用",
        ]
        html = response.content.decode()
        assert "文件有5处错误，未导入任何数据" in html
        assert "确认导入" not in html
        assert not Delegate.objects.filter(name__in=["张三", "李四", "孙七"]).exists()
        assert client.session.get("roster_import_delegates") is None

    def test_a_previewed_file_left_unconfirmed_for_a_day_is_removed(self, client, staff, term, settings, tmp_path):
        import os
        import time

        settings.MEDIA_ROOT = tmp_path
        stale = tmp_path / "imports" / f"{'a' * 32}.xlsx"
        stale.parent.mkdir()
        stale.write_bytes(b"PK")
        os.utime(stale, (time.time() - 2 * 24 * 3600,) * 2)
        client.force_login(staff)
        preview = client.post(url("delegates"), {"term": term.pk, "file": good_delegates_file()}).context["preview"]
        assert not stale.exists()
        assert (tmp_path / "imports" / f"{preview.token}.xlsx").exists()

    def test_a_confirm_without_a_previewed_file_imports_nothing(self, client, staff, term):
        client.force_login(staff)
        response = client.post(url("delegates", "import_confirm"), {"token": "0" * 32}, follow=True)
        assert "导入文件已失效，请重新上传。" in response.content.decode()
        assert not Delegate.objects.exists()

    def test_a_file_that_is_not_excel_is_refused_beside_the_field(self, client, staff, term):
        client.force_login(staff)
        fake = SimpleUploadedFile("名单.xlsx", "姓名,代表团\n张三,花溪".encode(), content_type="text/csv")
        response = client.post(url("delegates"), {"term": term.pk, "file": fake})
        assert "这不是有效的 Excel（.xlsx）文件。" in response.context["form"].errors["file"]
        old = SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0", content_type="application/vnd.ms-excel")
        response = client.post(url("delegates"), {"term": term.pk, "file": old})
        assert "另存为 .xlsx" in response.context["form"].errors["file"][0]

    def test_a_file_without_the_name_column_says_which_column_is_missing(self, client, staff, term):
        client.force_login(staff)
        response = client.post(url("delegates"), {"term": term.pk, "file": xlsx([["代表团", "选区"], ["a", "b"]])})
        assert [str(e) for e in response.context["preview"].errors] == [
            "找不到表头：第一个工作表的前10行中应有“姓名”列（也可写作：代表姓名）。"
        ]

    def test_two_rows_with_the_same_name_and_delegation_are_an_error(self, client, staff, term):
        client.force_login(staff)
        response = client.post(
            url("delegates"),
            {
                "term": term.pk,
                "file": xlsx(
                    [
                        ["姓名", "代表团"],
                        ["张三", "甲"],
                        ["张三", "乙"],
                        ["张三", "甲"],
                    ]
                ),
            },
        )
        assert [str(e) for e in response.context["preview"].errors] == [
            "第4行“姓名”：与第2行是同一人（姓名和代表团相同），请删除重复的一行"
        ]


OFFICE_HEADER = ["单位名称", "简称", "经办人姓名", "经办人账号", "联系电话"]


@pytest.mark.django_db
class TestOfficeImport:
    def test_offices_and_their_clerks_are_previewed_then_imported(self, client, staff, office):
        client.force_login(staff)
        good = xlsx(
            [
                OFFICE_HEADER,
                [office.name, "住建局", "", "", ""],
                ["区水务管理局", "水务局", "李明", "shuiwu", "0851-83600000"],
                ["区财政局", "财政局", "", "", ""],
            ]
        )
        preview = client.post(url("offices"), {"file": good}).context["preview"]
        assert preview.errors == []
        assert [(r.label, r.action) for r in preview.rows] == [
            (office.name, "updated"),
            ("区水务管理局", "new"),
            ("区财政局", "new"),
        ]
        assert not Office.objects.filter(name="区水务管理局").exists()
        response = client.post(url("offices", "import_confirm"), {"token": preview.token}, follow=True)
        assert "导入完成：新增2条，更新1条，未变0条，新建登录账号1个。" in response.content.decode()
        office.refresh_from_db()
        assert office.short_name == "住建局"
        member = OfficeMember.objects.select_related("user", "office").get(user__username="shuiwu")
        assert (member.office.name, member.user.first_name, member.phone) == ("区水务管理局", "李明", "0851-83600000")
        assert member.role == OfficeMember.Role.CLERK

    def test_office_errors_are_listed_and_nothing_is_saved(self, client, staff, office, other_clerk, delegate):
        client.force_login(staff)
        bad = xlsx(
            [
                OFFICE_HEADER,
                [office.name, "住建局", "王经办", other_clerk.username, ""],
                ["区水务管理局", "水务局", "李明", "", ""],
                ["区水务管理局", "", "", "", ""],
                ["区林业局", "", "", "linye", "电话号码"],
                ["区民政局", "", "", delegate.user.username, ""],
            ]
        )
        response = client.post(url("offices"), {"file": bad})
        errors = [str(e) for e in response.context["preview"].errors]
        assert errors == [
            "第2行“经办人账号”：该账号已是“区交通运输局”的经办人",
            "第5行“联系电话”：“电话号码”不是电话号码（手机如13800000000，固定电话如0851-83600000）",
            "第5行“经办人姓名”：新建经办人账号须填写联系人（经办人姓名）",
            "第6行“经办人账号”：该账号已被代表或工作人员使用",
        ]
        assert [str(w) for w in response.context["preview"].warnings] == [
            "第4行“单位名称”：与第3行是同一单位，已合并为一行"
        ]
        assert not Office.objects.filter(name__in=["区水务管理局", "区林业局", "区民政局"]).exists()

    def test_a_failure_half_way_through_rolls_back_every_row(self, client, staff, monkeypatch):
        client.force_login(staff)
        good = xlsx([OFFICE_HEADER, ["区甲局", "", "", "", ""], ["区乙局", "", "", "", ""]])
        token = client.post(url("offices"), {"file": good}).context["preview"].token
        real = accounts.office_save

        def fail_on_second(*, actor, values, office=None, new_username=""):
            if values["name"] == "区乙局":
                raise accounts.InvalidInput("模拟失败")
            return real(actor=actor, values=values, office=office, new_username=new_username)

        monkeypatch.setattr(accounts, "office_save", fail_on_second)
        response = client.post(url("offices", "import_confirm"), {"token": token}, follow=True)
        assert "模拟失败" in response.content.decode()
        assert not Office.objects.filter(name__in=["区甲局", "区乙局"]).exists()


@pytest.mark.django_db
class TestTemplatesAndAccess:
    @pytest.mark.parametrize(
        ("kind", "headers"),
        [
            ("delegates", ["姓名", "代表团", "选区", "工作单位及职务", "手机号码", "固定电话", "电子邮箱", "登录账号"]),
            ("offices", ["单位名称", "简称", "联系人", "联系电话", "经办人账号"]),
        ],
    )
    def test_the_template_has_the_headers_the_import_reads(self, client, staff, session, kind, headers):
        client.force_login(staff)
        response = client.get(url(kind, "import_template"))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert [c.value for c in workbook.worksheets[0][1]] == headers
        assert "填写说明" in workbook.sheetnames

    def test_an_unknown_kind_is_not_found(self, client, staff):
        client.force_login(staff)
        assert client.get(url("budgets")).status_code == 404

    def test_staff_sees_the_upload_form_with_the_current_term_chosen(self, client, staff, term):
        client.force_login(staff)
        response = client.get(url("delegates"))
        assert response.status_code == 200
        assert response.context["form"]["term"].value() == term.pk

    @pytest.mark.parametrize("name", ["import", "import_template"])
    @pytest.mark.parametrize("who", ["delegate", "clerk", "leader"])
    def test_delegate_clerk_and_leader_are_refused(self, client, session, name, who, request):
        person = request.getfixturevalue(who)
        client.force_login(getattr(person, "user", person))
        assert client.get(url("offices", name)).status_code == 403

    @pytest.mark.parametrize("who", ["delegate", "clerk", "leader"])
    def test_others_cannot_post_a_file_or_confirm(self, client, session, who, request):
        person = request.getfixturevalue(who)
        client.force_login(getattr(person, "user", person))
        good = xlsx([OFFICE_HEADER, ["区甲局", "", "", "", ""]])
        assert client.post(url("offices"), {"file": good}).status_code == 403
        assert client.post(url("offices", "import_confirm"), {"token": "0" * 32}).status_code == 403
        assert not Office.objects.filter(name="区甲局").exists()

    def test_anonymous_is_sent_to_login(self, client, session):
        response = client.get(url("delegates"))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_services_refuse_non_staff(self, clerk):
        with pytest.raises(accounts.NotPermitted):
            accounts.office_save(actor=clerk, values={"name": "区甲局"})
        assert roster_import.ImportFailed("x").message == "x"


# --------------------------------------------------------------------------- rosters as they really come


def roster_upload(data, name):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def roster_world(term, staff):
    from delegates.models import Delegation
    from tests.delegates import roster_files

    for name, delegation, username in roster_files.EXISTING_WITH_ACCOUNTS:
        factories.DelegateFactory(
            term=term,
            name=name,
            delegation=Delegation.objects.get_or_create(term=term, name=delegation)[0],
            user=factories.UserFactory(username=username),
        )
    shiban = Delegation.objects.get_or_create(term=term, name="石板镇代表团")[0]
    factories.DelegateFactory(
        term=term, name="王芳", delegation=shiban, user=factories.UserFactory(username="wangfang")
    )
    return roster_files


@pytest.mark.django_db
class TestRealRosters:
    def preview(self, client, staff, term, roster_world):
        client.force_login(staff)
        upload = roster_upload(roster_world.delegate_roster(), "第十八届代表名单.xlsx")
        return client.post(url("delegates"), {"term": term.pk, "file": upload})

    def test_a_real_delegate_roster_previews_without_editing(self, client, staff, term, roster_world):
        response = self.preview(client, staff, term, roster_world)
        preview = response.context["preview"]
        assert preview.errors == []
        assert (preview.new, preview.updated, preview.unchanged) == (49, 11, 0)
        assert len(preview.accounts_to_create) == 49
        read_as = dict(preview.columns)
        assert read_as["代表姓名"] == "姓名" and read_as["代表团（组）"] == "代表团"
        assert read_as["手机"] == read_as["联系电话"] == "电话（手机存为手机号码，座机存为固定电话）"
        assert preview.ignored_columns == ["序号", "性别", "备注"]
        skipped = [str(rows) + "：" + str(reason) for rows, reason in preview.skipped]
        assert skipped == ["第1–2行：表头上方的标题", "第34行：空行", "第66–67行：表格下方的备注、说明"]
        warnings = [str(w) for w in preview.warnings]
        same_name = [w for w in warnings if "同名不同代表团，按新代表导入" in w]
        assert len(same_name) == 3 and "王芳（石板镇代表团，账号wangfang）" in same_name[0]
        assert any("“青溪代表团”与“清溪代表团”读音相同，请确认不是同一个代表团的不同写法" in w for w in warnings)
        html = response.content.decode()
        assert "同名不同代表团，按新代表导入" in html
        assert "13900000001" not in html and "139****0001" in html  # masked in the preview
        assert Delegate.objects.filter(term=term).count() == 12

    def test_phones_as_people_write_them_are_stored_as_mobiles_and_landlines(self, client, staff, term, roster_world):
        preview = self.preview(client, staff, term, roster_world).context["preview"]
        by_row = {r.row: r.values for r in preview.rows}
        first = 4  # the header is on row 3
        assert by_row[first]["phone"] == "13900000000"
        assert (by_row[first + 1]["phone"], by_row[first + 1]["landline"]) == ("13900000001", "0851-83612345")
        assert (by_row[first + 2]["phone"], by_row[first + 2]["landline"]) == ("13900000002", "83612345-801")
        assert (by_row[first + 3]["phone"], by_row[first + 3]["landline"]) == ("13900000003", "0851-83612346")

    def test_confirming_imports_every_person_with_an_account_and_an_activation_link(
        self, client, staff, term, roster_world
    ):
        from delegates.models import AccountActivation

        token = self.preview(client, staff, term, roster_world).context["preview"].token
        response = client.post(url("delegates", "import_confirm"), {"token": token, "create_accounts": "1"})
        assert response.status_code == 302 and response.url == reverse("roster:links")
        assert Delegate.objects.filter(term=term).count() == 61
        assert not Delegate.objects.filter(term=term, user__isnull=True).exists()
        wangs = Delegate.objects.filter(term=term, name="王芳").select_related("user", "delegation")
        assert {d.delegation.name: d.user.username for d in wangs} == {
            "石板镇代表团": "wangfang",  # already there, untouched
            "花溪街道代表团": "wangfang2",  # login names: pinyin, then the next free number
            "青岩镇代表团": "wangfang3",
            "清溪代表团": "wangfang4",
        }
        assert AccountActivation.objects.filter(used_at__isnull=True).count() == 49
        assert not User.objects.filter(username="wangfang2").get().has_usable_password()
        links = client.get(reverse("roster:links"))
        assert links.content.decode().count("data-activation-link") == 49
        workbook = load_workbook(io.BytesIO(client.get(reverse("roster:links") + "?format=xlsx").content))
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0] == ("姓名", "代表团或单位", "登录名", "激活链接", "有效期至") and len(rows) == 50
        assert all("/accounts/activate/" in row[3] for row in rows[1:])

    def test_the_second_import_of_the_same_roster_changes_nothing(self, client, staff, term, roster_world):
        token = self.preview(client, staff, term, roster_world).context["preview"].token
        client.post(url("delegates", "import_confirm"), {"token": token, "create_accounts": "1"})
        audit_rows, users = AuditLog.objects.count(), User.objects.count()
        again = self.preview(client, staff, term, roster_world).context["preview"]
        assert (again.new, again.updated, again.unchanged) == (0, 0, 60)
        assert again.accounts_to_create == []
        client.post(url("delegates", "import_confirm"), {"token": again.token, "create_accounts": "1"})
        assert (AuditLog.objects.count(), User.objects.count()) == (audit_rows, users)

    def test_a_row_matching_two_existing_people_names_both(self, client, staff, term):
        from delegates.models import Delegation

        huaxi = Delegation.objects.get_or_create(term=term, name="花溪街道代表团")[0]
        factories.DelegateFactory(term=term, name="李娜", delegation=huaxi, user=factories.UserFactory(username="lina"))
        factories.DelegateFactory(
            term=term, name="李娜", delegation=huaxi, user=factories.UserFactory(username="lina2")
        )
        client.force_login(staff)
        response = client.post(
            url("delegates"), {"term": term.pk, "file": xlsx([["姓名", "代表团"], ["李娜", "花溪街道代表团"]])}
        )
        assert [str(e) for e in response.context["preview"].errors] == [
            "第2行“姓名”：系统中有2位代表与此行相符：李娜（花溪街道代表团，账号lina）；"
            "李娜（花溪街道代表团，账号lina2）。请在“登录账号”列填写账号以区分"
        ]

    def test_a_real_office_list_merges_the_duplicate_and_offers_clerk_accounts(self, client, staff, office):
        from tests.delegates import roster_files

        client.force_login(staff)
        upload = roster_upload(roster_files.office_roster(), "承办单位.xlsx")
        response = client.post(url("offices"), {"file": upload})
        preview = response.context["preview"]
        assert preview.errors == []
        assert preview.new == 18
        warnings = [str(w) for w in preview.warnings]
        assert "第22行“承办单位”：与第3行是同一单位，已合并为一行" in warnings
        assert "第3行“承办单位”：“区住建局”与“区住房和城乡建设局”可能是简称，请确认不是同一个单位的不同写法" in warnings
        assert len(preview.without_account) == 18
        assert preview.ignored_columns == ["序号", "办公地址"]
        assert ("第24行", "表格下方的备注、说明") in [(str(a), str(b)) for a, b in preview.skipped]
        html = response.content.decode()
        assert "18个单位还没有经办人账号，无法签收交办的建议" in html
        assert "0851-83600001" not in html
        response = client.post(url("offices", "import_confirm"), {"token": preview.token, "create_accounts": "1"})
        assert response.url == reverse("roster:links")
        housing = Office.objects.get(name="区住建局")
        assert (housing.contact_name, housing.contact_phone) == ("李明", "0851-83600001")
        health = Office.objects.get(name="区卫生健康局")
        assert health.contact_phone == "0851-83600004-12"
        member = OfficeMember.objects.select_related("user").get(office=housing)
        assert (member.user.username, member.user.first_name, member.role) == ("liming", "李明", "clerk")
        again = client.post(url("offices"), {"file": roster_upload(roster_files.office_roster(), "a.xlsx")})
        assert (again.context["preview"].unchanged, again.context["preview"].without_account) == (18, [])

    def test_without_create_accounts_the_import_creates_no_account(self, client, staff, term, roster_world):
        token = self.preview(client, staff, term, roster_world).context["preview"].token
        users = User.objects.count()
        client.post(url("delegates", "import_confirm"), {"token": token})
        assert User.objects.count() == users
        assert Delegate.objects.filter(term=term, user__isnull=True).count() == 49

    def test_an_error_names_the_files_own_column(self, client, staff, term):
        client.force_login(staff)
        upload = xlsx([["名字说明"], ["代表姓名", "手机", "办公电话"], ["张三", "+86 139 0000 0001", "分机"]])
        errors = [
            str(e) for e in client.post(url("delegates"), {"term": term.pk, "file": upload}).context["preview"].errors
        ]
        assert errors == ["第3行“办公电话”：“分机”不是电话号码（手机如13800000000，固定电话如0851-83600000）"]

    def test_without_a_delegation_column_a_delegate_is_matched_by_constituency(self, client, staff, term):
        from delegates.models import Constituency

        first = Constituency.objects.create(congress=first_congress(), name="青岩镇第1选区")
        second = Constituency.objects.create(congress=first_congress(), name="石板镇第2选区")
        factories.DelegateFactory(term=term, name="刘芳", constituency=first, user=None, work_unit="教师")
        factories.DelegateFactory(term=term, name="刘芳", constituency=second, user=None, work_unit="医生")
        client.force_login(staff)
        upload = xlsx(
            [["姓名", "选区", "工作单位"], ["刘芳", "石板镇第2选区", "镇卫生院医生"], ["刘芳", "花溪第9选区", "律师"]]
        )
        preview = client.post(url("delegates"), {"term": term.pk, "file": upload}).context["preview"]
        assert preview.errors == []
        assert [(r.action, r.target.work_unit if r.target else None) for r in preview.rows] == [
            ("updated", "医生"),
            ("new", None),
        ]
        assert preview.rows[1].note == "同名不同代表团，按新代表导入"

    def test_a_note_without_a_keyword_under_the_table_is_skipped_not_refused(self, client, staff, term):
        client.force_login(staff)
        upload = xlsx(
            [
                ["序号", "姓名", "代表团"],
                [1, "张三", "甲代表团"],
                [],
                ["本名单共1人，按姓氏笔画排列。"],
                [None, None, "资料来源：区人大选联工委"],
            ]
        )
        preview = client.post(url("delegates"), {"term": term.pk, "file": upload}).context["preview"]
        assert preview.errors == []
        assert [(str(rows), str(why)) for rows, why in preview.skipped] == [("第4–5行", "表格下方的备注、说明")]
