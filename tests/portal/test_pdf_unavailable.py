"""The site serves without WeasyPrint's system libraries; PDFs then answer 503.

A machine without Pango fails WeasyPrint's import with OSError (cffi cannot
open libpango-1.0-0). These tests put a `weasyprint` package that fails the
same way first on the import path, in a fresh interpreter or in the PDF
child, and check what a visitor gets.
"""

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_pdf_engine_turns_a_missing_system_library_into_import_error(without_pango):
    result = subprocess.run(
        [sys.executable, "-c", "import portal.pdf_engine"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{without_pango}:{ROOT}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert (
        "ImportError: WeasyPrint cannot load a system library: "
        "cannot load library 'libpango-1.0-0'"
    ) in result.stderr


def test_site_starts_and_serves_without_weasyprint(without_pango, tmp_path):
    """URLconf, admin and every app load without importing WeasyPrint; the
    liveness page answers; a PDF is refused as unavailable by the real fork
    server, whose preload passes over the failing import."""
    script = textwrap.dedent(
        """
        import sys
        import django
        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.urls import get_resolver

        call_command("check")
        get_resolver().url_patterns
        assert "weasyprint" not in sys.modules, "WeasyPrint imported at start"
        assert Client().get("/healthz").status_code == 200

        from portal.pdf import PdfRefused, render_pdf
        try:
            render_pdf("<p>Hej</p>")
        except PdfRefused as refused:
            print(refused.reason, refused.status)
        """
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        PYTHONPATH=f"{without_pango}:{ROOT}",
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="test-only-insecure-key",
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "unavailable 503"


@pytest.mark.django_db
def test_news_pdf_without_pango_answers_a_swedish_503(client, pdf_child_without_pango):
    factories.MandateFactory()
    article = factories.NewsArticleFactory(title="Nyhet utan PDF")

    response = client.get(f"/nyheter/{article.slug}/pdf/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>PDF-filen kunde inte skapas</h1>" in page
    assert (
        "PDF-filer kan inte skapas på den här servern just nu. "
        "Läs artikeln på webbplatsen i stället."
    ) in page
    assert multiprocessing.active_children() == []
    # The article itself is still served.
    assert client.get(article.get_absolute_url()).status_code == 200
