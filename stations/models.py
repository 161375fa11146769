"""Liaison stations, residents' opinions (民意) and group-discussion records (分组审议).

Status changes happen only in ``stations.actions`` (opinions) and ``stations.discussions`` (recorded drafts);
the allowed transitions are ``ResidentOpinion.TRANSITIONS``.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegates import phones
from delegates.models import Delegate, Delegation, Session
from security.fields import EncryptedTextField
from suggestions.models import Office, Suggestion

# No 0/O, 1/I/L: a resident reads the code off an SMS and types it on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(length: int = 10) -> str:
    """A random code from the unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _station_code() -> str:
    return new_code(8)


def _tracking_code() -> str:
    return new_code(10)


class Station(models.Model):
    """A liaison station (代表联络站): delegates attached, station staff, and its deadline policy."""

    congress = models.ForeignKey(
        "congresses.Congress", on_delete=models.PROTECT, related_name="stations", verbose_name=_("人大")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("开放时间"), max_length=200)
    code = models.CharField(_("二维码编号"), max_length=16, unique=True, default=_station_code)
    delegates = models.ManyToManyField(
        Delegate, through="StationDelegate", related_name="stations", verbose_name=_("进站代表"), blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="liaison_stations", verbose_name=_("联络员账号"), blank=True
    )
    allow_anonymous = models.BooleanField(_("允许匿名反映"), default=False)
    first_response_workdays = models.PositiveSmallIntegerField(_("首次回应时限（工作日）"), default=3)
    answer_workdays = models.PositiveSmallIntegerField(_("答复时限（工作日）"), default=15)
    rating_days = models.PositiveSmallIntegerField(_("评价提醒（天）"), default=7)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="station_unique_per_congress")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:detail", args=[self.pk])


class StationDelegate(models.Model):
    """A delegate attached to a station; ``code`` is the delegate's own QR code there (代表码)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="memberships")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="station_memberships")
    code = models.CharField(_("二维码编号"), max_length=16, unique=True, default=_station_code)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "delegate"], name="station_delegate_unique")]
        verbose_name = _("进站代表")
        verbose_name_plural = _("进站代表")

    def __str__(self):
        return f"{self.station} · {self.delegate}"


class MobileQuerySet(models.QuerySet):
    """Rows of a resident's mobile number, found through its keyed lookup hash (the number is encrypted)."""

    hash_field = "mobile_hash"

    def with_mobile(self, number: str) -> "MobileQuerySet":
        """Rows whose mobile is ``number`` (any notation)."""
        digest = phones.lookup_hash(number)
        return self.filter(**{self.hash_field: digest}) if digest else self.none()


class ResidentOpinionQuerySet(MobileQuerySet):
    hash_field = "resident_mobile_hash"


def _save_with_hash(instance: models.Model, field: str, hash_field: str, args: tuple, kwargs: dict) -> None:
    """Fill ``hash_field`` from ``field``'s clear value, and save it too when only some fields are saved."""
    setattr(instance, hash_field, phones.lookup_hash(getattr(instance, field)))
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and field in update_fields:
        kwargs["update_fields"] = {*update_fields, hash_field}
    models.Model.save(instance, *args, **kwargs)


class ResidentOpinion(models.Model):
    """One resident's opinion sent through a station's or a delegate's code."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已收到待处理")
        FORWARDED = "forwarded", _("已转承办单位办理")
        SUGGESTED = "suggested", _("已转为代表建议")
        ANSWERED = "answered", _("已答复待评价")
        MERGED = "merged", _("已合并")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    TRANSITIONS = {
        Status.RECEIVED: {Status.ANSWERED, Status.FORWARDED, Status.SUGGESTED, Status.MERGED, Status.WITHDRAWN},
        Status.FORWARDED: {Status.ANSWERED, Status.WITHDRAWN},
        Status.SUGGESTED: {Status.ANSWERED, Status.WITHDRAWN},
        Status.ANSWERED: {Status.CLOSED},
        Status.MERGED: set(),
        Status.CLOSED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN = (Status.RECEIVED, Status.FORWARDED, Status.SUGGESTED)
    FINISHED = (Status.ANSWERED, Status.CLOSED)

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("联络站"))
    delegate = models.ForeignKey(
        Delegate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_opinions",
        verbose_name=_("反映给代表"),
    )
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, default=_tracking_code)
    topic = models.CharField(_("主题"), max_length=100)
    text = models.TextField(_("内容"))
    place = models.CharField(_("地点或小区"), max_length=100, blank=True)
    # Personal data: shown in full only to the station's staff and delegates (policy OPINION_PERSONAL_DATA),
    # erased after the retention period (``opinion_erase_personal_data``). Stored SM4-encrypted (issue 20/22);
    # the number is found through the keyed lookup hash (``ResidentOpinion.objects.with_mobile``).
    resident_name = EncryptedTextField(_("姓名"), max_length=50, blank=True)
    resident_mobile = EncryptedTextField(_("手机号码"), max_length=20, blank=True)
    resident_mobile_hash = models.CharField(_("手机号码查找摘要"), max_length=64, blank=True, editable=False)
    anonymous = models.BooleanField(_("匿名"), default=False)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    first_response_due = models.DateField(_("首次回应期限"))
    answer_due = models.DateField(_("答复期限"))
    first_responded_at = models.DateTimeField(_("首次回应时间"), null=True, blank=True)
    forwarded_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_opinions",
        verbose_name=_("承办单位"),
    )
    forwarded_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    # The office's side, as for an assignment: it signs (签收) before answering; an approved extension
    # (``OpinionExtension``) moves its answer deadline (``effective_answer_due``).
    office_signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    office_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_answer_due = models.DateField(_("延期后的答复期限"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", verbose_name=_("并入")
    )
    suggestion = models.ForeignKey(
        Suggestion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_opinions",
        verbose_name=_("转为建议"),
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # What the public station page shows, reviewed by the handler (personal data masked).
    public_text = models.TextField(_("公开内容"), blank=True)
    public_answer = models.TextField(_("公开答复"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ResidentOpinionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        indexes = [
            models.Index(fields=["station", "status"], name="opinion_station_status"),
            models.Index(fields=["resident_mobile_hash", "received_at"], name="opinion_mobile_hash_time"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.topic}"

    def save(self, *args, **kwargs):
        _save_with_hash(self, "resident_mobile", "resident_mobile_hash", args, kwargs)

    def get_absolute_url(self):
        return reverse("stations:opinion", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def effective_answer_due(self) -> datetime.date:
        """The answer deadline, moved by an approved extension (SQL twin: ``effective_answer_due_expression``)."""
        return self.extended_answer_due or self.answer_due


def effective_answer_due_expression():
    """``ResidentOpinion.effective_answer_due`` in SQL, for filters and ordering."""
    return Coalesce("extended_answer_due", "answer_due")


class OpinionExtension(models.Model):
    """An office's request for a later answer deadline on a forwarded opinion, decided by its handlers or staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")

    opinion = models.ForeignKey(ResidentOpinion, on_delete=models.CASCADE, related_name="extensions")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("延期理由"))
    requested_until = models.DateField(_("申请延至"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("群众意见延期申请")
        verbose_name_plural = _("群众意见延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["opinion"], condition=models.Q(status="pending"), name="opinion_extension_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.opinion_id} {self.requested_until}"


class OpinionPhoto(models.Model):
    """A photo a resident sent, re-encoded without its metadata (EXIF location)."""

    opinion = models.ForeignKey(ResidentOpinion, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="opinions/%Y/%m/")
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class OpinionEntry(models.Model):
    """The opinion's history as the resident sees it: additions, answers, steps (no personal data)."""

    class Kind(models.TextChoices):
        ADDITION = "addition", _("群众补充")
        RESPONSE = "response", _("处理情况")
        ANSWER = "answer", _("答复")

    opinion = models.ForeignKey(ResidentOpinion, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class PhoneVerification(models.Model):
    """A one-time code sent to a mobile number before an opinion is accepted."""

    mobile = EncryptedTextField(max_length=20)  # SM4-encrypted; found through ``mobile_hash``
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = MobileQuerySet.as_manager()

    def __str__(self):
        return f"{self.pk} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        _save_with_hash(self, "mobile", "mobile_hash", args, kwargs)


class StationAudit(models.Model):
    """One row per write of this app: who, when, what, from, to. Never deleted; never holds personal data."""

    opinion = models.ForeignKey(ResidentOpinion, on_delete=models.PROTECT, null=True, related_name="audit_logs")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, related_name="audit_logs")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class GroupDiscussion(models.Model):
    """The record of a group discussion (分组审议) during a session."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+", verbose_name=_("会议"))
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+", verbose_name=_("代表团"))
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("分组审议记录")

    def __str__(self):
        return f"{self.date} {self.delegation}"


class RecordedDraft(models.Model):
    """A draft suggestion someone recorded for a delegate: it waits for the lead delegate's confirmation."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.PROTECT, related_name="recorded_draft")
    discussion = models.ForeignKey(
        GroupDiscussion, on_delete=models.PROTECT, null=True, blank=True, related_name="drafts"
    )
    station = models.ForeignKey(Station, on_delete=models.PROTECT, null=True, blank=True, related_name="drafts")
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cosigners = models.ManyToManyField(Delegate, related_name="+", blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return str(self.suggestion_id)
