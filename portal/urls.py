"""Root URL configuration. Public URLs are Swedish."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve

from portal import accounts, health, mfa, sso_urls, views
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
    path("", include(sso_urls.urlpatterns)),
    path("", include("municipalities.coordination.invitations")),
    path("samordning/", include("municipalities.coordination.urls")),
    # Without a CSRF token: the switch is in every page's header, and a token
    # would give every visitor a cookie and keep every page out of shared
    # caches. A forged switch only changes the language the visitor reads
    # in; `next` is checked by Django (url_has_allowed_host_and_scheme).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
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
