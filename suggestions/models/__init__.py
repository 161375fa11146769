"""Suggestions and who handles them.

Status changes happen only in ``suggestions.actions``; the allowed
transitions are the ``TRANSITIONS`` tables on the models below.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate, Session


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


class Category(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")

    def __str__(self):
        return self.name


class Office(models.Model):
    """承办单位."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=150, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")

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
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("承办单位人员")
        verbose_name_plural = _("承办单位人员")
        constraints = [models.UniqueConstraint(fields=["office", "user"], name="office_member_unique")]

    def __str__(self):
        return f"{self.office} · {self.user}"


class Leader(models.Model):
    """领衔督办领导."""

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

    code = models.CharField(_("代码"), max_length=5, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    counts_as_solved = models.BooleanField(_("计入解决率"), default=False)
    counts_as_adopted = models.BooleanField(_("计入采纳率"), default=False)
    needs_follow_up = models.BooleanField(_("需跟踪督办"), default=False)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("办理结果分类")
        verbose_name_plural = _("办理结果分类")

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


class Suggestion(models.Model):
    class Series(models.TextChoices):
        SESSION = "session", _("大会期间")
        RECESS = "recess", _("闭会期间")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交待审查")
        RETURNED = "returned", _("退回修改")
        REGISTERED = "registered", _("已立案待交办")
        NOT_REGISTERED = "not_registered", _("不予立案")
        ASSIGNED = "assigned", _("已交办")
        HANDLING = "handling", _("办理中")
        REPLIED = "replied", _("已答复待评价")
        REHANDLING = "rehandling", _("重新办理")
        CLOSED = "closed", _("办结")
        WITHDRAWN = "withdrawn", _("已撤回")
        MERGED = "merged", _("已并案")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.RETURNED,
            Status.REGISTERED,
            Status.NOT_REGISTERED,
            Status.WITHDRAWN,
            Status.MERGED,
        },
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.REGISTERED: {Status.ASSIGNED, Status.WITHDRAWN, Status.MERGED},
        Status.ASSIGNED: {Status.HANDLING, Status.WITHDRAWN},
        Status.HANDLING: {Status.REPLIED, Status.WITHDRAWN},
        # Withdrawn from here only through staff (``policy.Action.WITHDRAW``).
        Status.REPLIED: {Status.CLOSED, Status.REHANDLING, Status.WITHDRAWN},
        Status.REHANDLING: {Status.REPLIED, Status.WITHDRAWN},
        Status.CLOSED: set(),
        Status.NOT_REGISTERED: set(),
        Status.WITHDRAWN: set(),
        Status.MERGED: set(),
    }
    OPEN_FOR_HANDLING = (Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.REHANDLING)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("会议"))
    series = models.CharField(_("提出时间"), max_length=10, choices=Series.choices, default=Series.SESSION)
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("类别"))
    lead_delegate = models.ForeignKey(
        Delegate, on_delete=models.PROTECT, related_name="led_suggestions", verbose_name=_("领衔代表")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_key = models.BooleanField(_("重点督办"), default=False)
    leader = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="key_suggestions",
        verbose_name=_("领衔督办领导"),
    )
    status_reason = models.TextField(_("退回/不予立案/撤回理由"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("并入建议"),
    )
    current_round = models.PositiveSmallIntegerField(_("当前办理轮次"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Denormalised by the publish / unpublish services so public lists need no join.
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # What the public reads instead of title and body: reviewed by staff (personal data masked) before the
    # first publication; PostgreSQL keeps their bigrams in ``public_bigrams`` (migration 0014).
    public_title = models.CharField(_("公开标题"), max_length=200, blank=True)
    public_body = models.TextField(_("公开内容"), blank=True)
    public_reviewed_at = models.DateTimeField(_("公开版本审核时间"), null=True, blank=True)
    public_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Spans the detector flagged that staff recorded as not personal (each decision has an audit row).
    public_not_personal = models.JSONField(_("经确认非个人信息"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("建议")
        verbose_name_plural = _("建议")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "series", "number"],
                condition=models.Q(number__isnull=False),
                name="suggestion_number_unique_in_series",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "session"], name="sugg_status_session"),
            models.Index(fields=["lead_delegate", "status"], name="sugg_lead_status"),
            models.Index(fields=["session", "series", "number"], name="sugg_session_number"),
            models.Index(fields=["-published_at", "-id"], condition=models.Q(is_published=True), name="sugg_published"),
            models.Index(fields=["category", "session"], name="sugg_category_session"),
            # Newest first (the default order): a first page walks this and stops after 20 rows,
            # even when a search term matches a hundred thousand suggestions.
            models.Index(fields=["-created_at", "-id"], name="sugg_created"),
            # (submitted_at DESC NULLS LAST, id DESC), the staff track list's default order, is made by
            # migration 0010 on PostgreSQL only (SQLite cannot index NULLS LAST).
        ]

    def __str__(self):
        return f"{self.number_display} {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("suggestions:detail", args=[self.pk])

    @property
    def number_display(self):
        return self.format_number(self.series, self.number)

    @classmethod
    def format_number(cls, series, number):
        """第12号 or 闭会第12号: the one way a registration number is written, on every page."""
        if not number:
            return ""
        if series == cls.Series.RECESS:
            return _("闭会第%(number)s号") % {"number": number}
        return _("第%(number)s号") % {"number": number}

    @property
    def is_closed(self):
        return self.status in (
            self.Status.CLOSED,
            self.Status.NOT_REGISTERED,
            self.Status.WITHDRAWN,
            self.Status.MERGED,
        )


class CoSigner(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已谢绝")
        DROPPED = "dropped", _("已撤销邀请")

    TRANSITIONS = {
        Status.INVITED: {Status.CONFIRMED, Status.DECLINED, Status.DROPPED},
        Status.CONFIRMED: {Status.DROPPED},
        Status.DECLINED: {Status.INVITED},
        Status.DROPPED: {Status.INVITED},
    }

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    delegate = models.ForeignKey(
        Delegate, on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("代表")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    deadline = models.DateTimeField(_("确认截止"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        verbose_name = _("联名代表")
        verbose_name_plural = _("联名代表")
        constraints = [models.UniqueConstraint(fields=["suggestion", "delegate"], name="cosigner_unique")]
        indexes = [models.Index(fields=["delegate", "status"], name="cosigner_delegate_status")]

    def __str__(self):
        return f"{self.delegate} · {self.get_status_display()}"


def attachment_path(instance, filename):
    # Never keep the user's file name in the path: it is stored apart.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext[:8]}"


class Attachment(models.Model):
    """A file attached to a suggestion, reply or opinion; served only through a permission check.

    Who may download it depends on its kind (``selectors.attachment_for_user``): the suggestion's own
    files go to everyone who may read the suggestion; an office's files (reply letters, opinion files)
    stay with that office until they become part of a submitted reply or a sent opinion.
    """

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("建议附件")
        LETTER = "letter", _("答复函")
        OPINION = "opinion", _("协办意见附件")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        _("用途"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION, db_default=Kind.SUGGESTION
    )
    # The office whose file it is (reply letters and opinion files); empty for the suggestion's own files.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办单位")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class HandlingRound(models.Model):
    """A round of handling: 1 is the first; each unsatisfied rating opens the next."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    reason = models.TextField(_("重新办理原因"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("办理轮次")
        verbose_name_plural = _("办理轮次")
        constraints = [models.UniqueConstraint(fields=["suggestion", "number"], name="round_unique")]

    def __str__(self):
        return _("第%(n)s轮") % {"n": self.number}


class Assignment(models.Model):
    """One office's part in handling one suggestion."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SEPARATE = "separate", _("分办")

    class Status(models.TextChoices):
        PENDING = "pending", _("待签收")
        SIGNED = "signed", _("办理中")
        RETURN_REQUESTED = "return_requested", _("申请退回")
        RETURNED = "returned", _("已退回")
        OPINION_SENT = "opinion_sent", _("已提交协办意见")
        REPLIED = "replied", _("已答复")
        REHANDLING = "rehandling", _("重新办理")
        WITHDRAWN = "withdrawn", _("已撤销")

    TRANSITIONS = {
        Status.PENDING: {Status.SIGNED, Status.RETURN_REQUESTED, Status.WITHDRAWN},
        Status.SIGNED: {Status.RETURN_REQUESTED, Status.OPINION_SENT, Status.REPLIED, Status.WITHDRAWN},
        Status.RETURN_REQUESTED: {Status.RETURNED, Status.PENDING, Status.SIGNED, Status.WITHDRAWN},
        Status.RETURNED: set(),
        Status.OPINION_SENT: {Status.WITHDRAWN},
        Status.REPLIED: {Status.REHANDLING, Status.WITHDRAWN},
        Status.REHANDLING: {Status.REPLIED, Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }
    # Still to be handled: the statuses that count as open, overdue and awaiting an answer.
    ACTIVE = (Status.PENDING, Status.SIGNED, Status.RETURN_REQUESTED, Status.REHANDLING)
    # Active, first round: the answer has never been given (a rehandling has its own reminders).
    UNANSWERED = (Status.PENDING, Status.SIGNED, Status.RETURN_REQUESTED)

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("承办单位"))
    role = models.CharField(_("承办方式"), max_length=10, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_assignments",
        verbose_name=_("经办人"),
    )
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    return_by = models.DateField(_("申请退回截止"))
    opinion_due = models.DateField(_("协办意见截止"), null=True, blank=True)
    due_date = models.DateField(_("答复期限"))
    extended_due = models.DateField(_("延期后期限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("接替的交办"),
    )

    class Meta:
        ordering = ["suggestion_id", "role", "id"]
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        indexes = [
            models.Index(fields=["office", "status"], name="asg_office_status"),
            models.Index(fields=["status", "due_date"], name="asg_status_due"),
            models.Index(fields=["status", "extended_due"], name="asg_status_extdue"),
            models.Index(fields=["status", "assigned_at"], name="asg_status_assigned"),
            models.Index(fields=["status", "opinion_due"], name="asg_status_opdue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "office"],
                condition=~models.Q(status__in=["returned", "withdrawn"]),
                name="assignment_one_active_per_office",
            ),
        ]

    def __str__(self):
        return f"{self.office} · {self.get_role_display()}"

    def get_absolute_url(self):
        return reverse("offices:assignment", args=[self.pk])

    @property
    def effective_due(self):
        """The deadline this office works to now (see ``deadline_of``)."""
        return self.deadline_of(
            role=self.role, due_date=self.due_date, extended_due=self.extended_due, opinion_due=self.opinion_due
        )

    @classmethod
    def deadline_of(cls, *, role, due_date, extended_due=None, opinion_due=None):
        """The one rule for an assignment's effective deadline, on plain values.

        A co-office owes its opinion to the lead office, so its deadline is the opinion deadline; the lead
        and separate offices owe the delegate a reply, by the extended deadline when staff granted one.
        A re-handling round sets a new ``due_date`` and clears ``extended_due``. ``effective_due_expression``
        and ``effective_due_q`` are the same rule in SQL.
        """
        if role == cls.Role.CO and opinion_due is not None:
            return opinion_due
        return extended_due or due_date

    @classmethod
    def effective_due_expression(cls, prefix=""):
        """``deadline_of`` as an SQL expression, e.g. ``.annotate(due=Assignment.effective_due_expression())``."""
        return models.Case(
            models.When(
                models.Q(**{f"{prefix}role": cls.Role.CO, f"{prefix}opinion_due__isnull": False}),
                then=models.F(f"{prefix}opinion_due"),
            ),
            default=Coalesce(models.F(f"{prefix}extended_due"), models.F(f"{prefix}due_date")),
            output_field=models.DateField(),
        )

    @classmethod
    def effective_due_q(cls, lookup, value, prefix=""):
        """``effective_due_expression() <lookup> value`` as a condition whose every arm can use an index
        on (status, opinion_due), (status, extended_due) or (status, due_date): what large scans use."""
        co = models.Q(**{f"{prefix}role": cls.Role.CO, f"{prefix}opinion_due__isnull": False})
        return (co & models.Q(**{f"{prefix}opinion_due__{lookup}": value})) | (
            ~co
            & (
                models.Q(**{f"{prefix}extended_due__isnull": True, f"{prefix}due_date__{lookup}": value})
                | models.Q(**{f"{prefix}extended_due__{lookup}": value})
            )
        )

    @property
    def deadline_label(self):
        return _("协办意见期限") if self.role == self.Role.CO else _("答复期限")

    @property
    def answers_delegate(self):
        return self.role in (self.Role.LEAD, self.Role.SEPARATE)


class AssignmentRequest(models.Model):
    """An office's request to have an assignment returned, or its deadline extended."""

    class Kind(models.TextChoices):
        RETURN = "return", _("申请退回")
        EXTENSION = "extension", _("申请延期")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("理由"))
    suggested_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("建议改由")
    )
    requested_until = models.DateField(_("申请延至"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("退回/延期申请")
        verbose_name_plural = _("退回/延期申请")
        indexes = [models.Index(fields=["status", "requested_at"], name="req_status_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"], condition=models.Q(status="pending"), name="request_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.assignment}"


class Opinion(models.Model):
    """协办意见: a co-handling office's opinion, sent to the lead office."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="opinions")
    round = models.ForeignKey(HandlingRound, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("协办意见"))
    attachment = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("协办意见")
        verbose_name_plural = _("协办意见")

    def __str__(self):
        return f"{self.assignment.office} · {self.round}"


class ContactRecord(models.Model):
    class Method(models.TextChoices):
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("座谈")
        SITE = "site", _("现场察看")
        PHONE = "phone", _("电话")
        OTHER = "other", _("其他")

    FACE_TO_FACE = (Method.VISIT, Method.MEETING, Method.SITE)

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    date = models.DateField(_("日期"))
    participants = models.CharField(_("参加人员"), max_length=300)
    summary = models.TextField(_("沟通情况"))
    delegate_invited = models.BooleanField(_("已邀请代表参加"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("沟通联系记录")
        verbose_name_plural = _("沟通联系记录")

    def __str__(self):
        return f"{self.date} {self.get_method_display()}"

    @property
    def is_face_to_face(self):
        return self.method in self.FACE_TO_FACE


class Reply(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已答复")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    # The assignment's office (an assignment never changes office), kept here so that "the replies
    # an office published" is one index scan: the public list's office filter.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位"))
    round = models.ForeignKey(HandlingRound, on_delete=models.CASCADE, related_name="replies")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    result_class = models.ForeignKey(
        ResultClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("办理结果"),
    )
    text = models.TextField(_("答复内容"))
    attachment = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("答复函")
    )
    signed_off_by = models.CharField(_("签发人"), max_length=50, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时答复"), null=True)
    public_text = models.TextField(_("公开版本"), blank=True)
    public_reviewed_at = models.DateTimeField(_("公开版本审核时间"), null=True, blank=True)
    public_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["round__number", "submitted_at", "id"]
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="reply_one_per_assignment_round"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="reply_status_submitted"),
            models.Index(fields=["suggestion", "is_published"], name="reply_sugg_published"),
            models.Index(
                fields=["office", "suggestion"],
                name="reply_public_by_office",
                condition=models.Q(is_published=True, status="submitted"),
            ),
        ]

    def __str__(self):
        return f"{self.assignment.office} · {self.round}"

    def save(self, *args, **kwargs):
        if self.office_id is None:
            self.office_id = self.assignment.office_id
        super().save(*args, **kwargs)


class Rating(models.Model):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="ratings")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings")
    round = models.ForeignKey(HandlingRound, on_delete=models.CASCADE, related_name="ratings")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("代表"))
    value = models.CharField(_("评价"), max_length=12, choices=Value.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        ordering = ["rated_at", "id"]
        verbose_name = _("代表评价")
        verbose_name_plural = _("代表评价")
        constraints = [models.UniqueConstraint(fields=["reply", "delegate"], name="rating_one_per_delegate")]

    def __str__(self):
        return f"{self.delegate} · {self.get_value_display()}"


class FollowUp(models.Model):
    """Progress posted by an office on a B-class reply until the matter is solved."""

    class Status(models.TextChoices):
        PROGRESS = "progress", _("进展")
        SOLVED_CLAIMED = "solved_claimed", _("已解决待确认")
        SOLVED_CONFIRMED = "solved_confirmed", _("已确认解决")
        SOLVED_REFUSED = "solved_refused", _("未确认解决")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("进展情况"))
    status = models.CharField(_("类型"), max_length=20, choices=Status.choices, default=Status.PROGRESS)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(_("时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = _("跟踪督办进展")
        verbose_name_plural = _("跟踪督办进展")

    def __str__(self):
        return f"{self.reply} · {self.posted_at:%Y-%m-%d}"


class AuditAction(models.TextChoices):
    """Every audit row's action, with the label the timelines show (``AuditLog.Action``).

    The values are the strings stored in ``AuditLog.action``; ``timeline.VISIBILITY`` says who reads each.
    """

    CREATE = "create", _("创建草稿")
    EDIT = "edit", _("修改建议")
    ATTACH = "attach", _("上传附件")
    OFFICE_ATTACH = "office_attach", _("上传办理文件")
    COSIGNER_INVITE = "cosigner_invite", _("邀请联名")
    COSIGNER_RESPOND = "cosigner_respond", _("答复联名邀请")
    COSIGNER_DROP = "cosigner_drop", _("撤销联名邀请")
    SUBMIT = "submit", _("提交建议")
    RETURN = "return", _("退回修改")
    REGISTER = "register", _("立案")
    NOT_REGISTER = "not_register", _("不予立案")
    WITHDRAW = "withdraw", _("撤回")
    MERGE = "merge", _("并案")
    MERGE_IN = "merge_in", _("并入其他建议")
    ASSIGN = "assign", _("交办")
    SET_KEY = "set_key", _("设置重点督办")
    SIGN = "sign", _("签收")
    HANDLING_STARTED = "handling_started", _("开始办理")
    SET_HANDLER = "set_handler", _("指定经办人")
    REQUEST_RETURN = "request_return", _("申请退回")
    RETURN_APPROVED = "return_approved", _("同意退回并重新交办")
    RETURN_REFUSED = "return_refused", _("不同意退回")
    CONTACT = "contact", _("沟通联系")
    OPINION = "opinion", _("提交协办意见")
    REPLY = "reply", _("答复")
    REPLIED = "replied", _("全部答复完成")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    RATE = "rate", _("代表评价")
    REHANDLE = "rehandle", _("重新办理")
    CLOSE = "close", _("办结")
    FOLLOW_UP = "follow_up", _("跟踪督办进展")
    FOLLOW_UP_CONFIRM = "follow_up_confirm", _("确认解决情况")
    PUBLISH = "publish", _("公开答复")
    UNPUBLISH = "unpublish", _("撤回公开")
    EDIT_PUBLIC_TEXT = "edit_public_text", _("审核答复公开版本")
    REVIEW_PUBLIC_VERSION = "review_public_version", _("审核建议公开版本")
    PII_NOT_PERSONAL = "pii_not_personal", _("确认非个人信息")
    REMIND = "remind", _("催办")
    # People and accounts (suggestions.actions.accounts): rows without a suggestion.
    DELEGATE_IMPORT = "delegate_import", _("导入代表")
    DELEGATE_UPDATE = "delegate_update", _("更新代表")
    OFFICE_IMPORT = "office_import", _("导入承办单位")
    OFFICE_UPDATE = "office_update", _("更新承办单位")
    ACTIVATION_ISSUE = "activation_issue", _("生成激活链接")
    ACTIVATION_USE = "activation_use", _("激活账号")


class AuditLog(models.Model):
    """One row per transition: who, when, from, to, why. Never deleted."""

    Action = AuditAction

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="audit_logs", null=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="audit_logs", null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [models.Index(fields=["suggestion", "created_at"], name="audit_sugg_time")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class Notification(models.Model):
    """In-app notification shown with an unread count in the navigation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]

    def __str__(self):
        return self.title


class Reminder(models.Model):
    """A reminder that is due: created once per key, whatever the scan does."""

    class Kind(models.TextChoices):
        SIGN = "sign", _("待签收")
        OPINION = "opinion", _("协办意见到期")
        REPLY_DUE = "reply_due", _("答复到期")
        OVERDUE = "overdue", _("答复逾期")
        REHANDLE = "rehandle", _("重新办理到期")
        FOLLOW_UP = "follow_up", _("跟踪督办")
        INVITATION = "invitation", _("联名邀请待确认")
        RATING = "rating", _("答复待评价")
        REQUEST = "request", _("申请待审核")
        MANUAL = "manual", _("人工催办")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=40)
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reminders", null=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders", null=True)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="reminders", null=True)
    message = models.TextField(_("内容"))
    is_urgent = models.BooleanField(_("立即发送"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("催办提醒")
        verbose_name_plural = _("催办提醒")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.stage}"


class ReminderDelivery(models.Model):
    """One reminder to one recipient by one channel; sent at least once, delivered once."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内通知")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # Where it went (e-mail address or phone) at the time it was created, for the log.
    address = models.CharField(_("地址"), max_length=254, blank=True)
    # When a sender claimed it; a claim older than the lease is taken over (the sender died).
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    # The day of the digest e-mail that carried it (e-mail deliveries of non-urgent reminders).
    digest_date = models.DateField(_("汇总邮件日期"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提醒发送记录")
        verbose_name_plural = _("提醒发送记录")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient", "channel"], name="delivery_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "channel"], name="delivery_status_channel"),
            models.Index(fields=["recipient", "channel", "status"], name="delivery_recipient_channel"),
        ]

    def __str__(self):
        return f"{self.reminder} → {self.recipient} ({self.get_channel_display()})"


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
