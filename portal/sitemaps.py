"""sitemap.xml: only what the public may see."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from municipalities.models import Municipality, WorkingGroup
from presentations.models import Presentation, Session, Speaker
from programme.models import FocusArea, NewsArticle


class StaticSitemap(Sitemap):
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


class NewsSitemap(Sitemap):
    def items(self):
        return NewsArticle.objects.published()

    def lastmod(self, item):
        return item.updated_at


class SessionSitemap(Sitemap):
    def items(self):
        return Session.objects.published()


class PresentationSitemap(Sitemap):
    def items(self):
        return Presentation.objects.published().select_related("session")


class SpeakerSitemap(Sitemap):
    def items(self):
        return Speaker.objects.public()


class FocusAreaSitemap(Sitemap):
    def items(self):
        return FocusArea.objects.all()


class MunicipalitySitemap(Sitemap):
    def items(self):
        return Municipality.objects.participating()


class WorkingGroupSitemap(Sitemap):
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
