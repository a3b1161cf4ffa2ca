"""Reads for the dashboard, comparison, exports and the PDF report.

Everything a reader sees beyond their own municipality goes through the
suppression in `municipalities.suppression`: counts 1-4 read "färre än 5" and
no total gives a hidden value back. Staff see exact counts.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from municipalities import policies
from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    Municipality,
    ProgressEntry,
    SharingLevel,
)
from municipalities.suppression import CellState, suppress

INDICATOR_LABELS = {
    name: IndicatorReport._meta.get_field(name).verbose_name
    for name in IndicatorReport.INDICATORS
}
SMALL_LABEL = _("färre än 5")
HIDDEN_LABEL = "–"

# From widest to narrowest; a report is labelled with its narrowest content.
LEVEL_ORDER = ["open", "mandate", "group", "own"]
LEVEL_LABELS = {
    "open": _("Öppen"),
    "mandate": _("Uppdraget"),
    "group": _("Arbetsgruppen"),
    "own": _("Egen kommun"),
}


def cell_text(cell):
    if cell.state is CellState.SMALL:
        return str(SMALL_LABEL)
    if cell.state is CellState.HIDDEN:
        return HIDDEN_LABEL
    return str(cell.value)


def indicator_table(user, municipalities, reports):
    """Sum the reports per municipality and suppress for this reader.

    Returns (rows, totals, grand_total, table): rows are (municipality,
    [text per indicator], row total text).
    """
    municipalities = list(municipalities)
    values = {}
    for report in reports:
        for name in IndicatorReport.INDICATORS:
            key = (report.municipality_id, name)
            values[key] = values.get(key, 0) + getattr(report, name)
    known = {user.municipality_id} if user.municipality_id else set()
    table = suppress(
        values,
        row_keys=[m.pk for m in municipalities],
        column_keys=IndicatorReport.INDICATORS,
        known_rows=known,
        exact=policies.sees_exact_counts(user),
    )
    rows = [
        (
            municipality,
            [
                cell_text(table.cell(municipality.pk, name))
                for name in IndicatorReport.INDICATORS
            ],
        )
        for municipality in municipalities
    ]
    totals = [
        cell_text(table.column_totals[name]) for name in IndicatorReport.INDICATORS
    ]
    return rows, totals, table


def reports_between(start, end, municipalities, user):
    return IndicatorReport.objects.visible_to(user).filter(
        municipality__in=municipalities,
        period_start__gte=start,
        period_start__lte=end,
    )


def reveals_exact_small_counts(user, table):
    """True when the reader sees a 1-4 count in clear (own row, or staff)."""
    return any(0 < cell.value < 5 and cell.shown for cell in table.cells.values())


def narrowest_level(levels):
    present = [level for level in LEVEL_ORDER if level in set(levels)]
    return present[-1] if present else "open"


def report_content(user, *, start, end, focus_area=None, municipalities=None):
    """Everything the PDF report and the comparison view show, for `user`."""
    municipalities = list(municipalities or Municipality.objects.participating())
    entries = (
        ProgressEntry.objects.visible_to(user)
        .filter(period_end__gte=start, period_start__lte=end)
        .filter(municipality__in=municipalities)
        .select_related("municipality", "group", "focus_area", "author")
        .order_by("municipality__name", "period_start")
    )
    statuses = (
        FocusAreaStatus.objects.visible_to(user)
        .filter(municipality__in=municipalities)
        .select_related("municipality", "focus_area")
        .order_by("municipality__name", "focus_area__order")
    )
    if focus_area is not None:
        entries = entries.filter(focus_area=focus_area)
        statuses = statuses.filter(focus_area=focus_area)
    entries = list(entries)
    statuses = list(statuses)
    rows, totals, table = indicator_table(
        user, municipalities, reports_between(start, end, municipalities, user)
    )
    levels = [entry.sharing_level for entry in entries]
    levels += [status.sharing_level for status in statuses]
    if reveals_exact_small_counts(user, table):
        levels.append(SharingLevel.OWN)
    grouped = {}
    for entry in entries:
        grouped.setdefault(entry.unit, []).append(entry)
    return {
        "municipalities": municipalities,
        "entries_by_unit": list(grouped.items()),
        "entry_count": len(entries),
        "statuses": statuses,
        "indicator_rows": rows,
        "indicator_totals": totals,
        "indicator_labels": list(INDICATOR_LABELS.values()),
        "level": narrowest_level(levels),
        "level_label": LEVEL_LABELS[narrowest_level(levels)],
    }


def default_period(today):
    """The last twelve whole months."""
    first_this_month = today.replace(day=1)
    end = first_this_month - datetime.timedelta(days=1)
    start = first_this_month.replace(year=first_this_month.year - 1)
    return start, end
