"""CSV downloads that open cleanly in Excel and cannot smuggle formulas.

Excel needs a UTF-8 byte-order mark to read å, ä and ö. A cell that begins
with =, +, -, @ (or a tab or carriage return, which Excel strips first) is
read as a formula, so such cells get a leading apostrophe (OWASP's advice
for CSV injection).
"""

import csv
import io

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int | float):
        # Numbers are data, not text: a negative count stays a number.
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def csv_response(filename, header, rows) -> HttpResponse:
    response = HttpResponse(
        csv_bytes(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
