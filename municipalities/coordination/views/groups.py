"""A working group's page, its meetings, decisions and actions, and its
calendar."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

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
from portal.audit import AuditOrigin, audit_record
from portal.ical import CalendarEvent, ics_response
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


def _group_item_save(request, group, item):
    """Hand the form's validated instance to its service."""
    actor, origin = request.user, AuditOrigin.of(request)
    if isinstance(item, Meeting):
        services.meeting_save(actor=actor, group=group, meeting=item, origin=origin)
    elif isinstance(item, Decision):
        services.decision_save(actor=actor, group=group, decision=item, origin=origin)
    else:
        services.action_save(actor=actor, group=group, action=item, origin=origin)


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
        _group_item_save(request, group, form.instance)
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
        services.item_delete(
            actor=request.user, item=meeting, origin=AuditOrigin.of(request)
        )
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
    services.calendar_link_replace(
        actor=request.user, group=group, origin=AuditOrigin.of(request)
    )
    return redirect("samordning:group", slug=group.slug)


@require_safe
def group_ics(request, slug, token):
    """The group's meetings for a calendar app; the token stands in for login.
    It only reads: anything but GET and HEAD answers 405."""
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
    meetings = Meeting.objects.visible_to(user).filter(group=group)[:200]
    return ics_response(
        group.name,
        [
            CalendarEvent(
                uid=f"meeting-{meeting.pk}",
                summary=_("Möte: %(group)s") % {"group": group.name},
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                stamp=meeting.updated_at,
                location=meeting.place,
                url=meeting.video_link,
            )
            for meeting in meetings
        ],
        private=True,
    )
