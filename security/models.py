"""The security audit trail: who did what to the system (logins, administration, personal data)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
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
    SCOPE_WIDEN = "scope_widen", _("跨人大读取")


class SecurityEvent(models.Model):
    """One security audit record: time, actor (by id), address, event, object, outcome."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        REFUSED = "refused", _("拒绝")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(_("说明"), default=dict, blank=True)
    # SM3 of the previous record's hash and of this record's content: a changed or removed row breaks the chain.
    prev_hash = models.CharField(_("前一记录摘要"), max_length=64, blank=True)
    hash = models.CharField(_("摘要"), max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.outcome}"


# The privacy notice and its acceptances (issue 20) live in their own module.
from security.models_privacy import PrivacyConsent, PrivacyNotice  # noqa: E402, F401


class AdminRole(models.TextChoices):
    """The three separated administrators (三员分立); an account holds at most one."""

    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")


class AccountSecurity(models.Model):
    """Per-account security state: administrator role, password age, forced change, current session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_security", verbose_name=_("账号")
    )
    # One column, so one account can never hold two administrator roles.
    admin_role = models.CharField(_("管理员角色"), max_length=16, choices=AdminRole.choices, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    session_key = models.CharField(_("当前会话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(admin_role__in=["", *AdminRole.values]), name="security_admin_role_known"
            )
        ]

    def __str__(self):
        return str(self.user_id)


class PasswordHistory(models.Model):
    """The hashes of an account's earlier passwords, so none of the last few comes back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class ResetCode(models.Model):
    """A one-time code sent to reset a forgotten password; stored as a hash, expires, used once."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reset_codes")
    code = models.CharField(max_length=128)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("密码重置验证码")
        verbose_name_plural = _("密码重置验证码")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class SecurityPolicy(models.Model):
    """The password and session policy the security administrator sets (one row; absent: the settings apply)."""

    password_expiry_days = models.PositiveSmallIntegerField(_("密码有效期（天，0为不过期）"))
    idle_minutes = models.PositiveSmallIntegerField(_("空闲超时（分钟）"))
    absolute_hours = models.PositiveSmallIntegerField(_("会话最长时间（小时）"))
    single_session_for_staff = models.BooleanField(_("工作人员只允许一个会话"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by_id = models.BigIntegerField(_("修改人编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全策略")
        verbose_name_plural = _("安全策略")
        constraints = [
            models.CheckConstraint(condition=models.Q(idle_minutes__gte=1, idle_minutes__lte=30), name="policy_idle"),
            models.CheckConstraint(
                condition=models.Q(absolute_hours__gte=1, absolute_hours__lte=12), name="policy_absolute"
            ),
            models.CheckConstraint(condition=models.Q(password_expiry_days__lte=180), name="policy_expiry"),
        ]

    def __str__(self):
        return str(_("安全策略"))
