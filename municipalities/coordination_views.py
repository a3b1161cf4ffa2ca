"""Views of the coordination area (/samordning/). Thin: parse, ask the policy,
call a service, render. Anything the user may not see answers 404."""

import functools

import icalendar
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from municipalities import policies, services
from municipalities.forms import (
    ActionForm,
    DecisionForm,
    MeetingForm,
    ProgressEntryForm,
)
from municipalities.models import (
    Action,
    CalendarToken,
    Decision,
    EntryAttachment,
    Meeting,
    Membership,
    ProgressEntry,
    WorkingGroup,
)
from portal.audit import audit_record
from portal.models import AuditEvent

ENTRIES_PER_PAGE = 20


def area_access(view):
    """Signed in, active and a participant (policies.can_enter_area). The one
    place to require two-factor later."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not policies.can_enter_area(request.user):
            raise PermissionDenied(
                _(
                    "Samordningen är öppen för aktiva medlemmar i arbetsgrupperna "
                    "och för programledningen."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


def _group_for(request, slug):
    return get_object_or_404(WorkingGroup.objects.visible_to(request.user), slug=slug)


def _entry_for(request, pk, action):
    """The entry through its door (404 when unseen), then the action's rule
    (403: they may see it, so there is no secret to keep)."""
    entry = get_object_or_404(
        ProgressEntry.objects.visible_to(request.user).select_related(
            "group", "municipality", "organisation", "focus_area", "author"
        ),
        pk=pk,
    )
    if not policies.can(request.user, action, entry):
        raise PermissionDenied
    return entry


def _visible_entries(user):
    return ProgressEntry.objects.visible_to(user).select_related(
        "group", "municipality", "organisation", "focus_area"
    )


def _group_item(request, model, slug, pk):
    return get_object_or_404(
        model.objects.visible_to(request.user), pk=pk, group__slug=slug
    )


@area_access
def dashboard(request):
    from municipalities.models import Action, FocusAreaStatus
    from programme.models import FocusArea, Mandate

    user = request.user
    today = timezone.localdate()
    groups = WorkingGroup.objects.visible_to(user)
    mandate = Mandate.objects.prefetch_related("milestones").first()
    milestones = [
        (
            milestone,
            "done"
            if milestone.done_date
            else "late"
            if milestone.is_late(today)
            else "upcoming",
        )
        for milestone in (mandate.milestones.all() if mandate else [])
    ]
    open_actions = (
        Action.objects.visible_to(user)
        .exclude(status=Action.Status.DONE)
        .select_related("group", "owner")
        .order_by("due_date")[:20]
    )
    my_statuses = []
    if user.municipality_id:
        existing = {
            s.focus_area_id: s
            for s in FocusAreaStatus.objects.visible_to(user).filter(
                municipality_id=user.municipality_id
            )
        }
        my_statuses = [
            {
                "area": area,
                "status": existing.get(area.pk),
                "stale": existing.get(area.pk) is None
                or existing[area.pk].is_stale(today, settings.STATUS_STALE_DAYS),
            }
            for area in FocusArea.objects.all()
        ]
    audit_record(
        request, AuditEvent.Action.VIEW, object_type="municipalities.Dashboard"
    )
    return render(
        request,
        "samordning/dashboard.html",
        {
            "mandate": mandate,
            "month_number": mandate.month_number(today) if mandate else None,
            "milestones": milestones,
            "groups": groups,
            "entries": _visible_entries(user)[:10],
            "upcoming_meetings": Meeting.objects.visible_to(user)
            .filter(starts_at__gte=timezone.now())
            .select_related("group")
            .order_by("starts_at")[:5],
            "open_actions": open_actions,
            "my_statuses": my_statuses,
            "stale_days": settings.STATUS_STALE_DAYS,
            "today": today,
            "breadcrumbs": [(_("Samordning"), "")],
        },
    )


@area_access
def group_detail(request, slug):
    group = _group_for(request, slug)
    user = request.user
    memberships = (
        Membership.objects.active()
        .visible_to(user)
        .filter(group=group)
        .select_related("user", "municipality", "organisation")
    )
    entries = _visible_entries(user).filter(group=group)[:20]
    token = CalendarToken.objects.filter(user=user, group=group).first()
    audit_record(request, AuditEvent.Action.VIEW, group)
    return render(
        request,
        "samordning/group_detail.html",
        {
            "group": group,
            "memberships": memberships,
            "meetings": Meeting.objects.visible_to(user).filter(group=group)[:20],
            "decisions": Decision.objects.visible_to(user)
            .filter(group=group)
            .select_related("meeting")[:20],
            "actions": Action.objects.visible_to(user)
            .filter(group=group)
            .select_related("owner", "decision")[:50],
            "entries": entries,
            "can_contribute": policies.can_contribute(user, group),
            "can_manage_meetings": policies.can_manage_meetings(user, group),
            "calendar_url": request.build_absolute_uri(
                reverse(
                    "samordning:group-ics",
                    kwargs={"slug": group.slug, "token": token.token},
                )
            )
            if token
            else None,
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (group.name, ""),
            ],
        },
    )


def _group_item_form(request, slug, form_class, instance=None, *, manage=False):
    group = _group_for(request, slug)
    allowed = (
        policies.can_manage_meetings(request.user, group)
        if manage
        else policies.can_contribute(request.user, group)
    )
    if not allowed:
        raise PermissionDenied
    kwargs = {"user": request.user, "instance": instance, "request": request}
    if form_class in (DecisionForm, ActionForm):
        kwargs["group"] = group
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        services.group_item_save(
            request=request, form=form, group=group, created_by=request.user
        )
        return redirect("samordning:group", slug=group.slug)
    return render(
        request,
        "samordning/form.html",
        {
            "form": form,
            "title": form_class.Meta.model._meta.verbose_name.capitalize(),
            "group": group,
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (group.name, reverse("samordning:group", kwargs={"slug": slug})),
                (form_class.Meta.model._meta.verbose_name.capitalize(), ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def meeting_form(request, slug, pk=None):
    instance = _group_item(request, Meeting, slug, pk) if pk else None
    return _group_item_form(request, slug, MeetingForm, instance, manage=True)


@area_access
def decision_form(request, slug, pk=None):
    instance = _group_item(request, Decision, slug, pk) if pk else None
    return _group_item_form(request, slug, DecisionForm, instance)


@area_access
def action_form(request, slug, pk=None):
    instance = _group_item(request, Action, slug, pk) if pk else None
    return _group_item_form(request, slug, ActionForm, instance)


@area_access
def meeting_delete(request, slug, pk):
    group = _group_for(request, slug)
    meeting = _group_item(request, Meeting, slug, pk)
    if not policies.can_manage_meetings(request.user, group):
        raise PermissionDenied
    if request.method == "POST":
        services.group_item_delete(request=request, item=meeting)
        return redirect("samordning:group", slug=group.slug)
    return render(
        request,
        "samordning/confirm_delete.html",
        {"object": meeting, "cancel_url": reverse("samordning:group", args=[slug])},
    )


@area_access
@require_POST
def calendar_link(request, slug):
    """Create or replace the member's secret calendar link (replacing revokes)."""
    group = _group_for(request, slug)
    CalendarToken.objects.filter(user=request.user, group=group).delete()
    CalendarToken.objects.create(user=request.user, group=group)
    return redirect("samordning:group", slug=group.slug)


def group_ics(request, slug, token):
    """The group's meetings for a calendar app; the token stands in for login."""
    calendar_token = get_object_or_404(
        CalendarToken.objects.select_related("user", "group"),
        token=token,
        group__slug=slug,
    )
    user, group = calendar_token.user, calendar_token.group
    if not (policies.can_enter_area(user) and policies.can_view_group(user, group)):
        raise Http404
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type="municipalities.GroupCalendar",
        object_id=str(group.pk),
        actor=user,
        path=request.path.replace(token, "[dold]"),
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//FoU Nordväst//Samordning//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", group.name)
    host = settings.SITE_URL.split("://")[-1]
    for meeting in Meeting.objects.visible_to(user).filter(group=group)[:200]:
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("summary", _("Möte: %(group)s") % {"group": group.name})
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", meeting.updated_at)
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.video_link:
            event.add("url", meeting.video_link)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar")
    response["Cache-Control"] = "no-store, private"
    return response


@area_access
def entry_list(request):
    entries = _visible_entries(request.user)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        condition = Q()
        for word in query.split()[:10]:
            condition &= Q(title__icontains=word) | Q(text__icontains=word)
        entries = entries.filter(condition)
    group_slug = request.GET.get("grupp", "")
    if group_slug:
        entries = entries.filter(group__slug=group_slug)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("sida"))
    audit_record(
        request,
        AuditEvent.Action.VIEW,
        object_type=ProgressEntry._meta.label,
        object_id="search" if query or group_slug else "list",
    )
    filter_query = request.GET.copy()
    filter_query.pop("sida", None)
    return render(
        request,
        "samordning/entry_list.html",
        {
            "page": page,
            "query": query,
            "filter_query": filter_query.urlencode(),
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (_("Lägesrapporter"), ""),
            ],
        },
    )


def _entry_data(form):
    return {
        name: form.cleaned_data[name]
        for name in (
            "group",
            "focus_area",
            "title",
            "period_start",
            "period_end",
            "text",
            "sharing_level",
            "release_at",
        )
    }


def _staff_unit(form, user):
    if not policies.is_coordinator(user):
        return None
    return {
        "municipality": form.cleaned_data.get("municipality"),
        "organisation": form.cleaned_data.get("organisation"),
    }


@area_access
def entry_create(request):
    user = request.user
    if not policies.can_create_entry(user):
        raise PermissionDenied
    form = ProgressEntryForm(
        request.POST or None, request.FILES or None, user=user, request=request
    )
    if request.method == "POST" and form.is_valid():
        entry = services.entry_create(
            request=request,
            author=user,
            data=_entry_data(form),
            attachments=form.cleaned_data["checked_attachments"],
            unit=_staff_unit(form, user),
        )
        return redirect(entry)
    return render(
        request,
        "samordning/entry_form.html",
        {
            "form": form,
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (_("Ny lägesrapport"), ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def entry_edit(request, pk):
    entry = _entry_for(request, pk, "edit")
    form = ProgressEntryForm(
        request.POST or None, instance=entry, user=request.user, request=request
    )
    if request.method == "POST" and form.is_valid():
        services.entry_update(
            request=request,
            entry=entry,
            data=_entry_data(form),
            unit=_staff_unit(form, request.user),
        )
        return redirect(entry)
    return render(
        request,
        "samordning/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (entry.title, entry.get_absolute_url()),
                (_("Ändra"), ""),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def entry_detail(request, pk):
    entry = _entry_for(request, pk, "view")
    audit_record(request, AuditEvent.Action.VIEW, entry)
    return render(
        request,
        "samordning/entry_detail.html",
        {
            "entry": entry,
            "attachments": entry.attachments.all(),
            "can_edit": policies.can_edit_entry(request.user, entry),
            "released": entry.release_at <= timezone.now(),
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (_("Lägesrapporter"), reverse("samordning:entries")),
                (entry.title, ""),
            ],
        },
    )


@area_access
def entry_delete(request, pk):
    entry = _entry_for(request, pk, "delete")
    if request.method == "POST":
        services.entry_delete(request=request, entry=entry)
        return redirect("samordning:entries")
    return render(
        request,
        "samordning/confirm_delete.html",
        {"object": entry, "cancel_url": entry.get_absolute_url()},
    )


FIELD_LABELS = {
    field.name: field.verbose_name
    for field in ProgressEntry._meta.get_fields()
    if hasattr(field, "verbose_name")
}


@area_access
def entry_history(request, pk):
    entry = _entry_for(request, pk, "view_history")
    audit_record(request, AuditEvent.Action.VIEW, entry)
    records = list(
        entry.history.select_related("history_user").order_by("history_date")
    )
    changes = []
    for previous, record in zip([None, *records], records, strict=False):
        if previous is None:
            changed = [_("Skapad")]
        else:
            delta = record.diff_against(previous)
            changed = [str(FIELD_LABELS.get(c.field, c.field)) for c in delta.changes]
        changes.append({"record": record, "changed": changed})
    return render(
        request,
        "samordning/entry_history.html",
        {
            "entry": entry,
            "changes": list(reversed(changes)),
            "breadcrumbs": [
                (_("Samordning"), reverse("samordning:dashboard")),
                (entry.title, entry.get_absolute_url()),
                (_("Historik"), ""),
            ],
        },
    )


@area_access
@csp_override({"default-src": ["'none'"], "sandbox": True})
def attachment_download(request, pk):
    attachment = get_object_or_404(
        EntryAttachment.objects.visible_to(request.user).select_related(
            "entry", "entry__group"
        ),
        pk=pk,
    )
    if not policies.can_download_attachment(request.user, attachment.entry):
        raise Http404
    audit_record(request, AuditEvent.Action.DOWNLOAD, attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class EntryFeed(Feed):
    """The entries the signed-in user may see, for a feed reader in the browser.

    Route it with `EntryFeed.as_view()`, never an instance: an instance in a
    URL pattern serves every request of the process at once. The reader
    travels as the feed object (`get_object` → `items`), never as an
    attribute, so even a shared instance holds nothing of one request.
    """

    feed_type = Atom1Feed
    title = gettext_lazy("Lägesrapporter – FoU Nordväst")

    @classmethod
    def as_view(cls):
        """A view function that builds a fresh feed for every request."""

        def view(request, *args, **kwargs):
            return cls()(request, *args, **kwargs)

        view.feed_class = cls
        return view

    def __call__(self, request, *args, **kwargs):
        if not policies.is_active_user(request.user):
            return redirect(f"{reverse('login')}?next={request.path}")
        if not policies.can_enter_area(request.user):
            raise PermissionDenied
        audit_record(
            request,
            AuditEvent.Action.EXPORT,
            object_type=ProgressEntry._meta.label,
            object_id="feed",
        )
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("samordning:entries")

    def get_object(self, request, *args, **kwargs):
        return request.user

    def items(self, user):
        return _visible_entries(user)[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.text[:500]

    def item_pubdate(self, item):
        return item.release_at
