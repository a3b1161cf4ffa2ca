"""The child-process side of PDF rendering.

`portal.pdf` starts `render_in_child` in a process of its own, so that a
document that takes too long or needs too much memory can be killed without
touching the web worker. Nothing here reads Django's settings or the
database: the parent passes the file roots, the media files the document
names and the limits, and the child is forked from a server that has
imported only this module and `portal.pdf_engine`.

WeasyPrint itself is imported only in the child, by `portal.pdf_engine`: a
web worker never loads it, so the site serves (and PDF links answer a
Swedish 503) on a machine without Pango, WeasyPrint's system library.

WeasyPrint would otherwise follow any URL in the document: file:// paths,
other hosts, cloud metadata addresses. `read_own_file` serves only files
under the site's static URL, from disk, and the media files the parent read
for this document through the media storage (local disk or object storage),
and refuses everything else, so neither editors' text nor a template mistake
can make the server read a local file or call out to the network.
"""

import importlib
import logging
import mimetypes
import posixpath
import resource
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

logger = logging.getLogger(__name__)

# Every PDF is tagged for screen readers (PDF/UA-1: a structure tree, the
# document's language from <html lang> and its title from <title>); an
# archive copy is PDF/A-3a as well (tagged, fonts embedded, an sRGB output
# intent) and declares both in its XMP metadata.
ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3a"
VARIANTS = (ACCESSIBLE, ARCHIVAL)

# What the child answers instead of a PDF; a PDF always starts with "%PDF".
OUTPUT_TOO_LARGE = b"output"
OUT_OF_MEMORY = b"memory"
FAILED = b"failed"
UNAVAILABLE = b"unavailable"


class RefusedURL(ValueError):
    """The document asked for something outside our static and media files."""


@dataclass(frozen=True)
class FileRoots:
    """Where the document's own files may come from."""

    site_url: str
    static_url: str
    static_dirs: tuple[Path, ...]
    media_url: str
    # The media files the document names, by storage name, read beforehand.
    media: dict[str, bytes] = field(default_factory=dict, hash=False)

    @property
    def media_base(self) -> str:
        """MEDIA_URL as an absolute URL (it may be relative to the site)."""
        return urljoin(self.site_url + "/", self.media_url)


@dataclass(frozen=True)
class Limits:
    max_output_bytes: int
    max_memory_bytes: int
    max_image_pixels: int


def media_name(relative: str) -> str | None:
    """The storage name for a path after MEDIA_URL, or None when it leaves
    the media folder."""
    name = posixpath.normpath(unquote(relative.split("?", 1)[0].split("#", 1)[0]))
    if name in ("", ".") or name.startswith(("/", "..")):
        return None
    return name


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def read_own_file(roots: FileRoots, url: str) -> tuple[str, bytes]:
    """(file name, content) of one of our static or media files, or raise
    RefusedURL."""
    media_base = roots.media_base
    if url.startswith(media_base):
        name = media_name(url.removeprefix(media_base))
        if name is None or name not in roots.media:
            raise RefusedURL(f"No such media file: {url[:200]}")
        return name, roots.media[name]
    parts = urlsplit(url)
    site = urlsplit(roots.site_url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        raise RefusedURL(f"Refused URL outside the site: {url[:200]}")
    path = unquote(parts.path)
    if not path.startswith(roots.static_url):
        raise RefusedURL(f"Refused URL outside static and media: {url[:200]}")
    relative = path.removeprefix(roots.static_url)
    for folder in roots.static_dirs:
        found = _inside(folder, relative)
        if found is not None:
            return found.name, found.read_bytes()
    raise RefusedURL(f"No such file: {url[:200]}")


def content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


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


def render_in_child(
    connection, html: str, roots: FileRoots, limits: Limits, variant=ACCESSIBLE
):
    """Render in this (child) process and send two messages back.

    First the warnings logged while rendering, as (logger, level, message),
    then the PDF, or one of OUTPUT_TOO_LARGE, OUT_OF_MEMORY, FAILED and
    UNAVAILABLE (WeasyPrint or a system library it needs is missing). The
    parent kills this process when it does not answer in time.
    """
    # Pillow too is for the child only: the web worker imports this module
    # for its types and never decodes an image here.
    from PIL import Image

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
        engine = importlib.import_module("portal.pdf_engine")
        pdf = engine.render(html, roots, variant)
    except ImportError:
        logger.exception("PDF rendering is unavailable: WeasyPrint cannot load")
        answer = UNAVAILABLE
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
