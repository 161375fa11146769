from django.contrib import admin

from congresses.models import Congress, StaffMembership


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ("name", "full_name", "level", "parent", "slug", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "full_name", "slug")


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "congress")
    list_filter = ("congress",)
    raw_id_fields = ("user",)
