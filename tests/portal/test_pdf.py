import pytest
from django.conf import settings

from portal.pdf import LocalFilesFetcher, RefusedURL


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
        "SITE/admin/",
    ],
)
def test_pdf_fetcher_refuses_everything_but_own_files(url):
    fetcher = LocalFilesFetcher()

    with pytest.raises(RefusedURL):
        fetcher.fetch(url.replace("SITE", settings.SITE_URL))


def test_pdf_fetcher_serves_own_static_file():
    fetcher = LocalFilesFetcher()

    response = fetcher.fetch(settings.SITE_URL + "/static/css/print.css")

    assert b"counter(page)" in response.read()
    assert response.content_type == "text/css"


def test_pdf_fetcher_serves_own_media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "bild.png").write_bytes(b"\x89PNG")

    response = LocalFilesFetcher().fetch(settings.SITE_URL + "/media/news/bild.png")

    assert response.read() == b"\x89PNG"
