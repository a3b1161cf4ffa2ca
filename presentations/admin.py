from django.contrib import admin

from portal.admin_utils import BoundedInputAdminMixin, public_link, publish_actions
from portal.privacy import PrivacyGuardAdminMixin
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker


class PresentationInline(admin.StackedInline):
    model = Presentation
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "order",
        "title",
        "slug",
        "summary",
        "slides",
        "slides_are_example",
        "video_url",
        "duration_minutes",
        "published",
    ]
    show_change_link = True


@admin.register(Session)
class SessionAdmin(PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "venue", "published", public_link]
    list_filter = ["kind", "published", "mandate"]
    search_fields = ["title", "description", "venue"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PresentationInline]
    actions = publish_actions("published", True, False)


class PresentationSpeakerInline(BoundedInputAdminMixin, admin.TabularInline):
    model = PresentationSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]


@admin.register(Presentation)
class PresentationAdmin(
    PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin
):
    list_display = [
        "title",
        "session",
        "order",
        "published",
        "is_public",
        public_link,
    ]
    list_filter = ["published", "session"]
    search_fields = ["title", "summary", "speakers__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["session", "focus_areas"]
    list_select_related = ["session"]
    inlines = [PresentationSpeakerInline]
    actions = publish_actions("published", True, False)


@admin.register(Speaker)
class SpeakerAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", public_link]
    search_fields = ["name", "organisation", "title"]
    prepopulated_fields = {"slug": ["name"]}
