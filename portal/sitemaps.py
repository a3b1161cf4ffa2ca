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
"""

import math
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from municipalities.models import Municipality, WorkingGroup
from presentations.models import Presentation, Session, Speaker
from programme.models import FocusArea, NewsArticle

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
        return [
            "home",
            "news:list",
            "programme:mandate",
            "municipalities:list",
            "municipalities:group-list",
            "presentations:list",
            "pages:contact",
            "pages:accessibility",
            "pages:cookies",
            "pages:privacy",
        ]

    def location(self, item):
        return reverse(item)


class NewsSitemap(PagedSitemap):
    def items(self):
        return NewsArticle.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """None: the index names no date for the section. Django's default
        reads every article, and the newest change among the public ones
        cannot be found without reading them all (a change to a draft must
        not show). Each address in the section's pages has its own date."""
        return None


class SessionSitemap(PagedSitemap):
    def items(self):
        return Session.objects.published().order_by("pk")


class PresentationSitemap(PagedSitemap):
    def items(self):
        return Presentation.objects.published().select_related("session").order_by("pk")


class SpeakerSitemap(PagedSitemap):
    def items(self):
        return Speaker.objects.public().order_by("pk")


class FocusAreaSitemap(PagedSitemap):
    def items(self):
        return FocusArea.objects.order_by("pk")


class MunicipalitySitemap(PagedSitemap):
    def items(self):
        return Municipality.objects.participating().order_by("pk")


class WorkingGroupSitemap(PagedSitemap):
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
