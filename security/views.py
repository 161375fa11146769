"""Account pages: login (with second factor), password change and reset, enrolment, staying logged in."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from security import accounts, events, middleware, otp, services
from security.forms import ForgotPasswordForm, PasswordChangeForm, ResetWithCodeForm, TokenForm
from security.models import SecurityEvent, SecurityEventKind

PENDING = "_sec_pending"
PENDING_SECONDS = 5 * 60
RESET_USERNAME = "_sec_reset_username"


class LoginView(auth_views.LoginView):
    """Password first; administrators only from the allowed networks; then the second factor if required."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        request = self.request
        if accounts.is_administrator(user) and not accounts.address_allowed_for_admin(events.client_address(request)):
            events.record(
                event=SecurityEventKind.LOGIN,
                actor=user,
                request=request,
                target=user,
                outcome=SecurityEvent.Outcome.REFUSED,
                detail={"reason": "network"},
            )
            form.add_error(None, _("管理员账号不允许从当前网络登录。"))
            return self.form_invalid(form)
        if accounts.otp_required(user):
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": int(time.time()),
                "next": self.get_success_url(),
            }
            return redirect("security:otp_verify")
        return super().form_valid(form)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user, pending


def _subject(request):
    """Whose second factor this is: a password-checked login waiting for it, or the logged-in account."""
    if request.user.is_authenticated:
        return request.user, None
    return _pending_user(request)


def _finish(request, user, pending, device):
    """Complete a pending login with the device that accepted the code."""
    if pending is not None:
        del request.session[PENDING]
        login(request, user, backend=pending["backend"])
    otp_login(request, device)
    target = (pending or {}).get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def otp_verify(request):
    """Ask for the authenticator code (or a recovery code)."""
    user, pending = _subject(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if not otp.has_device(user):
        return redirect("security:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.check(user=user, token=form.cleaned_data["token"])
        if device is not None:
            return _finish(request, user, pending, device)
        events.record(
            event=SecurityEventKind.LOGIN_FAILED,
            request=request,
            target=user,
            outcome=SecurityEvent.Outcome.FAILURE,
            detail={"step": "otp"},
        )
        form.add_error("token", _("验证码不正确或已使用，请重试。"))
    return render(request, "security/otp_verify.html", {"form": form})


def otp_setup(request):
    """Enrol an authenticator by QR code; the recovery codes are shown once."""
    user, pending = _subject(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if otp.has_device(user) and not (pending is None and request.user.is_verified()):
        # Replacing an authenticator needs the current one first (a lost phone: the security administrator).
        return redirect("security:otp_verify")
    device = otp.enrol_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = otp.enrol_confirm(user=user, token=form.cleaned_data["token"], request=request)
        if confirmed is not None:
            device, codes = confirmed
            response = _finish(request, user, pending, device)
            return render(request, "security/otp_recovery.html", {"codes": codes, "next": response["Location"]})
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重试。"))
    context = {"form": form, "qr": otp.qr_data_uri(device), "secret": otp.secret_text(device)}
    return render(request, "security/otp_setup.html", context)


@login_required
def password_change(request):
    """The account holder changes their password (forced after expiry, a first login or a reset)."""
    reason = request.session.get(middleware.PASSWORD_REASON)
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change_own(user=request.user, password=form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, request.user)
        request.session[middleware.PASSWORD_REASON] = None
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "reason": reason})


def password_forgot(request):
    """Ask for a one-time code by SMS or e-mail; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        services.reset_code_send(username=username, channel=form.cleaned_data["channel"], request=request)
        request.session[RESET_USERNAME] = username
        messages.info(request, _("如果账号存在并登记了联系方式，验证码已发出，请在有效期内输入。"))
        return redirect("security:password_reset")
    return render(request, "registration/password_forgot.html", {"form": form})


def password_reset(request):
    """Set a new password with the code."""
    username = request.session.get(RESET_USERNAME)
    if not username:
        return redirect("security:password_forgot")
    user = services.user_by_username(username)
    form = ResetWithCodeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_code_redeem(
                username=username,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
                request=request,
            )
        except services.SecurityError as error:
            form.add_error("code", str(error))
        else:
            del request.session[RESET_USERNAME]
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("login")
    return render(request, "registration/password_reset_code.html", {"form": form})


@require_POST
def stay(request):
    """The page's "stay logged in" button: counts as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("登录已超时，请重新登录。")}, status=401)
    request.session[middleware.SEEN] = int(time.time())
    return JsonResponse({"idle_seconds": middleware.idle_limit(request.session)})
