"""PDF rendering with WeasyPrint that can only read our own files.

WeasyPrint would otherwise follow any URL in the document: file:// paths,
other hosts, cloud metadata addresses. The fetcher here serves only files
under STATIC_URL and MEDIA_URL of our own site, from disk, and refuses
everything else, so neither editors' text nor a template mistake can make the
server read a local file or call out to the network.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """The document asked for something outside our static and media files."""


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


class LocalFilesFetcher(URLFetcher):
    """Serve our own static and media files; refuse every other URL."""

    def __init__(self):
        super().__init__(timeout=5, allowed_protocols=(), allow_redirects=False)
        site = urlsplit(settings.SITE_URL)
        self.origin = (site.scheme, site.netloc)

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise RefusedURL(f"Refused URL outside the site: {url[:200]}")
        path = unquote(parts.path)
        if path.startswith(settings.STATIC_URL):
            relative = path.removeprefix(settings.STATIC_URL)
            found = _inside(Path(settings.STATIC_ROOT), relative)
            if found is None and ".." not in relative.split("/"):
                # Not collected yet (development): look in the app folders.
                located = finders.find(relative)
                found = Path(located) if located else None
        elif path.startswith(settings.MEDIA_URL):
            found = _inside(
                Path(settings.MEDIA_ROOT), path.removeprefix(settings.MEDIA_URL)
            )
        else:
            raise RefusedURL(f"Refused URL outside static and media: {url[:200]}")
        if found is None:
            raise RefusedURL(f"No such file: {url[:200]}")
        return found

    def fetch(self, url, headers=None):
        try:
            path = self.resolve(url)
        except RefusedURL:
            logger.warning("PDF fetcher refused a URL")
            raise
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(html: str) -> bytes:
    """Render an HTML document (from our templates) to PDF bytes."""
    return HTML(
        string=html,
        base_url=settings.SITE_URL + "/",
        url_fetcher=LocalFilesFetcher(),
    ).write_pdf()
