"""PDF rendering, bounded in input, time, memory and output.

Every PDF the portal makes goes through `render_pdf`. WeasyPrint's time grows
with the text (a 4 MB entry took 53 s) and cannot be interrupted inside a
thread, so it runs in a child process (`portal.pdf_render`) that is killed
when it has not answered within PDF_TIMEOUT_SECONDS, may use at most
PDF_MAX_MEMORY_BYTES of address space, and may hand back at most
PDF_MAX_OUTPUT_BYTES. Documents longer than PDF_MAX_INPUT_CHARS characters
are refused before a process is started. Every refusal is a `PdfRefused`
with a Swedish message; views answer it with a page, never a 500.

The children are forked by multiprocessing's fork server, a single-threaded
process started on first use that has imported WeasyPrint once: forking the
threaded gunicorn worker itself could deadlock, and a fresh interpreter per
PDF would spend half a second importing WeasyPrint. `signal.alarm` is no
alternative: it works only in the main thread, and gunicorn's gthread workers
serve requests in other threads.

The web worker never imports WeasyPrint (only `portal.pdf_engine` does, in
the children). Without it, or without Pango, the site still serves and a PDF
is refused as UNAVAILABLE (503). Media files the document names are read
here, through the media storage, so the child needs neither the storage's
credentials nor the network.
"""

import html as html_escapes
import logging
import multiprocessing
import re
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from portal import pdf_render
from portal.pdf_render import FileRoots, Limits, RefusedURL, media_name

__all__ = ["PdfRefused", "RefusedURL", "file_roots", "render_pdf"]

logger = logging.getLogger(__name__)

_context = multiprocessing.get_context("forkserver")
# portal.pdf_engine raises ImportError (which the fork server passes over)
# when WeasyPrint cannot load; each child then answers UNAVAILABLE.
_context.set_forkserver_preload(["portal.pdf_render", "portal.pdf_engine"])


class PdfRefused(Exception):
    """The PDF was not made; `message` tells the reader why, in Swedish."""

    TOO_LONG = "too_long"
    TOO_SLOW = "too_slow"
    TOO_LARGE = "too_large"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"

    MESSAGES = {
        TOO_LONG: _("Innehållet är för omfattande för en PDF-fil."),
        TOO_SLOW: _("Det tog för lång tid att skapa PDF-filen och den avbröts."),
        TOO_LARGE: _("PDF-filen skulle bli för stor."),
        FAILED: _("Det gick inte att skapa PDF-filen."),
        UNAVAILABLE: _("PDF-filer kan inte skapas på den här servern just nu."),
    }

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
        self.message = self.MESSAGES[reason]
        # Too much content is the request's fault (422); a renderer that ran
        # out of time, failed or is missing may do better later (503).
        self.status = (
            503 if reason in (self.TOO_SLOW, self.FAILED, self.UNAVAILABLE) else 422
        )


def media_files(html: str) -> dict[str, bytes]:
    """The media files the document names (after MEDIA_URL), read through
    the media storage, by storage name. A name that cannot be read is left
    out (the renderer then refuses it); more than PDF_MAX_OUTPUT_BYTES in all
    is refused as too large."""
    found = {}
    budget = settings.PDF_MAX_OUTPUT_BYTES
    pattern = re.escape(settings.MEDIA_URL) + r"([^\"'\s<>()\\]+)"
    for match in re.finditer(pattern, html):
        name = media_name(html_escapes.unescape(match.group(1)))
        if name is None or name in found:
            continue
        try:
            with default_storage.open(name, "rb") as stored:
                data = stored.read(budget + 1)
        except Exception:  # missing, refused by the storage, or unreachable
            logger.warning("PDF: a media file could not be read")
            continue
        budget -= len(data)
        if budget < 0:
            raise PdfRefused(PdfRefused.TOO_LARGE)
        found[name] = data
    return found


def file_roots(html: str = "") -> FileRoots:
    """The files the document may read: collected static files first, then
    the folders `collectstatic` collects from (development), then the media
    files `html` names."""
    static_dirs = [Path(settings.STATIC_ROOT)]
    # STATICFILES_DIRS entries with a prefix, (prefix, path), are not used.
    static_dirs += [
        Path(folder)
        for folder in settings.STATICFILES_DIRS
        if isinstance(folder, str | Path)
    ]
    static_dirs += [
        Path(app.path) / "static"
        for app in apps.get_app_configs()
        if (Path(app.path) / "static").is_dir()
    ]
    return FileRoots(
        site_url=settings.SITE_URL,
        static_url=settings.STATIC_URL,
        static_dirs=tuple(static_dirs),
        media_url=settings.MEDIA_URL,
        media=media_files(html),
    )


def _wait(receiver, deadline):
    if not receiver.poll(max(0.0, deadline - time.monotonic())):
        raise PdfRefused(PdfRefused.TOO_SLOW)


def render_pdf(html: str, *, archival: bool = False) -> bytes:
    """Render an HTML document (from our templates) to PDF bytes, or raise
    PdfRefused.

    Every PDF is tagged (PDF/UA-1) with the document's <html lang> and
    <title>; `archival` makes it PDF/A-3a as well (the archive package's
    final report)."""
    if len(html) > settings.PDF_MAX_INPUT_CHARS:
        raise PdfRefused(PdfRefused.TOO_LONG)
    limits = Limits(
        max_output_bytes=settings.PDF_MAX_OUTPUT_BYTES,
        max_memory_bytes=settings.PDF_MAX_MEMORY_BYTES,
        max_image_pixels=settings.IMAGE_MAX_PIXELS,
    )
    deadline = time.monotonic() + settings.PDF_TIMEOUT_SECONDS
    receiver, sender = _context.Pipe(duplex=False)
    process = _context.Process(
        target=pdf_render.render_in_child,
        args=(
            sender,
            html,
            file_roots(html),
            limits,
            pdf_render.ARCHIVAL if archival else pdf_render.ACCESSIBLE,
        ),
        daemon=True,
    )
    started = False
    try:
        try:
            process.start()
        except (OSError, EOFError) as exc:
            # No process to be had (too many, no memory), or no fork server.
            raise PdfRefused(PdfRefused.FAILED) from exc
        started = True
        # Only the child writes; without this close, a dead child's pipe
        # would never report end of file.
        sender.close()
        try:
            _wait(receiver, deadline)
            for name, level, message in receiver.recv():
                logging.getLogger(name).log(level, message)
            _wait(receiver, deadline)
            answer = receiver.recv_bytes(maxlength=limits.max_output_bytes)
        except EOFError as exc:  # the child died without answering
            raise PdfRefused(PdfRefused.FAILED) from exc
        except OSError as exc:  # longer than maxlength
            raise PdfRefused(PdfRefused.TOO_LARGE) from exc
    finally:
        sender.close()
        receiver.close()
        if started:
            # Killed whether it is still working or has answered and is only
            # exiting: either way nothing more is wanted from it.
            if process.is_alive():
                process.kill()
            process.join()
            process.close()
    if answer.startswith(b"%PDF"):
        return answer
    if answer in (pdf_render.OUTPUT_TOO_LARGE, pdf_render.OUT_OF_MEMORY):
        raise PdfRefused(PdfRefused.TOO_LARGE)
    if answer == pdf_render.UNAVAILABLE:
        raise PdfRefused(PdfRefused.UNAVAILABLE)
    raise PdfRefused(PdfRefused.FAILED)
