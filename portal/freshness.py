"""Freshness and ownership of every public page.

The national web guidelines ask every page to say when it was last updated
and who answers for it; municipal sites show "Senast uppdaterad" and a
content owner at the foot of each page. Each public view builds a
`Freshness` for its page type with `page_freshness`, from the modification
times of what the page shows (the `updated_at` every public model carries),
and `base.html` renders it with `portal/_freshness.html`.

Pages made only of a template's text (contact, accessibility, cookies,
privacy, search, the newsletter form) have no row to take a date from:
`TEXT_PAGES` records the date each template's text last changed, with the
template's digest, and a test fails when a template changes without its
date (tests/portal/test_freshness.py).
"""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# Who answers for each page type, within the organisation behind the site.
PROJECT_MANAGEMENT = _("projektledningen")
EDITORIAL = _("redaktionen")
SITE_MANAGEMENT = _("webbplatsens förvaltning")

OWNERS = {
    "home": PROJECT_MANAGEMENT,
    "mandate": PROJECT_MANAGEMENT,
    "focus_area": PROJECT_MANAGEMENT,
    "municipalities": PROJECT_MANAGEMENT,
    "groups": PROJECT_MANAGEMENT,
    "contact": PROJECT_MANAGEMENT,
    "news": EDITORIAL,
    "sessions": EDITORIAL,
    "speakers": EDITORIAL,
    "newsletter": EDITORIAL,
    "search": SITE_MANAGEMENT,
    "accessibility": SITE_MANAGEMENT,
    "cookies": SITE_MANAGEMENT,
    "privacy": SITE_MANAGEMENT,
}

# Template: (the date its text last changed, the first 16 hex digits of its
# SHA-256). Change the template, then both: the test prints the new digest.
TEXT_PAGES = {
    "portal/contact.html": (datetime.date(2026, 11, 24), "f6b2c28c0a6ef0dd"),
    "portal/accessibility.html": (datetime.date(2026, 11, 25), "c3490bb8f6138303"),
    "portal/cookies.html": (datetime.date(2026, 11, 26), "4fbd51f397e7d1bc"),
    "portal/privacy.html": (datetime.date(2026, 11, 24), "5c75092aa1cc3ca0"),
    "portal/search.html": (datetime.date(2026, 11, 24), "482f191d0e224196"),
    "programme/newsletter/subscribe.html": (
        datetime.date(2026, 11, 26),
        "b58c5c23ed414cb2",
    ),
}


def template_digest(name):
    """The first 16 hex digits of a template's SHA-256."""
    return hashlib.sha256((TEMPLATES_DIR / name).read_bytes()).hexdigest()[:16]


def text_date(name):
    """The date a text page's template last changed."""
    return TEXT_PAGES[name][0]


@dataclass(frozen=True)
class Freshness:
    """What the foot of a public page says about its age and owner."""

    updated: datetime.date | None
    owner: str
    email: str
    stale: bool
    stale_days: int


def _as_date(value):
    """A datetime as the Swedish calendar day it falls on."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def newest(*values):
    """The newest of dates, datetimes and objects with `updated_at`; None
    among them (or an object without the field) is skipped."""
    dates = []
    for value in values:
        if isinstance(value, (list, tuple)):
            found = newest(*value)
        elif isinstance(value, (datetime.date, type(None))):
            found = _as_date(value)
        else:
            found = _as_date(getattr(value, "updated_at", None))
        if found is not None:
            dates.append(found)
    return max(dates, default=None)


def page_freshness(page_type, *sources, today=None):
    """The Freshness of a page of `page_type` showing `sources`: model
    instances (their `updated_at`), lists of them, dates or datetimes.

    A page that shows nothing with a date has no "Senast uppdaterad", only
    its owner.
    """
    updated = newest(*sources)
    today = today or timezone.localdate()
    days = settings.CONTENT_STALE_DAYS
    return Freshness(
        updated=updated,
        owner=OWNERS[page_type],
        email=settings.CONTENT_OWNER_EMAIL,
        stale=updated is not None and (today - updated).days > days,
        stale_days=days,
    )
