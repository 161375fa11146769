from django.contrib import admin

from .models import Constituency, Delegate, DelegateContact, Delegation, Session, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "start_date", "end_date"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "number", "start_date", "end_date", "is_current"]
    list_filter = ["term", "is_current"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "term"]
    list_filter = ["term"]
    search_fields = ["name"]


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DelegateContactInline(admin.StackedInline):
    model = DelegateContact
    can_delete = False


@admin.register(Delegate)
class DelegateAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "delegation", "constituency", "work_unit", "is_active"]
    list_filter = ["term", "delegation", "is_active"]
    search_fields = ["name", "work_unit"]
    autocomplete_fields = ["user"]
    inlines = [DelegateContactInline]
