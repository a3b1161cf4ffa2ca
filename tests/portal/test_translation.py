import subprocess
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"


def test_english_catalogue_is_complete_and_valid():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_english_translation_is_compiled():
    with translation.override("en"):
        assert translation.gettext("Hoppa till innehåll") == "Skip to content"
        assert translation.gettext("Lägesrapporter") == "Status reports"


@pytest.mark.django_db
def test_chosen_english_shows_english_ui(client):
    client.cookies["django_language"] = "en"

    body = client.get("/").content.decode()

    assert "Skip to content" in body
    assert '<html lang="en">' in body
    assert ">News<" in body
