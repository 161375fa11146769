"""A believable demo: every role, every state, and the 9855厂 renovation item carried end to end.

Each step runs through the service layer at a believable date (time travel),
so deadlines, audit rows and the timeline read as they would in real use.
Safe to run twice: what exists is kept.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from delegates.models import Constituency, Delegate, DelegateContact, Delegation, Session, Term
from suggestions import actions, pii
from suggestions.models import Category, Leader, Office, OfficeMember, Rating, ResultClass, Suggestion
from suggestions.roles import STAFF_GROUP

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "demo12345"  # noqa: S105 - published demo logins, see README
SHOWCASE_TITLE = "关于加快推进9855厂家属区老旧小区改造的建议"

OFFICES = [
    ("区住房和城乡建设局", "住建局", "zhujian"),
    ("区交通运输局", "交通局", "jiaotong"),
    ("区教育局", "教育局", "jiaoyu"),
    ("区卫生健康局", "卫健局", "weijian"),
    ("区综合行政执法局", "执法局", "zhifa"),
    ("区财政局", "财政局", "caizheng"),
    ("花溪街道办事处", "花溪街道", "huaxijd"),
]
DELEGATES = [
    ("daibiao_wang", "王秀英", "花溪街道代表团", "花溪街道第3选区", "花溪街道清华社区居委会主任", "13800000001"),
    ("daibiao_chen", "陈志强", "花溪街道代表团", "花溪街道第5选区", "贵州某机械厂退休职工", "13800000002"),
    ("daibiao_liu", "刘芳", "青岩镇代表团", "青岩镇第1选区", "青岩镇中心小学教师", "13800000003"),
    ("daibiao_zhao", "赵国庆", "石板镇代表团", "石板镇第2选区", "石板镇农业合作社负责人", "13800000004"),
    ("daibiao_sun", "孙丽", "贵筑街道代表团", "贵筑街道第1选区", "社区卫生服务中心医生", "13800000005"),
]

SHOWCASE_BODY = """9855厂家属区建于上世纪七八十年代，共有住宅楼28栋、住户1100余户，其中60岁以上老人占四成。小区普遍存在以下问题：
一是雨污管网老化，雨季多处积水，部分楼栋化粪池外溢；
二是楼道照明、消防设施缺失，电线私拉乱接，存在安全隐患；
三是路面破损，缺少停车位和无障碍通道，老人出行不便；
四是缺少活动场地和养老服务设施。

建议：
1．将9855厂家属区列入本年度老旧小区改造计划，统筹住建、财政和街道力量，先行解决管网、消防等安全问题；
2．改造前充分听取居民意见，成立居民议事会，做到“改不改、改什么、怎么改”由居民商量；
3．同步配建养老服务站和活动场地，增设无障碍设施；
4．建立改造后长效管理机制，引入物业服务。"""

SHOWCASE_REPLY = """王秀英代表：

您提出的《关于加快推进9855厂家属区老旧小区改造的建议》收悉。该建议被列为区人大常委会重点督办建议，由区委主要领导领衔督办。现将办理情况答复如下：

一、列入改造计划。我局会同区财政局、花溪街道办事处，将9855厂家属区整体列入年度老旧小区改造计划，总投资约3200万元。
二、先解决安全问题。已完成雨污分流管网改造4.2公里，更换消防设施及楼道照明，规范电线1.8万米。
三、居民商量着改。成立了由居民代表、代表联络站和街道组成的议事会，召开议事会议12次，改造方案经居民表决通过。
四、补齐服务设施。新建养老服务站1处、居民活动广场1处，新增停车位160个，增设无障碍坡道和扶手。
五、长效管理。引入物业服务企业，建立“街道—社区—物业—居民”四方共管机制。

目前改造工程已全部完工，居民生活条件明显改善。感谢您对住房和城乡建设工作的关心和支持。

联系人：李明　联系电话：0851-8888XXXX"""


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


# A one-page PDF standing in for the scanned, signed and stamped reply letter (盖章答复函).
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class Command(BaseCommand):
    help = "Build the demo data set (safe to run twice)."

    def handle(self, *args, **options):
        if Suggestion.objects.filter(title=SHOWCASE_TITLE).exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        with transaction.atomic():
            self.build()
        self.stdout.write(self.style.SUCCESS(f"Demo data created. Demo logins use the password {PASSWORD}."))

    # ------------------------------------------------------------------ people
    def user(self, username, full_name, *, email=True, **extra):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults=extra)
        if created:
            user.first_name = full_name
            user.email = f"{username}@demo.huaxi-renda.local" if email else ""
            user.set_password(PASSWORD)
            user.save()
        return user

    def build(self):
        term, _ = Term.objects.get_or_create(
            number=18, defaults={"name": "花溪区第十八届人民代表大会", "start_date": datetime.date(2021, 12, 1)}
        )
        s4, _ = Session.objects.get_or_create(
            term=term,
            number=4,
            defaults={
                "name": "花溪区十八届人大四次会议",
                "start_date": datetime.date(2025, 1, 6),
                "end_date": datetime.date(2025, 1, 9),
                "recess_end_date": datetime.date(2026, 1, 4),
            },
        )
        Session.objects.filter(is_current=True).update(is_current=False)
        s5, _ = Session.objects.get_or_create(
            term=term,
            number=5,
            defaults={
                "name": "花溪区十八届人大五次会议",
                "start_date": datetime.date(2026, 1, 5),
                "end_date": datetime.date(2026, 1, 8),
            },
        )
        s5.is_current = True
        s5.save()

        self.user("admin", "系统管理员", is_superuser=True, is_staff=True)
        staff = self.user("staff_zhang", "张敏", is_staff=True)
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        staff2 = self.user("staff_huang", "黄磊")
        staff2.groups.add(Group.objects.get(name=STAFF_GROUP))
        leader_user = self.user("leader_li", "李建国")
        leader, _ = Leader.objects.get_or_create(name="李建国", defaults={"title": "区委书记", "user": leader_user})
        leader2, _ = Leader.objects.get_or_create(name="周文", defaults={"title": "区人大常委会主任"})

        offices = {}
        for order, (name, short, login) in enumerate(OFFICES, start=1):
            office, _ = Office.objects.get_or_create(name=name, defaults={"short_name": short, "order": order})
            offices[short] = office
            clerk = self.user(login, f"{short}经办人")
            OfficeMember.objects.get_or_create(office=office, user=clerk, defaults={"role": OfficeMember.Role.CLERK})
            head = self.user(f"{login}_head", f"{short}负责人")
            OfficeMember.objects.get_or_create(office=office, user=head, defaults={"role": OfficeMember.Role.HEAD})

        delegates = {}
        for login, name, delegation, constituency, unit, phone in DELEGATES:
            user = self.user(login, name)
            dgn, _ = Delegation.objects.get_or_create(term=term, name=delegation)
            cst, _ = Constituency.objects.get_or_create(name=constituency)
            delegate, created = Delegate.objects.get_or_create(
                user=user,
                defaults={"term": term, "name": name, "delegation": dgn, "constituency": cst, "work_unit": unit},
            )
            if created:
                DelegateContact.objects.create(
                    delegate=delegate,
                    phone=phone,
                    email=user.email,
                    address=f"贵阳市花溪区{constituency}某路{len(delegates) + 1}号",
                )
            delegates[login] = delegate
        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.staff, self.leader, self.leader2 = staff, leader, leader2
        self.offices, self.delegates = offices, delegates
        self.cat = {c.name: c for c in Category.objects.all()}
        self.rc = {r.code: r for r in ResultClass.objects.all()}
        self.showcase(s4)
        self.current_session(s5)

    def u(self, name):
        return self.users[name]

    def letter(self, assignment, actor):
        """The signed reply letter every reply to a delegate carries (see ``actions.reply_requirements``)."""
        uploaded = SimpleUploadedFile("盖章答复函.pdf", LETTER_PDF, content_type="application/pdf")
        return actions.attachment_add(
            suggestion=assignment.suggestion, actor=actor, uploaded_file=uploaded, content_type="application/pdf"
        )

    def clerk(self, short):
        login = next(login for _n, s, login in OFFICES if s == short)
        return self.u(login)

    # ------------------------------------------------------------------ the showcase item
    def showcase(self, session):
        chen = self.delegates["daibiao_chen"]
        with time_machine.travel(at(2025, 1, 7, 15)):
            s = actions.suggestion_save_draft(
                actor=self.u("daibiao_wang"),
                title=SHOWCASE_TITLE,
                body=SHOWCASE_BODY,
                category=self.cat["城乡建设"],
                session=session,
            )
            actions.cosigner_invite(suggestion=s, actor=self.u("daibiao_wang"), delegates=[chen])
        with time_machine.travel(at(2025, 1, 7, 20)):
            actions.cosigner_respond(cosigner=s.cosigners.get(delegate=chen), actor=self.u("daibiao_chen"), accept=True)
        with time_machine.travel(at(2025, 1, 8, 9)):
            actions.suggestion_submit(suggestion=s, actor=self.u("daibiao_wang"))
        with time_machine.travel(at(2025, 1, 20)):
            actions.suggestion_register(suggestion=s, actor=self.staff, number=18040012)
        with time_machine.travel(at(2025, 2, 10)):
            actions.suggestion_assign(
                suggestion=s,
                actor=self.staff,
                lead_office=self.offices["住建局"],
                co_offices=[self.offices["财政局"], self.offices["花溪街道"]],
                is_key=True,
                leader=self.leader,
            )
        lead = s.assignments.get(role="lead")
        with time_machine.travel(at(2025, 2, 11)):
            for a in s.assignments.all():
                actions.assignment_sign(assignment=a, actor=self.clerk(a.office.short_name))
        with time_machine.travel(at(2025, 3, 5)):
            actions.contact_record(
                assignment=lead,
                actor=self.clerk("住建局"),
                method="site",
                date=datetime.date(2025, 3, 5),
                participants="李建国（区委书记）、王秀英代表、陈志强代表、区住建局、花溪街道、居民代表8人",
                summary="现场察看9855厂家属区管网、楼道和路面情况，与居民代表座谈，确定“先安全、后提升”的改造顺序。",
                delegate_invited=True,
            )
        with time_machine.travel(at(2025, 3, 10)):
            actions.opinion_send(
                assignment=s.assignments.get(office=self.offices["财政局"]),
                actor=self.clerk("财政局"),
                text="同意将该项目纳入年度老旧小区改造资金计划，统筹中央补助和区级配套资金约3200万元。",
            )
            actions.opinion_send(
                assignment=s.assignments.get(office=self.offices["花溪街道"]),
                actor=self.clerk("花溪街道"),
                text="街道负责组织居民议事会，做好群众工作和改造后物业引入。",
            )
        with time_machine.travel(at(2025, 4, 18)):
            reply = actions.reply_save_draft(
                assignment=lead,
                actor=self.clerk("住建局"),
                text=SHOWCASE_REPLY,
                result_class=self.rc["A"],
                signed_off_by="杨光（局长）",
                attachment=self.letter(lead, self.clerk("住建局")),
            )
            actions.reply_submit(reply=reply, actor=self.clerk("住建局"))
        with time_machine.travel(at(2025, 4, 25)):
            actions.rating_submit(
                reply=reply,
                actor=self.u("daibiao_wang"),
                value=Rating.Value.SATISFIED,
                comment="改造效果很好，居民非常满意，感谢各部门。",
            )
            actions.rating_submit(reply=reply, actor=self.u("daibiao_chen"), value=Rating.Value.SATISFIED, comment="")
        with time_machine.travel(at(2025, 5, 6)):
            public = SHOWCASE_REPLY.replace("联系人：李明　联系电话：0851-8888XXXX", "")
            self.publish(reply, public)

    # ------------------------------------------------------------------ the current session, every state
    def draft(self, login, title, body, category, when, session):
        with time_machine.travel(when):
            return actions.suggestion_save_draft(
                actor=self.u(login), title=title, body=body, category=self.cat[category], session=session
            )

    def filed(self, login, title, body, category, when, session, number=None, staff_day=None):
        s = self.draft(login, title, body, category, when, session)
        with time_machine.travel(when + datetime.timedelta(hours=1)):
            actions.suggestion_submit(suggestion=s, actor=self.u(login))
        if number:
            with time_machine.travel(staff_day or when + datetime.timedelta(days=7)):
                actions.suggestion_register(suggestion=s, actor=self.staff, number=number)
        return s

    def current_session(self, session):
        body = "{0}。建议有关部门加强调查研究，制定切实可行的措施，明确责任单位和完成时限，并向代表反馈。"
        # Draft with an open co-signer invitation.
        d = self.draft(
            "daibiao_liu",
            "关于在青岩镇中心小学周边增设交通安全设施的建议",
            body.format("青岩镇中心小学门口车流量大，上下学时段缺少斑马线和减速带，存在安全隐患"),
            "交通运输",
            at(2026, 11, 24),
            session,
        )
        with time_machine.travel(at(2026, 11, 24, 11)):
            actions.cosigner_invite(
                suggestion=d, actor=self.u("daibiao_liu"), delegates=[self.delegates["daibiao_zhao"]]
            )
        self.draft(
            "daibiao_wang",
            "关于完善社区居家养老服务的建议",
            body.format("社区老年人助餐、助浴服务覆盖不足"),
            "民政",
            at(2026, 11, 26),
            session,
        )
        # Submitted, waiting for review (one similar to the showcase).
        self.filed(
            "daibiao_sun",
            "关于推进贵筑街道老旧小区改造的建议",
            body.format("贵筑街道部分老旧小区管网老化、缺少停车位"),
            "城乡建设",
            at(2026, 11, 20),
            session,
        )
        self.filed(
            "daibiao_zhao",
            "关于加强石板镇农村饮用水安全保障的建议",
            body.format("部分村组饮用水水源保护不到位，旱季供水不稳定"),
            "农业农村",
            at(2026, 11, 21),
            session,
        )
        # Returned for revision.
        r = self.filed(
            "daibiao_chen",
            "关于改善城市管理和交通秩序和教育资源的建议",
            body.format("涉及多个事项"),
            "其他",
            at(2026, 1, 6),
            session,
        )
        with time_machine.travel(at(2026, 1, 12)):
            actions.suggestion_return(
                suggestion=r,
                actor=self.staff,
                reason="一件建议涉及城市管理、交通和教育三个事项，请按“一事一议”拆分后重新提交。",
            )
        # Not registered.
        n = self.filed(
            "daibiao_zhao",
            "关于解决本人亲属工作调动问题的建议",
            body.format("亲属工作调动"),
            "其他",
            at(2026, 1, 6),
            session,
        )
        with time_machine.travel(at(2026, 1, 12)):
            actions.suggestion_reject(suggestion=n, actor=self.staff, reason="属于代表本人及其亲属的个人事务")
        # Registered, not yet assigned.
        self.filed(
            "daibiao_liu",
            "关于加强中小学课后服务师资保障的建议",
            body.format("课后服务教师工作量大、补助标准偏低"),
            "教育科技",
            at(2026, 1, 7),
            session,
            number=1,
        )
        # Assigned, waiting to be signed; and one with a pending return request.
        a1 = self.filed(
            "daibiao_sun",
            "关于增加社区卫生服务中心夜间门诊的建议",
            body.format("居民夜间看病难"),
            "卫生健康",
            at(2026, 1, 7),
            session,
            number=2,
        )
        with time_machine.travel(at(2026, 11, 23)):
            actions.suggestion_assign(suggestion=a1, actor=self.staff, lead_office=self.offices["卫健局"])
        a2 = self.filed(
            "daibiao_chen",
            "关于规范花溪大道沿线占道经营的建议",
            body.format("花溪大道沿线占道经营影响通行"),
            "城市管理",
            at(2026, 1, 7),
            session,
            number=3,
        )
        with time_machine.travel(at(2026, 11, 20)):
            asg = actions.suggestion_assign(suggestion=a2, actor=self.staff, lead_office=self.offices["交通局"])[0]
        with time_machine.travel(at(2026, 11, 24)):
            actions.assignment_request_return(
                assignment=asg,
                actor=self.clerk("交通局"),
                reason="占道经营属于综合行政执法职责，建议改由区综合行政执法局承办。",
                suggested_office=self.offices["执法局"],
            )
        # In handling and overdue (assigned long ago), with an extension request pending on another.
        h = self.filed(
            "daibiao_zhao",
            "关于修缮石板镇通村公路的建议",
            body.format("通村公路破损严重"),
            "交通运输",
            at(2026, 1, 7),
            session,
            number=4,
        )
        with time_machine.travel(at(2026, 2, 2)):
            asg = actions.suggestion_assign(
                suggestion=h, actor=self.staff, lead_office=self.offices["交通局"], co_offices=[self.offices["财政局"]]
            )
        with time_machine.travel(at(2026, 2, 4)):
            for a in asg:
                actions.assignment_sign(assignment=a, actor=self.clerk(a.office.short_name))
        e = self.filed(
            "daibiao_liu",
            "关于建设青岩古镇旅游停车场的建议",
            body.format("节假日游客停车难"),
            "文化旅游",
            at(2026, 1, 7),
            session,
            number=5,
        )
        with time_machine.travel(at(2026, 9, 1)):
            asg = actions.suggestion_assign(suggestion=e, actor=self.staff, lead_office=self.offices["住建局"])[0]
            actions.assignment_sign(assignment=asg, actor=self.clerk("住建局"))
        with time_machine.travel(at(2026, 11, 25)):
            actions.extension_request(
                assignment=asg,
                actor=self.clerk("住建局"),
                reason="停车场选址涉及用地调规，需与自然资源部门协调。",
                until=datetime.date(2027, 2, 26),
            )
        # Replied, waiting for the delegate's rating.
        rp = self.filed(
            "daibiao_wang",
            "关于在清华社区增设公共厕所的建议",
            body.format("社区公共厕所不足"),
            "城市管理",
            at(2026, 1, 7),
            session,
            number=6,
        )
        self.carry_to_reply(rp, "执法局", at(2026, 10, 9), "C", "因选址和用地条件限制，计划在明年片区更新中统筹解决。")
        # Unsatisfied → re-handling.
        rh = self.filed(
            "daibiao_sun",
            "关于解决贵筑街道菜市场周边噪音扰民的建议",
            body.format("菜市场凌晨卸货噪音扰民"),
            "生态环境",
            at(2026, 1, 7),
            session,
            number=7,
        )
        reply = self.carry_to_reply(rh, "执法局", at(2026, 3, 2), "D", "已转告市场管理方注意。")
        with time_machine.travel(at(2026, 11, 18)):
            actions.rating_submit(
                reply=reply,
                actor=self.u("daibiao_sun"),
                value=Rating.Value.UNSATISFIED,
                comment="答复过于简单，没有提出具体措施，请明确卸货时段管理办法。",
            )
        # Closed with a B reply under follow-up.
        b = self.filed(
            "daibiao_liu",
            "关于扩建青岩镇中心小学食堂的建议",
            body.format("学生就餐拥挤"),
            "教育科技",
            at(2026, 1, 7),
            session,
            number=8,
        )
        reply = self.carry_to_reply(b, "教育局", at(2026, 2, 2), "B", "已列入明年校舍改扩建计划，预计秋季学期前完工。")
        with time_machine.travel(at(2026, 6, 10)):
            actions.rating_submit(
                reply=reply, actor=self.u("daibiao_liu"), value=Rating.Value.BASIC, comment="希望加快进度。"
            )
        with time_machine.travel(at(2026, 9, 10)):
            actions.followup_post(reply=reply, actor=self.clerk("教育局"), text="食堂主体结构已封顶，正在内部装修。")
        with time_machine.travel(at(2026, 6, 20)):
            self.publish(reply)
        # Closed A, published, separate handling by two offices.
        sp = self.filed(
            "daibiao_wang",
            "关于治理花溪河清华社区段小区污水直排的建议",
            body.format("小区污水直排花溪河"),
            "生态环境",
            at(2026, 1, 7),
            session,
            number=9,
        )
        with time_machine.travel(at(2026, 2, 2)):
            asg = actions.suggestion_assign(
                suggestion=sp, actor=self.staff, separate_offices=[self.offices["住建局"], self.offices["执法局"]]
            )
        for a in asg:
            short = a.office.short_name
            with time_machine.travel(at(2026, 2, 3)):
                actions.assignment_sign(assignment=a, actor=self.clerk(short))
            with time_machine.travel(at(2026, 3, 3)):
                actions.contact_record(
                    assignment=a,
                    actor=self.clerk(short),
                    method="visit",
                    date=datetime.date(2026, 3, 3),
                    participants="王秀英代表、社区干部",
                    summary="上门听取代表意见。",
                )
            with time_machine.travel(at(2026, 4, 1)):
                reply = actions.reply_save_draft(
                    assignment=a,
                    actor=self.clerk(short),
                    text=f"{a.office.name}已完成职责范围内的整治工作，小区雨污管网已接入市政管网。",
                    result_class=self.rc["A"],
                    signed_off_by=f"{short}负责人",
                    attachment=self.letter(a, self.clerk(short)),
                )
                actions.reply_submit(reply=reply, actor=self.clerk(short))
            with time_machine.travel(at(2026, 4, 8)):
                actions.rating_submit(reply=reply, actor=self.u("daibiao_wang"), value=Rating.Value.SATISFIED)
            with time_machine.travel(at(2026, 4, 15)):
                self.publish(reply)
        # Withdrawn, and merged.
        w = self.filed(
            "daibiao_chen",
            "关于增设公交站台遮雨棚的建议",
            body.format("公交站台缺少遮雨棚"),
            "交通运输",
            at(2026, 1, 7),
            session,
        )
        with time_machine.travel(at(2026, 1, 9)):
            actions.suggestion_withdraw(suggestion=w, actor=self.u("daibiao_chen"), reason="已通过12345热线解决。")
        m = self.filed(
            "daibiao_chen",
            "关于加快清华社区老旧小区改造的建议",
            body.format("清华社区部分楼栋亟待改造"),
            "城乡建设",
            at(2026, 11, 21),
            session,
        )
        target = Suggestion.objects.get(title="关于推进贵筑街道老旧小区改造的建议")
        with time_machine.travel(at(2026, 11, 25)):
            actions.suggestion_merge(
                target=target, sources=[m], actor=self.staff, note="同属老旧小区改造事项，并案办理。"
            )

    def publish(self, reply, public_text=None):
        """As staff do on the review page: the masked versions of title, body and reply, then publish."""
        s = reply.suggestion
        actions.reply_publish(
            reply=reply,
            actor=self.staff,
            public_title=pii.mask(s.title),
            public_body=pii.mask(s.body),
            public_text=pii.mask(public_text or reply.text),
        )

    def carry_to_reply(self, suggestion, short, assigned, code, text):
        with time_machine.travel(assigned):
            asg = actions.suggestion_assign(suggestion=suggestion, actor=self.staff, lead_office=self.offices[short])[0]
        with time_machine.travel(assigned + datetime.timedelta(days=2)):
            actions.assignment_sign(assignment=asg, actor=self.clerk(short))
        with time_machine.travel(assigned + datetime.timedelta(days=20)):
            actions.contact_record(
                assignment=asg,
                actor=self.clerk(short),
                method="phone",
                date=(assigned + datetime.timedelta(days=20)).date(),
                participants=f"{suggestion.lead_delegate.name}代表、{short}经办人",
                summary="电话沟通办理思路，听取代表意见。",
            )
        with time_machine.travel(assigned + datetime.timedelta(days=40)):
            reply = actions.reply_save_draft(
                assignment=asg,
                actor=self.clerk(short),
                text=text,
                result_class=self.rc[code],
                signed_off_by=f"{short}负责人",
                attachment=self.letter(asg, self.clerk(short)),
            )
            actions.reply_submit(reply=reply, actor=self.clerk(short))
        return reply
