"""The year's end beside the handling: re-surveys of satisfaction (满意度回访) and 回头看 of B answers.

A re-survey records what a delegate said on the phone or at a visit *beside* the online rating (never over
it). A 回头看 carries a B answer ("列入计划逐步解决") of an earlier session into a later session's batch: a new
handling round on the original suggestion (``HandlingRound.followup_session``) with a new assignment of the
office that answered (``Assignment.followup_round``), so its deadlines, reminders, reply and rating are the
usual ones, counted in the new session's figures apart (``reporting.followup_figures``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate, Session
from suggestions.models.handling import HandlingRound, Rating, Reply
from suggestions.models.suggestion import Suggestion


class ResurveyBatch(models.Model):
    """One choice of suggestions to re-survey: by whom, how chosen, from which session."""

    class Method(models.TextChoices):
        ALL = "all", _("全部已评价建议")
        SAMPLE = "sample", _("随机抽样")
        KEY = "key", _("全部重点督办建议")
        QUICK = "quick", _("答复后一天内评价的建议")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="resurvey_batches")
    # The session's congress, kept on the row: a congress's staff see and re-survey their own only.
    congress = models.ForeignKey(
        "congresses.Congress",
        on_delete=models.PROTECT,
        related_name="resurvey_batches",
        verbose_name=_("人大"),
        editable=False,
    )
    method = models.CharField(_("抽取方式"), max_length=10, choices=Method.choices)
    sample_size = models.PositiveIntegerField(_("抽样数量"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("满意度回访批次")
        verbose_name_plural = _("满意度回访批次")

    def __str__(self):
        return f"{self.session} · {self.get_method_display()} · {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.session_id is not None:
            self.congress_id = self.session.congress_id
        super().save(*args, **kwargs)


class Resurvey(models.Model):
    """One delegate asked again about one suggestion's reply; the online rating stays as it was."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话回访")
        VISIT = "visit", _("上门走访")

    batch = models.ForeignKey(ResurveyBatch, on_delete=models.CASCADE, related_name="resurveys")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="resurveys")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="+", verbose_name=_("代表"))
    # The online rating the answer is compared with (the delegate's rating of the final round when chosen).
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="resurveys", null=True, blank=True)
    channel = models.CharField(_("回访方式"), max_length=10, choices=Channel.choices, blank=True)
    value = models.CharField(_("回访结果"), max_length=12, choices=Rating.Value.choices, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reopened_round = models.ForeignKey(
        HandlingRound, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("重新办理轮次")
    )

    class Meta:
        ordering = ["batch_id", "suggestion_id", "id"]
        verbose_name = _("满意度回访")
        verbose_name_plural = _("满意度回访")
        constraints = [
            models.UniqueConstraint(fields=["batch", "suggestion", "delegate"], name="resurvey_one_per_batch"),
        ]
        indexes = [models.Index(fields=["suggestion", "recorded_at"], name="resurvey_sugg_recorded")]

    def __str__(self):
        return f"{self.suggestion} · {self.delegate}"

    @property
    def is_recorded(self):
        return bool(self.value)

    @property
    def differs(self):
        """Recorded, and not what the delegate rated online (or the delegate never rated online)."""
        return self.is_recorded and (self.rating is None or self.rating.value != self.value)


class Carryover(models.Model):
    """回头看: a B answer carried into a later session's batch as a new handling round."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="carryovers", verbose_name=_("B类答复"))
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="carryovers", verbose_name=_("会议"))
    round = models.OneToOneField(HandlingRound, on_delete=models.PROTECT, related_name="carryover")
    carried_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    carried_at = models.DateTimeField(_("转入时间"), default=timezone.now)

    class Meta:
        ordering = ["-carried_at", "-id"]
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        constraints = [models.UniqueConstraint(fields=["reply", "session"], name="carryover_once_per_session")]

    def __str__(self):
        return f"{self.reply} → {self.session}"
