from django.urls import path

from security import admin_views, views

app_name = "security"

urlpatterns = [
    path("accounts/otp/", views.otp_verify, name="otp_verify"),
    path("accounts/otp/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/password/change/", views.password_change, name="password_change"),
    path("accounts/password/forgot/", views.password_forgot, name="password_forgot"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/session/stay/", views.stay, name="stay"),
    path("security/lockouts/", admin_views.lockouts, name="lockouts"),
    path("security/lockouts/unlock/", admin_views.unlock, name="unlock"),
    path("security/roles/", admin_views.role_list, name="roles"),
    path("security/otp-reset/", admin_views.otp_reset, name="otp_reset"),
    path("security/policy/", admin_views.policy_edit, name="policy"),
    path("security/audit/", admin_views.audit, name="audit"),
    path("security/audit/export/", admin_views.audit_export, name="audit_export"),
]
