"""A working group's page, its meetings, decisions and actions, and its
calendar."""

import icalendar
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from municipalities.coordination import policies, services
from municipalities.coordination.forms import (
    ActionForm,
    DecisionForm,
    MeetingForm,
)
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import (
    area_access,
    group_for,
    group_item,
    visible_entries,
)
from municipalities.models import (
    Action,
    CalendarToken,
    Decision,
    Meeting,
    Membership,
)
from portal.audit import audit_record
from portal.models import AuditEvent


@area_access
def group_detail(request, slug):
    group = group_for(request, slug)
    user = request.user
    memberships = (
        Membership.objects.active()
        .visible_to(user)
        .filter(group=group)
        .select_related("user", "municipality", "organisation")
    )
    entries = visible_entries(user).filter(group=group)[:20]
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
            "breadcrumbs": breadcrumbs(group.name),
        },
    )


def _group_item_form(request, slug, form_class, instance=None, *, manage=False):
    group = group_for(request, slug)
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
            "breadcrumbs": breadcrumbs(
                (group.name, reverse("samordning:group", args=[slug])),
                form_class.Meta.model._meta.verbose_name.capitalize(),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def meeting_form(request, slug, pk=None):
    instance = group_item(request, Meeting, slug, pk) if pk else None
    return _group_item_form(request, slug, MeetingForm, instance, manage=True)


@area_access
def decision_form(request, slug, pk=None):
    instance = group_item(request, Decision, slug, pk) if pk else None
    return _group_item_form(request, slug, DecisionForm, instance)


@area_access
def action_form(request, slug, pk=None):
    instance = group_item(request, Action, slug, pk) if pk else None
    return _group_item_form(request, slug, ActionForm, instance)


@area_access
def meeting_delete(request, slug, pk):
    group = group_for(request, slug)
    meeting = group_item(request, Meeting, slug, pk)
    if not policies.can_manage_meetings(request.user, group):
        raise PermissionDenied
    if request.method == "POST":
        services.group_item_delete(request=request, item=meeting)
        return redirect("samordning:group", slug=group.slug)
    return render(
        request,
        "samordning/confirm_delete.html",
        {
            "object": meeting,
            "cancel_url": reverse("samordning:group", args=[slug]),
            "breadcrumbs": breadcrumbs(
                (group.name, reverse("samordning:group", args=[slug])), _("Ta bort")
            ),
        },
    )


@area_access
@require_POST
def calendar_link(request, slug):
    """Create or replace the member's secret calendar link (replacing revokes)."""
    group = group_for(request, slug)
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
