"""A reminder's key as one number: what makes it due once (kind, the row it is about, the stage).

Each due reminder is recorded once: the scan skips a ``(suggestion, code)`` already recorded and a unique
constraint refuses a double. The code packs ``kind:subject:stage`` into a bigint (the kind in the top bits,
then the id of the row the reminder is about — an assignment, reply, co-signer or request — then the
stage's family and its number plus one, 0 for a stage without a number: ``before`` is not ``before0``), so the unique index holds two numbers per row instead of a text of ~25
characters compared by collation: a reminder storm writes and checks every one of them (issue 25). The
suggestion leads the index, which so also finds a suggestion's reminders (no index of its own).

Manual 催办 and the bench data's own rows have no code (they are never due twice).
"""

import re

from django.db.models import BigIntegerField, ExpressionWrapper, F, Value

# Numbers are part of stored codes: never renumber, only add.
KINDS = {
    "sign": 1,
    "opinion": 2,
    "reply_due": 3,
    "overdue": 4,
    "rehandle": 5,
    "follow_up": 6,
    "invitation": 7,
    "rating": 8,
    "request": 9,
}
FAMILIES = {"n": 1, "before": 2, "late": 3, "after": 4, "before_close": 5, "waiting": 6}
KIND_SHIFT, SUBJECT_SHIFT, FAMILY_SHIFT = 58, 26, 20
SUBJECT_MAX, NUMBER_MAX = (1 << 32) - 1, (1 << FAMILY_SHIFT) - 1
_KIND_NAMES = {v: k for k, v in KINDS.items()}
_FAMILY_NAMES = {v: k for k, v in FAMILIES.items()}
_STAGE = re.compile(r"^([a-z_]*[a-z])(\d*)$")


def stage_code(stage: str) -> int:
    """``before15`` → the family ``before`` and 15 + 1 in the low 26 bits (``before`` → 0)."""
    match = _STAGE.match(stage)
    if not match or match[1] not in FAMILIES or (match[2] and int(match[2]) >= NUMBER_MAX):
        raise ValueError(f"not a stage of the schedule: {stage!r}")
    return FAMILIES[match[1]] << FAMILY_SHIFT | (int(match[2]) + 1 if match[2] else 0)


def code(kind: str, subject_id: int, stage: str) -> int:
    """The code of ``kind:subject:stage``."""
    if not 0 < subject_id <= SUBJECT_MAX:
        raise ValueError(f"subject id out of range: {subject_id}")
    return KINDS[kind] << KIND_SHIFT | subject_id << SUBJECT_SHIFT | stage_code(stage)


def code_of(key: str) -> int:
    """The code of a text key ``kind:subject:stage`` (what plans carry)."""
    kind, subject, stage = key.split(":")
    return code(kind, int(subject), stage)


def key_of(value: int) -> str:
    """The text ``kind:subject:stage`` a code stands for."""
    family, number = value >> FAMILY_SHIFT & 63, value & NUMBER_MAX
    stage = _FAMILY_NAMES[family] + (str(number - 1) if number else "")
    return f"{_KIND_NAMES[value >> KIND_SHIFT]}:{value >> SUBJECT_SHIFT & SUBJECT_MAX}:{stage}"


def code_expression(kind: str, family: str, number=None, subject="pk") -> ExpressionWrapper:
    """The code as SQL: ``kind`` and ``family`` fixed, the subject's id and the stage's number (an integer
    expression, or none) from the row."""
    fixed = KINDS[kind] << KIND_SHIFT | FAMILIES[family] << FAMILY_SHIFT | (number is not None)
    value = Value(fixed, output_field=BigIntegerField()) + F(subject) * Value(1 << SUBJECT_SHIFT)
    if number is not None:
        value = value + number
    return ExpressionWrapper(value, output_field=BigIntegerField())
