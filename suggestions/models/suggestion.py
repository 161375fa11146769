"""A suggestion, its co-signers and its files."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates.models import Delegate, Session
from suggestions.models.reference import Category, Leader, Office


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
        TRANSFERRED = "transferred", _("已转交上级人大")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.RETURNED,
            Status.REGISTERED,
            Status.NOT_REGISTERED,
            Status.WITHDRAWN,
            Status.MERGED,
            Status.TRANSFERRED,
        },
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.REGISTERED: {Status.ASSIGNED, Status.WITHDRAWN, Status.MERGED, Status.TRANSFERRED},
        Status.ASSIGNED: {Status.HANDLING, Status.WITHDRAWN},
        Status.HANDLING: {Status.REPLIED, Status.WITHDRAWN},
        # Withdrawn from here only through staff (``policy.Action.WITHDRAW``).
        Status.REPLIED: {Status.CLOSED, Status.REHANDLING, Status.WITHDRAWN},
        Status.REHANDLING: {Status.REPLIED, Status.WITHDRAWN},
        # Reopened only by a re-survey whose answer differs from the online rating (``Action.RESURVEY_REOPEN``).
        Status.CLOSED: {Status.REHANDLING},
        Status.NOT_REGISTERED: set(),
        Status.WITHDRAWN: set(),
        Status.MERGED: set(),
        # Passed to the congress above (转交, ``suggestions.actions.transfer``): handled there from now on.
        Status.TRANSFERRED: set(),
    }
    OPEN_FOR_HANDLING = (Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.REHANDLING)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("会议"))
    # The session's congress, kept on the row: every list, search and figure is scoped to one congress.
    congress = models.ForeignKey(
        "congresses.Congress",
        on_delete=models.PROTECT,
        related_name="suggestions",
        verbose_name=_("人大"),
        editable=False,
    )
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
            models.Index(fields=["congress", "status"], name="sugg_congress_status"),
            models.Index(fields=["lead_delegate", "status"], name="sugg_lead_status"),
            models.Index(fields=["session", "series", "number"], name="sugg_session_number"),
            models.Index(fields=["-published_at", "-id"], condition=models.Q(is_published=True), name="sugg_published"),
            # Each congress's public list, newest first, and its count: a walk of this congress's rows only.
            models.Index(
                fields=["congress", "-published_at", "-id"],
                condition=models.Q(is_published=True),
                name="sugg_congress_published",
            ),
            models.Index(fields=["category", "session"], name="sugg_category_session"),
            # Newest first (the default order): a first page walks this and stops after 20 rows,
            # even when a search term matches a hundred thousand suggestions.
            models.Index(fields=["-created_at", "-id"], name="sugg_created"),
            # (submitted_at DESC NULLS LAST, id DESC), the staff track list's default order, is made by
            # migration 0010 on PostgreSQL only (SQLite cannot index NULLS LAST).
        ]

    def __str__(self):
        return f"{self.number_display} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        if self.session_id is not None and (self.congress_id is None or self._state.adding):
            self.congress_id = self.session.congress_id
        super().save(*args, **kwargs)

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
            self.Status.TRANSFERRED,
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
