"""Small-number suppression for aggregate indicator tables.

A table publishes one count per row (municipality) and column (indicator),
and one total per column. There are no row totals: they would add up
different indicators.

Counts from 1 to 4 read "färre än 5" to anyone outside the municipality they
belong to (staff see everything). Hiding those cells is not enough: the
reader also sees the column totals and knows that a "färre än 5" is 1-4,
that a "–" is 0 or at least 5 (a 1-4 would read "färre än 5"), that counts
are whole and never negative, that some columns never exceed others
(`at_most`), and their own municipality's row. From that they can solve the
table: two "färre än 5" that a total says add up to 2 are both 1.

So `suppress` hides cells and totals until that reader, given everything the
table shows, can still fit each of 1, 2, 3 and 4 into every "färre än 5",
and at least two different numbers into every "–". `_Reader` plays that
reader: it searches whole numbers, with bounds propagation, for a table that
fits everything shown and has a given value in a given cell. Hiding more
only ever widens what the reader has to consider, so a cell once safe stays
safe, and with every total hidden every "färre än 5" is safe: the loop in
`suppress` ends.
"""

from dataclasses import dataclass, field
from enum import Enum

THRESHOLD = 5
SMALL_VALUES = range(1, THRESHOLD)
# Stands in for "no upper bound" on a hidden cell that no shown total limits.
_UNBOUNDED = 10**12
# Search nodes per question. Past it the answer counts as "no such table",
# which can only make `suppress` hide more, never less.
_SEARCH_BUDGET = 5_000


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
    """A table of counts with a total per column, ready to display."""

    row_keys: list
    column_keys: list
    cells: dict = field(default_factory=dict)  # (row, column) -> Cell
    column_totals: dict = field(default_factory=dict)  # column -> Cell

    def cell(self, row, column) -> Cell:
        return self.cells[(row, column)]


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress(values, *, row_keys, column_keys, known_rows=(), exact=False, at_most=()):
    """Suppress a table of counts for one reader.

    `values` maps (row, column) to a non-negative int. `known_rows` are rows
    the reader sees exactly (their own municipality). With `exact` (staff)
    nothing is hidden. `at_most` lists (column, other column) pairs where
    every row's count in the first is at most its count in the second, as
    every reader knows (interventions never outnumber cases).
    """
    table = _Table(values, list(row_keys), list(column_keys), set(known_rows))
    if not exact:
        table.orderings = table.pairs(at_most)
        table.small = {
            i
            for i, value in enumerate(table.numbers)
            if is_small(value) and i not in table.known
        }
        for target in sorted(table.small):
            table.protect(target)
    return table.suppressed()


class _Table:
    """One table being suppressed: cells by position, column by column."""

    def __init__(self, values, row_keys, column_keys, known_rows):
        self.row_keys, self.column_keys = row_keys, column_keys
        self.width = width = len(column_keys)
        self.numbers = [
            int(values.get((r, c), 0)) for r in row_keys for c in column_keys
        ]
        self.columns = [tuple(range(m, len(self.numbers), width)) for m in range(width)]
        self.known = {
            i for i in range(len(self.numbers)) if row_keys[i // width] in known_rows
        }
        self.orderings = []
        self.small, self.hidden, self.hidden_totals = set(), set(), set()
        # Values each cell is known to be able to take without contradicting
        # what is shown; only ever grows, since hiding more only widens.
        self.seen = {i: {value} for i, value in enumerate(self.numbers)}

    def pairs(self, at_most):
        """(cell, cell) pairs where the first count is at most the second."""
        position = {c: m for m, c in enumerate(self.column_keys)}
        return [
            (n * self.width + position[low], n * self.width + position[high])
            for low, high in at_most
            if low in position and high in position
            for n in range(len(self.row_keys))
        ]

    def reader(self, hide=None):
        """The reader of the table as it stands, or with `hide` hidden too."""
        hidden, hidden_totals = set(self.hidden), set(self.hidden_totals)
        if hide and hide[0] == "cell":
            hidden.add(hide[1])
        elif hide:
            hidden_totals.add(hide[1])
        concealed = self.small | hidden
        return _Reader(
            self.numbers,
            small=self.small,
            hidden=hidden,
            sums=[
                tuple(i for i in members if i in concealed)
                for m, members in enumerate(self.columns)
                if m not in hidden_totals
            ],
            orderings=self.orderings,
        )

    def protect(self, target):
        """Hide more until the reader can fit each of 1-4 into `target`."""
        while not self.reader().safe(target, self.seen):
            columns = self.linked_columns(target % self.width)
            fix, seen = self.cheapest_fix(target, sorted(columns))
            if fix is None:
                if columns <= self.hidden_totals:
                    raise RuntimeError("suppression cannot protect a small count")
                # No one cell or total is enough: hide the totals together.
                self.hidden_totals |= columns
                continue
            self.seen = seen
            kind, index = fix
            (self.hidden if kind == "cell" else self.hidden_totals).add(index)

    def linked_columns(self, column):
        """The column and every column an ordering links it to."""
        columns = {column}
        grew = True
        while grew:
            linked = {
                j % self.width
                for pair in self.orderings
                if any(i % self.width in columns for i in pair)
                for j in pair
            }
            grew = not linked <= columns
            columns |= linked
        return columns

    def cheapest_fix(self, target, columns):
        """The first cell or total whose hiding makes `target` safe, or None.

        Returned with the values seen possible once it is hidden.

        Cells of the target's columns (and of a column ordered with it) come
        first, smallest count first, so as little as possible is hidden. A
        cell must itself keep two possible values once hidden, or hiding it
        would protect nothing. Then the columns' totals.
        """
        cells = sorted(
            (i for m in columns for i in self.columns[m]),
            key=lambda i: (self.numbers[i], i),
        )
        candidates = [
            ("cell", i) for i in cells if i not in self.small | self.hidden | self.known
        ]
        candidates += [("total", m) for m in columns if m not in self.hidden_totals]
        for candidate in candidates:
            seen = {i: set(values) for i, values in self.seen.items()}
            reader = self.reader(hide=candidate)
            if reader.safe(target, seen) and (
                candidate[0] == "total" or reader.safe(candidate[1], seen)
            ):
                return candidate, seen
        return None, None

    def suppressed(self):
        def state(i):
            if i in self.small:
                return CellState.SMALL
            return CellState.HIDDEN if i in self.hidden else CellState.SHOWN

        width = self.width
        return SuppressedTable(
            row_keys=self.row_keys,
            column_keys=self.column_keys,
            cells={
                (self.row_keys[i // width], self.column_keys[i % width]): Cell(
                    value, state(i)
                )
                for i, value in enumerate(self.numbers)
            },
            column_totals={
                column: Cell(
                    sum(self.numbers[i] for i in self.columns[m]),
                    CellState.HIDDEN if m in self.hidden_totals else CellState.SHOWN,
                )
                for m, column in enumerate(self.column_keys)
            },
        )


class _OutOfBudget(Exception):
    pass


class _Reader:
    """What a reader can work out about the concealed cells of one table.

    The unknowns are the concealed cells: a "färre än 5" lies in 1-4, a "–"
    is 0 or 5 and up. The constraints are the shown totals (the concealed
    cells of a column add up to its total less its shown cells) and the
    orderings between columns. `safe` says whether a cell keeps enough
    possible values; `solution` finds a table that fits, with one cell held
    to a range.
    """

    def __init__(self, numbers, *, small, hidden, sums, orderings):
        self.numbers = numbers
        self.gapped = set(hidden)
        unknowns = small | self.gapped
        self.lo = {i: 1 if i in small else 0 for i in unknowns}
        self.hi = {i: THRESHOLD - 1 if i in small else _UNBOUNDED for i in unknowns}
        # A shown total less the shown cells of its column is what the
        # column's concealed cells add up to.
        self.constraints = [
            ("sum", members, sum(numbers[i] for i in members))
            for members in sums
            if members
        ]
        for low, high in orderings:
            if low in unknowns and high in unknowns:
                self.constraints.append(("order", (low, high), 0))
            elif low in unknowns:
                self.hi[low] = min(self.hi[low], numbers[high])
            elif high in unknowns:
                self.lo[high] = max(self.lo[high], numbers[low])
        self.constraints_of = {i: [] for i in unknowns}
        for k, (_kind, members, _total) in enumerate(self.constraints):
            for i in members:
                self.constraints_of[i].append(k)
        for i in unknowns:
            self.lo[i], self.hi[i] = self._fit(i, self.lo[i], self.hi[i])
        self._linked = {}
        self.nodes = 0

    def safe(self, i, seen):
        """Whether cell `i` keeps enough possible values.

        `seen` maps each cell to values already known to fit; every table
        found here adds to it.
        """
        if i in self.gapped:
            if len(seen[i]) > 1:
                return True
            value = self.numbers[i]
            return any(
                self._witness(i, low, high, seen)
                for low, high in ((0, value - 1), (value + 1, _UNBOUNDED))
            )
        return all(
            value in seen[i] or self._witness(i, value, value, seen)
            for value in SMALL_VALUES
        )

    def _witness(self, i, low, high, seen):
        solution = self.solution(i, low, high)
        if solution is None:
            return False
        for j, value in solution.items():
            seen[j].add(value)
        return True

    def solution(self, i, low, high):
        """Values for the cells linked to `i`, with `i` in low..high, or None."""
        order, constraint_ids = self._linked_to(i)
        lo = {j: self.lo[j] for j in order}
        hi = {j: self.hi[j] for j in order}
        lo[i], hi[i] = self._fit(i, max(lo[i], low), min(hi[i], high))
        if lo[i] > hi[i]:
            return None
        self.nodes = 0
        try:
            return self._search(lo, hi, list(constraint_ids), order)
        except _OutOfBudget:
            return None

    def _search(self, lo, hi, pending, order):
        self.nodes += 1
        if self.nodes > _SEARCH_BUDGET:
            raise _OutOfBudget
        if not self._propagate(lo, hi, pending):
            return None
        j = next((j for j in order if lo[j] < hi[j]), None)
        if j is None:
            return dict(lo)
        # The true value first: the true table fits, so the search seldom
        # has to go far from it.
        preferred = min(max(self.numbers[j], lo[j]), hi[j])
        if j in self.gapped and is_small(preferred):
            preferred = 0 if lo[j] == 0 else THRESHOLD
        for low, high in (
            (preferred, preferred),
            (lo[j], preferred - 1),
            (preferred + 1, hi[j]),
        ):
            low, high = self._fit(j, low, high)
            if low > high:
                continue
            branch_lo, branch_hi = dict(lo), dict(hi)
            branch_lo[j], branch_hi[j] = low, high
            found = self._search(
                branch_lo, branch_hi, list(self.constraints_of[j]), order
            )
            if found is not None:
                return found
        return None

    def _propagate(self, lo, hi, pending):
        """Narrow every bound the constraints imply; False if none can hold."""
        queued = set(pending)
        while pending:
            k = pending.pop()
            queued.discard(k)
            kind, members, total = self.constraints[k]
            if kind == "sum":
                changed = self._narrow_sum(lo, hi, members, total)
            else:
                changed = self._narrow_order(lo, hi, *members)
            if changed is None:
                return False
            for j in changed:
                for other in self.constraints_of[j]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
        return True

    def _narrow_sum(self, lo, hi, members, total):
        low_sum = sum(lo[j] for j in members)
        high_sum = sum(hi[j] for j in members)
        if low_sum > total or high_sum < total:
            return None
        changed = []
        for j in members:
            low = max(lo[j], total - (high_sum - hi[j]))
            high = min(hi[j], total - (low_sum - lo[j]))
            if (low, high) != (lo[j], hi[j]):
                low, high = self._fit(j, low, high)
                if low > high:
                    return None
                lo[j], hi[j] = low, high
                changed.append(j)
        return changed

    def _narrow_order(self, lo, hi, low_cell, high_cell):
        changed = []
        for j, low, high in (
            (low_cell, lo[low_cell], min(hi[low_cell], hi[high_cell])),
            (high_cell, max(lo[high_cell], lo[low_cell]), hi[high_cell]),
        ):
            if (low, high) != (lo[j], hi[j]):
                low, high = self._fit(j, low, high)
                if low > high:
                    return None
                lo[j], hi[j] = low, high
                changed.append(j)
        return changed

    def _fit(self, j, low, high):
        """Bounds of cell `j` moved off 1-4 when `j` is a "–"."""
        if j in self.gapped:
            if is_small(low):
                low = THRESHOLD
            if is_small(high):
                high = 0
        return low, high

    def _linked_to(self, i):
        """The cells linked to `i`, nearest first, and their constraints.

        Cells nothing links to `i` can keep their true values whatever `i`
        is, so a search for `i` leaves them out. Deciding the nearest cells
        first makes a dead end show before the search has branched on cells
        far away.
        """
        if i not in self._linked:
            order, placed, constraint_ids = [i], {i}, set()
            for j in order:
                for k in self.constraints_of[j]:
                    constraint_ids.add(k)
                    for other in self.constraints[k][1]:
                        if other not in placed:
                            placed.add(other)
                            order.append(other)
            self._linked[i] = (order, sorted(constraint_ids))
        return self._linked[i]
