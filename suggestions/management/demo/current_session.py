"""The demo's current session: a suggestion in every state, each replayed through the actions."""

import datetime

import time_machine

from suggestions import actions
from suggestions.management.demo.data import at
from suggestions.models import Rating, Suggestion


class CurrentSessionMixin:
    """Fills the current session with drafts, filed, assigned, replied, rated, closed, withdrawn and merged items."""

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
