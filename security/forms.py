"""Forms of the account pages: password change and reset, second factor, administrator pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from security.models import AdminRole, ResetCode, SecurityEventKind


class NewPasswordMixin(forms.Form):
    new_password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput)

    user = None

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        elif first and self.user is not None:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class PasswordChangeForm(NewPasswordMixin):
    old_password = forms.CharField(label=_("当前密码"), strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确。"))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_password") and cleaned.get("old_password") == cleaned.get("new_password1"):
            self.add_error("new_password1", _("新密码不能与当前密码相同。"))
        return cleaned


class ForgotPasswordForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    channel = forms.ChoiceField(
        label=_("接收方式"), choices=ResetCode.Channel.choices, initial=ResetCode.Channel.SMS, widget=forms.RadioSelect
    )


class ResetWithCodeForm(NewPasswordMixin):
    code = forms.RegexField(
        label=_("验证码"), regex=r"^\s*\d{6}\s*$", error_messages={"invalid": _("验证码是6位数字。")}
    )
    field_order = ["code", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150)


class RoleForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(
        label=_("管理员角色"), choices=[("", _("（撤销管理员角色）")), *AdminRole.choices], required=False
    )


class AuditSearchForm(forms.Form):
    person = forms.CharField(label=_("人员（账号编号或用户名）"), required=False, max_length=150)
    event = forms.ChoiceField(label=_("事件"), choices=[("", _("全部")), *SecurityEventKind.choices], required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_person(self):
        """An account id, or the id of the account with this login name."""
        value = self.cleaned_data["person"].strip()
        if not value:
            return None
        if value.isdigit():
            return int(value)
        from django.contrib.auth import get_user_model

        found = get_user_model().objects.filter(username=value).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(_("没有这个用户名。"))
        return found

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return cleaned


class PolicyForm(forms.Form):
    password_expiry_days = forms.IntegerField(label=_("密码有效期（天，0为不过期）"), min_value=0, max_value=180)
    idle_minutes = forms.IntegerField(label=_("空闲超时（分钟）"), min_value=1, max_value=30)
    absolute_hours = forms.IntegerField(label=_("会话最长时间（小时）"), min_value=1, max_value=12)
    single_session_for_staff = forms.BooleanField(label=_("工作人员只允许一个会话"), required=False)
