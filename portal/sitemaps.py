"""sitemap.xml: only what the public may see, each entry with its lastmod.

A detail page's lastmod is its row's `updated_at`, or, for a municipality
and a focus area, the newer of that and their published stages (one
subquery). A list page's is the newest row
of its kind, a text page's the date its template last changed
(`portal.freshness.TEXT_PAGES`). No entry costs a query of its own.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

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


class StaticSitemap(Sitemap):
    def items(self):
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


class UpdatedSitemap(Sitemap):
    def lastmod(self, item):
        return newest(item.updated_at, getattr(item, "related_updated_at", None))


class NewsSitemap(UpdatedSitemap):
    def items(self):
        return NewsArticle.objects.published()


class SessionSitemap(UpdatedSitemap):
    def items(self):
        return Session.objects.published()


class PresentationSitemap(UpdatedSitemap):
    def items(self):
        return Presentation.objects.published().select_related("session")


class SpeakerSitemap(UpdatedSitemap):
    def items(self):
        return Speaker.objects.public()


class FocusAreaSitemap(UpdatedSitemap):
    def items(self):
        return FocusArea.objects.annotate(
            related_updated_at=_newest_related(
                FocusAreaStatus.objects.public(), "focus_area"
            )
        )


class MunicipalitySitemap(UpdatedSitemap):
    def items(self):
        return Municipality.objects.participating().annotate(
            related_updated_at=_newest_related(
                FocusAreaStatus.objects.public(), "municipality"
            )
        )


class WorkingGroupSitemap(UpdatedSitemap):
    def items(self):
        return WorkingGroup.objects.all()


SITEMAPS = {
    "pages": StaticSitemap,
    "news": NewsSitemap,
    "sessions": SessionSitemap,
    "presentations": PresentationSitemap,
    "speakers": SpeakerSitemap,
    "focus-areas": FocusAreaSitemap,
    "municipalities": MunicipalitySitemap,
    "working-groups": WorkingGroupSitemap,
}
