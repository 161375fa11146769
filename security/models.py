"""The security audit trail: who did what to the system (logins, administration, personal data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    OTP_ENROL = "otp_enrol", _("绑定双因素认证")
    ROLE_CHANGE = "role_change", _("角色或权限变更")
    ACCOUNT_CREATE = "account_create", _("创建账号")
    ACCOUNT_DEACTIVATE = "account_deactivate", _("停用账号")
    CONFIG_CHANGE = "config_change", _("配置变更")
    ADMIN_CHANGE = "admin_change", _("管理操作")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载个人信息")
    REVEAL = "reveal", _("查看完整个人信息")


class SecurityEvent(models.Model):
    """One security audit record: time, actor (by id), address, event, object, outcome."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        REFUSED = "refused", _("拒绝")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("说明"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.outcome}"


# The privacy notice and its acceptances (issue 20) live in their own module.
from security.models_privacy import PrivacyConsent, PrivacyNotice  # noqa: E402, F401
