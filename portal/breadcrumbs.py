"""Breadcrumb trails, declared in one line per view.

A trail is the list of `(label, url)` pairs that `base.html` renders after
"Startsida", the last one marked as the current page. A section of the site
declares its root once (`Section`); its views name only what lies beyond it.
"""

from django.urls import reverse


def breadcrumbs(*items):
    """The trail to the current page: a `(label, url)` pair for every page
    on the way, then the current page's label alone."""
    *way, current = items
    return [*way, (current, "")]


class Section:
    """A part of the site whose pages all sit under one root page."""

    def __init__(self, label, url_name):
        self.label = label
        self.url_name = url_name

    def breadcrumbs(self, *items):
        """The trail from the section's root; without items the root is the
        current page."""
        if not items:
            return breadcrumbs(self.label)
        return breadcrumbs((self.label, reverse(self.url_name)), *items)
