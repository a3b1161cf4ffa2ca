"""The benchmark's work inside the portal's own process (`make bench`).

`bench/run.py` runs this with the portal's settings and the benchmark's
database, and reads one JSON document from its standard output:

- `prepare`: the pages to measure, found in the database (the first
  published article, session, speaker…), a session cookie for a signed-in
  coordinator (both steps done, as `tests/conftest.py` signs in) and each
  page's query count, counted with Django's test client on a second request
  so that one-time lookups (content types, the URL resolver) are not in it.
- `pdf`: a twenty-page document rendered through the portal's PDF path
  (`portal.pdf.render_pdf`: the fork server, the child, the URL fetcher)
  and by WeasyPrint alone in this process, the median of each.

Django is set up and imported in `main()`, not at import: each PDF child
runs this file again as multiprocessing's `__mp_main__` (as a gunicorn
worker's children would run its main module), and that must stay as cheap
as `python -m gunicorn`'s is.
"""

import datetime
import json
import statistics
import sys
import time

# The coordinator the internal pages are measured as: sees every group,
# exact counts and the comparison, and may make the report and exports.
INTERNAL_USER = "programledning@example.se"


def _first(queryset):
    """The first in the page's own order, or the newest."""
    return queryset.first() if queryset.ordered else queryset.order_by("-pk").first()


def public_pages():
    """(name, path) of every public page type, on the data at hand."""
    from django.urls import reverse

    from municipalities.models import Municipality, WorkingGroup
    from presentations.models import Presentation, Session, Speaker
    from programme.models import FocusArea, NewsArticle

    pages = [
        ("home", "/"),
        ("news list", reverse("news:list")),
    ]
    article = _first(NewsArticle.objects.published())
    if article:
        pages.append(("news article", article.get_absolute_url()))
    pages.append(("mandate", reverse("programme:mandate")))
    area = _first(FocusArea.objects.all())
    if area:
        pages.append(("focus area", area.get_absolute_url()))
    pages.append(("sessions list", reverse("presentations:list")))
    session = _first(Session.objects.published())
    if session:
        pages.append(("session", session.get_absolute_url()))
    presentation = _first(Presentation.objects.published().select_related("session"))
    if presentation:
        pages.append(("presentation", presentation.get_absolute_url()))
    speaker = _first(Speaker.objects.public())
    if speaker:
        pages.append(("speaker", speaker.get_absolute_url()))
    pages.append(("municipalities list", reverse("municipalities:list")))
    municipality = _first(Municipality.objects.participating())
    if municipality:
        pages.append(("municipality", municipality.get_absolute_url()))
    pages.append(("working groups", reverse("municipalities:group-list")))
    group = _first(WorkingGroup.objects.all())
    if group:
        pages.append(("working group", group.get_absolute_url()))
    pages += [
        ("search", reverse("search") + "?q=avhoppare"),
        ("sitemap", "/sitemap.xml"),
        ("news feed", reverse("news:feed")),
        ("calendar (.ics)", reverse("presentations:upcoming-ics")),
    ]
    return pages, article


def internal_pages():
    from django.urls import reverse
    from django.utils import timezone

    from municipalities.coordination.reporting import default_period
    from municipalities.models import ProgressEntry, WorkingGroup

    pages = [("dashboard", reverse("samordning:dashboard"))]
    group = _first(WorkingGroup.objects.all())
    if group:
        pages.append(("group", reverse("samordning:group", args=[group.slug])))
    pages.append(("entries", reverse("samordning:entries")))
    entry = _first(ProgressEntry.objects.all())
    if entry:
        pages.append(("entry", entry.get_absolute_url()))
    pages += [
        ("status", reverse("samordning:status-list")),
        ("indicators", reverse("samordning:indicators")),
        ("comparison", reverse("samordning:comparison")),
    ]
    exports = [
        ("entries CSV", reverse("samordning:export-entries")),
        ("status CSV", reverse("samordning:export-statuses")),
        ("indicators CSV", reverse("samordning:export-indicators")),
    ]
    start, end = default_period(timezone.localdate())
    report = f"{reverse('samordning:report')}?start={start}&end={end}"
    return pages, exports, report


def signed_in_cookie():
    """A session of the coordinator with both sign-in steps done."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    user = get_user_model().objects.get(email=INTERNAL_USER)
    client = Client()
    client.force_login(user)
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="bench-second-step", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client.cookies["sessionid"].value


def count_queries(client, path):
    """(status, bytes, queries) of the second request for `path`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return response.status_code, len(body), len(queries)


def prepare():
    from django.test import Client
    from django.urls import reverse

    public, article = public_pages()
    internal, exports, report = internal_pages()
    pdfs = []
    if article:
        pdfs.append(("news article PDF", reverse("news:pdf", args=[article.slug])))
    pdfs.append(("progress report PDF", report))
    session_id = signed_in_cookie()
    anonymous = Client()
    signed_in = Client()
    signed_in.cookies["sessionid"] = session_id
    rows = []
    for group, pages, client in [
        ("public", public, anonymous),
        ("internal", internal, signed_in),
        ("export", exports, signed_in),
        ("pdf", pdfs, signed_in),
    ]:
        for name, path in pages:
            status, size, queries = count_queries(client, path)
            rows.append(
                {
                    "group": group,
                    "name": name,
                    "path": path,
                    "signed_in": client is signed_in,
                    "status": status,
                    "bytes": size,
                    "queries": queries,
                }
            )
    return {"pages": rows, "session_cookie": session_id}


def twenty_pages():
    """A self-contained HTML document of twenty A4 pages: headings, text and
    a table on each, as a report has."""
    paragraph = (
        "<p>Arbetsgruppen har under perioden träffats varje vecka och gått "
        "igenom läget i kommunerna. Samverkan med polisen och socialtjänsten "
        "har fördjupats och nya rutiner för stöd till den som vill lämna ett "
        "kriminellt nätverk har tagits fram och prövats i två kommuner.</p>"
    )
    rows = "".join(
        f"<tr><td>Kommun {n}</td><td>{n * 3}</td><td>{n * 2}</td><td>{n}</td></tr>"
        for n in range(1, 9)
    )
    sections = "".join(
        f"<section><h1>Avsnitt {number}</h1>{paragraph * 5}"
        f"<table><thead><tr><th>Kommun</th><th>Kontakter</th><th>Insatser</th>"
        f"<th>Avslutade</th></tr></thead><tbody>{rows}</tbody></table></section>"
        for number in range(1, 21)
    )
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        "<title>Tjugo sidor</title><style>"
        "@page { size: A4; margin: 2cm } body { font-family: sans-serif; "
        "font-size: 10pt } section { break-after: page } "
        "table { border-collapse: collapse; width: 100% } "
        "td, th { border: 1px solid #999; padding: 2pt 4pt }"
        f"</style></head><body>{sections}</body></html>"
    )


def page_count(pdf: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def pdf(rounds):
    from portal.pdf import render_pdf

    html = twenty_pages()
    render_pdf(html)  # starts this process's fork server

    from weasyprint import HTML

    HTML(string=html).write_pdf()  # loads the fonts once
    through_portal, alone = [], []
    for _round in range(rounds):
        started = time.perf_counter()
        portal_pdf = render_pdf(html)
        through_portal.append(time.perf_counter() - started)
        started = time.perf_counter()
        alone_pdf = HTML(string=html).write_pdf()
        alone.append(time.perf_counter() - started)
    return {
        "pages": [page_count(portal_pdf), page_count(alone_pdf)],
        "portal_ms": statistics.median(through_portal) * 1000,
        "weasyprint_ms": statistics.median(alone) * 1000,
        "rounds": rounds,
    }


def main():
    import django

    django.setup()
    command = sys.argv[1]
    if command == "prepare":
        result = prepare()
    elif command == "pdf":
        result = pdf(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    else:
        raise SystemExit(f"unknown command {command}")
    result["at"] = datetime.datetime.now(datetime.UTC).isoformat()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
