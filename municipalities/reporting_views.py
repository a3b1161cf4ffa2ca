"""Status, indicators, exports, the PDF report and the comparison view."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities import policies, reporting, services
from municipalities.coordination_views import area_access
from municipalities.forms import (
    IndicatorForm,
    IndicatorPeriodForm,
    ReportForm,
    StatusForm,
)
from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    Municipality,
    ProgressEntry,
)
from portal.audit import audit_record
from portal.csvexport import csv_response
from portal.models import AuditEvent
from portal.pdf import render_pdf
from programme.models import FocusArea


def _crumbs(*items):
    return [(_("Samordning"), reverse("samordning:dashboard")), *items]


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
        {"rows": rows, "breadcrumbs": _crumbs((_("Läge per fokusområde"), ""))},
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
        with transaction.atomic():
            status = form.save(commit=False)
            status.updated_by = request.user
            status.save()
        audit_record(request, AuditEvent.Action.UPDATE, status)
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
            "breadcrumbs": _crumbs(
                (_("Läge per fokusområde"), reverse("samordning:status-list")),
                (f"{municipality.name}: {area.title}", ""),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _indicator_period(request, periods):
    """(form, period): the fixed period asked for, else the newest one.

    A malformed or unknown period gives the form an error and no period.
    """
    newest = periods[0] if periods else None
    form = IndicatorPeriodForm(
        # Other parameters (such as the dates this view once took) ask for
        # nothing: the form shows the newest period as chosen.
        request.GET if "period" in request.GET else None,
        periods=periods,
        initial={"period": newest.token if newest else ""},
    )
    if not form.is_bound:
        return form, newest
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data["period"] or newest


@area_access
def indicator_list(request):
    user = request.user
    if not policies.can_view_indicators(user):
        raise PermissionDenied
    periods = reporting.reported_periods(user)
    form, period = _indicator_period(request, periods)
    table = reporting.indicator_tables(user, [period])[0] if period else None
    if period:
        audit_record(
            request,
            AuditEvent.Action.VIEW,
            object_type=IndicatorReport._meta.label,
            object_id=period.token,
        )
    return render(
        request,
        "samordning/indicator_list.html",
        {
            "form": form,
            "periods": periods,
            "period": period,
            "table": table,
            "labels": list(reporting.INDICATOR_LABELS.values()),
            "can_report": policies.can_report_indicators(user),
            "breadcrumbs": _crumbs((_("Indikatorer"), "")),
        },
        status=400 if form.errors else 200,
    )


@area_access
def indicator_form(request):
    user = request.user
    if not policies.can_report_indicators(user):
        raise PermissionDenied
    choices = (
        Municipality.objects.participating() if policies.is_coordinator(user) else None
    )
    form = IndicatorForm(request.POST or None, user=user, municipality_choices=choices)
    if request.method == "POST" and form.is_valid():
        municipality = form.cleaned_data.get("municipality") or user.municipality
        if not policies.can_report_indicators(user, municipality):
            raise PermissionDenied
        values = {name: form.cleaned_data[name] for name in IndicatorReport.INDICATORS}
        try:
            report = services.indicator_report_save(
                actor=user,
                municipality=municipality,
                period_kind=form.cleaned_data["period_kind"],
                period_start=form.cleaned_data["period_start"],
                values=values,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit_record(request, AuditEvent.Action.UPDATE, report)
            period = reporting.Period.of(report)
            return redirect(
                reverse("samordning:indicators") + f"?period={period.token}"
            )
    return render(
        request,
        "samordning/indicator_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Indikatorer"), reverse("samordning:indicators")),
                (_("Rapportera"), ""),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _report_period(request):
    today = timezone.localdate()
    start, end = reporting.default_period(today)
    form = ReportForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return (
            form,
            data["start"],
            data["end"],
            data["focus_area"],
            list(data["municipalities"]),
        )
    return form, start, end, None, None


@area_access
def comparison(request):
    if not policies.can_compare(request.user):
        raise PermissionDenied
    periods = reporting.reported_periods(request.user)
    form, period = _indicator_period(request, periods)
    municipalities = list(Municipality.objects.participating())
    focus_areas = list(FocusArea.objects.all())
    visible = {
        (s.municipality_id, s.focus_area_id): s
        for s in FocusAreaStatus.objects.visible_to(request.user)
    }
    stage_rows = [
        (m, [visible.get((m.pk, area.pk)) for area in focus_areas])
        for m in municipalities
    ]
    table = reporting.indicator_tables(request.user, [period])[0] if period else None
    audit_record(
        request,
        AuditEvent.Action.VIEW,
        object_type="municipalities.Comparison",
        object_id=period.token if period else "",
    )
    return render(
        request,
        "samordning/comparison.html",
        {
            "form": form,
            "period": period,
            "focus_areas": focus_areas,
            "stage_rows": stage_rows,
            "table": table,
            "labels": list(reporting.INDICATOR_LABELS.values()),
            "breadcrumbs": _crumbs((_("Jämförelse mellan kommunerna"), "")),
        },
        status=400 if form.errors else 200,
    )


@area_access
def report(request):
    if not policies.can_make_report(request.user):
        raise PermissionDenied
    form, start, end, area, municipalities = _report_period(request)
    if not (form.is_bound and form.is_valid()):
        return render(
            request,
            "samordning/report_form.html",
            {"form": form, "breadcrumbs": _crumbs((_("Lägesrapport som PDF"), ""))},
            status=400 if form.is_bound else 200,
        )
    from programme.models import Mandate

    content = reporting.report_content(
        request.user,
        start=start,
        end=end,
        focus_area=area,
        municipalities=municipalities or None,
    )
    mandate = Mandate.objects.prefetch_related("milestones").first()
    generated_at = timezone.localtime()
    html = render_to_string(
        "samordning/report_pdf.html",
        {
            **content,
            "mandate": mandate,
            "start": start,
            "end": end,
            "area": area,
            "generated_by": request.user,
            "generated_at": generated_at,
            "today": generated_at.date(),
        },
    )
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type="municipalities.Report",
        object_id=f"{start}/{end}",
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="lagesrapport-{start}-{end}.pdf"'
    )
    return response


@area_access
def export_entries_csv(request):
    if not policies.can_export(request.user):
        raise PermissionDenied
    entries = ProgressEntry.objects.visible_to(request.user).select_related(
        "group", "municipality", "organisation", "focus_area", "author"
    )
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=ProgressEntry._meta.label,
        object_id="csv",
    )
    return csv_response(
        "lagesrapporter.csv",
        [
            _("Rubrik"),
            _("Kommun eller organisation"),
            _("Arbetsgrupp"),
            _("Fokusområde"),
            _("Period från"),
            _("Period till"),
            _("Delas med"),
            _("Synlig från"),
            _("Text"),
        ],
        (
            [
                entry.title,
                str(entry.unit),
                entry.group.name,
                entry.focus_area.title,
                entry.period_start.isoformat(),
                entry.period_end.isoformat(),
                entry.get_sharing_level_display(),
                timezone.localtime(entry.release_at).strftime("%Y-%m-%d %H:%M"),
                entry.text,
            ]
            for entry in entries
        ),
    )


@area_access
def export_statuses_csv(request):
    if not policies.can_export(request.user):
        raise PermissionDenied
    statuses = FocusAreaStatus.objects.visible_to(request.user).select_related(
        "municipality", "focus_area"
    )
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=FocusAreaStatus._meta.label,
        object_id="csv",
    )
    return csv_response(
        "lage.csv",
        [_("Kommun"), _("Fokusområde"), _("Skede"), _("Kommentar"), _("Uppdaterad")],
        (
            [
                s.municipality.name,
                s.focus_area.title,
                s.get_stage_display(),
                s.comment,
                timezone.localtime(s.updated_at).strftime("%Y-%m-%d"),
            ]
            for s in statuses
        ),
    )


@area_access
def export_indicators_csv(request):
    if not policies.can_export(request.user):
        raise PermissionDenied
    rows = []
    tables = reporting.indicator_tables(request.user)
    # Oldest first, a month before a quarter; each period its own table, as
    # published on the pages.
    for table in sorted(tables, key=lambda t: (t.period.start, t.period.kind)):
        period = [table.period.start.isoformat(), table.period.kind_label]
        rows += [[*period, m.name, *cells] for m, cells in table.rows]
        rows.append([*period, _("Totalt"), *table.totals])
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=IndicatorReport._meta.label,
        object_id="csv",
    )
    return csv_response(
        "indikatorer.csv",
        [
            _("Period"),
            _("Periodtyp"),
            _("Kommun"),
            *map(str, reporting.INDICATOR_LABELS.values()),
        ],
        rows,
    )
