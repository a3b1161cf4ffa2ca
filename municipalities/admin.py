from django.contrib import admin

from municipalities.models import (
    FocusAreaStatus,
    Membership,
    Municipality,
    Organisation,
    WorkingGroup,
)
from portal.admin_utils import public_link


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kommunkod", "org_number", "participates", public_link]
    list_filter = ["participates"]
    search_fields = ["name", "official_name", "kommunkod"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "municipality", "organisation"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "mandate", "meeting_cadence", public_link]
    list_filter = ["kind", "mandate"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipalities", "organisations"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "group",
        "municipality",
        "organisation",
        "role",
        "start_date",
        "end_date",
    ]
    list_filter = ["group", "role", "municipality", "organisation"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "group", "municipality", "organisation"]
    list_select_related = ["user", "group", "municipality", "organisation"]


@admin.register(FocusAreaStatus)
class FocusAreaStatusAdmin(admin.ModelAdmin):
    list_display = ["municipality", "focus_area", "stage", "is_public", "updated_at"]
    list_filter = ["stage", "is_public", "focus_area", "municipality"]
    search_fields = ["municipality__name", "comment"]
    list_select_related = ["municipality", "focus_area"]
    list_editable = ["stage", "is_public"]
    autocomplete_fields = ["municipality", "focus_area"]
