"""Handling: rounds, assignments to offices, requests, opinions, contacts, replies, ratings and follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate
from suggestions.models.reference import Office, ResultClass
from suggestions.models.suggestion import Attachment, Suggestion


class HandlingRound(models.Model):
    """A round of handling: 1 is the first; each unsatisfied rating opens the next."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    reason = models.TextField(_("重新办理原因"), blank=True)
    # A 回头看 round: a B answer carried into this later session's batch (``models.followup.Carryover``).
    followup_session = models.ForeignKey(
        "delegates.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_rounds",
        verbose_name=_("回头看会议"),
    )

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
    # Returned to staff or withdrawn: no longer part of the suggestion's handling (listed, counted, shown nowhere).
    ENDED = (Status.RETURNED, Status.WITHDRAWN)
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
    # Set on the assignment of a 回头看 round only: it belongs to that round (and its session's figures), not
    # to the suggestion's ordinary handling, which ``suggestion.current_round`` follows.
    followup_round = models.ForeignKey(
        HandlingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_assignments",
        verbose_name=_("回头看轮次"),
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
            # The office inbox's order (office_selectors.inbox: active first, then the effective deadline):
            # a page reads its fifty rows instead of sorting every open assignment of the office.
            models.Index(
                models.F("office"),
                models.Case(
                    models.When(status__in=["pending", "signed", "return_requested", "rehandling"], then=True),
                    default=False,
                    output_field=models.BooleanField(),
                ).desc(),
                models.Case(
                    models.When(models.Q(role="co", opinion_due__isnull=False), then=models.F("opinion_due")),
                    default=Coalesce(models.F("extended_due"), models.F("due_date")),
                    output_field=models.DateField(),
                ),
                models.F("id"),
                condition=~models.Q(status__in=["returned", "withdrawn"]),
                name="asg_office_inbox_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "office"],
                condition=~models.Q(status__in=["returned", "withdrawn"]) & models.Q(followup_round__isnull=True),
                name="assignment_one_active_per_office",
            ),
            models.UniqueConstraint(
                fields=["followup_round", "office"],
                condition=~models.Q(status__in=["returned", "withdrawn"]) & models.Q(followup_round__isnull=False),
                name="assignment_one_active_per_followup_round",
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
    def is_followup(self):
        """The assignment of a 回头看 round (a B answer carried into a later session)."""
        return self.followup_round_id is not None

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
    # SM3-HMAC over the reply as sent (``security.integrity``): an edited row is reported when read.
    integrity_seal = models.CharField(_("完整性校验值"), max_length=100, blank=True, editable=False)

    # What the seal covers: the reply as the office sent it (publication fields change later by design).
    INTEGRITY_FIELDS = (
        "id",
        "assignment_id",
        "suggestion_id",
        "office_id",
        "round_id",
        "status",
        "result_class_id",
        "text",
        "attachment_id",
        "signed_off_by",
        "author_id",
        "submitted_at",
        "on_time",
    )
    # Drafts change until they are sent: only sent replies are sealed.
    INTEGRITY_SCOPE = {"status": "submitted"}

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
            # An office's replies of a class (the inbox's 跟踪督办: its B-class replies): without it PostgreSQL
            # ANDs the office's replies with every reply of the class, a bitmap that grows with all the data.
            models.Index(fields=["office", "result_class"], name="reply_office_class"),
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
    integrity_seal = models.CharField(_("完整性校验值"), max_length=100, blank=True, editable=False)

    INTEGRITY_FIELDS = ("id", "reply_id", "suggestion_id", "round_id", "delegate_id", "value", "comment", "rated_at")

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
