"""A year of handling built through the workflow's own services at believable dates, for the scoring tests.

Three offices in 2026 (区住建局 handles four suggestions, 区财政局 co-handles one, 区交通局 had one returned)
and 区住建局's two B answers of 2025. What each office did is listed in ``tests/yearend/test_metrics.py``,
where the figures are counted by hand.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from suggestions import actions
from suggestions.models import OfficeMember
from tests import factories
from yearend import actions as scoring_actions

TZ = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


class ScoringWorld:
    def __init__(self):
        self.last_session = factories.SessionFactory(
            number=4, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 9), is_current=False
        )
        self.session = factories.SessionFactory(number=5)  # opened 2026-01-05
        self.x = factories.OfficeFactory(name="区住房和城乡建设局", short_name="住建局", order=1)
        self.y = factories.OfficeFactory(name="区财政局", short_name="财政局", order=2)
        self.z = factories.OfficeFactory(name="区交通运输局", short_name="交通局", order=3)
        self.other = factories.OfficeFactory(name="区水务局", short_name="水务局", order=4)
        self.delegate = factories.DelegateFactory()
        self.staff = factories.StaffFactory()
        self.clerk_x = factories.OfficeMemberFactory(office=self.x).user
        self.head_x = factories.OfficeMemberFactory(office=self.x, role=OfficeMember.Role.HEAD).user
        self.clerk_y = factories.OfficeMemberFactory(office=self.y).user
        self.clerk_z = factories.OfficeMemberFactory(office=self.z).user
        self.clerk_other = factories.OfficeMemberFactory(office=self.other).user
        self.users = {
            "staff": self.staff,
            "leader": factories.LeaderFactory().user,
            "admin": factories.UserFactory(is_superuser=True, is_staff=True),
            "clerk": self.clerk_x,
            "head": self.head_x,
            "other_clerk": self.clerk_other,
            "delegate": self.delegate.user,
            "anonymous": AnonymousUser(),
        }
        self._last_year()
        self._this_year()

    # -- steps
    def filed(self, session, when):
        with time_machine.travel(when):
            suggestion = factories.SuggestionFactory(session=session, lead_delegate=self.delegate)
            actions.suggestion_submit(suggestion=suggestion, actor=self.delegate.user)
            return actions.suggestion_register(suggestion=suggestion, actor=self.staff)

    def assign(self, suggestion, when, lead, co=()):
        with time_machine.travel(when):
            actions.suggestion_assign(suggestion=suggestion, actor=self.staff, lead_office=lead, co_offices=list(co))
        return {a.office_id: a for a in suggestion.assignments.all()}

    def sign(self, assignment, clerk, when):
        with time_machine.travel(when):
            actions.assignment_sign(assignment=assignment, actor=clerk)

    def contact(self, assignment, clerk, when, method):
        with time_machine.travel(when):
            actions.contact_record(
                assignment=assignment,
                actor=clerk,
                method=method,
                date=when.date(),
                participants="代表、经办人",
                summary="沟通办理情况。",
            )

    def reply(self, assignment, clerk, when, code):
        with time_machine.travel(when):
            draft = actions.reply_save_draft(
                assignment=assignment,
                actor=clerk,
                text="已按建议办理。",
                result_class=factories.result_class(code),
                signed_off_by="局长",
                attachment=factories.signed_letter(assignment, clerk),
            )
            return actions.reply_submit(reply=draft, actor=clerk)

    def rate(self, reply, when, value, comment=""):
        with time_machine.travel(when):
            actions.rating_submit(reply=reply, actor=self.delegate.user, value=value, comment=comment)

    def _last_year(self):
        """2025: two B answers of 区住建局; staff confirmed one solved."""
        for solved in (True, False):
            s = self.filed(self.last_session, at(2025, 1, 7))
            a = self.assign(s, at(2025, 3, 3), self.x)[self.x.pk]
            self.sign(a, self.clerk_x, at(2025, 3, 4))
            self.contact(a, self.clerk_x, at(2025, 3, 10), "phone")
            reply = self.reply(a, self.clerk_x, at(2025, 4, 1), "B")
            if solved:
                with time_machine.travel(at(2025, 9, 1)):
                    claim = actions.followup_post(reply=reply, actor=self.clerk_x, text="已完工。", solved=True)
                with time_machine.travel(at(2025, 9, 5)):
                    actions.followup_confirm_solved(follow_up=claim, actor=self.staff, accept=True)

    def _this_year(self):
        x, y, z = self.x, self.y, self.z
        # S1: 住建局 leads, 财政局 co-handles. Both on time except 财政局's signature (8 working days).
        s1 = self.filed(self.session, at(2026, 1, 6))
        a = self.assign(s1, at(2026, 3, 2), x, co=[y])
        self.sign(a[x.pk], self.clerk_x, at(2026, 3, 3))
        self.sign(a[y.pk], self.clerk_y, at(2026, 3, 12))
        with time_machine.travel(at(2026, 3, 20)):
            actions.opinion_send(assignment=a[y.pk], actor=self.clerk_y, text="同意主办意见。")
        self.contact(a[x.pk], self.clerk_x, at(2026, 3, 25), "visit")
        r1 = self.reply(a[x.pk], self.clerk_x, at(2026, 4, 1), "A")
        self.rate(r1, at(2026, 4, 5), "satisfied")
        # S2: signed on time, replied B after the deadline, 不满意, replied A in round 2, 基本满意.
        s2 = self.filed(self.session, at(2026, 1, 6))
        a2 = self.assign(s2, at(2026, 3, 2), x)[x.pk]
        self.sign(a2, self.clerk_x, at(2026, 3, 3))
        self.contact(a2, self.clerk_x, at(2026, 3, 25), "phone")
        r2 = self.reply(a2, self.clerk_x, at(2026, 6, 20), "B")
        self.rate(r2, at(2026, 6, 25), "unsatisfied", "没有解决。")
        self.contact(a2, self.clerk_x, at(2026, 6, 29), "phone")
        r2b = self.reply(a2, self.clerk_x, at(2026, 7, 6), "A")
        self.rate(r2b, at(2026, 7, 10), "basic")
        # S3: signed late (5 working days), an extension approved, replied C within it, not rated yet.
        s3 = self.filed(self.session, at(2026, 1, 6))
        a3 = self.assign(s3, at(2026, 3, 2), x)[x.pk]
        self.sign(a3, self.clerk_x, at(2026, 3, 9))
        self.contact(a3, self.clerk_x, at(2026, 3, 25), "phone")
        with time_machine.travel(at(2026, 5, 20)):
            request = actions.extension_request(
                assignment=a3, actor=self.clerk_x, reason="需要协调。", until=datetime.date(2026, 7, 31)
            )
            actions.extension_approve(request=request, actor=self.staff)
        self.reply(a3, self.clerk_x, at(2026, 7, 10), "C")
        # S4: 交通局 asked to return it; staff gave it to 住建局, which never signed; staff reminded twice.
        s4 = self.filed(self.session, at(2026, 1, 6))
        az = self.assign(s4, at(2026, 3, 2), z)[z.pk]
        with time_machine.travel(at(2026, 3, 3)):
            request = actions.assignment_request_return(assignment=az, actor=self.clerk_z, reason="不属于本单位职责。")
        with time_machine.travel(at(2026, 3, 4)):
            a4 = actions.return_request_approve(request=request, actor=self.staff, new_office=x)
        for day in (10, 20):
            with time_machine.travel(at(2026, 6, day)):
                actions.reminder_manual(assignment=a4, actor=self.staff, message="请尽快签收办理。")
        self.s = {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


def full_rubric(staff, *, year=2026):
    """A rubric with every kind of item: 100 points of rates and hand scores, capped deductions and a bonus."""
    from suggestions.models import ResultClass

    rubric = scoring_actions.rubric_create(
        actor=staff,
        year=year,
        title="承办单位办理代表建议工作绩效考评办法",
        values={"deduction_cap": "3", "bonus_cap": "2"},
    )
    rc = {r.code: r for r in ResultClass.objects.filter(congress_id=rubric.congress_id)}
    items = [
        {"name": "按时签收", "kind": "rate", "metric": "signed_on_time", "weight": "10"},
        {"name": "协办意见按时", "kind": "rate", "metric": "opinion_on_time", "weight": "5"},
        {"name": "按时答复", "kind": "rate", "metric": "replied_on_time", "weight": "15"},
        {"name": "沟通联系", "kind": "rate", "metric": "contact_rate", "weight": "5"},
        {"name": "见面沟通", "kind": "rate", "metric": "face_to_face_rate", "weight": "5"},
        {"name": "A类占比", "kind": "rate", "metric": "result_share", "result_class": rc["A"], "weight": "10"},
        {"name": "B类占比", "kind": "rate", "metric": "result_share", "result_class": rc["B"], "weight": "2"},
        {
            "name": "C类占比（越低越好）",
            "kind": "rate",
            "metric": "result_share",
            "result_class": rc["C"],
            "weight": "3",
            "lower_is_better": True,
        },
        {"name": "满意率", "kind": "rate", "metric": "satisfaction", "weight": "15"},
        {"name": "初次满意率", "kind": "rate", "metric": "first_satisfaction", "weight": "10"},
        {"name": "上年B类解决率", "kind": "rate", "metric": "last_year_b_solved", "weight": "10"},
        {"name": "答复函质量", "kind": "manual", "weight": "6"},
        {"name": "领导重视", "kind": "manual", "weight": "4"},
        {"name": "被催办", "kind": "deduction", "metric": "reminders", "per_unit": "1", "cap": "2.5"},
        {"name": "延期", "kind": "deduction", "metric": "extensions", "per_unit": "0.5", "cap": "1"},
        {"name": "退回", "kind": "deduction", "metric": "returns", "per_unit": "1", "cap": "1"},
        {"name": "创新做法", "kind": "bonus", "cap": "2"},
    ]
    for order, values in enumerate(items, start=1):
        scoring_actions.rubric_item_save(rubric=rubric, actor=staff, values={"order": order, **values})
    return rubric


@pytest.fixture
def scoring_world(db):
    return ScoringWorld()
