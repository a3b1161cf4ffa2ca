"""Small-number suppression for aggregate indicator tables.

Counts from 1 to 4 are shown as "färre än 5" to anyone outside the
municipality they belong to (staff see everything). Hiding the cell is not
enough when a total is shown: total minus the visible cells would give the
hidden value back. So every line of the table (a row with its row total, a
column with its column total, and the totals with the grand total) must hide
either none or at least two of its unknown members. Where a line hides only
one, a second member is hidden too (secondary suppression): the smallest
other cell the reader does not already know, or failing that the total.

The reader's own cells are known to them, so they are never used as the
second cell: hiding something the reader knows protects nothing.
"""

from dataclasses import dataclass, field
from enum import Enum

THRESHOLD = 5


class CellState(Enum):
    SHOWN = "shown"
    SMALL = "small"  # 1-4: reads "färre än 5"
    HIDDEN = "hidden"  # secondary suppression: reads "–" (dold)


@dataclass(frozen=True)
class Cell:
    value: int
    state: CellState

    @property
    def shown(self) -> bool:
        return self.state is CellState.SHOWN


@dataclass
class SuppressedTable:
    """A table of counts with row, column and grand totals, ready to display."""

    row_keys: list
    column_keys: list
    cells: dict = field(default_factory=dict)  # (row, column) -> Cell
    row_totals: dict = field(default_factory=dict)  # row -> Cell
    column_totals: dict = field(default_factory=dict)  # column -> Cell
    grand_total: Cell | None = None

    def cell(self, row, column) -> Cell:
        return self.cells[(row, column)]


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress(values, *, row_keys, column_keys, known_rows=(), exact=False):
    """Suppress a table of counts for one reader.

    `values` maps (row, column) to a non-negative int. `known_rows` are rows
    the reader may see exactly (their own municipality). With `exact` (staff)
    nothing is hidden.
    """
    row_keys = list(row_keys)
    column_keys = list(column_keys)
    known_rows = set(known_rows)
    value_of = {
        ("cell", r, c): int(values.get((r, c), 0))
        for r in row_keys
        for c in column_keys
    }
    for r in row_keys:
        value_of[("row", r)] = sum(value_of[("cell", r, c)] for c in column_keys)
    for c in column_keys:
        value_of[("col", c)] = sum(value_of[("cell", r, c)] for r in row_keys)
    value_of[("grand",)] = sum(value_of[("row", r)] for r in row_keys)

    def known(key):
        if exact:
            return True
        return key[0] in ("cell", "row") and key[1] in known_rows

    small = set()
    if not exact:
        small = {
            key
            for key, value in value_of.items()
            if key[0] == "cell" and not known(key) and is_small(value)
        }
    hidden = set()

    # Each line: (members that add up, the total they add up to).
    lines = [([("cell", r, c) for c in column_keys], ("row", r)) for r in row_keys]
    lines += [([("cell", r, c) for r in row_keys], ("col", c)) for c in column_keys]
    lines.append(([("row", r) for r in row_keys], ("grand",)))
    lines.append(([("col", c) for c in column_keys], ("grand",)))

    def concealed(key):
        return key in small or key in hidden

    changed = not exact
    while changed:
        changed = False
        for members, total in lines:
            unknown = [*members, total]
            count = sum(1 for key in unknown if concealed(key))
            if count != 1:
                continue
            candidates = [
                key for key in members if not concealed(key) and not known(key)
            ]
            if candidates:
                choice = min(candidates, key=lambda key: (value_of[key], key))
            elif not concealed(total):
                choice = total
            else:
                # Only the total is concealed and every member is known to
                # the reader: they can add it up themselves, nothing to hide.
                continue
            hidden.add(choice)
            changed = True

    def make(key):
        if key in small:
            state = CellState.SMALL
        elif key in hidden:
            state = CellState.HIDDEN
        else:
            state = CellState.SHOWN
        return Cell(value_of[key], state)

    return SuppressedTable(
        row_keys=row_keys,
        column_keys=column_keys,
        cells={(r, c): make(("cell", r, c)) for r in row_keys for c in column_keys},
        row_totals={r: make(("row", r)) for r in row_keys},
        column_totals={c: make(("col", c)) for c in column_keys},
        grand_total=make(("grand",)),
    )
