from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    ProgressEntry,
    WorkingGroup,
)
from portal.admin_utils import public_link
from portal.privacy import PrivacyGuardAdminMixin


@admin.register(Municipality)
class MunicipalityAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kommunkod", "org_number", "participates", public_link]
    list_filter = ["participates"]
    search_fields = ["name", "official_name", "kommunkod"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "municipality", "organisation"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "mandate", "meeting_cadence", public_link]
    list_filter = ["kind", "mandate"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipalities", "organisations"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
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
class FocusAreaStatusAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "municipality",
        "focus_area",
        "stage",
        "sharing_level",
        "updated_at",
    ]
    list_filter = ["stage", "sharing_level", "focus_area", "municipality"]
    search_fields = ["municipality__name", "comment"]
    list_select_related = ["municipality", "focus_area"]
    list_editable = ["stage", "sharing_level"]
    autocomplete_fields = ["municipality", "focus_area"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "group",
        "municipality",
        "organisation",
        "sharing_level",
        "release_at",
    ]
    list_filter = [
        "sharing_level",
        "group",
        "focus_area",
        "municipality",
        "organisation",
    ]
    search_fields = ["title", "text"]
    date_hierarchy = "release_at"
    list_select_related = ["group", "municipality", "organisation"]
    autocomplete_fields = ["group", "municipality", "organisation", "author"]


@admin.register(Meeting)
class MeetingAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = ["group", "starts_at", "place"]
    list_filter = ["group"]
    search_fields = ["agenda", "minutes", "place"]
    list_select_related = ["group"]


@admin.register(Decision)
class DecisionAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = ["text", "group", "decided_on", "follow_up"]
    list_filter = ["group", "follow_up"]
    search_fields = ["text"]
    list_select_related = ["group"]


@admin.register(Action)
class ActionAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = ["what", "group", "owner", "due_date", "status"]
    list_filter = ["group", "status"]
    search_fields = ["what", "report_back"]
    list_select_related = ["group", "owner"]


@admin.register(IndicatorReport)
class IndicatorReportAdmin(PrivacyGuardAdminMixin, SimpleHistoryAdmin):
    list_display = ["municipality", "period_kind", "period_start", "updated_at"]
    list_filter = ["period_kind", "municipality"]
    date_hierarchy = "period_start"
    list_select_related = ["municipality"]
    search_fields = ["municipality__name"]
