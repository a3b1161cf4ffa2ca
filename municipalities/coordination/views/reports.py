"""The PDF report and the CSV exports."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.coordination import policies, reporting
from municipalities.coordination.forms import ReportForm
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import area_access
from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    ProgressEntry,
)
from portal.audit import audit_record
from portal.csvexport import csv_stream_response
from portal.models import AuditEvent
from portal.pdf import PdfRefused, render_pdf


def _report_period(request):
    from programme.models import Mandate

    today = timezone.localdate()
    start, end = reporting.default_period(today, Mandate.objects.first())
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
def report(request):
    if not policies.can_make_report(request.user):
        raise PermissionDenied
    form, start, end, area, municipalities = _report_period(request)
    if not (form.is_bound and form.is_valid()):
        return render(
            request,
            "samordning/report_form.html",
            {"form": form, "breadcrumbs": breadcrumbs(_("Lägesrapport som PDF"))},
            status=400 if form.is_bound else 200,
        )
    from programme.models import Mandate, Milestone

    content = reporting.report_content(
        request.user,
        start=start,
        end=end,
        focus_area=area,
        municipalities=municipalities or None,
    )
    mandate = Mandate.objects.first()
    generated_at = timezone.localtime()
    milestones = (
        Milestone.objects.filter(mandate=mandate).with_state(generated_at.date())
        if mandate
        else []
    )
    html = render_to_string(
        "samordning/report_pdf.html",
        {
            **content,
            "mandate": mandate,
            "milestones": milestones,
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
    try:
        pdf = render_pdf(html)
    except PdfRefused as refused:
        # The same form, filled in as sent, with the reason and what to narrow.
        return render(
            request,
            "samordning/report_form.html",
            {
                "form": form,
                "pdf_refused": refused,
                "breadcrumbs": breadcrumbs(_("Lägesrapport som PDF")),
            },
            status=refused.status,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="lagesrapport-{start}-{end}.pdf"'
    )
    return response


@area_access
def export_entries_csv(request):
    if not policies.can_export(request.user):
        raise PermissionDenied
    # Read in chunks while the answer is sent: constant memory for any
    # number of entries (the CSV is written the same way).
    entries = (
        ProgressEntry.objects.visible_to(request.user)
        .select_related("group", "municipality", "organisation", "focus_area")
        .iterator(chunk_size=500)
    )
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=ProgressEntry._meta.label,
        object_id="csv",
    )
    return csv_stream_response(
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
    return csv_stream_response(
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
    audit_record(
        request,
        AuditEvent.Action.EXPORT,
        object_type=IndicatorReport._meta.label,
        object_id="csv",
    )
    return csv_stream_response(
        "indikatorer.csv",
        [
            _("Period"),
            _("Periodtyp"),
            _("Kommun"),
            *map(str, reporting.INDICATOR_LABELS.values()),
        ],
        _indicator_rows(request.user),
    )


def _indicator_rows(user):
    """Oldest first, a month before a quarter; each period its own table, as
    published on the pages, made one period at a time."""
    total = _("Totalt")
    for table in reporting.each_indicator_table(user):
        period = [table.period.start.isoformat(), table.period.kind_label]
        for municipality, cells in table.rows:
            yield [*period, municipality.name, *cells]
        yield [*period, total, *table.totals]
