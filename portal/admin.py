from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import mfa
from portal.admin_utils import BoundedInputAdminMixin
from portal.audit import AuditOrigin
from portal.models import AuditEvent, PurgeRecord, User
from portal.privacy import PrivacyGuardAdminMixin

# django-axes's lockout lists have date hierarchies of their own: bound them
# like ours (importing axes.admin above has registered them).
if settings.AXES_ENABLE_ADMIN:
    for _model, _base in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(_base.__name__, (BoundedInputAdminMixin, _base), {})
        )

# Django's own GroupAdmin takes a free-text name; replace it with a guarded one.
admin.site.unregister(Group)


class HiddenSecretsAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    """Second-factor devices hold secrets (TOTP keys, recovery codes): not in
    the admin for anyone. Registered here first so that django-otp's own
    admins, which show them, are never installed. Lost devices are reset
    with the user list's action (`UserAdmin.reset_factors`)."""

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register([TOTPDevice, StaticDevice], HiddenSecretsAdmin)


@admin.register(Group)
class GroupAdmin(PrivacyGuardAdminMixin, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(PrivacyGuardAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "municipality",
        "organisation",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "municipality"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personuppgifter"),
            {"fields": ("first_name", "last_name", "municipality", "organisation")},
        ),
        (
            _("Behörigheter"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Viktiga datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    actions = ["reset_factors"]

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("portal.reset_second_factor")

    @admin.action(
        description=_("Återställ tvåstegsverifieringen (tappad telefon eller nyckel)"),
        permissions=["reset_second_factor"],
    )
    def reset_factors(self, request, queryset):
        """Remove every second factor of the chosen users, after a
        confirmation page. Only a superuser resets a superuser's factors."""
        if not request.user.is_superuser:
            refused = queryset.filter(is_superuser=True)
            if refused.exists():
                self.message_user(
                    request,
                    _("Bara en superanvändare kan återställa en superanvändare."),
                    messages.ERROR,
                )
                return None
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/portal/user/reset_factors_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Återställ tvåstegsverifieringen"),
                    "users": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        origin = AuditOrigin.of(request)
        for user in queryset:
            mfa.factors_reset(user=user, actor=request.user, origin=origin)
        self.message_user(
            request,
            _(
                "Tvåstegsverifieringen är återställd. Personen väljer app eller "
                "nyckel på nytt vid nästa inloggning."
            ),
            messages.SUCCESS,
        )
        return None


@admin.register(AuditEvent)
class AuditEventAdmin(PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin):
    """Readable by staff with the view permission; nobody can add, change or delete."""

    list_display = [
        "at",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_id", "path"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurgeRecord)
class PurgeRecordAdmin(
    PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin
):
    """The gallring log: what the retention run removed, by kind and count.
    Readable by staff with the view permission; nobody changes it."""

    list_display = ["ran_at", "summary"]
    date_hierarchy = "ran_at"
    readonly_fields = ["ran_at", "summary"]
    fields = ["ran_at", "summary"]

    @admin.display(description=_("Antal per slag"))
    def summary(self, obj):
        return ", ".join(f"{kind}: {count}" for kind, count in obj.counts.items())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
