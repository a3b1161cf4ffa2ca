"""Small pieces shared by the apps' admin classes."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@admin.display(description=_("Publik sida"))
def public_link(obj):
    """A link to the object's page on the public site."""
    return format_html(
        '<a href="{}">{}</a>', obj.get_absolute_url(), _("Visa på webbplatsen")
    )


def publish_actions(field, published_value, unpublished_value):
    """Bulk actions that set `field` to the published or unpublished value."""

    @admin.action(description=_("Publicera markerade"))
    def publish(modeladmin, request, queryset):
        count = queryset.update(**{field: published_value})
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d objekt publicerades.",
                "%(count)d objekt publicerades.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Avpublicera markerade"))
    def unpublish(modeladmin, request, queryset):
        count = queryset.update(**{field: unpublished_value})
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d objekt avpublicerades.",
                "%(count)d objekt avpublicerades.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    publish.allowed_permissions = ("change",)
    unpublish.allowed_permissions = ("change",)
    return [publish, unpublish]
