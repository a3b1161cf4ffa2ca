"""WeasyPrint, for the PDF child process only (`portal.pdf_render`).

The only module that imports WeasyPrint. It is loaded in the fork server and
its children, never in a web worker. When WeasyPrint is not installed, or a
system library it opens at import (Pango, HarfBuzz) is missing, importing
this module raises ImportError, which the fork server passes over and the
child answers as "unavailable".

Imported in the fork server, it renders one line once (`_warm_up`): every
child forked afterwards starts with fontconfig's font list, WeasyPrint's
default stylesheets and the font subsetter already loaded, instead of
building them again for each PDF.
"""

import contextlib
import ctypes
import logging

from portal.pdf_render import (
    ACCESSIBLE,
    ARCHIVAL,
    FileRoots,
    RefusedURL,
    content_type,
    read_own_file,
)

try:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError as exc:  # cffi could not open libpango-1.0-0 or a sibling
    raise ImportError(f"WeasyPrint cannot load a system library: {exc}") from exc

__all__ = ["LocalFilesFetcher", "render"]

logger = logging.getLogger(__name__)


class LocalFilesFetcher(URLFetcher):
    """Serve our own static and media files; refuse every other URL."""

    def __init__(self, roots: FileRoots):
        super().__init__(timeout=5, allowed_protocols=(), allow_redirects=False)
        self.roots = roots

    def fetch(self, url, headers=None):
        try:
            name, data = read_own_file(self.roots, url)
        except RefusedURL:
            logger.warning("PDF fetcher refused a URL")
            raise
        return URLFetcherResponse(
            url, data, headers={"Content-Type": content_type(name)}
        )


# PDF/A-3a's own XMP names only PDF/A; this adds the PDF/UA-1 claim beside it,
# inside the same rdf:RDF (XMP allows one per packet).
PDF_UA_DESCRIPTION = (
    b'<rdf:Description rdf:about="" '
    b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
)


def declare_pdf_ua(document, pdf):
    """WeasyPrint finisher: add PDF_UA_DESCRIPTION to the XMP metadata."""
    reference = pdf.catalog["Metadata"]  # b"28 0 R"
    number = int(bytes(reference).split()[0])
    stream = pdf.objects[number]
    content = b"".join(
        part if isinstance(part, bytes) else str(part).encode()
        for part in stream.stream
    )
    if content.count(b"</rdf:RDF>") != 1:
        raise ValueError("Unexpected XMP metadata: cannot declare PDF/UA")
    stream.stream = [content.replace(b"</rdf:RDF>", PDF_UA_DESCRIPTION + b"</rdf:RDF>")]


def render(html: str, roots: FileRoots, variant: str = ACCESSIBLE) -> bytes:
    """Render an HTML document (from our templates) to PDF bytes, here.

    Tagged always (`ACCESSIBLE`, PDF/UA-1); `ARCHIVAL` makes a PDF/A-3a that
    also declares PDF/UA-1. Title and language come from the document's
    <title> and <html lang>."""
    if variant not in (ACCESSIBLE, ARCHIVAL):
        raise ValueError(f"Unknown PDF variant: {variant}")
    return HTML(
        string=html,
        base_url=roots.site_url + "/",
        url_fetcher=LocalFilesFetcher(roots),
    ).write_pdf(
        pdf_variant=variant,
        pdf_tags=True,
        finisher=declare_pdf_ua if variant == ARCHIVAL else None,
    )


# The print stylesheet's font (static/css/print.css), plain and bold.
WARM_UP = (
    "<p style=\"font-family: 'DejaVu Sans', sans-serif\">Förvärmning <b>fet</b></p>"
)


def _one_malloc_arena():
    """Pango loads fontconfig in a thread of its own, and glibc gives a new
    thread a malloc arena with 64 MB of address space reserved at once. Left
    behind by the warm-up and inherited by every child, that reserved room
    is not counted again by the child's RLIMIT_AS: a child could grow 64 MB
    past PDF_MAX_MEMORY_BYTES. This process and its children allocate from
    one arena (glibc's M_ARENA_MAX; elsewhere nothing changes)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX, 1


def _warm_up():
    _one_malloc_arena()
    try:
        HTML(string=WARM_UP).write_pdf()
    except Exception:
        # A child that fails the same way reports it for its own PDF.
        logger.warning("PDF engine warm-up failed", exc_info=True)


_warm_up()
