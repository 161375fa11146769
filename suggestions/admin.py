"""The admin holds configuration and reference data. Workflow records are read-only here:
every state change goes through ``suggestions.actions``."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from suggestions.models import (
    AssignmentRequest,
    AuditLog,
    CalendarDay,
    CalendarYear,
    Category,
    DeadlinePolicy,
    Leader,
    Office,
    OfficeMember,
    Reminder,
    ReminderDelivery,
    ResultClass,
    Suggestion,
)
from suggestions.reporting import worklists
from suggestions.workdays import calendar_import_from_library


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]


class OfficeMemberInline(admin.TabularInline):
    model = OfficeMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "contact_name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "short_name"]
    inlines = [OfficeMemberInline]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "user"]
    autocomplete_fields = ["user"]


@admin.register(ResultClass)
class ResultClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "counts_as_solved", "counts_as_adopted", "needs_follow_up"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "needs_follow_up" in form.changed_data:
            # The inbox's 跟踪督办 tab follows the flag: re-count the replies of this class.
            worklists.result_class_changed(obj.pk)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "session",
        "reply_months",
        "return_window_workdays",
        "rehandle_months",
        "rating_days",
        "reply_letter_required",
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]
    actions = ["import_from_library"]

    @admin.action(description=_("从 chinesecalendar 重新导入所选年份"))
    def import_from_library(self, request, queryset):
        years = calendar_import_from_library(years=queryset.values_list("year", flat=True))
        self.message_user(
            request, _("已导入：%(years)s") % {"years": ", ".join(map(str, years)) or "—"}, messages.SUCCESS
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["title", "number", "session", "series", "status", "lead_delegate", "is_key", "is_published"]
    list_filter = ["session", "series", "status", "is_key", "category"]
    search_fields = ["title"]


@admin.register(AssignmentRequest)
class AssignmentRequestAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "status", "requested_at"]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "suggestion", "actor", "from_status", "to_status"]
    list_filter = ["action"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "stage", "office", "suggestion"]
    list_filter = ["kind"]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reminder", "recipient", "channel", "status", "attempts"]
    list_filter = ["status", "channel"]
