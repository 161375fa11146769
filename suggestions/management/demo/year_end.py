"""The demo's year's end beside the handling: a B answer of 2025 carried into 2026 (回头看) and answered again,
a re-survey (满意度回访) whose answer differs from the online rating, and the delegates' letters sent."""

import time_machine

from suggestions import actions
from suggestions.management.demo.data import at
from suggestions.models import Rating


class YearEndMixin:
    """Replays the year's end of the two sessions through the actions."""

    def year_end(self, s4, s5):
        body = "{0}。建议有关部门加强调查研究，制定切实可行的措施，明确责任单位和完成时限，并向代表反馈。"
        # 2025: a B answer (列入计划逐步解决), rated and closed, with progress posted during the year.
        old = self.filed(
            "daibiao_zhao",
            "关于在花溪大道沿线增设公交港湾站的建议",
            body.format("花溪大道公交车停靠占用行车道，早晚高峰拥堵"),
            "交通运输",
            at(2025, 1, 7, 10),
            s4,
            number=18040031,
            staff_day=at(2025, 1, 20, 11),
        )
        b_reply = self.carry_to_reply(
            old, "交通局", at(2025, 2, 10, 11), "B", "已将花溪大道沿线4处公交港湾站列入2026年道路改造计划，分批实施。"
        )
        with time_machine.travel(at(2025, 4, 2)):
            actions.rating_submit(reply=b_reply, actor=self.u("daibiao_zhao"), value=Rating.Value.SATISFIED)
        with time_machine.travel(at(2025, 10, 15)):
            actions.followup_post(
                reply=b_reply, actor=self.clerk("交通局"), text="已完成4处港湾站的选址和设计，待2026年预算批复后施工。"
            )
        with time_machine.travel(at(2025, 5, 6)):
            self.publish(b_reply)
        # 2026 session: 回头看 carries it into this year's batch; the office answers again and is rated again.
        with time_machine.travel(at(2026, 2, 20, 10)):
            [carry] = actions.carryover_create(replies=[b_reply], actor=self.staff)
        asg = carry.round.followup_assignments.get()
        with time_machine.travel(at(2026, 2, 23, 9)):
            actions.assignment_sign(assignment=asg, actor=self.clerk("交通局"))
        with time_machine.travel(at(2026, 4, 8, 15)):
            actions.contact_record(
                assignment=asg,
                actor=self.clerk("交通局"),
                method="site",
                date=at(2026, 4, 8).date(),
                participants="赵国庆代表、交通局经办人",
                summary="现场察看已建成的两处港湾站，说明其余两处的施工安排。",
                delegate_invited=True,
            )
        with time_machine.travel(at(2026, 4, 20, 10)):
            reply = actions.reply_save_draft(
                assignment=asg,
                actor=self.clerk("交通局"),
                text="花溪大道沿线4处公交港湾站已全部建成并投入使用，高峰时段通行明显改善。",
                result_class=self.rc["A"],
                signed_off_by="交通局负责人",
                attachment=self.letter(asg, self.clerk("交通局")),
            )
            actions.reply_submit(reply=reply, actor=self.clerk("交通局"))
        with time_machine.travel(at(2026, 4, 28)):
            actions.rating_submit(
                reply=reply, actor=self.u("daibiao_zhao"), value=Rating.Value.SATISFIED, comment="已建成，效果很好。"
            )
        with time_machine.travel(at(2026, 5, 8)):
            self.publish(reply)
        # 满意度回访 of this session: every rated suggestion chosen; one call differs from the online rating.
        with time_machine.travel(at(2026, 11, 30, 9)):
            batch = actions.resurvey_select(session=s5, actor=self.staff, method="all")
        differing = batch.resurveys.filter(rating__value=Rating.Value.BASIC).first() or batch.resurveys.first()
        with time_machine.travel(at(2026, 12, 2, 15)):
            actions.resurvey_record(
                resurvey=differing,
                actor=self.staff,
                channel="phone",
                value=Rating.Value.UNSATISFIED,
                note="电话回访时代表表示，网上评价时承办单位在场，实际工程进度仍然滞后。",
            )
        # The letters of this session: the assignment letter was sent after assignment.
        with time_machine.travel(at(2026, 3, 10, 9)):
            actions.letters_send(session=s5, actor=self.staff, kind="assignment")
