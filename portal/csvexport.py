"""CSV downloads that open cleanly in Excel and cannot smuggle formulas.

Excel needs a UTF-8 byte-order mark to read å, ä and ö. A cell that begins
with =, +, -, @ (or a tab or carriage return, which Excel strips first) is
read as a formula, so such cells get a leading apostrophe (OWASP's advice
for CSV injection).
"""

import csv
import io
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import translation

# Rows written per piece of a streamed download: small enough that a piece
# is a few hundred kilobytes at most, large enough not to send tiny pieces.
STREAM_ROWS = 200

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
    return b"".join(csv_pieces(header, rows))


def csv_pieces(header, rows):
    """The same bytes as `csv_bytes`, as pieces of `STREAM_ROWS` rows each:
    only one piece is ever held, however many rows there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    rows = iter(rows)
    while piece := list(islice(rows, STREAM_ROWS)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([safe_cell(cell) for cell in row] for row in piece)
        yield buffer.getvalue().encode("utf-8")


def _in_language(language, pieces):
    """Labels in the rows are translated as they are written, after the
    view has returned: in the request's language, whatever the thread's."""
    with translation.override(language):
        yield from pieces


def csv_stream_response(filename, header, rows) -> StreamingHttpResponse:
    """A download written while it is sent, in constant memory: `rows` is
    read lazily (a queryset's `iterator()`, a generator)."""
    pieces = _in_language(translation.get_language(), csv_pieces(header, rows))
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
