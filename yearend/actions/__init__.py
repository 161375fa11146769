"""Every write of the year's office scoring.

Each action asks the rule book (``policy.require``), locks its rows (the rubric first, then its sheets, then an
objection), checks the move against the model's ``TRANSITIONS``, writes the change and its ``ScoringAudit`` row
in one transaction, and tells the people concerned (in-app notifications in the same transaction).
``rubrics``: the rubric and its items; ``scores``: the sheets, objections and the lock.
"""

from suggestions.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from yearend.actions.rubrics import (
    ITEM_FIELDS,
    RUBRIC_FIELDS,
    rubric_create,
    rubric_item_remove,
    rubric_item_save,
    rubric_new_version,
    rubric_publish,
    rubric_update,
)
from yearend.actions.scores import (
    objection_answer,
    objection_file,
    score_enter,
    scores_compute,
    sheet_lock,
    sheet_release,
    sheets_lock,
    sheets_release,
)

__all__ = [
    "ITEM_FIELDS",
    "RUBRIC_FIELDS",
    "InvalidInput",
    "NotPermitted",
    "TransitionNotAllowed",
    "objection_answer",
    "objection_file",
    "rubric_create",
    "rubric_item_remove",
    "rubric_item_save",
    "rubric_new_version",
    "rubric_publish",
    "rubric_update",
    "score_enter",
    "scores_compute",
    "sheet_lock",
    "sheet_release",
    "sheets_lock",
    "sheets_release",
]
