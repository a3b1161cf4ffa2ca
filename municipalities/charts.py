"""Pictures of progress, drawn on the server as SVG.

Two kinds, both computed here as plain geometry and drawn by templates (so
every name and label goes through Django's escaping) inside the page: no
JavaScript, no third party, no style attribute (the CSP forbids inline
styles; colours come from classes in portal.css).

- `stage_charts`: each focus area's stages, one bar per row (a
  municipality, or on a municipality's page a focus area), longer the
  further the work has come. The table beside it holds the same facts and
  is its text alternative; the callers pass exactly the statuses the table
  shows (`FocusAreaStatus.objects.public()` on public pages, `visible_to`
  inside), so the picture can show no more.
- `indicator_multiples`: one small chart per municipality of one indicator
  over the months, drawn from the suppressed tables of
  `municipalities.coordination.reporting.indicator_tables`. A count shown as
  "färre än 5" or hidden ("–") is drawn as the same marker whatever its
  value, never as a bar: its height would give the number away.
"""

import itertools
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from municipalities.coordination.reporting import cell_text
from municipalities.coordination.suppression import CellState
from municipalities.models import Stage

STAGES = list(Stage)

# Stage chart geometry, in the SVG's own units (it scales to its box).
LABEL_WIDTH = 180
BAR_X = LABEL_WIDTH + 8
STEP = 44  # bar length per stage
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8
STAGE_CHART_WIDTH = 530


@dataclass(frozen=True)
class StageRow:
    label: str
    stage_label: str
    reported: bool
    y: int
    text_y: int
    bar_width: int
    stage_x: int


@dataclass(frozen=True)
class StageChart:
    """One focus area's (or one municipality's) stages as bars."""

    id: str
    title: str
    desc: str
    rows: list[StageRow]
    width: int
    height: int
    grid: list[int] = field(default_factory=list)  # x of each stage's end
    bar_x: int = BAR_X
    bar_height: int = BAR_HEIGHT
    label_x: int = LABEL_WIDTH


def stage_chart(chart_id, title, rows):
    """A StageChart of `rows`: (label, status or None) pairs, in order."""
    drawn = []
    counts = {}
    for n, (label, status) in enumerate(rows):
        y = TOP + n * ROW_HEIGHT
        if status is None:
            stage_label, width = _("Inte redovisat"), 0
        else:
            stage_label = status.get_stage_display()
            width = (STAGES.index(status.stage) + 1) * STEP
        counts[stage_label] = counts.get(stage_label, 0) + 1
        drawn.append(
            StageRow(
                label=str(label),
                stage_label=str(stage_label),
                reported=status is not None,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                bar_width=width,
                stage_x=BAR_X + width + 6,
            )
        )
    order = [str(stage.label) for stage in STAGES] + [_("Inte redovisat")]
    summary = "; ".join(
        f"{label}: {counts[label]}" for label in order if label in counts
    )
    desc = _(
        "Stapeldiagram: ju längre stapel, desto längre har arbetet kommit, "
        "i fem skeden. Antal per skede: %(summary)s. Tabellen intill visar "
        "samma uppgifter."
    ) % {"summary": summary}
    return StageChart(
        id=chart_id,
        title=title,
        desc=desc,
        rows=drawn,
        width=STAGE_CHART_WIDTH,
        height=TOP * 2 + len(drawn) * ROW_HEIGHT,
        grid=[BAR_X + (n + 1) * STEP for n in range(len(STAGES))],
    )


def stage_charts(municipalities, focus_areas, statuses, *, prefix="stages"):
    """One chart per focus area: every municipality's stage in it.

    `statuses` are the ones the page's table shows, nothing more.
    """
    by_key = {(s.municipality_id, s.focus_area_id): s for s in statuses}
    return [
        stage_chart(
            f"{prefix}-{area.slug}",
            _("Skede per kommun: %(area)s") % {"area": area.title},
            [(m.name, by_key.get((m.pk, area.pk))) for m in municipalities],
        )
        for area in focus_areas
    ]


# Small multiples geometry.
PANEL_WIDTH = 220
PANEL_HEIGHT = 124
NAME_Y = 14
PLOT_LEFT = 28
PLOT_TOP = 24
PLOT_BOTTOM = 100  # the baseline
MONTHS_Y = 117
MARKER_SIZE = 6


@dataclass(frozen=True)
class MonthMark:
    """One month in one panel: a bar (shown count), a marker (suppressed)
    or nothing (no table for that month)."""

    label: str  # the month and the text the tables show, for the tooltip
    x: int
    width: int
    bar_y: int = 0
    bar_height: int = 0
    kind: str = "bar"  # "bar", "small", "hidden"

    @property
    def centre(self):
        return self.x + self.width // 2

    @property
    def marker_y(self):
        return PLOT_BOTTOM - MARKER_SIZE


@dataclass(frozen=True)
class Panel:
    id: str
    name: str
    title: str
    desc: str
    marks: list[MonthMark]


@dataclass(frozen=True)
class Multiples:
    indicator: str
    label: str
    panels: list[Panel]
    rows: list  # (municipality, [text per month]): the table beside

    month_labels: list[str]
    scale_max: int
    width: int = PANEL_WIDTH
    height: int = PANEL_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PANEL_WIDTH - 4
    plot_top: int = PLOT_TOP
    baseline: int = PLOT_BOTTOM
    name_y: int = NAME_Y
    months_y: int = MONTHS_Y
    first_month: str = ""
    last_month: str = ""
    marker: int = MARKER_SIZE


def _nice_max(value):
    """A round top for the shared scale: 5, 10, 25, 50, 100, 250, …"""
    top, steps = 5, itertools.cycle((2, 2.5, 2))
    while top < value:
        top = int(top * next(steps))
    return top


def indicator_multiples(tables, indicator, label):
    """Small multiples of `indicator` from monthly IndicatorTables (oldest
    first): one panel per municipality, one mark per month.

    Only shown cells become bars; the shared scale is taken from shown
    cells only, so a suppressed count cannot even stretch the axis.
    """
    if not tables:
        return None
    municipalities = [m for m, _cells in tables[0].rows]
    shown = [
        table.cells.cell(m.pk, indicator)
        for table in tables
        for m in municipalities
        if table.cells.cell(m.pk, indicator).shown
    ]
    scale_max = _nice_max(max((cell.value for cell in shown), default=0))
    plot_width = PANEL_WIDTH - 4 - PLOT_LEFT
    slot = plot_width / len(tables)
    bar_width = max(2, int(slot * 0.7))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    month_labels = [date_format(table.period.start, "b Y") for table in tables]
    panels, rows = [], []
    for municipality in municipalities:
        marks, texts = [], []
        for n, table in enumerate(tables):
            cell = table.cells.cell(municipality.pk, indicator)
            text = cell_text(cell)
            texts.append(text)
            x = round(PLOT_LEFT + n * slot + (slot - bar_width) / 2)
            tooltip = f"{month_labels[n]}: {text}"
            if cell.state is CellState.SHOWN:
                height = round(cell.value / scale_max * plot_height)
                marks.append(
                    MonthMark(
                        tooltip, x, bar_width, PLOT_BOTTOM - height, height, "bar"
                    )
                )
            else:
                kind = "small" if cell.state is CellState.SMALL else "hidden"
                marks.append(MonthMark(tooltip, x, bar_width, kind=kind))
        rows.append((municipality, texts))
        desc = "; ".join(
            f"{month}: {text}" for month, text in zip(month_labels, texts, strict=True)
        )
        panels.append(
            Panel(
                id=f"indicator-{indicator}-{municipality.pk}",
                name=municipality.name,
                title=f"{municipality.name}: {label}",
                desc=_("Per månad: %(values)s.") % {"values": desc},
                marks=marks,
            )
        )
    return Multiples(
        indicator=indicator,
        label=label,
        panels=panels,
        rows=rows,
        month_labels=month_labels,
        scale_max=scale_max,
        first_month=month_labels[0],
        last_month=month_labels[-1],
    )
