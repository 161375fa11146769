"""The demo's other levels: 贵阳市人大 above 花溪区人大 and 青岩镇人大 below it, each with its own people.

王秀英 (daibiao_wang) is a delegate of both the district and the city: one login, two delegate records; she
switches between them in the user menu.
"""

import datetime

import time_machine
from django.apps import apps
from django.contrib.auth.models import Group

from congresses import services
from congresses.models import Congress, StaffMembership, first_congress
from delegates.models import Delegate, DelegateContact, Delegation, Session, Term
from suggestions import actions
from suggestions.defaults import install_congress_defaults
from suggestions.management.demo.data import at
from suggestions.models import Category, DeadlinePolicy, Office, OfficeMember, Rating, ResultClass
from suggestions.roles import STAFF_GROUP

CITY = {
    "name": "贵阳市人大",
    "full_name": "贵阳市人民代表大会",
    "slug": "guiyang",
    "level": Congress.Level.CITY,
    "term": (15, "贵阳市第十五届人民代表大会", datetime.date(2022, 1, 1)),
    "session": (5, "贵阳市十五届人大五次会议", datetime.date(2026, 1, 10), datetime.date(2026, 1, 13)),
    "staff": ("staff_gy", "杨帆"),
    "offices": [("市交通运输局", "市交通局", "gy_jiaotong"), ("市民政局", "市民政局", "gy_minzheng")],
    "delegates": [("gy_daibiao_he", "何伟", "花溪区代表团", "贵州大学教授", "13800000011")],
}
TOWNSHIP = {
    "name": "青岩镇人大",
    "full_name": "花溪区青岩镇人民代表大会",
    "slug": "qingyan",
    "level": Congress.Level.TOWNSHIP,
    "term": (18, "青岩镇第十八届人民代表大会", datetime.date(2021, 12, 1)),
    "session": (5, "青岩镇十八届人大五次会议", datetime.date(2026, 1, 3), datetime.date(2026, 1, 4)),
    "staff": ("staff_qy", "罗敏"),
    "offices": [("青岩镇党政办公室", "党政办", "qy_dangzheng"), ("青岩镇村镇建设服务中心", "村建中心", "qy_cunjian")],
    "delegates": [("qy_daibiao_luo", "罗兰", "青岩镇代表组", "龙井村党支部书记", "13800000021")],
}


class CongressesMixin:
    """Builds the city above and a township below the district, and carries a few items through each."""

    def other_congresses(self):
        district = first_congress()
        city = self._congress(CITY, parent=None)
        district.parent = city
        district.save(update_fields=["parent"])
        township = self._congress(TOWNSHIP, parent=district)
        city_world = self._world(city, CITY)
        township_world = self._world(township, TOWNSHIP)
        # 王秀英 is a district delegate and a city delegate: a second record for the same login.
        wang = self.u("daibiao_wang")
        record, created = Delegate.objects.get_or_create(
            user=wang,
            congress=city,
            defaults={
                "term": city_world["term"],
                "name": "王秀英",
                "delegation": Delegation.objects.get_or_create(term=city_world["term"], name="花溪区代表团")[0],
                "work_unit": "花溪街道清华社区居委会主任",
            },
        )
        if created:
            DelegateContact.objects.create(delegate=record, phone="13800000001", email=wang.email)
        city_world["delegates"]["daibiao_wang"] = wang
        services.act_in(user=wang, congress_id=city.pk)  # she files her city suggestion as a city delegate
        self._city_items(city_world)
        services.act_in(user=wang, congress_id=district.pk)
        self._township_items(township_world)

    def _congress(self, spec, *, parent):
        congress, _ = Congress.objects.get_or_create(
            slug=spec["slug"],
            defaults={"name": spec["name"], "full_name": spec["full_name"], "level": spec["level"], "parent": parent},
        )
        install_congress_defaults(apps.get_model, congress=congress)
        return congress

    def _world(self, congress, spec):
        number, name, start = spec["term"]
        term, _ = Term.objects.get_or_create(
            congress=congress, number=number, defaults={"name": name, "start_date": start}
        )
        s_number, s_name, s_start, s_end = spec["session"]
        session, _ = Session.objects.get_or_create(
            term=term,
            number=s_number,
            defaults={"name": s_name, "start_date": s_start, "end_date": s_end, "is_current": True},
        )
        DeadlinePolicy.objects.get_or_create(session=session)
        login, full_name = spec["staff"]
        staff = self.user(login, full_name)
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        StaffMembership.objects.get_or_create(user=staff, defaults={"congress": congress})
        offices, clerks = {}, {}
        for order, (office_name, short, clerk_login) in enumerate(spec["offices"], start=1):
            office, _ = Office.objects.get_or_create(
                congress=congress, name=office_name, defaults={"short_name": short, "order": order}
            )
            clerk = self.user(clerk_login, f"{short}经办人")
            OfficeMember.objects.get_or_create(office=office, user=clerk, defaults={"role": OfficeMember.Role.CLERK})
            offices[short], clerks[short] = office, clerk
        delegates = {}
        for login, full, delegation, unit, phone in spec["delegates"]:
            user = self.user(login, full)
            delegate, created = Delegate.objects.get_or_create(
                user=user,
                congress=congress,
                defaults={
                    "term": term,
                    "name": full,
                    "delegation": Delegation.objects.get_or_create(term=term, name=delegation)[0],
                    "work_unit": unit,
                },
            )
            if created:
                DelegateContact.objects.create(delegate=delegate, phone=phone, email=user.email)
            delegates[login] = user
        return {
            "congress": congress,
            "term": term,
            "session": session,
            "staff": staff,
            "offices": offices,
            "clerks": clerks,
            "delegates": delegates,
            "cat": {c.name: c for c in Category.objects.filter(congress=congress)},
            "rc": {r.code: r for r in ResultClass.objects.filter(congress=congress)},
        }

    def _filed(self, w, login, title, body, category, when, number=None):
        with time_machine.travel(when):
            s = actions.suggestion_save_draft(
                actor=w["delegates"][login], title=title, body=body, category=w["cat"][category], session=w["session"]
            )
        with time_machine.travel(when + datetime.timedelta(hours=1)):
            actions.suggestion_submit(suggestion=s, actor=w["delegates"][login])
        if number:
            with time_machine.travel(when + datetime.timedelta(days=5)):
                actions.suggestion_register(suggestion=s, actor=w["staff"], number=number)
        return s

    def _answered(self, w, s, short, when, code, text, *, rate=None, publish=False):
        clerk = w["clerks"][short]
        with time_machine.travel(when):
            asg = actions.suggestion_assign(suggestion=s, actor=w["staff"], lead_office=w["offices"][short])[0]
        with time_machine.travel(when + datetime.timedelta(days=2)):
            actions.assignment_sign(assignment=asg, actor=clerk)
        if text is None:
            return None
        with time_machine.travel(when + datetime.timedelta(days=15)):
            actions.contact_record(
                assignment=asg,
                actor=clerk,
                method="phone",
                date=(when + datetime.timedelta(days=15)).date(),
                participants=f"{s.lead_delegate.name}代表、{short}经办人",
                summary="电话沟通办理思路，听取代表意见。",
            )
        with time_machine.travel(when + datetime.timedelta(days=30)):
            reply = actions.reply_save_draft(
                assignment=asg,
                actor=clerk,
                text=text,
                result_class=w["rc"][code],
                signed_off_by=f"{short}负责人",
                attachment=self.letter(asg, clerk),
            )
            actions.reply_submit(reply=reply, actor=clerk)
        if rate:
            login, value = rate
            with time_machine.travel(when + datetime.timedelta(days=36)):
                actions.rating_submit(reply=reply, actor=w["delegates"][login], value=value, comment="")
        if publish:
            staff, self.staff = self.staff, w["staff"]
            try:
                with time_machine.travel(when + datetime.timedelta(days=45)):
                    self.publish(reply)
            finally:
                self.staff = staff
        return reply

    def _city_items(self, w):
        metro = self._filed(
            w,
            "daibiao_wang",
            "关于加快轨道交通3号线花溪段配套公交接驳的建议",
            "3号线花溪段开通后，花溪大学城、清华社区等站点与周边小区之间缺少公交接驳，"
            "居民出站后步行距离较远。建议优化接驳公交线路，增设微循环公交，延长末班车时间。",
            "交通运输",
            at(2026, 1, 11, 15),
            number=15050003,
        )
        self._answered(
            w,
            metro,
            "市交通局",
            at(2026, 2, 20),
            "B",
            "已将花溪大学城、清华社区等站点的接驳线路纳入2026年公交线网优化计划，第二季度开通两条微循环线路。",
            rate=("daibiao_wang", Rating.Value.SATISFIED),
            publish=True,
        )
        care = self._filed(
            w,
            "gy_daibiao_he",
            "关于完善全市社区养老服务设施布局的建议",
            "部分新建小区未按规定配建养老服务用房，老城区养老设施不足。建议开展专项排查，落实配建要求。",
            "民政",
            at(2026, 1, 12, 10),
            number=15050011,
        )
        self._answered(w, care, "市民政局", at(2026, 2, 25), "A", None)
        self._filed(
            w,
            "gy_daibiao_he",
            "关于规范共享电单车停放管理的建议",
            "共享电单车在地铁站口、人行道乱停乱放，影响通行。建议划定停放区域，落实企业管理责任。",
            "城市管理",
            at(2026, 1, 12, 16),
        )

    def _township_items(self, w):
        parking = self._filed(
            w,
            "qy_daibiao_luo",
            "关于缓解青岩古镇节假日停车难的建议",
            "节假日游客车辆集中，古镇周边道路拥堵，村民出行受影响。建议在镇区外围增设临时停车场并开通摆渡车。",
            "交通运输",
            at(2026, 1, 4, 10),
            number=18050002,
        )
        self._answered(
            w,
            parking,
            "村建中心",
            at(2026, 1, 20),
            "A",
            "已在北门外新增临时停车位320个，节假日开通摆渡车，古镇周边拥堵明显缓解。",
            rate=("qy_daibiao_luo", Rating.Value.SATISFIED),
            publish=True,
        )
        self._filed(
            w,
            "qy_daibiao_luo",
            "关于修缮龙井村灌溉水渠的建议",
            "龙井村主灌溉水渠年久失修，多处渗漏，影响约400亩农田灌溉。建议列入今年农田水利项目。",
            "农业农村",
            at(2026, 1, 4, 15),
        )
