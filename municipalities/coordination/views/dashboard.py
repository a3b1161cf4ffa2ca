"""The coordination area's start page."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from municipalities.coordination import policies, rhythm
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import (
    area_access,
    visible_entries,
)
from municipalities.models import (
    Action,
    Meeting,
    WorkingGroup,
)
from portal.audit import audit_record
from portal.models import AuditEvent


@area_access
def dashboard(request):
    from municipalities.models import FocusAreaStatus
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
    # Reporting for the last due period: staff see every unit that is
    # behind, everyone else their own unit's reports in their groups.
    schedules = rhythm.schedules(groups)
    dues = rhythm.for_reader(user, rhythm.statuses(schedules, today))
    if policies.sees_all_reporting(user):
        reporting = [due for due in dues if due.outstanding]
    else:
        reporting = [due for due in dues if due.is_own(user)]
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
            "entries": visible_entries(user)[:10],
            "upcoming_meetings": Meeting.objects.visible_to(user)
            .filter(starts_at__gte=timezone.now())
            .select_related("group")
            .order_by("starts_at")[:5],
            "open_actions": open_actions,
            "reporting": reporting,
            "has_schedules": bool(schedules),
            "sees_all_reporting": policies.sees_all_reporting(user),
            "my_statuses": my_statuses,
            "stale_days": settings.STATUS_STALE_DAYS,
            "today": today,
            "can_create_entry": policies.can_create_entry(user),
            "breadcrumbs": breadcrumbs(),
        },
    )
