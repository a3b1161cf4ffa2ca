"""WeasyPrint, for the PDF child process only (`portal.pdf_render`).

The only module that imports WeasyPrint. It is loaded in the fork server and
its children, never in a web worker. When WeasyPrint is not installed, or a
system library it opens at import (Pango, HarfBuzz) is missing, importing
this module raises ImportError, which the fork server passes over and the
child answers as "unavailable".
"""

import logging

from portal.pdf_render import FileRoots, RefusedURL, content_type, read_own_file

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


def render(html: str, roots: FileRoots) -> bytes:
    """Render an HTML document (from our templates) to PDF bytes, here."""
    return HTML(
        string=html,
        base_url=roots.site_url + "/",
        url_fetcher=LocalFilesFetcher(roots),
    ).write_pdf()
