"""Root URL configuration. Public URLs are Swedish."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.static import serve

from portal import accounts, health, mfa, sso, views
from portal.sitemaps import SITEMAPS

pages = (
    [
        path("kontakt/", views.contact, name="contact"),
        path("tillganglighet/", views.accessibility, name="accessibility"),
        path("kakor/", views.cookies, name="cookies"),
        path("personuppgifter/", views.privacy, name="privacy"),
    ],
    "pages",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(pages)),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("sok/", views.search_page, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS},
        name="sitemap-index",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("nyheter/", include("programme.news_urls")),
    path("uppdraget/", include("programme.urls")),
    path("nyhetsbrev/", include("programme.newsletter_urls")),
    path("", include("municipalities.urls")),
    path("", include("presentations.urls")),
    path("", include(accounts.urlpatterns)),
    path("", include(mfa.urlpatterns)),
    path("", include(sso.urlpatterns)),
    path("", include("municipalities.coordination.invitations")),
    path("samordning/", include("municipalities.coordination.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG and settings.MEDIA_STORAGE == "local":
    # Development only: production serves media through the web server (or
    # from the media bucket, MEDIA_STORAGE=s3).
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler500 = "portal.views.server_error"

admin.site.site_header = "FoU Nordväst – redigering"
admin.site.site_title = "FoU Nordväst"
admin.site.index_title = "Innehåll"
