"""Each municipality's stage per focus area, with its history."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.coordination import policies, services
from municipalities.coordination.forms import (
    StatusForm,
)
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import area_access
from municipalities.models import (
    FocusAreaStatus,
    Municipality,
)
from portal.audit import AuditOrigin, audit_record
from portal.models import AuditEvent
from programme.models import FocusArea


@area_access
def status_list(request):
    user = request.user
    if not policies.can_view_statuses(user):
        raise PermissionDenied
    if policies.is_coordinator(user):
        municipalities = Municipality.objects.participating()
    else:
        municipalities = Municipality.objects.filter(pk=user.municipality_id)
    focus_areas = list(FocusArea.objects.all())
    statuses = {
        (s.municipality_id, s.focus_area_id): s
        for s in FocusAreaStatus.objects.visible_to(user).filter(
            municipality__in=municipalities
        )
    }
    audit_record(
        request, AuditEvent.Action.VIEW, object_type=FocusAreaStatus._meta.label
    )
    rows = [
        (m, [(area, statuses.get((m.pk, area.pk))) for area in focus_areas])
        for m in municipalities
    ]
    return render(
        request,
        "samordning/status_list.html",
        {"rows": rows, "breadcrumbs": breadcrumbs(_("Läge per fokusområde"))},
    )


@area_access
def status_edit(request, municipality, focus_area):
    municipality = get_object_or_404(Municipality, slug=municipality)
    area = get_object_or_404(FocusArea, slug=focus_area)
    if not policies.can_set_status(request.user, municipality):
        raise PermissionDenied
    status = FocusAreaStatus.objects.visible_to(request.user).filter(
        municipality=municipality, focus_area=area
    ).first() or FocusAreaStatus(municipality=municipality, focus_area=area)
    if request.method != "POST" and status.pk:
        audit_record(request, AuditEvent.Action.VIEW, status)
    form = StatusForm(request.POST or None, instance=status, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.status_set(
            actor=request.user,
            municipality=municipality,
            focus_area=area,
            stage=form.cleaned_data["stage"],
            comment=form.cleaned_data["comment"],
            sharing_level=form.cleaned_data["sharing_level"],
            origin=AuditOrigin.of(request),
        )
        return redirect("samordning:status-list")
    history = status.history.select_related("history_user")[:20] if status.pk else []
    return render(
        request,
        "samordning/status_form.html",
        {
            "form": form,
            "municipality": municipality,
            "area": area,
            "history": history,
            "breadcrumbs": breadcrumbs(
                (_("Läge per fokusområde"), reverse("samordning:status-list")),
                f"{municipality.name}: {area.title}",
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
