"""Site-wide pages that belong to no single domain app."""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal import unavailable
from portal.breadcrumbs import breadcrumbs
from portal.freshness import page_freshness, text_date
from portal.pagination import paginate, query_without_page
from portal.search import MAX_QUERY_LENGTH, search
from presentations.models import Session
from programme.models import Mandate, NewsArticle

SEARCH_HITS_PER_PAGE = 20


def home(request):
    mandate = Mandate.objects.prefetch_related("focus_areas").first()
    today = timezone.localdate()
    now = timezone.now()
    sessions = list(Session.objects.upcoming(now)[:3])
    # After the last session the section shows the latest ones under their
    # own heading rather than an empty "upcoming": the kick-off is the
    # programme's main public event.
    past = False
    if not sessions:
        sessions = list(
            Session.objects.published()
            .filter(ends_at__lt=now)
            .order_by("-starts_at")[:3]
        )
        past = bool(sessions)
    latest_news = list(NewsArticle.objects.published()[:3])
    context = {
        "mandate": mandate,
        "month_number": mandate.month_number(today) if mandate else None,
        "not_started": bool(mandate and today < mandate.start_date),
        "ended": bool(mandate and today > mandate.end_date),
        "latest_news": latest_news,
        "sessions": sessions,
        "past_sessions": past,
        "freshness": page_freshness(
            "home",
            mandate,
            list(mandate.focus_areas.all()) if mandate else [],
            latest_news,
            sessions,
        ),
    }
    return render(request, "portal/home.html", context)


def contact(request):
    mandate = Mandate.objects.select_related("contact_person").first()
    return render(
        request,
        "portal/contact.html",
        {
            "mandate": mandate,
            "freshness": page_freshness(
                "contact",
                text_date("portal/contact.html"),
                mandate,
                mandate and mandate.contact_person,
            ),
            "breadcrumbs": breadcrumbs(_("Kontakta oss")),
        },
    )


def accessibility(request):
    """The accessibility statement. Its dates come from the settings (the
    last review, the site's publication) and from the template's recorded
    date: the statement changes when either does."""
    reviewed = settings.ACCESSIBILITY_REVIEWED_ON
    freshness = page_freshness(
        "accessibility", text_date("portal/accessibility.html"), reviewed
    )
    return render(
        request,
        "portal/accessibility.html",
        {
            "reviewed_on": reviewed,
            "published_on": settings.SITE_PUBLISHED_ON,
            "statement_updated": freshness.updated,
            "freshness": freshness,
            "breadcrumbs": breadcrumbs(_("Tillgänglighetsredogörelse")),
        },
    )


def cookies(request):
    return render(
        request,
        "portal/cookies.html",
        {
            "freshness": page_freshness("cookies", text_date("portal/cookies.html")),
            "breadcrumbs": breadcrumbs(_("Kakor (cookies)")),
            "language_cookie_days": settings.LANGUAGE_COOKIE_AGE // 86400,
            "csrf_cookie_days": settings.CSRF_COOKIE_AGE // 86400,
        },
    )


def privacy(request):
    return render(
        request,
        "portal/privacy.html",
        {
            "freshness": page_freshness("privacy", text_date("portal/privacy.html")),
            "breadcrumbs": breadcrumbs(_("Behandling av personuppgifter")),
        },
    )


def search_page(request):
    raw = request.GET.get("q", "")
    query = " ".join(raw.split())
    too_long = len(query) > MAX_QUERY_LENGTH
    hits = search(query) if query and not too_long else []
    page = paginate(request, hits, SEARCH_HITS_PER_PAGE)
    return render(
        request,
        "portal/search.html",
        {
            "search_query": query,
            "too_long": too_long,
            "max_length": MAX_QUERY_LENGTH,
            "page": page,
            "filter_query": query_without_page(request),
            "freshness": page_freshness("search", text_date("portal/search.html")),
            "breadcrumbs": breadcrumbs(_("Sök")),
        },
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /samordning/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def server_error(request):
    """500 page rendered without context processors: the failure may be theirs.

    Django calls this for every exception no view or middleware handled,
    wherever it was raised, inside the `except` that caught it. When the
    database or the cache cannot be reached the answer is the Swedish 503
    instead."""
    if unavailable.is_unavailable(sys.exception()):
        return unavailable.service_unavailable()
    template = loader.get_template("500.html")
    return HttpResponse(
        template.render({"portal_name": settings.PORTAL_NAME}), status=500
    )


@never_cache
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A Swedish page in the site's layout when a form's CSRF check fails
    (Django's own page is English and styled inline, which our CSP blocks)."""
    return render(request, "403_csrf.html", status=403)
