"""The admin for municipalities and the coordination area.

Coordination data is behind the same doors as the area itself
(`municipalities.coordination.policies`): programme staff (Programledning) read it here,
only superusers change it, the news editor never sees it, and every read and
write is audited.
"""

import functools

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from municipalities.coordination import policies, services
from municipalities.coordination.invitations import invitation_mail_send
from municipalities.coordination.views.access import SAFE_METHODS
from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Invitation,
    Meeting,
    Membership,
    Minutes,
    Municipality,
    Organisation,
    ProgressEntry,
    ReportingSchedule,
    WorkingGroup,
)
from portal.admin_utils import BoundedInputAdminMixin, public_link
from portal.audit import AuditOrigin, audit_record
from portal.models import AuditEvent
from portal.privacy import PrivacyGuardAdminMixin


def _refuse_writes_when_closed(view):
    """Once the mandate is closed, a POST (save, delete, an action, a
    revert) answers 403 with the Swedish explanation before the view runs."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            policies.ensure_area_open()
        return view(request, *args, **kwargs)

    return wrapper


class ClosedMandateAdminMixin:
    """Every page of this admin refuses writes once the mandate is closed
    (`policies.area_closed`), superusers included."""

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback = _refuse_writes_when_closed(pattern.callback)
        return urls


class CoordinationAdminMixin(ClosedMandateAdminMixin):
    """Read for coordinators, write for superusers (while the mandate is
    open), audit for all."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user)

    def has_module_permission(self, request):
        return policies.can_admin_read(request.user) and super().has_module_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        if not policies.can_admin_read(request.user):
            return False
        return policies.can_admin_write(request.user) or super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request, *args):
        return policies.can_admin_write(request.user)

    def has_change_permission(self, request, obj=None):
        return policies.can_admin_write(request.user)

    def has_delete_permission(self, request, obj=None):
        return policies.can_admin_write(request.user)

    def _audit_read(self, request, object_id=""):
        audit_record(
            request,
            AuditEvent.Action.VIEW,
            object_type=self.model._meta.label,
            object_id=str(object_id or "admin-list"),
        )

    def changelist_view(self, request, extra_context=None):
        if self.has_view_or_change_permission(request):
            self._audit_read(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.has_view_or_change_permission(request):
            self._audit_read(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # Refuse before looking the object up, as the other pages do.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        self._audit_read(request, object_id)
        return super().history_view(request, object_id, extra_context)

    # Writes go through the same services as the coordination area's own
    # pages: one transaction, the actor in the history, the audit row after.
    # The admin's form has already validated `obj` with every field.
    def save_model(self, request, obj, form, change):
        actor, origin = request.user, AuditOrigin.of(request)
        if isinstance(obj, Meeting):
            services.meeting_save(
                actor=actor, group=obj.group, meeting=obj, origin=origin
            )
        elif isinstance(obj, Decision):
            services.decision_save(
                actor=actor, group=obj.group, decision=obj, origin=origin
            )
        elif isinstance(obj, Action):
            services.action_save(
                actor=actor, group=obj.group, action=obj, origin=origin
            )
        else:
            # Entries, statuses, indicator reports and memberships: here the
            # superuser may also change what the area's services take as
            # given (an entry's author, a status's municipality).
            services.item_save(actor=actor, item=obj, origin=origin)

    def delete_model(self, request, obj):
        actor, origin = request.user, AuditOrigin.of(request)
        if isinstance(obj, ProgressEntry):
            services.entry_delete(actor=actor, entry=obj, origin=origin)
        else:
            services.item_delete(actor=actor, item=obj, origin=origin)

    def delete_queryset(self, request, queryset):
        services.items_delete(
            actor=request.user, queryset=queryset, origin=AuditOrigin.of(request)
        )


class RecordAdminMixin:
    """Minutes and entries in the admin: adopted and locked records are read
    only for everyone (a correction is a new version, made in the area), and
    staff adopt and lock through the same services as the area's pages."""

    LIFECYCLE_FIELDS = [
        "state",
        "version",
        "supersedes",
        "adopted_at",
        "adopted_by",
        "locked_at",
    ]
    actions = ["adopt_selected", "lock_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.LIFECYCLE_FIELDS]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.is_draft)

    def has_adopt_permission(self, request):
        return policies.is_coordinator(request.user)

    def has_lock_permission(self, request):
        return policies.can_lock_records(request.user)

    # The policy that says who may adopt this kind of record (user, record).
    adopt_rule = None

    @admin.action(description=_("Fastställ markerade utkast"), permissions=["adopt"])
    def adopt_selected(self, request, queryset):
        adopted = 0
        for record in queryset.drafts():
            if not self.adopt_rule(request.user, record):
                continue
            try:
                services.record_adopt(
                    actor=request.user, record=record, origin=AuditOrigin.of(request)
                )
            except ValidationError:
                continue  # adopted meanwhile
            adopted += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d utkast fastställdes.",
                "%(count)d utkast fastställdes.",
                adopted,
            )
            % {"count": adopted},
            messages.SUCCESS if adopted else messages.WARNING,
        )

    @admin.action(
        description=_("Lås markerade (går inte att ångra)"), permissions=["lock"]
    )
    def lock_selected(self, request, queryset):
        locked = services.records_lock(
            actor=request.user, queryset=queryset, origin=AuditOrigin.of(request)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d handling låstes.", "%(count)d handlingar låstes.", locked
            )
            % {"count": locked},
        )


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


class MembershipInline(BoundedInputAdminMixin, admin.TabularInline):
    """Who sits in the group: coordination data, so the same rules apply."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user", "municipality", "organisation"]

    def has_view_permission(self, request, obj=None):
        return policies.can_admin_read(request.user)

    def has_add_permission(self, request, obj=None):
        return policies.can_admin_write(request.user)

    def has_change_permission(self, request, obj=None):
        return policies.can_admin_write(request.user)

    def has_delete_permission(self, request, obj=None):
        return policies.can_admin_write(request.user)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(
    PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "kind", "mandate", "meeting_cadence", public_link]
    list_filter = ["kind", "mandate"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipalities", "organisations"]
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        # Editors keep the group's public description; who sits in it is
        # coordination data they never see.
        return self.inlines if policies.can_admin_read(request.user) else []


@admin.register(Membership)
class MembershipAdmin(
    PrivacyGuardAdminMixin,
    CoordinationAdminMixin,
    BoundedInputAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "user",
        "group",
        "municipality",
        "organisation",
        "role",
        "partner_can_write",
        "start_date",
        "end_date",
    ]
    list_filter = [
        "group",
        "role",
        "partner_can_write",
        "municipality",
        "organisation",
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "group", "municipality", "organisation"]
    list_select_related = ["user", "group", "municipality", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(
    PrivacyGuardAdminMixin,
    ClosedMandateAdminMixin,
    BoundedInputAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "email",
        "group",
        "municipality",
        "organisation",
        "role",
        "sent_at",
        "accepted_at",
    ]
    list_filter = ["group", "role"]
    search_fields = ["email"]
    autocomplete_fields = ["group", "municipality", "organisation"]
    readonly_fields = ["invited_by", "sent_at", "accepted_at"]
    actions = ["send_again"]

    # Nobody is invited into a closed mandate.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and policies.area_closed() is None

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and policies.area_closed() is None
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj)
            and policies.area_closed() is None
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            invitation_mail_send.enqueue(obj.pk)
            self.message_user(
                request,
                _("Inbjudan till %(email)s skickas strax.") % {"email": obj.email},
            )

    @admin.action(description=_("Skicka inbjudan igen"))
    def send_again(self, request, queryset):
        count = 0
        for invitation in queryset.filter(accepted_at=None):
            invitation_mail_send.enqueue(invitation.pk)
            count += 1
        self.message_user(
            request, _("%(count)d inbjudningar skickas strax.") % {"count": count}
        )


@admin.register(FocusAreaStatus)
class FocusAreaStatusAdmin(
    PrivacyGuardAdminMixin,
    CoordinationAdminMixin,
    BoundedInputAdminMixin,
    SimpleHistoryAdmin,
):
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
    autocomplete_fields = ["municipality", "focus_area"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(
    PrivacyGuardAdminMixin,
    BoundedInputAdminMixin,
    RecordAdminMixin,
    CoordinationAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = [
        "title",
        "group",
        "municipality",
        "organisation",
        "sharing_level",
        "release_at",
        "state",
        "version",
    ]
    list_filter = [
        "state",
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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.supersedes_id:
            # A correction is shared as the version it corrects.
            fields = [*fields, "group", "municipality", "organisation"]
            fields += ["sharing_level", "release_at"]
        return fields

    adopt_rule = staticmethod(policies.can_adopt_entry)


@admin.register(Minutes)
class MinutesAdmin(
    PrivacyGuardAdminMixin, RecordAdminMixin, CoordinationAdminMixin, SimpleHistoryAdmin
):
    """Minutes are written, corrected and numbered in the area (services);
    here they are read, adopted, locked, and a draft's text changed."""

    list_display = ["meeting", "version", "state", "adopted_at", "locked_at"]
    list_filter = ["state", "meeting__group"]
    search_fields = ["text"]
    list_select_related = ["meeting__group"]
    readonly_fields = ["meeting", "created_by"]

    def has_add_permission(self, request, *args):
        return False

    adopt_rule = staticmethod(policies.can_adopt_minutes)


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(
    PrivacyGuardAdminMixin, CoordinationAdminMixin, SimpleHistoryAdmin
):
    list_display = ["group", "frequency", "due_day", "indicators"]
    list_filter = ["frequency", "indicators"]
    list_select_related = ["group"]
    search_fields = ["group__name"]


@admin.register(Meeting)
class MeetingAdmin(PrivacyGuardAdminMixin, CoordinationAdminMixin, SimpleHistoryAdmin):
    list_display = ["group", "starts_at", "place"]
    list_filter = ["group"]
    search_fields = ["agenda", "place"]
    list_select_related = ["group"]


@admin.register(Decision)
class DecisionAdmin(PrivacyGuardAdminMixin, CoordinationAdminMixin, SimpleHistoryAdmin):
    list_display = ["text", "group", "decided_on", "follow_up"]
    list_filter = ["group", "follow_up"]
    search_fields = ["text"]
    list_select_related = ["group"]


@admin.register(Action)
class ActionAdmin(PrivacyGuardAdminMixin, CoordinationAdminMixin, SimpleHistoryAdmin):
    list_display = ["what", "group", "owner", "due_date", "status"]
    list_filter = ["group", "status"]
    search_fields = ["what", "report_back"]
    list_select_related = ["group", "owner"]


@admin.register(IndicatorReport)
class IndicatorReportAdmin(
    PrivacyGuardAdminMixin,
    BoundedInputAdminMixin,
    CoordinationAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = ["municipality", "period_kind", "period_start", "updated_at"]
    list_filter = ["period_kind", "municipality"]
    date_hierarchy = "period_start"
    list_select_related = ["municipality"]
    search_fields = ["municipality__name"]
