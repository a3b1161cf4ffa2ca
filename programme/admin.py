from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override

from municipalities.coordination import policies, services
from municipalities.models import MandateArchive
from portal.admin_utils import BoundedInputAdminMixin, public_link, publish_actions
from portal.audit import AuditOrigin, audit_record
from portal.models import AuditEvent
from portal.privacy import PrivacyGuardAdminMixin
from programme import newsletter
from programme.models import (
    Delivery,
    FocusArea,
    Mandate,
    Milestone,
    NewsArticle,
    NewsletterIssue,
    Person,
    Subscriber,
)


class MilestoneInline(BoundedInputAdminMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["focus_area"]


class FocusAreaInline(admin.StackedInline):
    model = FocusArea
    extra = 0
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Mandate)
class MandateAdmin(PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin):
    """The mandate's public texts (editors), and its end: programme staff
    with the permission `programme.close_mandate` (Programledning) close it
    here, after a confirmation, and follow and fetch its archive package."""

    list_display = [
        "title",
        "organisation",
        "start_date",
        "end_date",
        "closed_at",
        public_link,
    ]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "end_date",
        "closed_at",
        "closed_by",
        "attachments_delete_on",
        "personal_data_delete_on",
    ]
    autocomplete_fields = ["contact_person", "staff"]
    inlines = [FocusAreaInline, MilestoneInline]
    change_form_template = "admin/programme/mandate/change_form.html"

    # Programme staff who may close the mandate see it (read-only unless
    # they also edit the public texts).
    def has_module_permission(self, request):
        return super().has_module_permission(request) or policies.can_close_mandate(
            request.user
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or policies.can_close_mandate(
            request.user
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_close_mandate"] = policies.can_close_mandate(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/avsluta/",
                self.admin_site.admin_view(self.close_view),
                name="programme_mandate_close",
            ),
            path(
                "<int:pk>/arkiv/",
                self.admin_site.admin_view(self.archive_view),
                name="programme_mandate_archive",
            ),
            path(
                "<int:pk>/arkiv/<int:archive_pk>/hamta/",
                self.admin_site.admin_view(self.archive_download),
                name="programme_mandate_archive_download",
            ),
        ]
        return urls + super().get_urls()

    def _mandate(self, request, pk, rule=policies.can_close_mandate):
        """The mandate, for staff the rule lets in; 403 before any lookup."""
        if not rule(request.user):
            raise PermissionDenied
        return get_object_or_404(Mandate, pk=pk)

    def _page(self, request, template, mandate, status=200, **context):
        return render(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "mandate": mandate,
                **context,
            },
            status=status,
        )

    def close_view(self, request, pk):
        """A confirmation page; the closing on its POST, with the box ticked."""
        mandate = self._mandate(request, pk)
        today = timezone.localdate()
        context = {
            "title": _("Avsluta uppdraget"),
            "ends_later": mandate.end_date > today,
            "attachments_days": settings.MANDATE_RETENTION_DAYS_ATTACHMENTS,
            "personal_data_days": settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA,
        }
        if request.method != "POST":
            return self._page(
                request,
                "admin/programme/mandate/close_confirm.html",
                mandate,
                **context,
            )
        if request.POST.get("confirm") != "yes":
            context["error"] = _(
                "Kryssa i att du förstår att avslutet inte går att ångra."
            )
            return self._page(
                request,
                "admin/programme/mandate/close_confirm.html",
                mandate,
                status=400,
                **context,
            )
        try:
            services.mandate_close(
                actor=request.user, mandate=mandate, origin=AuditOrigin.of(request)
            )
        except ValidationError as refused:
            context["error"] = refused.messages[0]
            return self._page(
                request,
                "admin/programme/mandate/close_confirm.html",
                mandate,
                status=409,
                **context,
            )
        self.message_user(
            request,
            _(
                "Uppdraget är avslutat. Samordningen går nu bara att läsa och "
                "arkivpaketet skapas i bakgrunden."
            ),
            messages.SUCCESS,
        )
        return redirect("admin:programme_mandate_archive", mandate.pk)

    def archive_view(self, request, pk):
        """The archive package's progress, its download, the deletion dates;
        on POST a new package when the last one failed or was lost."""
        mandate = self._mandate(request, pk)
        if request.method == "POST":
            try:
                services.archive_order(
                    actor=request.user,
                    mandate=mandate,
                    origin=AuditOrigin.of(request),
                )
            except ValidationError as refused:
                self.message_user(request, refused.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request, _("Ett nytt arkivpaket skapas i bakgrunden.")
                )
            return redirect("admin:programme_mandate_archive", mandate.pk)
        archives = list(mandate.archives.select_related("requested_by")[:10])
        return self._page(
            request,
            "admin/programme/mandate/archive.html",
            mandate,
            title=_("Uppdragets arkiv och gallring"),
            archives=archives,
            may_order=services.archive_may_be_ordered(mandate),
        )

    @csp_override({"default-src": ["'none'"], "sandbox": True})
    def archive_download(self, request, pk, archive_pk):
        """The package, streamed from the private storage (never a URL of
        the storage), audited."""
        mandate = self._mandate(request, pk, rule=policies.can_download_archive)
        archive = get_object_or_404(
            MandateArchive,
            pk=archive_pk,
            mandate=mandate,
            status=MandateArchive.Status.DONE,
        )
        audit_record(request, AuditEvent.Action.DOWNLOAD, archive)
        stored = archive.file.open("rb")
        response = FileResponse(
            stored,
            as_attachment=True,
            filename=archive.filename,
            content_type="application/zip",
        )
        # An object storage stream has a length FileResponse cannot find.
        response.setdefault("Content-Length", str(stored.file.size))
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


@admin.register(FocusArea)
class FocusAreaAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["title", "mandate", "order", public_link]
    list_filter = ["mandate"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Milestone)
class MilestoneAdmin(PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin):
    list_display = ["title", "mandate", "focus_area", "due_date", "done_date"]
    list_filter = ["mandate", "focus_area"]
    search_fields = ["title"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["focus_area"]


@admin.register(Person)
class PersonAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role_title", "extent", "email"]
    list_filter = ["extent"]
    search_fields = ["name", "role_title", "email"]


@admin.register(NewsArticle)
class NewsArticleAdmin(
    PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin
):
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


@admin.register(Subscriber)
class SubscriberAdmin(PrivacyGuardAdminMixin, admin.ModelAdmin):
    list_display = ["email", "all_news", "confirmed_at", "created_at"]
    list_filter = ["all_news", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["consent_text", "consented_at", "confirmed_at", "token"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["email", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    max_num = 0
    show_change_link = False


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(
    PrivacyGuardAdminMixin, BoundedInputAdminMixin, admin.ModelAdmin
):
    list_display = ["subject", "status", "created_at", "progress_summary"]
    list_filter = ["status"]
    search_fields = ["subject", "introduction"]
    autocomplete_fields = ["articles"]
    readonly_fields = ["status", "send_started_at", "created_by", "progress_summary"]
    change_form_template = "admin/programme/newsletterissue/change_form.html"

    @admin.display(description=_("Utskick"))
    def progress_summary(self, obj):
        if obj.pk is None:
            return "–"
        counts = newsletter.progress(obj)
        return (
            _(
                "%(sent)d skickade, %(queued)d i kö, %(sending)d skickas, "
                "%(failed)d misslyckade"
            )
            % counts
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/forhandsgranska/<str:kind>/",
                self.admin_site.admin_view(self.preview_view),
                name="programme_newsletterissue_preview",
            ),
            path(
                "<int:pk>/testa/",
                self.admin_site.admin_view(self.send_test_view),
                name="programme_newsletterissue_test",
            ),
            path(
                "<int:pk>/skicka/",
                self.admin_site.admin_view(self.send_view),
                name="programme_newsletterissue_send",
            ),
        ]
        return urls + super().get_urls()

    def _issue(self, request, pk):
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def preview_view(self, request, pk, kind):
        text, html = newsletter.render_issue(self._issue(request, pk))
        if kind == "text":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return HttpResponse(html)

    def send_test_view(self, request, pk):
        issue = self._issue(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        newsletter.issue_test_send.enqueue(issue.pk, request.user.pk)
        self.message_user(
            request,
            _("Ett testutskick skickas strax till %(email)s.")
            % {"email": request.user.email},
        )
        return redirect("admin:programme_newsletterissue_change", issue.pk)

    def send_view(self, request, pk):
        issue = self._issue(request, pk)
        if request.method == "POST":
            newsletter.issue_send(issue)
            self.message_user(
                request,
                _("Utskicket har startat och skickas i bakgrunden."),
                messages.SUCCESS,
            )
            return redirect("admin:programme_newsletterissue_change", issue.pk)
        recipients = Subscriber.objects.for_articles(
            list(issue.articles.published().prefetch_related("focus_areas"))
        ).count()
        return render(
            request,
            "admin/programme/newsletterissue/send_confirm.html",
            {
                **self.admin_site.each_context(request),
                "issue": issue,
                "recipients": recipients,
                "opts": self.model._meta,
                "title": _("Skicka nyhetsbrevet"),
            },
        )
