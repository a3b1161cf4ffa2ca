"""The coordination area's start page."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from municipalities import charts
from municipalities.coordination import policies, reporting, rhythm
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import (
    area_access,
    visible_entries,
)
from municipalities.models import (
    Action,
    FocusAreaStatus,
    Meeting,
    Municipality,
    WorkingGroup,
)
from portal.audit import audit_record
from portal.models import AuditEvent


@area_access
def dashboard(request):
    from programme.models import FocusArea, Mandate, Milestone

    user = request.user
    today = timezone.localdate()
    groups = WorkingGroup.objects.visible_to(user)
    mandate = Mandate.objects.first()
    milestones = (
        Milestone.objects.filter(mandate=mandate).with_state(today) if mandate else []
    )
    open_actions = (
        Action.objects.visible_to(user)
        .exclude(status=Action.Status.DONE)
        .with_overdue(today)
        .select_related("group", "owner")
        .order_by("due_date")[:20]
    )
    focus_areas = list(FocusArea.objects.all())
    municipalities = list(Municipality.objects.participating())
    # Every stage this reader may see, drawn and tabled for all municipalities.
    statuses = list(FocusAreaStatus.objects.visible_to(user))
    by_key = {(s.municipality_id, s.focus_area_id): s for s in statuses}
    stage_rows = [
        (m, [by_key.get((m.pk, area.pk)) for area in focus_areas])
        for m in municipalities
    ]
    # Reporting for the last due period: staff see every unit that is
    # behind, everyone else their own unit's reports in their groups.
    schedules = rhythm.schedules(groups)
    dues = rhythm.for_reader(user, rhythm.statuses(schedules, today))
    if policies.sees_all_reporting(user):
        due_reports = [due for due in dues if due.outstanding]
    else:
        due_reports = [due for due in dues if due.is_own(user)]
    my_statuses = []
    if user.municipality_id:
        existing = {
            s.focus_area_id: s
            for s in statuses
            if s.municipality_id == user.municipality_id
        }
        # Only a stage that was set can be out of date; one never reported
        # reads "Inte redovisat" and nothing more.
        as_of = reporting.status_as_of(today, mandate)
        my_statuses = [
            {
                "area": area,
                "status": existing.get(area.pk),
                "stale": area.pk in existing
                and existing[area.pk].is_stale(as_of, settings.STATUS_STALE_DAYS),
            }
            for area in focus_areas
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
            "entries": visible_entries(user)[:10],
            "upcoming_meetings": Meeting.objects.visible_to(user)
            .filter(starts_at__gte=timezone.now())
            .select_related("group")
            .order_by("starts_at")[:5],
            "open_actions": open_actions,
            "reporting": due_reports,
            "has_schedules": bool(schedules),
            "sees_all_reporting": policies.sees_all_reporting(user),
            "my_statuses": my_statuses,
            "focus_areas": focus_areas,
            "stage_rows": stage_rows,
            "stage_charts": charts.stage_charts(
                municipalities, focus_areas, statuses, prefix="dashboard-stages"
            ),
            "stale_days": settings.STATUS_STALE_DAYS,
            "today": today,
            "can_create_entry": policies.can_create_entry(user),
            "breadcrumbs": breadcrumbs(),
        },
    )
