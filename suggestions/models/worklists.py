"""What the delegate home and the office inbox list and count, kept by the actions (issue 25).

Counting a delegate's sections or an office's tabs from the workflow tables grows with the data (at a
million suggestions: 150-300 ms a page). Here each suggestion's place on the worklists is kept as rows
written in the same transaction as the change (``suggestions.reporting.worklists``): a delegate's
sections as *entries* (one per suggestion, delegate and section, with the suggestion's ``created_at``, so
a section's newest rows are an index walk), an office's tabs as *facts* (one per live assignment); and
both summed into *tallies* that the pages read whatever the size of the data.
"""

from django.db import models

from suggestions.models.handling import Assignment
from suggestions.models.suggestion import Suggestion


class HomeEntry(models.Model):
    """A suggestion in one section of one delegate's home page (``delegate_selectors.HOME_SECTIONS``)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    delegate_id = models.IntegerField()
    section = models.CharField(max_length=10)
    created_at = models.DateTimeField()  # the suggestion's: the sections list newest first

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "delegate_id", "section"], name="homeentry_key"),
        ]
        indexes = [
            models.Index(
                fields=["delegate_id", "section", "-created_at", "-suggestion"], name="homeentry_section_newest"
            ),
        ]

    def __str__(self):
        return f"{self.delegate_id}/{self.section}: {self.suggestion_id}"


class HomeTally(models.Model):
    delegate_id = models.IntegerField()
    section = models.CharField(max_length=10)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["delegate_id", "section"], name="hometally_key")]

    def __str__(self):
        return f"{self.delegate_id}/{self.section}: {self.n}"


class InboxFact(models.Model):
    """One live assignment's place in its office's inbox: its tab and, while active, its deadline."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    suggestion_id = models.IntegerField(db_index=True)
    office_id = models.IntegerField()
    group = models.CharField(max_length=12)  # ``office_selectors.GROUPS``
    status = models.CharField(max_length=20)
    due = models.DateField()  # the effective deadline while active, else 9999-12-31

    def __str__(self):
        return f"{self.assignment_id}"


class InboxTally(models.Model):
    office_id = models.IntegerField()
    group = models.CharField(max_length=12)
    status = models.CharField(max_length=20)
    due = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office_id", "group", "status", "due"], name="inboxtally_key"),
        ]

    def __str__(self):
        return f"{self.office_id}/{self.group}/{self.status}/{self.due}: {self.n}"
