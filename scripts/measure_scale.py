"""Each page's size, time and queries at a small and a large amount of data.

    python scripts/measure_scale.py --small db-small.sqlite3 --large db-large.sqlite3

Each argument is an SQLite file or a DATABASE_URL holding `seed_demo`'s
content grown with `grow_demo` (the small one e.g. `--rows 50`, the large one
`--size large`). The script measures in-process with Django's test client
(no web server, DEBUG off, static files from `STATIC_ROOT` as collected by
`collectstatic`): per page the bytes of the answer, the median
time of `--repeat` requests after one warm-up, and the queries. It writes to
the database only a second-step device for the two demo logins it reads as.
It prints one table with the large figures as a ratio to the small ones; it
is a report, not a test (the target is 1.5 at most). `make bench` (bench/)
is the web server benchmark; this is only about data size.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PUBLIC = [
    ("home", "/"),
    ("news list", "/nyheter/"),
    ("news list, page 5000", "/nyheter/?sida=5000"),
    ("news list, filtered", "/nyheter/?fokusomrade={area}&kommun=jarfalla"),
    ("news article", "{article}"),
    ("news feed", "/nyheter/feed/"),
    ("mandate", "/uppdraget/"),
    ("focus area", "/uppdraget/{area}/"),
    ("sessions", "/presentationer/"),
    ("session", "{session}"),
    ("presentation", "{presentation}"),
    ("speaker", "{speaker}"),
    ("upcoming iCal", "/presentationer/kommande.ics"),
    ("session iCal", "{session}kalender.ics"),
    ("municipalities", "/kommuner/"),
    ("municipality", "/kommuner/jarfalla/"),
    ("working groups", "/arbetsgrupper/"),
    ("working group", "/arbetsgrupper/operativ-arbetsgrupp/"),
    ("search", "/sok/?q=avhopparna"),
    ("sitemap index", "/sitemap.xml"),
    ("sitemap page", "/sitemap-nyheter.xml"),
    ("sitemap, last page", "/sitemap-presentationer.xml?p=19"),
    ("robots.txt", "/robots.txt"),
]
INTERNAL = [
    ("dashboard", "/samordning/"),
    ("group page", "/samordning/grupper/operativ-arbetsgrupp/"),
    ("entry list", "/samordning/lagesrapporter/"),
    ("entry search", "/samordning/lagesrapporter/?q=polisen"),
    ("entry", "{entry}"),
    ("entry history", "{entry}historik/"),
    ("entry feed", "/samordning/lagesrapporter/flode/"),
    ("status", "/samordning/lage/"),
    ("status form", "/samordning/lage/jarfalla/{area}/"),
    ("indicators", "/samordning/indikatorer/"),
    ("comparison", "/samordning/jamforelse/"),
    ("entries CSV", "/samordning/export/lagesrapporter.csv"),
    ("statuses CSV", "/samordning/export/lage.csv"),
    ("indicators CSV", "/samordning/export/indikatorer.csv"),
]
REPORT = (
    "report PDF, one year",
    "/samordning/rapport/?start={year_start}&end={year_end}",
)
READERS = {
    "lead": "programledning@example.se",
    "representative": "kommun@example.se",
}


def _setup(database):
    os.environ.setdefault("SECRET_KEY", "measure-only-insecure-key")
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if "://" not in database:
        database = f"sqlite:///{Path(database).resolve()}"
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _placeholders():
    from municipalities.models import ProgressEntry
    from presentations.models import Presentation, Session, Speaker
    from programme.models import FocusArea, NewsArticle

    today = __import__("datetime").date.today()
    return {
        "area": FocusArea.objects.order_by("order").first().slug,
        "article": NewsArticle.objects.published().first().get_absolute_url(),
        "session": Session.objects.published().first().get_absolute_url(),
        "presentation": Presentation.objects.published()
        .select_related("session")
        .order_by("-pk")
        .first()
        .get_absolute_url(),
        "speaker": Speaker.objects.public().order_by("-pk").first().get_absolute_url(),
        "entry": ProgressEntry.objects.order_by("-pk").first().get_absolute_url(),
        "year_start": today.replace(year=today.year - 1).isoformat(),
        "year_end": today.isoformat(),
    }


def _client(email):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client = Client()
    if email:
        user = get_user_model().objects.get(email=email)
        client.force_login(user)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="measure-second-step", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _one(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = client.get(url)
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        elapsed = time.perf_counter() - began
    return response.status_code, size, elapsed, len(queries)


def measure(database, repeat, with_report, only=""):
    _setup(database)
    values = _placeholders()
    pages = [(name, url, None) for name, url in PUBLIC]
    for reader in READERS:
        pages += [(f"{name} ({reader})", url, reader) for name, url in INTERNAL]
    if with_report:
        pages.append((f"{REPORT[0]} (lead)", REPORT[1], "lead"))
    pages = [page for page in pages if only in page[0]]
    clients = {None: _client(None)}
    clients.update({reader: _client(email) for reader, email in READERS.items()})
    results = {}
    for name, url, reader in pages:
        url = url.format(**values)
        client = clients[reader]
        status, size, _elapsed, queries = _one(client, url)
        times = []
        for _ in range(1 if "PDF" in name else repeat):
            status, size, elapsed, queries = _one(client, url)
            times.append(elapsed)
        results[name] = {
            "url": url,
            "status": status,
            "bytes": size,
            "ms": statistics.median(times) * 1000,
            "queries": queries,
        }
    return results


def _ratio(large, small):
    return large / small if small else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", required=True)
    parser.add_argument("--large", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--report", action="store_true", help="also the PDF report")
    parser.add_argument("--only", default="", help="only pages whose name has this")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat, args.report, args.only)))
        return
    figures = {}
    for label in ("small", "large"):
        command = [sys.executable, __file__, "--small", "-", "--large", "-"]
        command += ["--one", getattr(args, label), "--repeat", str(args.repeat)]
        command += ["--report"] if args.report else []
        command += ["--only", args.only]
        done = subprocess.run(  # noqa: S603 - this script, its own arguments
            command, check=False, capture_output=True, text=True, cwd=ROOT
        )
        if done.returncode:
            sys.exit(f"Measuring {getattr(args, label)} failed:\n{done.stderr}")
        figures[label] = json.loads(done.stdout.strip().splitlines()[-1])
    small, large = figures["small"], figures["large"]
    header = (
        f"{'page':44} {'status':>6} {'KB small':>9} {'KB large':>9} {'×':>5} "
        f"{'ms small':>9} {'ms large':>9} {'×':>5} {'queries':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, s in small.items():
        g = large[name]
        status = str(s["status"]) if s["status"] == g["status"] else "diff"
        queries = (
            str(s["queries"])
            if s["queries"] == g["queries"]
            else f"{s['queries']}→{g['queries']}"
        )
        print(
            f"{name:44} {status:>6} {s['bytes'] / 1024:9.1f} {g['bytes'] / 1024:9.1f} "
            f"{_ratio(g['bytes'], s['bytes']):5.2f} {s['ms']:9.1f} {g['ms']:9.1f} "
            f"{_ratio(g['ms'], s['ms']):5.2f} {queries:>9}"
        )


if __name__ == "__main__":
    main()
