"""The Nu HTML Checker (vnu, from the npm package vnu-jar) finds no error on
any public page type.

Every page is rendered once through the test client, written to a file, and
all files go to one Java run: starting the checker costs seconds, checking
a page milliseconds. The pages are those of the browser tests' sweep, the
newsletter form's errors, and the page for a missing address.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from portal.demo import load_demo
from programme.models import NewsArticle
from tests.browser.test_public_pages import PUBLIC_PAGES

pytestmark = [pytest.mark.vnu, pytest.mark.xdist_group("vnu")]

VNU_JAR = (
    Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"
)


def vnu_command():
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed (apt-get install default-jre-headless); the "
            "Nu HTML Checker needs it."
        )
    if not VNU_JAR.exists():
        pytest.fail("vnu-jar is not installed: run npm ci.")
    return [java, "-Xss1024k", "-jar", str(VNU_JAR)]


def image_article():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    article = NewsArticle(
        title="Nyhet med bild",
        slug="med-bild",
        lead="Ingress",
        body="Text",
        image_alt="En blå yta",
        status=NewsArticle.Status.PUBLISHED,
    )
    article.image.save("bild.png", SimpleUploadedFile("bild.png", buffer.getvalue()))
    article.save()


@pytest.mark.django_db
def test_every_public_page_type_is_valid_html(tmp_path):
    command = vnu_command()
    load_demo(with_logins=False)
    image_article()
    client = Client()
    pages = {path: client.get(path) for path in PUBLIC_PAGES}
    pages["POST /nyhetsbrev/"] = client.post("/nyhetsbrev/", {"email": "fel"})
    pages["/finns-inte/"] = client.get("/finns-inte/")
    folder = tmp_path / "pages"
    folder.mkdir()
    files = {}
    for n, (path, response) in enumerate(pages.items()):
        assert response.status_code in (200, 400, 404), path
        file = folder / f"page-{n}.html"
        file.write_bytes(response.content)
        files[file.name] = path

    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:"
        f"{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == len(PUBLIC_PAGES) + 2


def test_the_checker_finds_an_error(tmp_path):
    """The check can fail: the attribute this suite once wrote (six digits of
    a second's fraction) is an error."""
    page = tmp_path / "invalid.html"
    page.write_text(
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>t</title>'
        '</head><body><time datetime="2022-04-29T15:00:00.123456+02:00">x</time>'
        "</body></html>"
    )

    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    messages = json.loads(result.stderr)["messages"]
    assert [m["type"] for m in messages] == ["error"]
    assert "datetime" in messages[0]["message"]
