"""Reads for the dashboard, comparison, exports and the PDF report.

Everything a reader sees beyond their own municipality goes through the
suppression in `municipalities.coordination.suppression`: counts 1-4 read
"färre än 5" and no total gives a hidden value back. Staff see exact counts.

Indicators are published per fixed period only, a month or a quarter, and
`indicator_tables` is the one function every page, export and report takes
them from: a reader gets the same figures for a period wherever they look,
and no two published tables differ by a sub-period they could subtract.
"""

import calendar
import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from municipalities.coordination import policies
from municipalities.coordination.suppression import CellState, SuppressedTable, suppress
from municipalities.models import (
    FocusAreaStatus,
    IndicatorReport,
    Municipality,
    ProgressEntry,
    SharingLevel,
)

INDICATOR_LABELS = {
    name: IndicatorReport._meta.get_field(name).verbose_name
    for name in IndicatorReport.INDICATORS
}
SMALL_LABEL = _("färre än 5")
HIDDEN_LABEL = "–"
# A case that led to an intervention is a case opened, so every reader knows
# a municipality's interventions never outnumber its cases.
INDICATOR_ORDERINGS = [("cases_with_intervention", "cases_opened")]

# From widest to narrowest; a report is labelled with its narrowest content.


def cell_text(cell):
    if cell.state is CellState.SMALL:
        return str(SMALL_LABEL)
    if cell.state is CellState.HIDDEN:
        return HIDDEN_LABEL
    return str(cell.value)


@dataclass(frozen=True)
class Period:
    """A fixed reporting period: one month or one quarter."""

    kind: str  # an IndicatorReport.PeriodKind
    start: datetime.date

    def __post_init__(self):
        # A PeriodKind member hashes unlike its string: keep the string, so
        # that periods from the database and from code compare as keys.
        object.__setattr__(self, "kind", str(self.kind))

    @classmethod
    def of(cls, report):
        return cls(report.period_kind, report.period_start)

    @property
    def is_quarter(self):
        return self.kind == IndicatorReport.PeriodKind.QUARTER

    @property
    def kind_label(self):
        return IndicatorReport.PeriodKind(self.kind).label

    @property
    def end(self):
        last_month = min(self.start.month + (2 if self.is_quarter else 0), 12)
        last_day = calendar.monthrange(self.start.year, last_month)[1]
        return self.start.replace(month=last_month, day=last_day)

    @property
    def token(self):
        """How the period reads in an address: 2022-10, or 2022-K4."""
        if self.is_quarter:
            return f"{self.start.year}-K{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self):
        if self.is_quarter:
            return _("kvartal %(number)s %(year)s") % {
                "number": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return date_format(self.start, "F Y")


def _newest_first(periods):
    return sorted(periods, key=lambda p: (-p.start.toordinal(), p.kind))


@dataclass(frozen=True)
class IndicatorTable:
    """One period's indicators as one reader may see them."""

    period: Period
    rows: list  # (municipality, [text per indicator])
    totals: list  # text per indicator
    cells: SuppressedTable


def reported_periods(user, *, within=None):
    """Every period reported for, newest first, a month before a quarter.

    With `within` (start, end): only the periods wholly inside it.
    """
    reports = IndicatorReport.objects.visible_to(user).filter(
        municipality__in=Municipality.objects.participating()
    )
    if within:
        reports = reports.filter(period_start__range=within)
    found = reports.order_by().values_list("period_kind", "period_start").distinct()
    periods = [Period(kind, start) for kind, start in found]
    if within:
        periods = [period for period in periods if period.end <= within[1]]
    return _newest_first(periods)


def _visible_reports(user, municipalities):
    return IndicatorReport.objects.visible_to(user).filter(
        municipality__in=municipalities
    )


def indicator_tables(user, periods=None, *, outsider=False):
    """The published indicator table of each period, for `user`.

    The one source of indicator figures for pages, CSV and PDF (the CSV
    reads the same tables one at a time, `each_indicator_table`). Each table
    holds every participating municipality and exactly one period's
    reports: a caller cannot narrow it into a table that differs from
    another by a municipality or a sub-period. `periods` None means every
    reported period, newest first. Two queries however many periods.
    `outsider` suppresses as for a reader outside every municipality,
    whoever `user` is (the archive package,
    `policies.archive_shows_exact_counts`).
    """
    municipalities = list(Municipality.objects.participating())
    reports = _visible_reports(user, municipalities)
    if periods is not None:
        periods = list(periods)
        reports = reports.filter(period_start__in={p.start for p in periods})
    by_period = {}
    for report in reports:
        by_period.setdefault(Period.of(report), []).append(report)
    if periods is None:
        periods = _newest_first(by_period)
    return [
        indicator_table(
            user,
            period,
            municipalities,
            by_period.get(period, []),
            outsider=outsider,
        )
        for period in periods
    ]


def each_indicator_table(user):
    """Every reported period's table, oldest first and a month before a
    quarter, made one at a time from one ordered read of the reports: the
    same tables as `indicator_tables(user)`, in two queries and the memory
    of one period however many periods there are (the CSV export)."""
    municipalities = list(Municipality.objects.participating())
    reports = (
        _visible_reports(user, municipalities)
        .order_by("period_start", "period_kind", "municipality_id")
        .iterator(chunk_size=2000)
    )
    for period, period_reports in groupby(reports, key=Period.of):
        yield indicator_table(user, period, municipalities, period_reports)


def indicator_table(user, period, municipalities, reports, *, outsider=False):
    """Suppress one period's reports for this reader.

    `reports` are `period`'s own reports, at most one per municipality, so
    nothing is ever added up; a report for another period raises
    ValueError. Returns an IndicatorTable: per municipality a text per
    indicator, a total text per indicator, and the suppressed cells.
    """
    municipalities = list(municipalities)
    values = {}
    for report in reports:
        if Period.of(report) != period:
            raise ValueError(f"{report} is not a report for {period.token}")
        for name in IndicatorReport.INDICATORS:
            values[(report.municipality_id, name)] = getattr(report, name)
    table = suppress(
        values,
        row_keys=[m.pk for m in municipalities],
        column_keys=IndicatorReport.INDICATORS,
        known_rows={user.municipality_id}
        if user.municipality_id and not outsider
        else set(),
        exact=policies.sees_exact_counts(user) and not outsider,
        at_most=INDICATOR_ORDERINGS,
    )
    return IndicatorTable(
        period=period,
        rows=[
            (
                municipality,
                [
                    cell_text(table.cell(municipality.pk, name))
                    for name in IndicatorReport.INDICATORS
                ],
            )
            for municipality in municipalities
        ],
        totals=[
            cell_text(table.column_totals[name]) for name in IndicatorReport.INDICATORS
        ],
        cells=table,
    )


def reveals_exact_small_counts(tables):
    """True when a 1-4 count shows in clear (the reader's own row, or staff)."""
    return any(
        0 < cell.value < 5 and cell.shown
        for table in tables
        for cell in table.cells.cells.values()
    )


def narrowest_level(levels):
    present = [level for level in SharingLevel if level in set(levels)]
    return present[-1] if present else "open"


# The newest entries the PDF report gives in full; the rest of the period's
# entries are counted in its summary. A year of a busy programme holds
# thousands of entries: every one verbatim would be thousands of pages.
REPORT_ENTRY_LIMIT = 50


def report_content(
    user, *, start, end, focus_area=None, municipalities=None, outsider=False
):
    """Everything the PDF report shows, for `user`.

    Entries and statuses follow the chosen municipalities and focus area.
    Indicators do not: they are the published tables of the whole months and
    quarters within start-end, the same tables the pages show.

    The entries are summarised (counts per month, per group and focus area,
    per municipality, from the database's GROUP BY), and only the newest
    `REPORT_ENTRY_LIMIT` are given in full, so the report's length and the
    queries behind it do not grow with the number of entries. The counts are
    of the same entries, read through the same door, as the full ones would
    be; the label of the narrowest level covers every entry counted.
    """
    municipalities = list(municipalities or Municipality.objects.participating())
    entries = (
        ProgressEntry.objects.visible_to(user)
        .filter(period_end__gte=start, period_start__lte=end)
        .filter(municipality__in=municipalities)
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
    summary = _entry_summary(entries)
    newest = list(
        entries.select_related("municipality", "group", "focus_area").order_by(
            "-period_end", "-created_at", "-pk"
        )[:REPORT_ENTRY_LIMIT]
    )
    statuses = list(statuses)
    tables = indicator_tables(
        user, reported_periods(user, within=(start, end)), outsider=outsider
    )
    levels = list(entries.order_by().values_list("sharing_level", flat=True).distinct())
    levels += [status.sharing_level for status in statuses]
    if reveals_exact_small_counts(tables):
        levels.append(SharingLevel.OWN)
    grouped = {}
    for entry in sorted(newest, key=lambda e: (e.unit.name, e.period_start, e.pk)):
        grouped.setdefault(entry.unit, []).append(entry)
    return {
        "municipalities": municipalities,
        "entries_by_unit": list(grouped.items()),
        "entry_count": summary["total"],
        "entries_shown": len(newest),
        "entry_summary": summary,
        "statuses": statuses,
        "indicator_tables": tables,
        "indicator_labels": list(INDICATOR_LABELS.values()),
        "level": narrowest_level(levels),
        "level_label": SharingLevel(narrowest_level(levels)).short_label,
    }


def _entry_summary(entries):
    """Counts of `entries`: in all, per month (of the period's end), per
    group and focus area, and per municipality. Three queries."""
    plain = entries.order_by()
    by_month = list(
        plain.annotate(month=TruncMonth("period_end"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    by_group = list(
        plain.values("group__name", "focus_area__title")
        .annotate(count=Count("pk"))
        .order_by("group__name", "focus_area__title")
    )
    by_municipality = list(
        plain.values("municipality__name")
        .annotate(count=Count("pk"))
        .order_by("municipality__name")
    )
    return {
        "total": sum(row["count"] for row in by_municipality),
        "by_month": by_month,
        "by_group": by_group,
        "by_municipality": by_municipality,
    }


def default_period(today, mandate=None):
    """The period the internal area shows unless asked for another: the
    mandate's own months (up to today while it runs); without a mandate, or
    before it starts, the last twelve whole months."""
    if mandate is not None and today >= mandate.start_date:
        return mandate.start_date, min(today, mandate.end_date)
    first_this_month = today.replace(day=1)
    end = first_this_month - datetime.timedelta(days=1)
    start = first_this_month.replace(year=first_this_month.year - 1)
    return start, end


def default_indicator_period(periods, mandate=None):
    """The reported period the indicator pages open on: the newest one that
    ends inside the mandate, else the newest of all (`periods` newest
    first)."""
    if mandate is not None:
        inside = [
            period
            for period in periods
            if mandate.start_date <= period.start and period.end <= mandate.end_date
        ]
        if inside:
            return inside[0]
    return periods[0] if periods else None


def status_as_of(today, mandate=None):
    """The day a status's age is judged at: today, or the mandate's last day
    once it has ended (nobody updates a stage after the mandate)."""
    if mandate is not None and today > mandate.end_date:
        return mandate.end_date
    return today


def mandate_months(mandate, today):
    """The first day of every month of the mandate up to today's month."""
    first = mandate.start_date.replace(day=1)
    last = min(today, mandate.end_date).replace(day=1)
    months = []
    while first <= last:
        months.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return months
