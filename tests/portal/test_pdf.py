import io
import multiprocessing
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from portal.pdf import PdfRefused, RefusedURL, file_roots, render_pdf
from portal.pdf_engine import LocalFilesFetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://evil.example/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:5432/",
        "data:text/plain,hej",
        "SITE/static/../../../../etc/passwd",
        "SITE/media/../portal/settings.py",
        "SITE/media/news/other.png",
        "SITE/admin/",
    ],
)
def test_pdf_fetcher_refuses_everything_but_own_files(url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "bild.png").write_bytes(b"\x89PNG")
    (tmp_path / "news" / "other.png").write_bytes(b"\x89PNG")
    # The document names one media file (and tries to climb out of media):
    # only that one is read, and only that one is served.
    fetcher = LocalFilesFetcher(
        file_roots(
            '<img src="/media/news/bild.png"><img src="/media/../portal/settings.py">'
        )
    )

    with pytest.raises(RefusedURL):
        fetcher.fetch(url.replace("SITE", settings.SITE_URL))


def test_pdf_fetcher_serves_own_static_file():
    fetcher = LocalFilesFetcher(file_roots())

    response = fetcher.fetch(settings.SITE_URL + "/static/css/print.css")

    assert b"counter(page)" in response.read()
    assert response.content_type == "text/css"


def test_pdf_fetcher_serves_own_media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "bild.png").write_bytes(b"\x89PNG")

    response = LocalFilesFetcher(file_roots('<img src="/media/news/bild.png">')).fetch(
        settings.SITE_URL + "/media/news/bild.png"
    )

    assert response.read() == b"\x89PNG"
    assert response.content_type == "image/png"


def test_pdf_media_files_are_read_through_the_storage_once_each(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.png").write_bytes(b"A")

    media = file_roots(
        '<img src="/media/news/a.png"><img src="/media/news/a.png?x=1">'
        '<img src="/media/news/missing.png"><a href="/media/">x</a>'
    ).media

    assert media == {"news/a.png": b"A"}


def test_pdf_media_files_over_the_output_limit_are_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PDF_MAX_OUTPUT_BYTES = 10
    (tmp_path / "a.png").write_bytes(b"x" * 6)
    (tmp_path / "b.png").write_bytes(b"x" * 6)

    with pytest.raises(PdfRefused) as refused:
        file_roots('<img src="/media/a.png"><img src="/media/b.png">')

    assert refused.value.reason == PdfRefused.TOO_LARGE


def test_pdf_fetcher_serves_static_files_not_yet_collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"

    response = LocalFilesFetcher(file_roots()).fetch(
        settings.SITE_URL + "/static/css/print.css"
    )

    assert b"counter(page)" in response.read()


# Rendering is bounded: input before a process starts, then time, memory and
# output in the child process.

PARAGRAPH = "<p>" + "Arbetsgruppen har träffat socialtjänsten. " * 40 + "</p>"


def test_render_pdf_renders_in_a_child_and_leaves_no_process_behind():
    pdf = render_pdf("<h1>Lägesrapport</h1>" + PARAGRAPH)

    assert pdf.startswith(b"%PDF-")
    assert "Lägesrapport" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert multiprocessing.active_children() == []


def test_render_pdf_refuses_too_long_input_before_rendering(settings):
    settings.PDF_MAX_INPUT_CHARS = 1000
    settings.PDF_TIMEOUT_SECONDS = 0.000001  # would fail as too slow if it ran

    with pytest.raises(PdfRefused) as refused:
        render_pdf("<p>" + "x" * 1000 + "</p>")

    assert refused.value.reason == PdfRefused.TOO_LONG
    assert refused.value.status == 422
    with translation.override("sv"):
        assert str(refused.value.message) == (
            "Innehållet är för omfattande för en PDF-fil."
        )


def test_render_pdf_kills_a_render_that_takes_too_long(settings):
    settings.PDF_TIMEOUT_SECONDS = 0.05

    with pytest.raises(PdfRefused) as refused:
        render_pdf(PARAGRAPH * 200)

    assert refused.value.reason == PdfRefused.TOO_SLOW
    assert refused.value.status == 503
    assert multiprocessing.active_children() == []
    # The worker is unharmed: the next document renders.
    settings.PDF_TIMEOUT_SECONDS = 20
    assert render_pdf(PARAGRAPH).startswith(b"%PDF-")


def test_render_pdf_refuses_output_over_the_limit(settings):
    settings.PDF_MAX_OUTPUT_BYTES = 2000

    with pytest.raises(PdfRefused) as refused:
        render_pdf(PARAGRAPH)

    assert refused.value.reason == PdfRefused.TOO_LARGE
    assert refused.value.status == 422


def test_render_pdf_child_out_of_memory_is_refused(settings):
    # Less address space than the child already has: every allocation fails.
    settings.PDF_MAX_MEMORY_BYTES = 16 * 1024 * 1024

    with pytest.raises(PdfRefused) as refused:
        render_pdf(PARAGRAPH * 20)

    assert refused.value.reason in (PdfRefused.TOO_LARGE, PdfRefused.FAILED)
    assert multiprocessing.active_children() == []


def test_weasyprint_is_imported_only_by_the_bounded_renderer():
    """Every PDF goes through portal.pdf.render_pdf: nothing else may call
    WeasyPrint, which would render without the limits in the web worker."""
    root = Path(__file__).resolve().parents[2]
    importers = {
        str(path.relative_to(root))
        for folder in ("portal", "programme", "municipalities", "presentations")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(), re.M)
    }

    assert importers == {"portal/pdf_engine.py"}
