"""Small pieces shared by the apps' admin classes."""

import datetime
import re

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.fields import DATE_MAX, DATE_MIN
from portal.public_cache import content_changed


@admin.display(description=_("Publik sida"))
def public_link(obj):
    """A link to the object's page on the public site."""
    return format_html(
        '<a href="{}">{}</a>', obj.get_absolute_url(), _("Visa på webbplatsen")
    )


def publish_actions(field, published_value, unpublished_value):
    """Bulk actions that set `field` to the published or unpublished value.

    A bulk update sends no signal, so each says itself that public pages
    changed (portal.public_cache)."""

    @admin.action(description=_("Publicera markerade"))
    def publish(modeladmin, request, queryset):
        count = queryset.update(**{field: published_value})
        content_changed()
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
        content_changed()
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


class BoundedChangeList(ChangeList):
    """A change list whose date hierarchy only opens years inside the
    portal's date range (`portal.fields`).

    Django builds the hierarchy's bounds from `?<field>__year=` and friends
    with plain date arithmetic: year 9999 overflows into year 10 000, year 1
    turns into year 0 in UTC, and an enormous number overflows a C long; each
    would be a 500. Here such a parameter is an incorrect lookup, which the
    admin answers by going back to the plain list (`?e=1`).
    """

    def get_filters(self, request):
        if self.date_hierarchy:
            self._check_date_hierarchy()
        self._check_date_ranges()
        return super().get_filters(request)

    def _check_date_ranges(self):
        """A date list filter's `?<field>__gte=`/`__lt=` outside the portal's
        range (year 1 becomes a naive datetime before the epoch of every
        time zone) is an incorrect lookup too."""
        for name, value in self.params.items():
            if not name.endswith(("__gte", "__gt", "__lte", "__lt")):
                continue
            text = value[-1] if isinstance(value, list) else value
            match = re.match(r"\s*(\d{1,6})-", str(text))
            if match and not DATE_MIN.year <= int(match[1]) <= DATE_MAX.year:
                raise IncorrectLookupParameters(text)

    def _check_date_hierarchy(self):
        parts = [
            self.params.get(f"{self.date_hierarchy}__{part}")
            for part in ("year", "month", "day")
        ]
        if parts[0] is None:
            return
        values = []
        for part in parts:
            if part is None:
                values.append(1)
                continue
            text = part[-1] if isinstance(part, list) else part
            if not (text.isascii() and text.isdigit() and len(text) <= 4):
                raise IncorrectLookupParameters(text)
            values.append(int(text))
        try:
            day = datetime.date(*values)
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error
        if not DATE_MIN.year <= day.year <= DATE_MAX.year:
            raise IncorrectLookupParameters(day)


class _UsableKeysMixin:
    """An autocomplete widget that re-renders a refused form without looking
    up keys its model cannot hold: Django's would query `id__in=["abc"]` and
    answer 500 instead of showing the form's own "select a valid choice".
    (A number beyond the column's range is `portal.lookups.IntegerFieldIn`'s
    to leave out.)"""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", opts.pk.attname))
        usable = []
        for item in value:
            try:
                key.get_prep_value(key.to_python(item))
            except (ValidationError, ValueError, TypeError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class UsableKeysAutocompleteSelect(_UsableKeysMixin, AutocompleteSelect):
    pass


class UsableKeysAutocompleteSelectMultiple(
    _UsableKeysMixin, AutocompleteSelectMultiple
):
    pass


class BoundedInputAdminMixin:
    """For a ModelAdmin or an inline: input at the edge never ends in a 500.

    Its change list bounds the date hierarchy (`BoundedChangeList`), and its
    autocomplete fields re-render a refused value without looking it up.
    tests/portal/test_date_bounds.py fails for a registered admin, or an
    inline of one, with a date hierarchy or autocomplete fields that lacks
    it.
    """

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = UsableKeysAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = UsableKeysAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
