"""The Django admin's user pages for the system administrator: no roles or permissions there (三员分立).

Administrator roles and the NPC staff group are given by the security administrator on the
security pages (security.roles); the system administrator manages the accounts themselves.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.auth import admin as auth_admin  # registers Django's UserAdmin first
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401  (registered first, then removed)
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.accounts import admin_role_of, staff_membership_ensure

User = get_user_model()
ROLE_FIELDS = {"is_superuser", "is_staff", "groups", "user_permissions"}


class SeparatedUserAdmin(auth_admin.UserAdmin):
    """Accounts without their rights: only a superuser (local runs) sees the permission fields."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        trimmed = []
        for title, options in fieldsets:
            fields = [f for f in options.get("fields", ()) if f not in ROLE_FIELDS]
            if fields:
                trimmed.append((title, {**options, "fields": fields}))
        return trimmed

    def get_list_filter(self, request):
        return ("is_active",) if not request.user.is_superuser else super().get_list_filter(request)

    def has_change_permission(self, request, obj=None):
        # An administrator's account (its password above all) is not the system administrator's to
        # change: that would let one administrator take over another's role.
        if obj is not None and not request.user.is_superuser and admin_role_of(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: their audit records name them by id.
        return False

    def save_related(self, request, form, formsets, change):
        """An account put in the NPC staff group here becomes staff of the congress its creator acts in."""
        super().save_related(request, form, formsets, change)
        from suggestions.roles import STAFF_GROUP

        user = form.instance
        if user.groups.filter(name=STAFF_GROUP).exists() and not hasattr(user, "staff_membership"):
            staff_membership_ensure(user, creator=request.user)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, SeparatedUserAdmin)

# django-otp's device admin can show another person's TOTP secret as a QR code: not in this admin.
# A lost authenticator is reset by the security administrator (security:roles, otp_reset).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, audited per object: Django logs several deletions with bulk_create (no signal)."""
    from security import events
    from security.models import SecurityEventKind
    from security.signals import CONFIG_MODELS

    confirmed = bool(request.POST.get("post"))
    ids = [str(pk) for pk in queryset.values_list("pk", flat=True)] if confirmed else []
    response = django_delete_selected(modeladmin, request, queryset)
    if confirmed and response is None and len(ids) > 1:  # one object is logged by LogEntry's own save
        label = queryset.model._meta.label_lower
        kind = SecurityEventKind.CONFIG_CHANGE if label in CONFIG_MODELS else SecurityEventKind.ADMIN_CHANGE
        for pk in ids:
            events.record(event=kind, request=request, target_type=label, target_id=pk, detail={"action": "delete"})
    return response


delete_selected.allowed_permissions = django_delete_selected.allowed_permissions
delete_selected.short_description = django_delete_selected.short_description
admin.site.add_action(delete_selected, "delete_selected")
