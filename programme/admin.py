from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_utils import public_link, publish_actions
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["focus_area"]


class FocusAreaInline(admin.StackedInline):
    model = FocusArea
    extra = 0
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "start_date", "end_date", public_link]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["end_date"]
    autocomplete_fields = ["contact_person", "staff"]
    inlines = [FocusAreaInline, MilestoneInline]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "mandate", "order", public_link]
    list_filter = ["mandate"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "mandate", "focus_area", "due_date", "done_date"]
    list_filter = ["mandate", "focus_area"]
    search_fields = ["title"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["focus_area"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role_title", "extent", "email"]
    list_filter = ["extent"]
    search_fields = ["name", "role_title", "email"]


@admin.register(NewsArticle)
class NewsArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "publish_at",
        "is_published",
        "updated_at",
        public_link,
    ]
    list_filter = ["status", "focus_areas", "municipalities"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "contact_person",
        "focus_areas",
        "municipalities",
        "related_sessions",
    ]
    readonly_fields = ["author", "created_at", "updated_at"]
    actions = publish_actions(
        "status", NewsArticle.Status.PUBLISHED, NewsArticle.Status.DRAFT
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "body")}),
        (_("Bild"), {"fields": ("image", "image_alt")}),
        (_("Publicering"), {"fields": ("status", "publish_at", "author")}),
        (
            _("Kopplingar"),
            {
                "fields": (
                    "contact_person",
                    "focus_areas",
                    "municipalities",
                    "related_sessions",
                )
            },
        ),
        (_("Historik"), {"fields": ("created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
