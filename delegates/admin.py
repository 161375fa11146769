from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from delegates import phones
from delegates.models import AccountActivation, Constituency, Delegate, DelegateContact, Delegation, Session, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "start_date", "end_date"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "number", "start_date", "end_date", "is_current"]
    list_filter = ["term", "is_current"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "secretary"]
    list_filter = ["term"]
    search_fields = ["name"]
    raw_id_fields = ["secretary"]
    list_select_related = ["term", "secretary"]


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DelegateContactInline(admin.StackedInline):
    """Masked (issue 20): the administrators do not need a delegate's full contacts; the roster import sets them."""

    model = DelegateContact
    can_delete = False
    fields = readonly_fields = ["masked_phone", "masked_landline", "masked_email", "masked_address"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj):
        return phones.mask(obj.phone)

    @admin.display(description=_("固定电话"))
    def masked_landline(self, obj):
        return phones.mask(obj.landline)

    @admin.display(description=_("电子邮箱"))
    def masked_email(self, obj):
        name, at, domain = obj.email.partition("@")
        return f"{name[:1]}***@{domain}" if at else ""

    @admin.display(description=_("通讯地址"))
    def masked_address(self, obj):
        return f"{obj.address[:6]}****" if obj.address else ""


@admin.register(Delegate)
class DelegateAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "delegation", "constituency", "work_unit", "is_active"]
    list_filter = ["term", "delegation", "is_active"]
    search_fields = ["name", "work_unit"]
    autocomplete_fields = ["user"]
    inlines = [DelegateContactInline]


@admin.register(AccountActivation)
class AccountActivationAdmin(admin.ModelAdmin):
    """Read-only: links are issued from 代表与单位 and used by their owners; the token itself is never stored."""

    list_display = ["user", "created_at", "created_by", "expires_at", "used_at", "revoked_at"]
    list_filter = ["used_at", "revoked_at"]
    search_fields = ["user__username", "user__first_name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
