"""What people are told: in-app notifications, reminders and their deliveries per channel."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from security.fields import EncryptedTextField
from suggestions.models.handling import Assignment
from suggestions.models.reference import Office
from suggestions.models.suggestion import Suggestion


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

    # What makes it due once, as one number (``reminders.keys``): unique with the suggestion (Meta.constraints),
    # whose index also finds a suggestion's reminders. None for manual 催办 (never due twice).
    code = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=40)
    # No database constraint on the references (the ORM still cascades and protects): a reminder is derived
    # data, recorded by the scan from the very rows it names (``sets.insert_reminders``) or by a service, and
    # none of them is ever hard-deleted. Each constraint checked a row and locked its parent for every
    # reminder, half the cost of recording a storm (issue 25), as the statistics tallies found before.
    # No index of their own either (each costs every row of a storm): the unique key leads with the
    # suggestion, and no page looks reminders up by assignment (only a hard delete would, which nothing does).
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="reminders", null=True, db_constraint=False, db_index=False
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="reminders", null=True, db_constraint=False, db_index=False
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="reminders", null=True, db_constraint=False
    )
    # The text as written: manual 催办 and the few rows planned one by one. The scan's rows over assignments
    # leave it empty and keep only what their text needs beyond the suggestion (the deadline it names, the
    # working days since assignment); ``text`` words it when shown, so a storm writes no title per row.
    message = models.TextField(_("内容"), blank=True)
    due = models.DateField(_("期限"), null=True, blank=True)
    workdays = models.IntegerField(_("已交办工作日"), null=True, blank=True)
    is_urgent = models.BooleanField(_("立即发送"), default=False)
    # Only manual 催办 has an author: the index holds those rows alone.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        db_constraint=False,
        db_index=False,
    )
    # No index of its own: each index is paid for by every row of a storm, and the scan finds the rows it
    # has just made by their ids (``sets.insert_reminders``). Pages list an office's or a suggestion's rows
    # through those indexes; the dispatch's look at recent manual 催办 has the partial index below.
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("催办提醒")
        verbose_name_plural = _("催办提醒")
        constraints = [models.UniqueConstraint(fields=["suggestion", "code"], name="reminder_code_unique")]
        indexes = [
            models.Index(
                fields=["created_by"], condition=models.Q(created_by__isnull=False), name="reminder_created_by"
            ),
            models.Index(fields=["created_at"], condition=models.Q(kind="manual"), name="reminder_manual_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.stage}"

    @property
    def key(self) -> str:
        """``kind:subject:stage`` as text: what ``code`` stands for (for reading; rows without a code are keyed
        by their id)."""
        from suggestions.reminders.keys import key_of

        return key_of(self.code) if self.code is not None else f"{self.kind}:#{self.pk}"

    @property
    def text(self) -> str:
        """What the reminder says: its own message, or the scan's wording for its kind and stage."""
        from suggestions.reminders.texts import reminder_text

        return reminder_text(self)


def delivery_channels():
    """The registered channels' (code, label): a new channel needs no migration."""
    from suggestions.reminders.channels import registry

    return registry.choices()


class ReminderDelivery(models.Model):
    """One reminder to one recipient by one channel; sent at least once, delivered once."""

    class Channel(models.TextChoices):
        """The built-in channels' codes; the registry (``suggestions.reminders.channels``) has them all."""

        EMAIL = "email", _("电子邮件")
        INAPP = "inapp", _("站内通知")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")

    class Receipt(models.TextChoices):
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=delivery_channels)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # Where it went (e-mail address or phone) at the time it was created, for the log.
    address = EncryptedTextField(_("地址"), max_length=254, blank=True)
    # When a sender claimed it; a claim older than the lease is taken over (the sender died).
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    # The day of the digest e-mail that carried it (e-mail deliveries of non-urgent reminders).
    digest_date = models.DateField(_("汇总邮件日期"), null=True, blank=True)
    # Times staff asked for it to be sent again: a resend is a new message at the gateway (a new out-id).
    resends = models.PositiveSmallIntegerField(_("重发次数"), default=0)
    # Since when transient failures have kept it from going out (the retry window counts from here).
    retry_since = models.DateTimeField(_("首次失败时间"), null=True, blank=True)
    # Not before this moment: the backoff after a transient failure.
    not_before = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    # The gateway's id for the message (Alibaba BizId, Tencent SerialNo, …) and its delivery receipt.
    provider_id = models.CharField(_("网关消息编号"), max_length=100, blank=True)
    receipt = models.CharField(_("回执"), max_length=10, choices=Receipt.choices, blank=True)
    receipt_reason = models.CharField(_("回执说明"), max_length=200, blank=True)
    receipt_at = models.DateTimeField(_("回执时间"), null=True, blank=True)

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

    @property
    def out_id(self):
        """Our id for this message at a gateway: the same for every retry, new for each resend."""
        return f"reminder-delivery-{self.pk}" + (f"-r{self.resends}" if self.resends else "")


class PhoneHealth(models.Model):
    """How text messages to one number fare: consecutive failed receipts, and a flag once they repeat."""

    phone = models.CharField(_("手机号"), max_length=20, unique=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_reason = models.CharField(_("最近失败原因"), max_length=200, blank=True)
    flagged_at = models.DateTimeField(_("标记时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("短信号码状态")
        verbose_name_plural = _("短信号码状态")

    def __str__(self):
        return self.phone


class ChannelPreference(models.Model):
    """The channels a person chose for non-urgent reminders (at least one); urgent ones use every channel."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preference")
    channels = models.JSONField(_("提醒方式"), default=list)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")

    def __str__(self):
        return f"{self.user} · {', '.join(self.channels)}"
