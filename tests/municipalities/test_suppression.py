"""Small-number suppression, tested against a reader who solves the table.

`Adversary` is written apart from `municipalities.coordination.suppression`
on purpose: it reads only what a suppressed table shows (shown cells, shown
totals, which cells read "färre än 5" and which "–") plus what the reader
knows anyway,
and searches exhaustively, with simple forward checking, for whole numbers
that fit. If it can pin a hidden cell, or rule out one of 1-4 for a
"färre än 5", the suppression failed.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from municipalities.coordination.suppression import (
    SMALL_VALUES,
    THRESHOLD,
    Cell,
    CellState,
    SuppressedTable,
    suppress,
)

ROWS = ["A", "B", "C"]


class Adversary:
    """The reader of one suppressed table, and what they can work out.

    They know: every shown number; that a "färre än 5" is 1-4; that a "–" is
    a whole number, 0 or at least 5 (with `hidden_may_be_small` only "at
    least 0", the weaker reader of the review); every shown column total as
    an equation; and, per row, that column `low` is at most column `high` for
    each pair in `at_most`. Their own row is among the shown numbers.
    """

    def __init__(self, table, *, at_most=(), hidden_may_be_small=False):
        self.truth = {key: cell.value for key, cell in table.cells.items()}
        self.unknowns = [key for key, cell in table.cells.items() if not cell.shown]
        self.small = {
            key for key, cell in table.cells.items() if cell.state is CellState.SMALL
        }
        shown = {key: cell.value for key, cell in table.cells.items() if cell.shown}
        # Each shown column total: the hidden cells of the column, and what
        # they add up to.
        self.lines = []
        for c, total in table.column_totals.items():
            members = [(r, c) for r in table.row_keys if (r, c) not in shown]
            if total.shown and members:
                rest = total.value - sum(shown.get((r, c), 0) for r in table.row_keys)
                self.lines.append((members, rest))
        self.orders = []  # (low cell, high cell), either may be a shown number
        for low, high in at_most:
            for r in table.row_keys:
                self.orders.append(((r, low), (r, high)))
        self.shown = shown
        # A cell no shown total bounds can be anything; 100 is above any count
        # the tests draw.
        free_cap = 100
        self.domains = {}
        for key in self.unknowns:
            if key in self.small:
                self.domains[key] = list(range(1, THRESHOLD))
                continue
            # Bounded by the smallest shown total that contains the cell,
            # less one for every other "färre än 5" in it.
            cap = min(
                (
                    rest - sum(1 for other in members if other in self.small)
                    for members, rest in self.lines
                    if key in members
                ),
                default=free_cap,
            )
            floor = 0 if hidden_may_be_small else THRESHOLD
            self.domains[key] = [0, *range(max(floor, 1), cap + 1)]

    def possible(self, key, values):
        """Whether some whole-number table that fits has `key` in `values`."""
        return self.solution(key, values) is not None

    def solution(self, key, values):
        """A whole-number table that fits with `key` in `values`, or None."""
        # Only the cells linked to `key` through shown totals or orderings,
        # nearest first, so a dead end shows soon; the rest can keep any
        # values that fit, such as the true ones.
        order = [key]
        for cell in order:
            for group in [members for members, _rest in self.lines] + self.orders:
                if cell in group:
                    order += [o for o in group if o in self.domains and o not in order]
        domains = dict(self.domains)
        domains[key] = [v for v in domains[key] if v in values]
        assigned = {}
        return assigned if self._extend(order, assigned, domains) else None

    def _extend(self, order, assigned, domains):
        if len(assigned) == len(order):
            return True
        key = order[len(assigned)]
        choices = domains[key]
        for members, rest in self.lines:
            if key in members and all(
                other in assigned for other in members if other != key
            ):
                forced = rest - sum(assigned[o] for o in members if o != key)
                choices = [forced] if forced in choices else []
        # Trying the true value first only makes a found table come sooner;
        # "no table fits" still takes the whole search.
        truth = self.truth[key]
        for value in sorted(choices, key=lambda v: (abs(v - truth), v)):
            assigned[key] = value
            if self._fits(key, assigned, domains) and self._extend(
                order, assigned, domains
            ):
                return True
            del assigned[key]
        return False

    def _fits(self, key, assigned, domains):
        for members, rest in self.lines:
            if key not in members:
                continue
            done = sum(assigned[o] for o in members if o in assigned)
            low = sum(min(domains[o]) for o in members if o not in assigned)
            high = sum(max(domains[o]) for o in members if o not in assigned)
            if not done + low <= rest <= done + high:
                return False
        for low_key, high_key in self.orders:
            if key not in (low_key, high_key):
                continue
            low = assigned.get(low_key, self.shown.get(low_key))
            high = assigned.get(high_key, self.shown.get(high_key))
            if low is not None and high is not None and low > high:
                return False
        return True

    def exposed(self):
        """Hidden cells the reader can pin, or narrow below 1-4.

        The true table always fits, so a "–" is pinned exactly when no table
        fits with another value in it.
        """
        seen = {key: {self.truth[key]} for key in self.unknowns}

        def fits_with(key, values):
            if seen[key] & values:
                return True
            solution = self.solution(key, values)
            for other, value in (solution or {}).items():
                seen[other].add(value)
            return solution is not None

        found = []
        for key in self.unknowns:
            if key in self.small:
                if not all(fits_with(key, {v}) for v in range(1, THRESHOLD)):
                    found.append(key)
            elif not fits_with(key, set(self.domains[key]) - {self.truth[key]}):
                found.append(key)
        return found


def assert_nothing_exposed(table, at_most=()):
    for weaker in (False, True):
        reader = Adversary(table, at_most=at_most, hidden_may_be_small=weaker)
        assert reader.exposed() == []


def column_table(states, total_shown=True):
    """A one-column table by hand: [(row, value, state)]."""
    cells = {(row, "x"): Cell(value, state) for row, value, state in states}
    total = sum(value for _row, value, _state in states)
    return SuppressedTable(
        row_keys=[row for row, _value, _state in states],
        column_keys=["x"],
        cells=cells,
        column_totals={
            "x": Cell(total, CellState.SHOWN if total_shown else CellState.HIDDEN)
        },
    )


def test_adversary_solves_what_the_old_suppression_published():
    # Both attacks of the review, as the old suppression showed them.
    pinned_by_total = column_table(
        [
            ("A", 1, CellState.SMALL),
            ("B", 1, CellState.SMALL),
            ("C", 20, CellState.SHOWN),
            ("D", 30, CellState.SHOWN),
        ]
    )
    known_zero = column_table(
        [
            ("A", 3, CellState.SMALL),
            ("B", 0, CellState.HIDDEN),
            ("C", 12, CellState.SHOWN),
        ]
    )

    assert Adversary(pinned_by_total).exposed() == [("A", "x"), ("B", "x")]
    assert Adversary(known_zero).exposed() == [("A", "x"), ("B", "x")]
    weaker = Adversary(known_zero, hidden_may_be_small=True)
    assert weaker.exposed() == [("A", "x")]
    assert not weaker.possible(("A", "x"), {4})


def test_small_counts_read_as_small_for_others():
    values = {("A", "opened"): 3, ("B", "opened"): 12, ("C", "opened"): 0}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"])

    assert table.cell("A", "opened").state is CellState.SMALL
    assert table.cell("B", "opened").state is not CellState.SMALL
    assert table.cell("C", "opened").state is not CellState.SMALL
    assert_nothing_exposed(table)


def test_two_small_cells_summing_to_two_are_not_pinned_by_the_total():
    values = {("A", "x"): 1, ("B", "x"): 1, ("C", "x"): 20, ("D", "x"): 30}

    table = suppress(values, row_keys=["A", "B", "C", "D"], column_keys=["x"])

    assert table.cell("A", "x").state is CellState.SMALL
    assert table.cell("B", "x").state is CellState.SMALL
    # Something more is hidden, so the total no longer says "2 together".
    assert not (table.column_totals["x"].shown and table.cell("C", "x").shown)
    reader = Adversary(table)
    for value in SMALL_VALUES:
        assert reader.possible(("A", "x"), {value})
        assert reader.possible(("B", "x"), {value})


def test_two_small_cells_summing_to_five_protect_each_other():
    values = {("A", "x"): 2, ("B", "x"): 3, ("C", "x"): 20}

    table = suppress(values, row_keys=ROWS, column_keys=["x"])

    assert table.column_totals["x"].shown
    assert table.cell("C", "x").shown
    assert_nothing_exposed(table)


def test_secondary_cell_is_never_a_known_zero():
    # Total minus the rest gives A's 3. Hiding B's 0 as well would protect
    # nothing: a "–" is 0 or at least 5, and at most 2 is left for it.
    values = {("A", "x"): 3, ("B", "x"): 0, ("C", "x"): 12, ("D", "x"): 40}

    table = suppress(values, row_keys=["A", "B", "C", "D"], column_keys=["x"])

    assert table.cell("B", "x").shown
    assert table.cell("A", "x").state is CellState.SMALL
    assert_nothing_exposed(table)


def test_secondary_cell_is_never_a_zero_another_column_gives_away():
    # Interventions are at most cases opened: with B's cases shown as 0, a
    # hidden intervention count for B would be known to be 0.
    values = {
        ("A", "opened"): 6,
        ("A", "insats"): 2,
        ("B", "opened"): 0,
        ("B", "insats"): 0,
        ("C", "opened"): 9,
        ("C", "insats"): 9,
    }
    at_most = [("insats", "opened")]

    table = suppress(
        values, row_keys=ROWS, column_keys=["opened", "insats"], at_most=at_most
    )

    assert table.cell("B", "insats").shown
    assert table.cell("A", "insats").state is CellState.SMALL
    assert_nothing_exposed(table, at_most)


def test_reader_own_row_is_exact_and_never_hidden():
    values = {("A", "opened"): 2, ("B", "opened"): 3, ("C", "opened"): 20}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"], known_rows={"A"})

    assert table.cell("A", "opened").shown
    assert table.cell("A", "opened").value == 2
    assert table.cell("B", "opened").state is CellState.SMALL
    assert_nothing_exposed(table)


def test_staff_see_everything_exact():
    values = {("A", "opened"): 1, ("B", "opened"): 2}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"], exact=True)

    assert all(cell.shown for cell in table.cells.values())
    assert table.column_totals["opened"].shown


def test_single_row_table_hides_the_total():
    table = suppress({("A", "opened"): 4}, row_keys=["A"], column_keys=["opened"])

    assert table.cell("A", "opened").state is CellState.SMALL
    assert not table.column_totals["opened"].shown


def test_full_eight_by_five_table_with_an_ordering_exposes_nothing():
    """The portal's real table size. (Its speed is for the benchmark, not a
    timed test.)"""
    rows = [f"m{n}" for n in range(8)]
    columns = [f"i{n}" for n in range(5)]
    values = {
        (r, c): (n * 7 + m * 3) % 9
        for n, r in enumerate(rows)
        for m, c in enumerate(columns)
    }
    at_most = [("i1", "i2")]
    for r in rows:
        values[(r, "i1")], values[(r, "i2")] = sorted(
            (values[(r, "i1")], values[(r, "i2")])
        )

    table = suppress(
        values, row_keys=rows, column_keys=columns, known_rows={"m0"}, at_most=at_most
    )

    assert any(cell.state is not CellState.SHOWN for cell in table.cells.values())
    assert_nothing_exposed(table, at_most)


@st.composite
def tables(draw):
    """Up to 8 rows and 5 columns, most counts 0-6, sometimes an ordering."""
    rows = [f"r{n}" for n in range(draw(st.integers(1, 8)))]
    columns = [f"c{n}" for n in range(draw(st.integers(1, 5)))]
    count = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 25))
    values = {(r, c): draw(count) for r in rows for c in columns}
    at_most = []
    if len(columns) > 1 and draw(st.booleans()):
        low, high = columns[0], columns[1]
        at_most.append((low, high))
        for r in rows:
            values[(r, low)], values[(r, high)] = sorted(
                (values[(r, low)], values[(r, high)])
            )
    known = draw(st.one_of(st.none(), st.sampled_from(rows)))
    return {
        "values": values,
        "row_keys": rows,
        "column_keys": columns,
        "known_rows": set() if known is None else {known},
        "at_most": at_most,
    }


@settings(max_examples=500, deadline=None)
@given(tables())
def test_reader_who_solves_the_table_learns_no_small_count(spec):
    table = suppress(**spec)

    for (r, c), cell in table.cells.items():
        assert cell.value == spec["values"][(r, c)]
        if r in spec["known_rows"]:
            assert cell.shown
        else:
            assert (cell.state is CellState.SMALL) == (0 < cell.value < THRESHOLD)
    assert_nothing_exposed(table, spec["at_most"])
