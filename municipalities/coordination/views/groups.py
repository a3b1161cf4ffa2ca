"""A working group's page, its meetings, decisions and actions, and its
calendar."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from municipalities.coordination import policies, rhythm, services
from municipalities.coordination.forms import (
    ActionForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    ReportingScheduleForm,
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
    Minutes,
    RecordState,
    ReportingSchedule,
)
from portal.audit import AuditOrigin, audit_record
from portal.ical import CalendarEvent, ics_response
from portal.models import AuditEvent


def _with_minutes(meetings):
    """Each meeting with `minutes_record` (its newest adopted or locked
    version) and `minutes_draft` (the version being written), from one
    prefetch."""
    for meeting in meetings:
        versions = meeting.minutes_versions.all()  # newest first
        meeting.minutes_record = next((m for m in versions if m.is_record), None)
        meeting.minutes_draft = next((m for m in versions if m.is_draft), None)
    return meetings


def _reporting(user, group, today):
    """The group's schedule and what the reader may know of who has reported
    for its last due period (`rhythm`): a fixed number of queries."""
    schedules = rhythm.schedules([group])
    if not schedules:
        return None, []
    dues = rhythm.for_reader(user, rhythm.statuses(schedules, today))
    if not policies.sees_all_reporting(user):
        dues = [due for due in dues if due.is_own(user)]
    return schedules[0], dues


@area_access
def group_detail(request, slug):
    group = group_for(request, slug)
    user = request.user
    today = timezone.localdate()
    memberships = (
        Membership.objects.active()
        .visible_to(user)
        .filter(group=group)
        .select_related("user", "municipality", "organisation")
    )
    entries = visible_entries(user).filter(group=group)[:20]
    token = CalendarToken.objects.filter(user=user, group=group).first()
    meetings = _with_minutes(
        Meeting.objects.visible_to(user)
        .filter(group=group)
        .prefetch_related(
            Prefetch(
                "minutes_versions",
                queryset=Minutes.objects.visible_to(user)
                .select_related("adopted_by")
                .order_by("-version"),
            )
        )[:20]
    )
    schedule, dues = _reporting(user, group, today)
    can_manage_meetings = policies.can_manage_meetings(user, group)
    audit_record(request, AuditEvent.Action.VIEW, group)
    return render(
        request,
        "samordning/group_detail.html",
        {
            "group": group,
            "memberships": memberships,
            "meetings": meetings,
            "decisions": Decision.objects.visible_to(user)
            .filter(group=group)
            .select_related("meeting")[:20],
            "actions": Action.objects.visible_to(user)
            .filter(group=group)
            .with_overdue(today)
            .select_related("owner", "decision")[:50],
            "entries": entries,
            "schedule": schedule,
            "dues": dues,
            "today": today,
            "can_contribute": policies.can_contribute(user, group),
            "can_manage_meetings": can_manage_meetings,
            # The same rule (policies.can_set_reporting_schedule), asked once.
            "can_set_schedule": can_manage_meetings,
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
    if (
        instance is not None
        and policies.can_manage_meetings(request.user, instance.group)
        and not policies.can_edit_meeting(request.user, instance)
    ):
        raise PermissionDenied(policies.MEETING_LOCKED)
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
    if not policies.can_delete_meeting(request.user, meeting):
        raise PermissionDenied(policies.MEETING_HAS_RECORD)
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


# --- minutes: utkast → fastställd → låst, corrections as new versions -----


def _meeting_and_latest(request, slug, pk):
    """The meeting through its door (404 when unseen) and its newest minutes
    version (None before any is written)."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("group"),
        pk=pk,
        group__slug=slug,
    )
    latest = (
        Minutes.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .order_by("-version")
        .first()
    )
    return meeting, latest


def _minutes_crumbs(meeting, last):
    group = meeting.group
    return breadcrumbs(
        (group.name, reverse("samordning:group", args=[group.slug])),
        (
            _("Minnesanteckningar"),
            reverse("samordning:minutes", args=[group.slug, meeting.pk]),
        ),
        last,
    )


@area_access
def minutes_detail(request, slug, pk):
    """Every version of a meeting's minutes, newest first."""
    meeting, _latest = _meeting_and_latest(request, slug, pk)
    user = request.user
    versions = list(
        Minutes.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("adopted_by", "created_by")
        .order_by("-version")
    )
    latest = versions[0] if versions else None
    audit_record(
        request,
        AuditEvent.Action.VIEW,
        object_type=Minutes._meta.label,
        object_id=f"meeting-{meeting.pk}",
    )
    return render(
        request,
        "samordning/minutes_detail.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "versions": versions,
            "can_write": policies.can_write_minutes(user, meeting, latest),
            "can_adopt": latest is not None
            and policies.can_adopt_minutes(user, latest),
            "can_correct": latest is not None
            and policies.can_correct_minutes(user, latest),
            "breadcrumbs": breadcrumbs(
                (
                    meeting.group.name,
                    reverse("samordning:group", args=[meeting.group.slug]),
                ),
                _("Minnesanteckningar"),
            ),
        },
    )


def _minutes_page(request, meeting, form, title):
    return render(
        request,
        "samordning/form.html",
        {
            "form": form,
            "title": title,
            "group": meeting.group,
            "breadcrumbs": _minutes_crumbs(meeting, title),
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def minutes_form(request, slug, pk):
    """Write the first version, or change the draft being written. Adopted
    or locked minutes answer 403 with the reason (a correction instead)."""
    meeting, latest = _meeting_and_latest(request, slug, pk)
    user = request.user
    if latest is not None and not latest.is_draft:
        raise PermissionDenied(policies.record_closed_reason(latest))
    if not policies.can_write_minutes(user, meeting, latest):
        raise PermissionDenied
    form = MinutesForm(
        request.POST or None,
        initial={"text": latest.text} if latest else None,
        user=user,
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        services.minutes_save(
            actor=user,
            meeting=meeting,
            text=form.cleaned_data["text"],
            origin=AuditOrigin.of(request),
        )
        return redirect("samordning:minutes", slug=slug, pk=meeting.pk)
    return _minutes_page(request, meeting, form, _("Skriv minnesanteckningar"))


@area_access
def minutes_correct(request, slug, pk):
    """Correct adopted minutes: a new version, adopted in its turn."""
    meeting, latest = _meeting_and_latest(request, slug, pk)
    user = request.user
    if latest is None or latest.is_draft:
        raise PermissionDenied(
            _("Det finns inga fastställda minnesanteckningar att rätta.")
        )
    if not policies.can_correct_minutes(user, latest):
        locked = latest.state == RecordState.LOCKED
        raise PermissionDenied(policies.record_closed_reason(latest) if locked else "")
    form = MinutesForm(
        request.POST or None, initial={"text": latest.text}, user=user, request=request
    )
    if request.method == "POST" and form.is_valid():
        services.minutes_correct(
            actor=user,
            minutes=latest,
            text=form.cleaned_data["text"],
            origin=AuditOrigin.of(request),
        )
        return redirect("samordning:minutes", slug=slug, pk=meeting.pk)
    return _minutes_page(request, meeting, form, _("Rättelse av minnesanteckningar"))


@area_access
@require_POST
def minutes_adopt(request, slug, pk):
    """Adopt the draft being written (the group's chair or staff)."""
    meeting, latest = _meeting_and_latest(request, slug, pk)
    if latest is None:
        raise PermissionDenied(_("Det finns inga minnesanteckningar att fastställa."))
    if not latest.is_draft:
        raise PermissionDenied(policies.record_closed_reason(latest))
    if not policies.can_adopt_minutes(request.user, latest):
        raise PermissionDenied
    services.record_adopt(
        actor=request.user, record=latest, origin=AuditOrigin.of(request)
    )
    return redirect("samordning:minutes", slug=slug, pk=meeting.pk)


@area_access
def reporting_schedule_form(request, slug):
    """Set the group's reporting rhythm (the chair or staff)."""
    group = group_for(request, slug)
    user = request.user
    if not policies.can_set_reporting_schedule(user, group):
        raise PermissionDenied
    form = ReportingScheduleForm(
        request.POST or None,
        instance=ReportingSchedule.objects.filter(group=group).first(),
        user=user,
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        services.reporting_schedule_save(
            actor=user,
            group=group,
            origin=AuditOrigin.of(request),
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        return redirect("samordning:group", slug=group.slug)
    title = _("Rapporteringsschema")
    return render(
        request,
        "samordning/form.html",
        {
            "form": form,
            "title": title,
            "group": group,
            "breadcrumbs": breadcrumbs(
                (group.name, reverse("samordning:group", args=[slug])), title
            ),
        },
        status=400 if request.method == "POST" else 200,
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
