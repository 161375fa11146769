"""The demo's year-end office scoring (办理绩效考评): 花溪区's rubrics, published and locked, and each office's
score for 2025 and 2026 — computed from the replayed workflow, scored by hand, released, objected to, answered
and locked through ``yearend.actions`` at believable dates. A 2027 draft shows a rubric still being written.
"""

import datetime

import time_machine

from suggestions.management.demo.data import at
from suggestions.models import ResultClass
from yearend import actions as scoring
from yearend.models import Rubric, ScoreSheet

TITLE = "花溪区承办单位办理人大代表建议工作绩效考评办法"

# (name, kind, metric, weight, extra): the published rubric; 100 points of rates and hand scores.
ITEMS = [
    ("按时签收", "rate", "signed_on_time", "8", {}),
    ("协办意见按时送达", "rate", "opinion_on_time", "5", {}),
    ("按时答复", "rate", "replied_on_time", "15", {}),
    ("答复前沟通联系", "rate", "contact_rate", "5", {}),
    ("见面沟通", "rate", "face_to_face_rate", "7", {}),
    ("A类（已解决）占比", "rate", "result_share", "10", {"code": "A"}),
    ("C类（待以后解决）占比", "rate", "result_share", "5", {"code": "C", "lower_is_better": True}),
    ("满意率", "rate", "satisfaction", "15", {}),
    ("初次满意率", "rate", "first_satisfaction", "10", {}),
    ("上年度B类答复解决率", "rate", "last_year_b_solved", "5", {}),
    ("答复函质量", "manual", "", "10", {"note": "答复函是否针对建议逐条答复、签发规范、承诺具体。"}),
    ("领导重视", "manual", "", "5", {"note": "主要领导是否研究部署、领办重点建议。"}),
    ("被催办", "deduction", "reminders", "0", {"per_unit": "0.5", "cap": "3"}),
    ("申请延期", "deduction", "extensions", "0", {"per_unit": "1", "cap": "2"}),
    ("申请退回", "deduction", "returns", "0", {"per_unit": "1", "cap": "2"}),
    ("创新做法", "bonus", "", "0", {"cap": "3", "note": "办理机制创新、经验被上级推广等。"}),
]
# Hand scores per office short name: (答复函质量, 领导重视, reason).
HAND = {
    "住建局": ("9.5", "5", "答复函逐条回应，局长签发，重点建议由主要领导领办。"),
    "财政局": ("8", "4", "协办意见具体，资金安排明确。"),
    "花溪街道": ("8", "4", "协办意见及时，群众工作扎实。"),
    "教育局": ("8.5", "4", "答复承诺有时间表。"),
    "执法局": ("7", "3.5", "答复较简略，部分承诺不够具体。"),
    "卫健局": ("8", "4", "答复规范。"),
    "交通局": ("8", "4", "答复规范。"),
}


class YearendMixin:
    """Scores 2025 and 2026 (after the workflow replay), and leaves a 2027 draft."""

    def yearend(self):
        if Rubric.objects.filter(title=TITLE).exists():
            return
        self.scored_year(2025, published=at(2026, 1, 12), computed=at(2026, 1, 13), released=at(2026, 1, 14))
        self.scored_year(2026, published=at(2026, 11, 20), computed=at(2026, 11, 25), released=at(2026, 11, 26))
        self.rubric(2027, at(2026, 12, 1), title=f"{TITLE}（2027年征求意见稿）", publish=False)

    def rubric(self, year, when, *, title=TITLE, publish=True):
        classes = {r.code: r for r in ResultClass.objects.filter(congress=self.offices["住建局"].congress)}
        with time_machine.travel(when):
            rubric = scoring.rubric_create(
                actor=self.staff, year=year, title=title, values={"deduction_cap": "5", "bonus_cap": "3"}
            )
            for order, (name, kind, metric, weight, extra) in enumerate(ITEMS, start=1):
                values = {"order": order, "name": name, "kind": kind, "metric": metric, "weight": weight, **extra}
                code = values.pop("code", None)
                if code:
                    values["result_class"] = classes[code]
                scoring.rubric_item_save(rubric=rubric, actor=self.staff, values=values)
            return scoring.rubric_publish(rubric=rubric, actor=self.staff) if publish else rubric

    def scored_year(self, year, *, published, computed, released):
        rubric = self.rubric(year, published)
        with time_machine.travel(computed):
            sheets = scoring.scores_compute(rubric=rubric, actor=self.staff, as_of=computed.date())
            items = {i.name: i for i in rubric.items.all()}
            for sheet in sheets:
                letter, attention, reason = HAND.get(sheet.office.short_name, ("8", "4", "答复规范。"))
                scoring.score_enter(
                    sheet=sheet, item=items["答复函质量"], actor=self.staff, points=letter, reason=reason
                )
                scoring.score_enter(
                    sheet=sheet, item=items["领导重视"], actor=self.staff, points=attention, reason=reason
                )
                if sheet.office.short_name == "住建局":
                    scoring.score_enter(
                        sheet=sheet,
                        item=items["创新做法"],
                        actor=self.staff,
                        points="2",
                        reason="9855厂家属区改造“居民议事会”做法被市住建局推广。",
                    )
        with time_machine.travel(released):
            scoring.sheets_release(rubric=rubric, actor=self.staff)
        if year == 2026:
            self.objections(rubric, items, released)
        after = ScoreSheet.objects.filter(rubric=rubric).order_by("-objection_deadline").first().objection_deadline
        with time_machine.travel(at(after.year, after.month, after.day) + datetime.timedelta(days=1)):
            scoring.sheets_lock(rubric=rubric, actor=self.staff)

    def objections(self, rubric, items, released):
        """执法局 objects to its hand score (accepted, raised); 教育局 to its reminders (not accepted)."""
        zhifa = ScoreSheet.objects.get(rubric=rubric, office=self.offices["执法局"])
        jiaoyu = ScoreSheet.objects.get(rubric=rubric, office=self.offices["教育局"])
        with time_machine.travel(released + datetime.timedelta(days=1)):
            first = scoring.objection_file(
                sheet=zhifa,
                actor=self.clerk("执法局"),
                item=items["答复函质量"],
                text="我局答复函已逐条回应代表建议，并附整改时间表，请复核答复函质量得分。",
            )
            second = scoring.objection_file(
                sheet=jiaoyu,
                actor=self.clerk("教育局"),
                item=items["按时答复"],
                text="B类答复后一直在跟踪办理，请核减逾期扣分。",
            )
        with time_machine.travel(released + datetime.timedelta(days=3)):
            scoring.score_enter(
                sheet=zhifa,
                item=items["答复函质量"],
                actor=self.staff,
                points="8",
                reason="复核答复函附件，承诺具体，异议采纳，调整为8分。",
            )
            scoring.objection_answer(
                objection=first, actor=self.staff, accept=True, answer="经复核答复函及附件，采纳，答复函质量调整为8分。"
            )
            scoring.objection_answer(
                objection=second,
                actor=self.staff,
                accept=False,
                answer="按时答复按首次答复是否在期限内计算，跟踪办理不改变首次答复时间，不予采纳。",
            )
