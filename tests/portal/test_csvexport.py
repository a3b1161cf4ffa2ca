import csv
import io

import pytest

from portal.csvexport import csv_bytes, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+46 8 000", "'+46 8 000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Järfälla", "Järfälla"),
        (12, "12"),
        (-3, "-3"),
        (None, ""),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_csv_bytes_has_bom_and_round_trips_swedish_letters():
    data = csv_bytes(["Kommun", "Text"], [["Upplands Väsby", "=1+1"]])

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Kommun", "Text"], ["Upplands Väsby", "'=1+1"]]
