"""The sitemaps: only what the public may see.

`/sitemap.xml` is an index (`django.contrib.sitemaps.views.index`) naming one
sitemap per section, `/sitemap-<section>.xml`, each paged (`?p=2`, …) at
most `PAGE_SIZE` addresses a page (the protocol allows 50 000 per file).

Neither the index nor a page costs more as the tables grow: a page holds the
public rows whose primary keys fall in its range of `PAGE_SIZE` keys
(`KeyRangePaginator`), read through the primary key's index, and the index
learns each section's number of pages from its highest key, never from a
count of every row. A page can hold fewer addresses than that, or none,
where rows were deleted or are not public.

A detail page's lastmod is its row's `updated_at`, or, for a municipality
and a focus area, the newer of that and their published stages (one
subquery). A list page's is the newest row
of its kind, a text page's the date its template last changed
(`portal.freshness.TEXT_PAGES`). No entry costs a query of its own.
"""

import math
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import cached_property

from municipalities.models import FocusAreaStatus, Municipality, WorkingGroup
from portal.freshness import newest, text_date
from presentations.models import Presentation, Session, Speaker
from programme.models import FocusArea, Mandate, Milestone, NewsArticle

TEXT_PAGE_TEMPLATES = {
    "pages:contact": "portal/contact.html",
    "pages:accessibility": "portal/accessibility.html",
    "pages:cookies": "portal/cookies.html",
    "pages:privacy": "portal/privacy.html",
}


def _newest(queryset):
    return queryset.aggregate(newest=Max("updated_at"))["newest"]


def _newest_related(queryset, field):
    """The newest `updated_at` in `queryset` per row of the outer query whose
    pk `field` names: a subquery for annotate."""
    return Subquery(
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(newest=Max("updated_at"))
        .values("newest")[:1]
    )


PAGE_SIZE = 5_000


class KeyRangePaginator:
    """What Django's sitemap views ask of a paginator (`num_pages`,
    `page(number).object_list`), by ranges of primary keys: page n holds the
    items with (n - 1) * size < pk <= n * size."""

    def __init__(self, queryset, size):
        self.queryset = queryset
        self.size = size

    @cached_property
    def num_pages(self):
        model = self.queryset.model
        highest = model._base_manager.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.size))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(str(error)) from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        low = (number - 1) * self.size
        return SimpleNamespace(
            object_list=self.queryset.filter(pk__gt=low, pk__lte=low + self.size)
        )


class PagedSitemap(Sitemap):
    limit = PAGE_SIZE

    @property
    def paginator(self):
        items = self.items()
        if isinstance(items, list):
            return super().paginator
        return KeyRangePaginator(items, self.limit)


class StaticSitemap(PagedSitemap):
    def items(self):
        # A sitemap is made per request; its pages' dates are read once.
        return self._pages

    def get_latest_lastmod(self):
        """None: the index names no date for the fixed pages (each has its
        own in the section), which would cost their queries again."""
        return None

    @cached_property
    def _pages(self):
        news = _newest(NewsArticle.objects.published())
        mandate = newest(
            _newest(Mandate.objects.all()),
            _newest(FocusArea.objects.all()),
            _newest(Milestone.objects.all()),
        )
        municipalities = newest(
            _newest(Municipality.objects.participating()),
            _newest(FocusAreaStatus.objects.public()),
        )
        sessions = _newest(Session.objects.published())
        pages = [
            ("home", newest(mandate, news, sessions)),
            ("news:list", news),
            ("programme:mandate", mandate),
            ("municipalities:list", municipalities),
            ("municipalities:group-list", _newest(WorkingGroup.objects.all())),
            ("presentations:list", sessions),
        ]
        pages += [
            (name, self._text_date(name, template))
            for name, template in TEXT_PAGE_TEMPLATES.items()
        ]
        return pages

    def _text_date(self, name, template):
        if name == "pages:accessibility":
            return newest(text_date(template), settings.ACCESSIBILITY_REVIEWED_ON)
        return text_date(template)

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return newest(item[1])


class UpdatedSitemap(PagedSitemap):
    def lastmod(self, item):
        return newest(item.updated_at, getattr(item, "related_updated_at", None))

    def get_latest_lastmod(self):
        """None: the index names no date for the section. Django's default
        reads every row, and the newest change among the public ones cannot
        be found without reading them all (a change to a draft must not
        show). Each address in the section's pages has its own date."""
        return None


class NewsSitemap(UpdatedSitemap):
    def items(self):
        return NewsArticle.objects.published().order_by("pk")


class SessionSitemap(UpdatedSitemap):
    def items(self):
        return Session.objects.published().order_by("pk")


class PresentationSitemap(UpdatedSitemap):
    def items(self):
        return Presentation.objects.published().select_related("session").order_by("pk")


class SpeakerSitemap(UpdatedSitemap):
    def items(self):
        return Speaker.objects.public().order_by("pk")


class FocusAreaSitemap(UpdatedSitemap):
    def items(self):
        return FocusArea.objects.annotate(
            related_updated_at=_newest_related(
                FocusAreaStatus.objects.public(), "focus_area"
            )
        ).order_by("pk")


class MunicipalitySitemap(UpdatedSitemap):
    def items(self):
        return (
            Municipality.objects.participating()
            .annotate(
                related_updated_at=_newest_related(
                    FocusAreaStatus.objects.public(), "municipality"
                )
            )
            .order_by("pk")
        )


class WorkingGroupSitemap(UpdatedSitemap):
    def items(self):
        return WorkingGroup.objects.order_by("pk")


# The keys are the sections' names in their addresses: /sitemap-nyheter.xml.
SITEMAPS = {
    "sidor": StaticSitemap,
    "nyheter": NewsSitemap,
    "sessioner": SessionSitemap,
    "presentationer": PresentationSitemap,
    "talare": SpeakerSitemap,
    "fokusomraden": FocusAreaSitemap,
    "kommuner": MunicipalitySitemap,
    "arbetsgrupper": WorkingGroupSitemap,
}
