"""Read-only admin views of the stations app (changes go through the pages and their actions)."""

from django.contrib import admin

from stations.models import GroupDiscussion, Station, StationAudit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ("name", "address", "hours", "is_active")


@admin.register(GroupDiscussion)
class GroupDiscussionAdmin(ReadOnlyAdmin):
    list_display = ("date", "delegation", "place", "recorder")


@admin.register(StationAudit)
class StationAuditAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "opinion", "from_status", "to_status")
    list_filter = ("action",)
