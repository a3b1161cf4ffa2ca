"""The WeasyPrint side of PDF rendering: runs in a child process.

`portal.pdf` starts `render_in_child` in a process of its own, so that a
document that takes too long or needs too much memory can be killed without
touching the web worker. Nothing here reads Django's settings or the
database: the parent passes the file roots and the limits, and the child is
forked from a server that has imported only this module.

WeasyPrint would otherwise follow any URL in the document: file:// paths,
other hosts, cloud metadata addresses. `LocalFilesFetcher` serves only files
under the site's static and media URLs, from disk, and refuses everything
else, so neither editors' text nor a template mistake can make the server
read a local file or call out to the network.
"""

import logging
import mimetypes
import resource
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# What the child answers instead of a PDF; a PDF always starts with "%PDF".
OUTPUT_TOO_LARGE = b"output"
OUT_OF_MEMORY = b"memory"
FAILED = b"failed"


class RefusedURL(ValueError):
    """The document asked for something outside our static and media files."""


@dataclass(frozen=True)
class FileRoots:
    """Where the document's own files may come from."""

    site_url: str
    static_url: str
    static_dirs: tuple[Path, ...]
    media_url: str
    media_root: Path


@dataclass(frozen=True)
class Limits:
    max_output_bytes: int
    max_memory_bytes: int
    max_image_pixels: int


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


class LocalFilesFetcher(URLFetcher):
    """Serve our own static and media files; refuse every other URL."""

    def __init__(self, roots: FileRoots):
        super().__init__(timeout=5, allowed_protocols=(), allow_redirects=False)
        site = urlsplit(roots.site_url)
        self.origin = (site.scheme, site.netloc)
        self.roots = roots

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise RefusedURL(f"Refused URL outside the site: {url[:200]}")
        path = unquote(parts.path)
        found = None
        if path.startswith(self.roots.static_url):
            relative = path.removeprefix(self.roots.static_url)
            for folder in self.roots.static_dirs:
                found = _inside(folder, relative)
                if found is not None:
                    break
        elif path.startswith(self.roots.media_url):
            found = _inside(
                self.roots.media_root, path.removeprefix(self.roots.media_url)
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


def render(html: str, roots: FileRoots) -> bytes:
    """Render an HTML document (from our templates) to PDF bytes, here."""
    return HTML(
        string=html,
        base_url=roots.site_url + "/",
        url_fetcher=LocalFilesFetcher(roots),
    ).write_pdf()


class _Collector(logging.Handler):
    """Keep the child's warnings to send them to the parent's logging."""

    def __init__(self, limit=50):
        super().__init__(logging.WARNING)
        self.limit = limit
        self.records = []

    def emit(self, record):
        if len(self.records) < self.limit:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            self.records.append((record.name, record.levelno, text[:2000]))


def render_in_child(connection, html: str, roots: FileRoots, limits: Limits):
    """Render in this (child) process and send two messages back.

    First the warnings logged while rendering, as (logger, level, message),
    then the PDF, or one of OUTPUT_TOO_LARGE, OUT_OF_MEMORY and FAILED. The
    parent kills this process when it does not answer in time.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    memory = limits.max_memory_bytes
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
    collector = _Collector()
    logging.getLogger().addHandler(collector)
    try:
        pdf = render(html, roots)
    except MemoryError:
        answer = OUT_OF_MEMORY
    except Exception:
        logger.exception("PDF rendering failed")
        answer = FAILED
    else:
        answer = pdf if len(pdf) <= limits.max_output_bytes else OUTPUT_TOO_LARGE
    try:
        connection.send(collector.records)
        connection.send_bytes(answer)
    finally:
        connection.close()
