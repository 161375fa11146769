"""Precomputed statistics, maintained from the audit log."""

from django.db import models
from django.utils import timezone

from suggestions.models.handling import Assignment
from suggestions.models.reference import Category, Office, ResultClass
from suggestions.models.suggestion import Suggestion

# --------------------------------------------------------------------------- precomputed statistics
# Maintained by ``suggestions.reporting.stats`` from the audit log; never edited by hand. A fact row is one
# suggestion's (or assignment's) contribution to the figures; a tally row is the sum of the facts
# that share its key, so the dashboard reads a few hundred rows however many suggestions there are.


class SuggestionFact(models.Model):
    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.CASCADE, primary_key=True, related_name="fact", db_constraint=False
    )
    session_id = models.IntegerField()
    category_id = models.IntegerField()
    status = models.CharField(max_length=20)
    is_key = models.BooleanField()
    n = models.IntegerField()  # always 1: summed into the tally
    registered = models.IntegerField()
    assigned = models.IntegerField()
    replied = models.IntegerField()
    replied_on_time = models.IntegerField()
    met = models.IntegerField()
    rated = models.IntegerField()
    satisfied = models.IntegerField()
    basic = models.IntegerField()
    first_rated = models.IntegerField()
    first_ok = models.IntegerField()

    def __str__(self):
        return f"{self.suggestion_id}"


class AssignmentFact(models.Model):
    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, primary_key=True, related_name="fact", db_constraint=False
    )
    suggestion_id = models.IntegerField(db_index=True)
    session_id = models.IntegerField()
    office_id = models.IntegerField()
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    has_reply = models.BooleanField()
    result_class_id = models.IntegerField(null=True)  # of the latest submitted reply
    due = models.DateField()  # the effective deadline while open, else 9999-12-31
    n = models.IntegerField()  # always 1: summed into the tally
    late_first = models.IntegerField()
    rated = models.IntegerField()
    rated_ok = models.IntegerField()
    satisfied = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["session_id", "due"], name="afact_session_due")]

    def __str__(self):
        return f"{self.assignment_id}"


class SuggestionTally(models.Model):
    session_id = models.IntegerField()
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    status = models.CharField(max_length=20)
    is_key = models.BooleanField()
    n = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    assigned = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    replied_on_time = models.IntegerField(default=0)
    met = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    first_rated = models.IntegerField(default=0)
    first_ok = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session_id", "category", "status", "is_key"], name="stally_key"),
        ]

    def __str__(self):
        return f"{self.session_id}/{self.category_id}/{self.status}: {self.n}"


class AssignmentTally(models.Model):
    session_id = models.IntegerField()
    office = models.ForeignKey(Office, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    role = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    has_reply = models.BooleanField()
    result_class = models.ForeignKey(
        ResultClass, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", null=True
    )
    n = models.IntegerField(default=0)
    late_first = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_ok = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session_id", "office", "role", "status", "has_reply", "result_class"],
                name="atally_key",
            ),
        ]

    def __str__(self):
        return f"{self.session_id}/{self.office_id}/{self.status}: {self.n}"


class DueTally(models.Model):
    """Open assignments by deadline: overdue counts for any day are the rows before it."""

    session_id = models.IntegerField()
    office_id = models.IntegerField()
    due = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session_id", "office_id", "due"], name="duetally_key")]

    def __str__(self):
        return f"{self.session_id}/{self.office_id}/{self.due}: {self.n}"


class StatsWatermark(models.Model):
    """The single row that says how far the tallies have read the audit log."""

    audit_id = models.BigIntegerField(default=0)
    run_at = models.DateTimeField(default=timezone.now)
    # Bumped whenever a catch-up changed the tallies: what cached dashboards are keyed by.
    version = models.BigIntegerField(default=0)
    # [audit id, epoch seconds] of rows already read that the next run's window still covers.
    recent = models.JSONField(default=list)

    def __str__(self):
        return f"audit {self.audit_id} at {self.run_at:%Y-%m-%d %H:%M}"
