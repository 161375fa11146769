"""Suggestions and who handles them, by area; every model is importable from ``suggestions.models``.

Status changes happen only in ``suggestions.actions``; the allowed transitions are the
``TRANSITIONS`` tables on the models.
"""

from suggestions.models.audit import AuditAction, AuditLog  # noqa: F401
from suggestions.models.followup import Carryover, Resurvey, ResurveyBatch  # noqa: F401
from suggestions.models.handling import (  # noqa: F401
    Assignment,
    AssignmentRequest,
    ContactRecord,
    FollowUp,
    HandlingRound,
    Opinion,
    Rating,
    Reply,
)
from suggestions.models.reference import (  # noqa: F401
    CalendarDay,
    CalendarYear,
    Category,
    DeadlinePolicy,
    Leader,
    Office,
    OfficeMember,
    ResultClass,
    default_reminder_offsets,
)
from suggestions.models.reminders import (  # noqa: F401
    ChannelPreference,
    Notification,
    PhoneHealth,
    Reminder,
    ReminderDelivery,
)
from suggestions.models.stats import (  # noqa: F401
    AssignmentFact,
    AssignmentTally,
    DueTally,
    StatsWatermark,
    SuggestionFact,
    SuggestionTally,
)
from suggestions.models.suggestion import Attachment, CoSigner, Suggestion, attachment_path  # noqa: F401
from suggestions.models.transfer import Transfer  # noqa: F401
from suggestions.models.worklists import HomeEntry, HomeTally, InboxFact, InboxTally  # noqa: F401
