"""Reference data staff configure: categories, offices and their people, leaders, result classes, deadline policies and the working-day calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from delegates import phones
from delegates.models import Session
from security.fields import EncryptedTextField


def default_reminder_offsets():
    """Reminder schedule defaults (issue: reminders); staff edit them per session."""
    return {
        "sign_after_workdays": 2,
        "sign_every_workdays": 2,
        "opinion_before_workdays": [5, 0],
        "opinion_overdue_every_days": 7,
        "reply_before_workdays": [15, 5, 0],
        "overdue_every_days": 7,
        "rehandle_before_workdays": [5, 0],
        "followup_every_months": 3,
        "invitation_after_days": 2,
        "invitation_before_days": 1,
        "rating_after_workdays": 5,
        "rating_before_close_days": 2,
        "request_waiting_workdays": 2,
    }


CONGRESS = "congresses.Congress"


class Category(models.Model):
    congress = models.ForeignKey(CONGRESS, on_delete=models.PROTECT, related_name="categories", verbose_name=_("人大"))
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="category_unique_per_congress")]

    def __str__(self):
        return self.name


class Office(models.Model):
    """承办单位: a department of the congress's own government (its clerks serve this congress only)."""

    congress = models.ForeignKey(CONGRESS, on_delete=models.PROTECT, related_name="offices", verbose_name=_("人大"))
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=150, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), max_length=40, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="office_unique_per_congress")]

    def __str__(self):
        return self.name


class OfficeMember(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", _("经办人")
        HEAD = "head", _("单位负责人")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="members", verbose_name=_("承办单位"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="office_memberships",
        verbose_name=_("登录账号"),
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.CLERK)
    phone = EncryptedTextField(_("联系电话"), max_length=30, blank=True)
    phone_hash = models.CharField(_("联系电话查找摘要"), max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("承办单位人员")
        verbose_name_plural = _("承办单位人员")
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="office_member_unique")]

    def __str__(self):
        return f"{self.office} · {self.user}"

    def save(self, *args, **kwargs):
        self.phone_hash = phones.lookup_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        super().save(*args, **kwargs)


class Leader(models.Model):
    """领衔督办领导."""

    congress = models.ForeignKey(CONGRESS, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("人大"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leader",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("督办领导")
        verbose_name_plural = _("督办领导")

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class ResultClass(models.Model):
    """办理结果分类 (A–D by default)."""

    congress = models.ForeignKey(
        CONGRESS, on_delete=models.PROTECT, related_name="result_classes", verbose_name=_("人大")
    )
    code = models.CharField(_("代码"), max_length=5)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    counts_as_solved = models.BooleanField(_("计入解决率"), default=False)
    counts_as_adopted = models.BooleanField(_("计入采纳率"), default=False)
    needs_follow_up = models.BooleanField(_("需跟踪督办"), default=False)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("办理结果分类")
        verbose_name_plural = _("办理结果分类")
        constraints = [models.UniqueConstraint(fields=["congress", "code"], name="result_class_unique_per_congress")]

    def __str__(self):
        return f"{self.code} {self.name}"


class DeadlinePolicy(models.Model):
    """Deadlines of one session (domain.md defaults); months are calendar months."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="deadline_policy", verbose_name=_("会议")
    )
    assign_session_months = models.PositiveSmallIntegerField(_("会议期间建议交办期限（闭会后月数）"), default=1)
    assign_recess_workdays = models.PositiveSmallIntegerField(_("闭会期间建议交办期限（工作日）"), default=5)
    return_window_workdays = models.PositiveSmallIntegerField(_("申请退回期限（工作日）"), default=7)
    opinion_months = models.PositiveSmallIntegerField(_("协办意见期限（月）"), default=1)
    reply_months = models.PositiveSmallIntegerField(_("答复期限（月）"), default=3)
    extension_max_months = models.PositiveSmallIntegerField(_("最长延期（月）"), default=3)
    rehandle_months = models.PositiveSmallIntegerField(_("重新办理期限（月）"), default=1)
    rating_days = models.PositiveSmallIntegerField(_("代表评价期限（天）"), default=15)
    invitation_days = models.PositiveSmallIntegerField(_("联名邀请答复期限（天）"), default=3)
    reply_letter_required = models.BooleanField(
        _("答复须上传盖章答复函"),
        default=True,
        db_default=True,
        help_text=_("每一轮答复代表前，承办单位须上传已签发盖章的答复函（PDF或图片）。"),
    )
    reminder_offsets = models.JSONField(_("催办提醒设置"), default=default_reminder_offsets, blank=True)

    class Meta:
        verbose_name = _("办理期限设置")
        verbose_name_plural = _("办理期限设置")

    def __str__(self):
        return str(self.session)

    def offset(self, name):
        return {**default_reminder_offsets(), **(self.reminder_offsets or {})}[name]


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a holiday on a weekday or a make-up workday (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self):
        return f"{self.date} {self.note}"


class CalendarYear(models.Model):
    """A year whose official holidays are known (entered or imported)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入节假日的年份")
        verbose_name_plural = _("已录入节假日的年份")

    def __str__(self):
        return str(self.year)
