"""Every automatic item counted from a year built through the workflow, against numbers counted by hand."""

import datetime
from decimal import Decimal

from tests.yearend.conftest import full_rubric
from yearend import actions, metrics
from yearend.models import ScoreSheet

AS_OF = datetime.date(2026, 12, 1)

# Counted by hand from ``ScoringWorld`` (tests/yearend/conftest.py):
# 住建局 (x) has four live assignments in 2026: S1, S2, S3 and S4 (given to it when 交通局's return was approved).
#   signed on time: S1 and S2 the next working day; S3 after 5 working days (late); S4 never        → 2 / 4
#   replied on time: S1 yes; S2 first reply after the deadline; S3 within its extension; S4 overdue  → 2 / 4
#   contact: S1 visit, S2 phone, S3 phone; S4 none                                                  → 3 / 4
#   face to face among the replied: S1's visit only                                                  → 1 / 3
#   latest result classes: S1 A, S2 A (round 2), S3 C                                 A 2 / 3, B 0 / 3, C 1 / 3
#   satisfaction (latest round): S1 满意, S2 基本满意 (S3 not rated)                                 → 2 / 2
#   first-round satisfaction: S1 满意, S2 不满意                                                     → 1 / 2
#   last year's B answers: two, one confirmed solved                                                 → 1 / 2
#   reminders needed: two manual ones on S4                                                          → 2 / 4
#   extensions approved: S3's, over four answering assignments                                       → 1 / 4
#   returns: none, over its four assignments                                                         → 0 / 4
# 财政局 (y) co-handles S1: signed after 8 working days (late) → 0 / 1; opinion on time → 1 / 1; nothing else.
# 交通局 (z): one assignment, returned → returns 1 / 1, and no live work.
EXPECTED = {
    "x": {
        "signed_on_time": (2, 4),
        "opinion_on_time": (0, 0),
        "replied_on_time": (2, 4),
        "contact_rate": (3, 4),
        "face_to_face_rate": (1, 3),
        ("result_share", "A"): (2, 3),
        ("result_share", "B"): (0, 3),
        ("result_share", "C"): (1, 3),
        ("result_share", "D"): (0, 3),
        "satisfaction": (2, 2),
        "first_satisfaction": (1, 2),
        "last_year_b_solved": (1, 2),
        "reminders": (2, 4),
        "extensions": (1, 4),
        "returns": (0, 4),
    },
    "y": {
        "signed_on_time": (0, 1),
        "opinion_on_time": (1, 1),
        "replied_on_time": (0, 0),
        "contact_rate": (0, 0),
        "face_to_face_rate": (0, 0),
        ("result_share", "A"): (0, 0),
        "satisfaction": (0, 0),
        "first_satisfaction": (0, 0),
        "last_year_b_solved": (0, 0),
        "reminders": (0, 1),
        "extensions": (0, 0),
        "returns": (0, 1),
    },
    "z": {"signed_on_time": (0, 0), "reminders": (0, 0), "returns": (1, 1)},
}


def test_every_automatic_metric_matches_the_hand_count(scoring_world):
    figures = metrics.year_figures(2026, as_of=AS_OF)
    w = scoring_world
    assert figures.offices == {w.x.pk, w.y.pk, w.z.pk}
    offices = {"x": w.x, "y": w.y, "z": w.z}
    found = {}
    for name, expected in EXPECTED.items():
        for key in expected:
            metric, code = key if isinstance(key, tuple) else (key, "")
            found.setdefault(name, {})[key] = figures.get(metric, offices[name].pk, code)
    wrong = {
        (name, key): (found[name][key], expected)
        for name, keys in EXPECTED.items()
        for key, expected in keys.items()
        if found[name][key] != expected
    }
    assert wrong == {}


# The points of 住建局 under ``full_rubric`` (weight × numerator ÷ denominator; no case: the whole weight):
#   签收 10×2/4=5, 协办 5 (no case), 答复 15×2/4=7.5, 联系 5×3/4=3.75, 见面 5×1/3=1.67, A 10×2/3=6.67,
#   B 2×0/3=0, C 3×(1−1/3)=2, 满意 15×2/2=15, 初次 10×1/2=5, 上年B 10×1/2=5            → 56.59
#   hand scores: 答复函 5 + 领导重视 3                                                     → base 64.59
#   deductions: 催办 min(2×1, 2.5)=2, 延期 min(1×0.5, 1)=0.5, 退回 0 → 2.5, under the cap 3
#   bonus: 创新 2, at the cap 2                                                           → total 64.09
X_POINTS = {
    "按时签收": "5.00",
    "协办意见按时": "5.00",
    "按时答复": "7.50",
    "沟通联系": "3.75",
    "见面沟通": "1.67",
    "A类占比": "6.67",
    "B类占比": "0.00",
    "C类占比（越低越好）": "2.00",
    "满意率": "15.00",
    "初次满意率": "5.00",
    "上年B类解决率": "5.00",
    "答复函质量": "5.00",
    "领导重视": "3.00",
    "被催办": "2.00",
    "延期": "0.50",
    "退回": "0.00",
    "创新做法": "2.00",
}


def test_a_sheet_totals_the_items_with_the_caps_and_keeps_each_numerator_and_denominator(scoring_world):
    w = scoring_world
    rubric = full_rubric(w.staff)
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.scores_compute(rubric=rubric, actor=w.staff, as_of=AS_OF)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    items = {i.name: i for i in rubric.items.all()}
    for name, points in (("答复函质量", "5"), ("领导重视", "3"), ("创新做法", "2")):
        actions.score_enter(sheet=sheet, item=items[name], actor=w.staff, points=points, reason="按评分细则评定。")
    sheet.refresh_from_db()
    lines = {line.item.name: line for line in sheet.lines.select_related("item")}
    assert {name: str(line.points) for name, line in lines.items()} == X_POINTS
    assert (lines["按时答复"].numerator, lines["按时答复"].denominator) == (2, 4)
    assert (lines["答复函质量"].numerator, lines["答复函质量"].denominator) == (None, None)
    assert (sheet.base, sheet.deductions, sheet.bonuses, sheet.total) == (
        Decimal("64.59"),
        Decimal("2.50"),
        Decimal("2.00"),
        Decimal("64.09"),
    )
    # 交通局 only had a return: every rate item is whole (no case), the return costs a point.
    z = ScoreSheet.objects.get(rubric=rubric, office=w.z)
    assert (z.base, z.deductions, z.total) == (Decimal("90.00"), Decimal("1.00"), Decimal("89.00"))


def test_the_deduction_cap_of_the_rubric_limits_the_sum_of_deductions(scoring_world):
    w = scoring_world
    rubric = full_rubric(w.staff)
    actions.rubric_update(rubric=rubric, actor=w.staff, values={"deduction_cap": "1.5"})
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.scores_compute(rubric=rubric, actor=w.staff, as_of=AS_OF)
    assert ScoreSheet.objects.get(rubric=rubric, office=w.x).deductions == Decimal("1.50")


def test_the_cases_on_the_sheet_are_the_ones_the_figures_counted(scoring_world):
    from yearend import cases

    w = scoring_world
    rubric = full_rubric(w.staff)
    actions.rubric_publish(rubric=rubric, actor=w.staff)
    actions.scores_compute(rubric=rubric, actor=w.staff, as_of=AS_OF)
    sheet = ScoreSheet.objects.get(rubric=rubric, office=w.x)
    rows = {c["suggestion"].pk: c for c in cases.office_cases(sheet)}
    found = {
        name: (
            c["signed"],
            c["answered"],
            c["met"],
            c["contacted"],
            c["result"],
            c["rating"],
            c["reminders"],
            c["extended"],
        )
        for name, s in w.s.items()
        if (c := rows.get(s.pk))
    }
    assert found == {
        "s1": (True, True, True, True, "A", "满意", 0, False),
        "s2": (True, False, False, True, "A", "基本满意", 0, False),
        "s3": (False, True, False, True, "C", "", 0, True),
        "s4": (False, False, False, False, "", "", 2, False),
    }
    lines = {line.item.metric: line for line in sheet.lines.select_related("item")}
    assert sum(c["signed"] is True for c in rows.values()) == lines["signed_on_time"].numerator
    assert sum(c["signed"] is not None for c in rows.values()) == lines["signed_on_time"].denominator
    z_sheet = ScoreSheet.objects.get(rubric=rubric, office=w.z)
    (returned,) = cases.office_cases(z_sheet)
    assert returned["ended"] and returned["signed"] is None
