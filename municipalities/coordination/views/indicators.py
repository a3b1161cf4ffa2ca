"""Indicator tables per fixed period, reporting, and the comparison view."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities import charts
from municipalities.coordination import policies, reporting, rhythm, services
from municipalities.coordination.forms import (
    IndicatorForm,
    IndicatorPeriodForm,
)
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import area_access
from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    Municipality,
)
from portal.audit import AuditOrigin, audit_record
from portal.models import AuditEvent
from programme.models import FocusArea, Mandate


def _indicator_period(request, periods, mandate):
    """(form, period): the fixed period asked for, else the newest one inside
    the mandate (`reporting.default_indicator_period`).

    A malformed or unknown period gives the form an error and no period.
    """
    newest = reporting.default_indicator_period(periods, mandate)
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
    mandate = Mandate.objects.first()
    periods = reporting.reported_periods(user)
    form, period = _indicator_period(request, periods, mandate)
    table = reporting.indicator_tables(user, [period])[0] if period else None
    if period:
        audit_record(
            request,
            AuditEvent.Action.VIEW,
            object_type=IndicatorReport._meta.label,
            object_id=period.token,
        )
    multiples = _indicator_series(request, user, periods, mandate)
    return render(
        request,
        "samordning/indicator_list.html",
        {
            "form": form,
            "periods": periods,
            "period": period,
            "table": table,
            "multiples": multiples,
            "indicator_choices": list(reporting.INDICATOR_LABELS.items()),
            "labels": list(reporting.INDICATOR_LABELS.values()),
            "can_report": policies.can_report_indicators(user),
            # After the closing nobody reports; the CSV link stays.
            "area_closed": policies.area_closed() is not None,
            "breadcrumbs": breadcrumbs(_("Indikatorer")),
        },
        status=400 if form.errors else 200,
    )


def _indicator_series(request, user, periods, mandate):
    """One indicator (`?indikator=`, else the first) month by month over the
    mandate, as small multiples drawn from the suppressed monthly tables."""
    name = request.GET.get("indikator", "")
    if name not in reporting.INDICATOR_LABELS:
        name = IndicatorReport.INDICATORS[0]
    months = sorted(
        (
            period
            for period in periods
            if not period.is_quarter
            and (
                mandate is None
                or mandate.start_date <= period.start <= mandate.end_date
            )
        ),
        key=lambda period: period.start,
    )
    if not months:
        return None
    audit_record(
        request,
        AuditEvent.Action.VIEW,
        object_type=IndicatorReport._meta.label,
        object_id=f"{name}:{months[0].token}/{months[-1].token}",
    )
    tables = reporting.indicator_tables(user, months)
    return charts.indicator_multiples(tables, name, reporting.INDICATOR_LABELS[name])


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
                origin=AuditOrigin.of(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            period = reporting.Period.of(report)
            return redirect(
                reverse("samordning:indicators") + f"?period={period.token}"
            )
    return render(
        request,
        "samordning/indicator_form.html",
        {
            "form": form,
            "breadcrumbs": breadcrumbs(
                (_("Indikatorer"), reverse("samordning:indicators")),
                _("Rapportera"),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def comparison(request):
    if not policies.can_compare(request.user):
        raise PermissionDenied
    periods = reporting.reported_periods(request.user)
    form, period = _indicator_period(request, periods, Mandate.objects.first())
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
    # What each municipality has not reported for its groups' last due
    # period, as far as the reader may know it (rhythm.for_reader).
    flagged = rhythm.overdue_by_municipality(request.user, timezone.localdate())
    overdue_rows = [(m, flagged[m.pk]) for m in municipalities if m.pk in flagged]
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
            "overdue_rows": overdue_rows,
            "table": table,
            "labels": list(reporting.INDICATOR_LABELS.values()),
            "breadcrumbs": breadcrumbs(_("Jämförelse mellan kommunerna")),
        },
        status=400 if form.errors else 200,
    )
