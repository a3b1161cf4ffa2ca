"""Context shared by every page: the site name, the main menu and whether
the mandate has been closed."""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from programme import closure


def site(request):
    path = request.path
    items = [
        (_("Startsida"), reverse("home")),
        (_("Nyheter"), reverse("news:list")),
        (_("Uppdraget"), reverse("programme:mandate")),
        (_("Kommuner"), reverse("municipalities:list")),
        (_("Arbetsgrupper"), reverse("municipalities:group-list")),
        (_("Presentationer"), reverse("presentations:list")),
    ]
    menu = [
        {
            "label": label,
            "url": url,
            "current": path == url if url == "/" else path.startswith(url),
        }
        for label, url in items
    ]
    return {
        "portal_name": settings.PORTAL_NAME,
        "main_menu": menu,
        "site_url": settings.SITE_URL,
        # Called by the template only where it is shown (base.html), and
        # read from the cache: no query on a page (`programme.closure`).
        "mandate_closure": functools.cache(closure.current),
    }
