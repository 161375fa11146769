"""The administrators' pages: lockouts and roles (security administrator), the audit (audit administrator)."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from security import chain, events, limits, otp, roles, services
from security.forms import AuditSearchForm, PolicyForm, RoleForm, UnlockForm
from security.models import AccountSecurity, SecurityEvent, SecurityEventKind


@login_required
def lockouts(request):
    """Accounts locked by failed logins (security administrator)."""
    roles.require(request.user, "lockouts")
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time"
    )
    return render(request, "security/lockouts.html", {"attempts": locked[:200]})


@login_required
@require_POST
def unlock(request):
    """Lift one lockout."""
    roles.require(request.user, "lockouts")
    form = UnlockForm(request.POST)
    if form.is_valid():
        services.lockout_clear(actor=request.user, username=form.cleaned_data["username"], request=request)
        messages.success(request, _("已解除锁定。"))
    return redirect("security:lockouts")


@login_required
@require_POST
def otp_reset(request):
    """Remove a person's lost authenticator (security administrator)."""
    roles.require(request.user, "roles")
    form = UnlockForm(request.POST)
    user = get_user_model().objects.filter(username=form.data.get("username", "")).first()
    if user is None:
        messages.error(request, _("没有这个用户名。"))
    else:
        otp.reset(user=user, actor=request.user, request=request)
        messages.success(request, _("已重置该账号的双因素认证，下次登录时重新绑定。"))
    return redirect("security:roles")


@login_required
def role_list(request):
    """The administrators, and a form to give or take a role (security administrator)."""
    roles.require(request.user, "roles")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", _("没有这个用户名。"))
        else:
            try:
                if form.cleaned_data["role"]:
                    roles.admin_role_grant(
                        user=user, role=form.cleaned_data["role"], actor=request.user, request=request
                    )
                else:
                    roles.admin_role_revoke(user=user, actor=request.user, request=request)
            except roles.RoleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("管理员角色已更新。"))
                return redirect("security:roles")
    admins = AccountSecurity.objects.exclude(admin_role="").select_related("user").order_by("admin_role", "user_id")
    return render(
        request, "security/roles.html", {"form": form, "admins": admins, "policy_form": _policy_form(), **_fixed()}
    )


def _fixed():
    return {
        "history": settings.PASSWORD_HISTORY_COUNT,
        "failures": settings.AXES_FAILURE_LIMIT,
        "otp_roles": ", ".join(settings.OTP_REQUIRED_ROLES),
    }


def _policy_form(data=None):
    rules = limits.current()
    initial = {
        "password_expiry_days": rules.password_expiry_days,
        "idle_minutes": rules.idle_seconds // 60,
        "absolute_hours": rules.absolute_seconds // 3600,
        "single_session_for_staff": rules.single_session_for_staff,
    }
    return PolicyForm(data, initial=initial)


@login_required
@require_POST
def policy_edit(request):
    """Set the password and session policy (security administrator); applies from each account's next login."""
    roles.require(request.user, "policy")
    form = _policy_form(request.POST)
    if form.is_valid():
        limits.policy_update(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("安全策略已保存，自各账号下次登录起生效。"))
        return redirect("security:roles")
    admins = AccountSecurity.objects.exclude(admin_role="").select_related("user").order_by("admin_role", "user_id")
    context = {"form": RoleForm(), "admins": admins, "policy_form": form, **_fixed()}
    return render(request, "security/roles.html", context, status=400)


def _search(request):
    form = AuditSearchForm(request.GET or None)
    rows = SecurityEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            rows = rows.filter(actor_id=data["person"]) | rows.filter(
                target_type="auth.user", target_id=str(data["person"])
            )
        if data["event"]:
            rows = rows.filter(event=data["event"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            rows = rows.filter(at__gte=datetime.datetime.combine(data["start"], datetime.time.min, tz))
        if data["end"]:
            end = datetime.datetime.combine(data["end"] + datetime.timedelta(days=1), datetime.time.min, tz)
            rows = rows.filter(at__lt=end)
    return form, rows.order_by("-pk")


@login_required
def audit(request):
    """Search the security audit by person, event and date (audit administrator)."""
    roles.require(request.user, "audit_read")
    form, rows = _search(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "security/audit.html", {"form": form, "page": page})


EXPORT_COLUMNS = ("id", "at", "actor_id", "address", "event", "target_type", "target_id", "outcome", "detail")


def export_bundle(rows) -> tuple[bytes, str, str]:
    """The CSV of some records, its SM3 digest and its HMAC-SM3 signature."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([*EXPORT_COLUMNS, "prev_hash", "hash"])
    for row in rows.order_by("pk").iterator(chunk_size=2000):
        writer.writerow(
            [
                row.pk,
                row.at.isoformat(),
                row.actor_id or "",
                row.address or "",
                row.event,
                row.target_type,
                row.target_id,
                row.outcome,
                row.detail,
                row.prev_hash,
                row.hash,
            ]
        )
    data = text.getvalue().encode("utf-8")
    return data, chain.sm3_hex(data), chain.hmac_sm3_hex(key=chain.signing_key(), data=data)


@login_required
def audit_export(request):
    """Download the searched records as a signed file: a zip of the CSV, its SM3 digest and its signature."""
    roles.require(request.user, "audit_export")
    _form, rows = _search(request)
    data, digest, signature = export_bundle(rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"security-audit-{stamp}.csv", data)
        bundle.writestr(f"security-audit-{stamp}.csv.sm3", f"{digest}  security-audit-{stamp}.csv\n")
        bundle.writestr(f"security-audit-{stamp}.csv.sig", f"HMAC-SM3 {signature}\n")
    events.record(
        event=SecurityEventKind.EXPORT,
        request=request,
        target_type="security.securityevent",
        detail={"rows": rows.count(), "sm3": digest},
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="security-audit-{stamp}.zip"'
    response.audit_recorded = True  # recorded above with its digest, not again by the middleware
    return response
