"""Three answers with the same bytes: rendered from the template on every
request, pre-rendered once (Django's floor: the request and middleware
alone), and rendered under `cache_page`."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_page

LEAD = (
    "Kommunerna i nordvästra Stockholm samordnar stödet till den som vill "
    "lämna ett kriminellt nätverk och arbetar tillsammans för att färre unga "
    "ska rekryteras. Här berättar vi om arbetet, vad som har hänt sedan sist "
    "och vad som planeras under de kommande månaderna i arbetsgrupperna."
)

ARTICLES = [
    {
        "title": f"Nyhet nummer {number} om uppdraget",
        "slug": f"nyhet-{number}",
        "published": datetime.date(2022, 1, 1) + datetime.timedelta(days=7 * number),
        "lead": LEAD,
        "focus_area": (
            "Stöd till avhoppare" if number % 2 else "Förebygga nyrekrytering"
        ),
    }
    for number in range(1, 25)
]


def _context():
    return {"title": "Nyheter", "articles": ARTICLES}


def template_page(request, slug=None):
    return render(request, "pages/page.html", _context())


_prerendered = None


def prerendered_page(request):
    global _prerendered  # rendered once per process, on the first request
    if _prerendered is None:
        _prerendered = render_to_string(
            "pages/page.html", _context(), request=request
        ).encode()
    return HttpResponse(_prerendered)


cached_page = cache_page(300)(template_page)
