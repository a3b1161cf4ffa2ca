from hypothesis import given, settings
from hypothesis import strategies as st

from municipalities.suppression import CellState, suppress

ROWS = ["A", "B", "C"]
COLUMNS = ["inquiries", "opened", "insats"]


def lines_of(table):
    """Every line: its members and its total, as Cell objects."""
    lines = []
    for r in table.row_keys:
        members = [table.cell(r, c) for c in table.column_keys]
        lines.append(
            (
                [
                    (("cell", r, c), m)
                    for c, m in zip(table.column_keys, members, strict=True)
                ],
                table.row_totals[r],
            )
        )
    for c in table.column_keys:
        members = [table.cell(r, c) for r in table.row_keys]
        lines.append(
            (
                [
                    (("cell", r, c), m)
                    for r, m in zip(table.row_keys, members, strict=True)
                ],
                table.column_totals[c],
            )
        )
    lines.append(
        ([(("row", r), table.row_totals[r]) for r in table.row_keys], table.grand_total)
    )
    lines.append(
        (
            [(("col", c), table.column_totals[c]) for c in table.column_keys],
            table.grand_total,
        )
    )
    return lines


def test_small_counts_read_as_small_for_others():
    values = {("A", "opened"): 3, ("B", "opened"): 12, ("C", "opened"): 0}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"])

    assert table.cell("A", "opened").state is CellState.SMALL
    assert table.cell("B", "opened").state is not CellState.SMALL
    assert table.cell("C", "opened").state is not CellState.SMALL


def test_total_would_reveal_suppressed_cell_so_second_cell_hidden():
    # Järfälla-like numbers: 12 inquiries, 8 led to an insats; B had 3.
    values = {
        ("A", "opened"): 12,
        ("B", "opened"): 3,
        ("C", "opened"): 9,
    }

    table = suppress(values, row_keys=ROWS, column_keys=["opened"])

    assert table.column_totals["opened"].value == 24
    assert table.column_totals["opened"].shown
    assert table.cell("B", "opened").state is CellState.SMALL
    # 24 - 12 - 9 would give 3: the smallest other cell is hidden as well.
    assert table.cell("C", "opened").state is CellState.HIDDEN
    assert table.cell("A", "opened").shown


def test_reader_own_row_is_exact_and_never_the_second_cell():
    values = {("A", "opened"): 2, ("B", "opened"): 3, ("C", "opened"): 20}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"], known_rows={"A"})

    assert table.cell("A", "opened").shown
    assert table.cell("A", "opened").value == 2
    assert table.cell("B", "opened").state is CellState.SMALL
    # Hiding A would protect nothing from A's own representative: C goes.
    assert table.cell("C", "opened").state is CellState.HIDDEN


def test_staff_see_everything_exact():
    values = {("A", "opened"): 1, ("B", "opened"): 2}

    table = suppress(values, row_keys=ROWS, column_keys=["opened"], exact=True)

    assert all(cell.shown for cell in table.cells.values())
    assert table.grand_total.shown


def test_single_row_table_hides_the_total():
    table = suppress({("A", "opened"): 4}, row_keys=["A"], column_keys=["opened"])

    assert table.cell("A", "opened").state is CellState.SMALL
    assert not table.column_totals["opened"].shown
    assert not table.row_totals["A"].shown
    assert not table.grand_total.shown


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=12, max_size=12),
    st.sets(st.sampled_from(["A", "B", "C", "D"]), max_size=1),
)
def test_no_line_conceals_exactly_one_unknown(numbers, known):
    rows = ["A", "B", "C", "D"]
    columns = ["x", "y", "z"]
    values = {
        (r, c): numbers[i * 3 + j]
        for i, r in enumerate(rows)
        for j, c in enumerate(columns)
    }

    table = suppress(values, row_keys=rows, column_keys=columns, known_rows=known)

    for members, total in lines_of(table):
        unknown = [
            cell
            for key, cell in members
            if not (key[0] in ("cell", "row") and key[1] in known)
        ] + [total]
        concealed = [cell for cell in unknown if not cell.shown]
        assert len(concealed) != 1
    for (r, c), cell in table.cells.items():
        if r not in known and 0 < values[(r, c)] < 5:
            assert cell.state is CellState.SMALL
        if r in known:
            assert cell.shown
