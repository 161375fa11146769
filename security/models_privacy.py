"""The privacy notice (个人信息处理告知) and who accepted which version of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivacyNotice(models.Model):
    """One version of the notice; the highest published version is the one people accept."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("个人信息处理告知")
        verbose_name_plural = _("个人信息处理告知")

    def __str__(self):
        return f"{self.title}（{self.version}）"

    @classmethod
    def current(cls):
        """The notice in force now, or ``None`` when none is published."""
        return cls.objects.filter(published_at__lte=timezone.now()).order_by("-version").first()


class PrivacyConsent(models.Model):
    """A person accepted one version of the notice (once; a new version is asked again)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_consents", verbose_name=_("账号")
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents", verbose_name=_("告知"))
    accepted_at = models.DateTimeField(_("同意时间"), auto_now_add=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("个人信息处理同意记录")
        verbose_name_plural = _("个人信息处理同意记录")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="privacy_consent_once")]

    def __str__(self):
        return f"{self.user_id} · {self.notice.version}"
