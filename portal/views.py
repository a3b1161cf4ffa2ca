"""Site-wide pages that belong to no single domain app."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from presentations.models import Session
from programme.models import Mandate, NewsArticle


def home(request):
    mandate = Mandate.objects.prefetch_related("focus_areas").first()
    today = timezone.localdate()
    context = {
        "mandate": mandate,
        "month_number": mandate.month_number(today) if mandate else None,
        "latest_news": NewsArticle.objects.published()[:3],
        "upcoming_sessions": Session.objects.upcoming()[:3],
    }
    return render(request, "portal/home.html", context)


def contact(request):
    mandate = Mandate.objects.select_related("contact_person").first()
    return render(
        request,
        "portal/contact.html",
        {"mandate": mandate, "breadcrumbs": [(_("Kontakta oss"), "")]},
    )


def accessibility(request):
    return render(
        request,
        "portal/accessibility.html",
        {"breadcrumbs": [(_("Tillgänglighetsredogörelse"), "")]},
    )


def cookies(request):
    return render(
        request, "portal/cookies.html", {"breadcrumbs": [(_("Kakor (cookies)"), "")]}
    )


def privacy(request):
    return render(
        request,
        "portal/privacy.html",
        {"breadcrumbs": [(_("Behandling av personuppgifter"), "")]},
    )


@never_cache
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
