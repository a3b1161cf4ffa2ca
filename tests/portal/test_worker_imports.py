"""A web worker loads only what serving pages needs.

A gunicorn worker imports the WSGI application and then whatever its
requests import. Heavy modules that only some requests need (WeasyPrint for
PDFs, Pillow and pypdfium2 for uploads, nh3 for saving markup, the OpenID
Connect client, the QR code maker, icalendar, the Redis client, boto3,
Sentry) are imported where they are used, so a worker that serves the public
site stays small (`make bench` measures its memory against a bare Django
worker). This runs the application in a fresh interpreter, as a worker does,
serves every public page type through it and reads `sys.modules`: it fails
when a module-level import brings one of them back. No timing is measured.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests import factories

ROOT = Path(__file__).resolve().parents[2]

# Top-level packages no worker may hold after serving public pages.
HEAVY = [
    "weasyprint",  # PDFs: the fork server's children only (portal.pdf_engine)
    "fontTools",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "PIL",  # uploads, slide previews, the PDF child
    "pypdfium2",
    "puremagic",
    "nh3",  # markup is sanitised when saved
    "qrcode",  # the enrolment page's QR code
    "lxml",
    "mozilla_django_oidc",  # single sign-on
    "requests",
    "jwt",
    "icalendar",  # .ics answers
    "redis",  # only with a Redis cache
    "boto3",  # only with MEDIA_STORAGE=s3
    "botocore",
    "storages",
    "sentry_sdk",  # only with SENTRY_DSN
    # Test and development tools must never be imported by the application.
    "django.test",
    "pytest",
    "hypothesis",
    "factory",
    "faker",
    "moto",
    "playwright",
]

CHILD = """
import io
import json
import sys

from django.conf import settings

# Static file names without the collected manifest (not what this is about).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

from portal.wsgi import application


def get(path):
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["type"] = dict(headers).get("Content-Type", "")

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["type"], body[:4]


def loaded(names):
    return sorted(name for name in names if name in sys.modules)


heavy = json.loads(sys.argv[1])
statuses = {path: get(path)[0] for path in json.loads(sys.argv[2])}
after_pages = loaded(heavy)
status, content_type, start = get(sys.argv[3])
print(
    json.dumps(
        {
            "statuses": statuses,
            "after_pages": after_pages,
            "pdf": [status, content_type, start.decode("latin-1")],
            "after_pdf": loaded(heavy),
        }
    )
)
"""


def database_url():
    """The test database, for a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def serve_in_fresh_worker(paths, pdf_path, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # A worker with the default services: local media, the local-memory
        # cache, no Sentry, no single sign-on.
        if key
        not in {
            "CACHE_URL",
            "MEDIA_STORAGE",
            "SENTRY_DSN",
            "OIDC_RP_CLIENT_ID",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url(),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="testserver",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private-media"),
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            json.dumps(HEAVY),
            json.dumps(paths),
            pdf_path,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def public_site(transactional_db):
    """One of each public thing, committed, so another process reads it."""
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate)
    session = factories.SessionFactory()
    presentation = factories.PresentationFactory(session=session)
    speaker = factories.SpeakerFactory()
    presentation.speakers.add(speaker)
    presentation.focus_areas.add(area)
    municipality = factories.MunicipalityFactory()
    group = factories.WorkingGroupFactory(mandate=mandate)
    group.municipalities.add(municipality)
    factories.FocusAreaStatusFactory(
        municipality=municipality, focus_area=area, sharing_level="open"
    )
    article = factories.NewsArticleFactory(body="Om avhoppare.")
    article.focus_areas.add(area)
    return {
        "pages": [
            "/",
            "/nyheter/",
            article.get_absolute_url(),
            "/nyheter/feed/",
            "/uppdraget/",
            area.get_absolute_url(),
            "/presentationer/",
            session.get_absolute_url(),
            presentation.get_absolute_url(),
            speaker.get_absolute_url(),
            "/kommuner/",
            municipality.get_absolute_url(),
            "/arbetsgrupper/",
            group.get_absolute_url(),
            "/sok/?q=avhoppare",
            "/sitemap.xml",
            "/kontakt/",
            "/logga-in/",
        ],
        "pdf": f"/nyheter/{article.slug}/pdf/",
    }


def test_worker_serving_public_pages_and_a_pdf_loads_no_heavy_module(
    public_site, tmp_path
):
    result = serve_in_fresh_worker(public_site["pages"], public_site["pdf"], tmp_path)

    assert result["statuses"] == dict.fromkeys(public_site["pages"], 200)
    assert result["after_pages"] == []
    # The PDF is made in the fork server's child: the worker that asked for
    # it has still loaded neither WeasyPrint nor Pillow.
    assert result["pdf"] == [200, "application/pdf", "%PDF"]
    assert result["after_pdf"] == []
