"""Office scoring (办理绩效考评): a rubric staff publish per year, and each office's score sheet under it.

A rubric belongs to one congress (its sheets with it); a rubric version is configuration while it is a draft; once published it never changes (``Rubric.TRANSITIONS``;
a change is a new version). A score sheet holds one line per rubric item with the item's numerator, denominator
and points, so that the office page shows why the office got its score. Writes happen only in
``yearend.actions``; every one writes a ``ScoringAudit`` row.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.models import Office, ResultClass


class Rubric(models.Model):
    """考评办法: one version of the year's rubric."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    TRANSITIONS = {Status.DRAFT: {Status.PUBLISHED}, Status.PUBLISHED: set()}

    congress = models.ForeignKey(
        "congresses.Congress", on_delete=models.PROTECT, related_name="rubrics", verbose_name=_("人大")
    )
    year = models.PositiveSmallIntegerField(_("考评年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    full_marks = models.DecimalField(_("基本分满分"), max_digits=6, decimal_places=2, default=Decimal("100"))
    deduction_cap = models.DecimalField(_("扣分上限"), max_digits=6, decimal_places=2, default=Decimal("10"))
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=6, decimal_places=2, default=Decimal("5"))
    objection_workdays = models.PositiveSmallIntegerField(_("异议期限（工作日）"), default=5)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("修订自")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("考评办法")
        verbose_name_plural = _("考评办法")
        constraints = [
            models.UniqueConstraint(fields=["congress", "year", "version"], name="rubric_congress_year_version")
        ]

    def __str__(self):
        return _("%(year)s年度 %(title)s（第%(version)s版）") % {
            "year": self.year,
            "title": self.title,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("yearend:rubric", args=[self.pk])

    @property
    def is_locked(self):
        return self.status == self.Status.PUBLISHED


class Metric(models.TextChoices):
    """What an automatic item counts from the workflow (``yearend.metrics`` defines each one)."""

    SIGNED_ON_TIME = "signed_on_time", _("按时签收率")
    OPINION_ON_TIME = "opinion_on_time", _("协办意见按时率")
    REPLIED_ON_TIME = "replied_on_time", _("按时答复率")
    CONTACT_RATE = "contact_rate", _("沟通联系率")
    FACE_TO_FACE_RATE = "face_to_face_rate", _("见面沟通率")
    RESULT_SHARE = "result_share", _("某类办理结果占比")
    SATISFACTION = "satisfaction", _("满意率")
    FIRST_SATISFACTION = "first_satisfaction", _("初次满意率")
    LAST_YEAR_B_SOLVED = "last_year_b_solved", _("上年度B类答复解决率")
    REMINDERS = "reminders", _("被催办次数")
    EXTENSIONS = "extensions", _("延期次数")
    RETURNS = "returns", _("退回次数")


class RubricItem(models.Model):
    """One line of the rubric: an automatic rate, a hand-scored item, a deduction or a bonus."""

    class Kind(models.TextChoices):
        RATE = "rate", _("按比例计分")
        MANUAL = "manual", _("人工评分")
        DEDUCTION = "deduction", _("扣分")
        BONUS = "bonus", _("加分")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("考评项目"), max_length=100)
    kind = models.CharField(_("计分方式"), max_length=10, choices=Kind.choices)
    metric = models.CharField(_("自动计算指标"), max_length=30, choices=Metric.choices, blank=True)
    result_class = models.ForeignKey(
        ResultClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办理结果分类")
    )
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal("0"))
    lower_is_better = models.BooleanField(_("比例越低得分越高"), default=False)
    per_unit = models.DecimalField(_("每次扣（加）分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    cap = models.DecimalField(_("本项上限"), max_digits=6, decimal_places=2, default=Decimal("0"))
    note = models.TextField(_("计分说明"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("考评项目")
        verbose_name_plural = _("考评项目")

    def __str__(self):
        return self.name

    @property
    def is_automatic(self):
        return bool(self.metric)

    @property
    def max_points(self):
        """The most this item gives (or takes away)."""
        return self.weight if self.kind in (self.Kind.RATE, self.Kind.MANUAL) else self.cap

    @property
    def counts_in_base(self):
        return self.kind in (self.Kind.RATE, self.Kind.MANUAL)


class ScoreSheet(models.Model):
    """One office's score under one rubric version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("评分中")
        RELEASED = "released", _("已反馈单位")
        FINAL = "final", _("已锁定")

    TRANSITIONS = {Status.DRAFT: {Status.RELEASED}, Status.RELEASED: {Status.FINAL}, Status.FINAL: set()}

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("考评办法"))
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="score_sheets", verbose_name=_("承办单位")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    base = models.DecimalField(_("基本分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    deductions = models.DecimalField(_("扣分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    bonuses = models.DecimalField(_("加分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    as_of = models.DateField(_("数据截至"), null=True, blank=True)
    released_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    objection_deadline = models.DateField(_("异议截止"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["-total", "office__order", "office__name"]
        verbose_name = _("单位考评得分")
        verbose_name_plural = _("单位考评得分")
        constraints = [models.UniqueConstraint(fields=["rubric", "office"], name="sheet_one_per_office")]

    def __str__(self):
        return f"{self.office} · {self.rubric}"

    def get_absolute_url(self):
        return reverse("yearend:sheet", args=[self.pk])


class ScoreLine(models.Model):
    """One item's figures on one sheet: numerator ÷ denominator and the points they gave."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    numerator = models.PositiveIntegerField(_("分子"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("分母"), null=True, blank=True)
    points = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, default=Decimal("0"))
    scored = models.BooleanField(_("已评分"), default=False)
    reason = models.TextField(_("评分理由"), blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        ordering = ["item__order", "item_id"]
        verbose_name = _("考评得分明细")
        verbose_name_plural = _("考评得分明细")
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="line_one_per_item")]

    def __str__(self):
        return f"{self.item} · {self.points}"


class Objection(models.Model):
    """An office's objection to its score, within the window, and the staff's answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("未采纳")

    TRANSITIONS = {Status.OPEN: {Status.ACCEPTED, Status.REJECTED}, Status.ACCEPTED: set(), Status.REJECTED: set()}

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="objections")
    item = models.ForeignKey(
        RubricItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("有异议的项目")
    )
    text = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = _("考评异议")
        verbose_name_plural = _("考评异议")
        constraints = [
            models.UniqueConstraint(fields=["sheet"], condition=models.Q(status="open"), name="objection_one_open")
        ]

    def __str__(self):
        return f"{self.sheet.office} · {self.get_status_display()}"


class ScoringAudit(models.Model):
    """One row per write of this app: who, when, what, from, to. Never deleted."""

    class Action(models.TextChoices):
        RUBRIC_CREATE = "rubric_create", _("新建考评办法")
        RUBRIC_EDIT = "rubric_edit", _("修改考评办法")
        ITEM_SAVE = "item_save", _("保存考评项目")
        ITEM_REMOVE = "item_remove", _("删除考评项目")
        RUBRIC_PUBLISH = "rubric_publish", _("发布考评办法")
        RUBRIC_VERSION = "rubric_version", _("新建考评办法版本")
        COMPUTE = "compute", _("计算得分")
        SCORE = "score", _("人工评分")
        RELEASE = "release", _("反馈单位")
        OBJECT = "object", _("提出异议")
        ANSWER = "answer", _("答复异议")
        LOCK = "lock", _("锁定得分")

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="audit_logs")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("考评操作记录")
        verbose_name_plural = _("考评操作记录")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
