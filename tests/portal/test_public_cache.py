"""Anonymous pages from the cache (portal/public_cache.py), and never out of
date: every test warms the pages first, checks that the next request is
answered from the cache (no query), then changes something and reads the
pages again as the next visitor would."""

import datetime
import time

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.csp import LazyNonce

from municipalities.coordination import services
from municipalities.models import SharingLevel, Stage
from portal import public_cache
from programme.models import NewsArticle
from tests import factories
from tests.outages import CLOSED_PORT, forget_database_failures, unreachable_database
from tests.portal.test_redis_cache import another_app_server, redis_cache  # noqa: F401

pytestmark = pytest.mark.django_db


def get(path, client=None, **extra):
    response = (client or Client()).get(path, **extra)
    return response, response.content.decode(errors="replace")


def queries_of(path, client=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(path, **extra)
    return response, len(queries)


def stored_pages():
    """The pages in the (LocMem) cache: neither the version nor the next
    scheduled change."""
    return [
        key
        for key in cache._cache
        if ":public-page:" in key
        and ":public-page:version" not in key
        and ":public-page:next-change:" not in key
    ]


def warm(paths):
    """Render each page once, and check the next visitor gets it from the
    cache: the same bytes, without a query."""
    for path in paths:
        first, _count = queries_of(path)
        again, count = queries_of(path)
        assert first.status_code in (200, 404), (path, first.status_code)
        if first.status_code == 200:
            assert count == 0, f"{path} was not answered from the cache"
            assert again.content == first.content, path


def shown_on(paths, text):
    """The pages, of `paths`, on which the next visitor reads `text`."""
    return {path for path in paths if text in get(path)[1]}


@pytest.fixture
def site(db):
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate, slug="omradet")
    municipality = factories.MunicipalityFactory(slug="kommunen", name="Kommunen")
    session = factories.SessionFactory(mandate=mandate, slug="sessionen")
    speaker = factories.SpeakerFactory(slug="talaren")
    presentation = factories.PresentationFactory(session=session, slug="presentationen")
    presentation.speakers.add(speaker)
    return {
        "mandate": mandate,
        "area": area,
        "municipality": municipality,
        "session": session,
        "speaker": speaker,
        "presentation": presentation,
    }


# --- Hits --------------------------------------------------------------------


def test_a_hit_runs_no_query_and_is_the_same_page(site, django_assert_num_queries):
    first, _html = get("/")

    with django_assert_num_queries(0):
        again = Client().get("/")
    with django_assert_num_queries(0):
        head = Client().head("/")

    assert again.content == first.content
    assert again["Content-Language"] == "sv"
    assert head.status_code == 200
    assert head["Content-Length"] == first["Content-Length"]


def test_app_servers_share_pages_and_the_version_in_redis(
    site,
    redis_cache,  # noqa: F811
    django_assert_num_queries,
):
    first, _html = get("/nyheter/")
    elsewhere = another_app_server(redis_cache)
    version = elsewhere.get(public_cache.VERSION_KEY)

    with django_assert_num_queries(0):
        again = Client().get("/nyheter/")
    factories.NewsArticleFactory(title="Zebrafinken flyger")

    assert again.content == first.content
    assert version is not None
    assert elsewhere.get(public_cache.VERSION_KEY) != version
    assert "Zebrafinken flyger" in get("/nyheter/")[1]


def test_cached_answers_say_public_vary_on_cookie_and_set_no_cookie(site, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 45
    first = Client().get("/nyheter/")
    again = Client().get("/nyheter/")

    for response in (first, again):
        assert response["Cache-Control"] == "public, max-age=45"
        assert response["Vary"] == "Cookie"
        assert not response.cookies
        # The headers Django's outer middleware sets come on a hit too.
        assert response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


# --- Changes to public content ------------------------------------------------

NEWS_PAGES = [
    "/",
    "/nyheter/",
    "/nyheter/?fokusomrade=omradet",
    "/nyheter/zebrafinken/",
    "/nyheter/feed/",
    "/uppdraget/omradet/",
    "/kommuner/kommunen/",
    "/sok/?q=zebrafinken",
    "/sitemap-nyheter.xml",
]


def test_news_published_changed_and_unpublished_show_on_every_page(site):
    article = factories.NewsArticleFactory(
        title="Zebrafinken flyger",
        slug="zebrafinken",
        status=NewsArticle.Status.DRAFT,
    )
    article.focus_areas.add(site["area"])
    article.municipalities.add(site["municipality"])
    warm(NEWS_PAGES)
    assert shown_on(NEWS_PAGES, "Zebrafinken") == set()

    article.status = NewsArticle.Status.PUBLISHED
    article.save()
    assert shown_on(NEWS_PAGES, "Zebrafinken flyger") == set(NEWS_PAGES) - {
        "/sitemap-nyheter.xml"  # lists the address, not the title
    }
    assert "/nyheter/zebrafinken/" in get("/sitemap-nyheter.xml")[1]

    warm(NEWS_PAGES)
    article.title = "Zebrafinken landar"
    article.save()
    assert shown_on(NEWS_PAGES, "Zebrafinken landar") == set(NEWS_PAGES) - {
        "/sitemap-nyheter.xml"
    }

    warm(NEWS_PAGES)
    article.status = NewsArticle.Status.DRAFT
    article.save()
    assert shown_on(NEWS_PAGES, "Zebrafinken") == set()
    assert "/nyheter/zebrafinken/" not in get("/sitemap-nyheter.xml")[1]


def test_news_relinked_to_a_focus_area_and_deleted(site):
    article = factories.NewsArticleFactory(title="Zebrafinken flyger")
    pages = ["/uppdraget/omradet/", "/nyheter/?fokusomrade=omradet", "/nyheter/"]
    warm(pages)
    assert shown_on(pages, "Zebrafinken") == {"/nyheter/"}

    site["area"].news.add(article)
    assert shown_on(pages, "Zebrafinken") == set(pages)

    warm(pages)
    article.focus_areas.clear()
    assert shown_on(pages, "Zebrafinken") == {"/nyheter/"}

    warm(pages)
    article.delete()
    assert shown_on(pages, "Zebrafinken") == set()


def test_news_published_with_the_admins_bulk_action(site, editor_client):
    article = factories.NewsArticleFactory(
        title="Zebrafinken flyger", status=NewsArticle.Status.DRAFT
    )
    warm(["/", "/nyheter/"])

    response = editor_client.post(
        "/admin/programme/newsarticle/",
        {"action": "publish", "_selected_action": [article.pk]},
    )

    assert response.status_code == 302
    assert shown_on(["/", "/nyheter/"], "Zebrafinken flyger") == {"/", "/nyheter/"}


SESSION_PAGES = [
    "/",
    "/presentationer/",
    "/presentationer/sessionen/",
    "/presentationer/kommande.ics",
    "/presentationer/sessionen/kalender.ics",
    "/presentationer/sessionen/presentationen/",
    "/talare/talaren/",
    "/sok/?q=zebrafinken",
]


def test_session_published_changed_and_unpublished_show_on_every_page(site):
    session = site["session"]
    session.title = "Zebrafinkens seminarium"
    session.published = False
    session.save()
    warm(SESSION_PAGES)
    assert shown_on(SESSION_PAGES, "Zebrafinkens") == set()

    session.published = True
    session.save()
    assert shown_on(SESSION_PAGES, "Zebrafinkens seminarium") == set(SESSION_PAGES)

    warm(SESSION_PAGES)
    session.title = "Zebrafinkens konferens"
    session.save()
    assert shown_on(SESSION_PAGES, "Zebrafinkens konferens") == set(SESSION_PAGES)

    warm(SESSION_PAGES)
    session.published = False
    session.save()
    assert shown_on(SESSION_PAGES, "Zebrafinkens") == set()


PRESENTATION_PAGES = [
    "/presentationer/sessionen/",
    "/presentationer/sessionen/presentationen/",
    "/talare/talaren/",
    "/uppdraget/omradet/",
    "/sok/?q=zebrafinken",
]


def test_presentation_published_changed_and_unpublished_show_on_every_page(site):
    presentation = site["presentation"]
    presentation.title = "Zebrafinkens sång"
    presentation.published = False
    presentation.save()
    presentation.focus_areas.add(site["area"])
    warm(PRESENTATION_PAGES)
    assert shown_on(PRESENTATION_PAGES, "Zebrafinkens") == set()
    assert get("/talare/talaren/")[0].status_code == 404

    presentation.published = True
    presentation.save()
    assert shown_on(PRESENTATION_PAGES, "Zebrafinkens sång") == set(PRESENTATION_PAGES)

    warm(PRESENTATION_PAGES)
    presentation.title = "Zebrafinkens visa"
    presentation.save()
    assert shown_on(PRESENTATION_PAGES, "Zebrafinkens visa") == set(PRESENTATION_PAGES)

    warm(PRESENTATION_PAGES)
    presentation.published = False
    presentation.save()
    assert shown_on(PRESENTATION_PAGES, "Zebrafinkens") == set()


def test_speaker_changed_and_added_shows_on_every_page(site):
    pages = ["/talare/talaren/", "/presentationer/sessionen/presentationen/"]
    warm(pages)

    site["speaker"].name = "Zebrafinken Talare"
    site["speaker"].save()
    assert shown_on(pages, "Zebrafinken Talare") == set(pages)

    warm(pages)
    other = factories.SpeakerFactory(name="Zebrafinkens vän")
    factories.PresentationSpeakerFactory(
        presentation=site["presentation"], speaker=other
    )
    assert shown_on(pages, "Zebrafinkens vän") == {pages[1]}


STATUS_PAGES = ["/kommuner/", "/kommuner/kommunen/", "/uppdraget/omradet/"]


def test_municipality_status_shared_changed_and_withdrawn(site):
    actor = factories.UserFactory()

    def set_status(comment, sharing_level):
        services.status_set(
            actor=actor,
            municipality=site["municipality"],
            focus_area=site["area"],
            stage=Stage.PLANNING,
            comment=comment,
            sharing_level=sharing_level,
        )

    set_status("Zebrafinkar räknas", SharingLevel.OWN)
    warm(STATUS_PAGES)
    assert shown_on(STATUS_PAGES, "Planering") == set()

    set_status("Zebrafinkar räknas", SharingLevel.OPEN)
    assert shown_on(STATUS_PAGES, "Planering") == set(STATUS_PAGES)

    warm(STATUS_PAGES)
    set_status("Zebrafinkar flyger", SharingLevel.OPEN)
    assert shown_on(["/kommuner/kommunen/"], "Zebrafinkar flyger") == {
        "/kommuner/kommunen/"
    }

    warm(STATUS_PAGES)
    set_status("Zebrafinkar flyger", SharingLevel.MANDATE)
    assert shown_on(STATUS_PAGES, "Planering") == set()


def test_milestone_added_changed_done_and_deleted(site):
    warm(["/uppdraget/"])

    milestone = factories.MilestoneFactory(
        mandate=site["mandate"], title="Zebrafinkens milstolpe"
    )
    assert shown_on(["/uppdraget/"], "Zebrafinkens milstolpe")

    warm(["/uppdraget/"])
    milestone.done_date = datetime.date(2022, 9, 1)
    milestone.save()
    assert "klar 1 september 2022" in get("/uppdraget/")[1]

    warm(["/uppdraget/"])
    milestone.delete()
    assert not shown_on(["/uppdraget/"], "Zebrafinkens milstolpe")


def test_working_group_and_municipality_changes_show(site):
    group = factories.WorkingGroupFactory(mandate=site["mandate"], slug="gruppen")
    pages = ["/arbetsgrupper/", "/arbetsgrupper/gruppen/"]
    warm(pages)

    group.purpose = "Zebrafinkar samordnas."
    group.save()
    assert shown_on(pages, "Zebrafinkar samordnas.") == set(pages)

    warm(pages)
    group.municipalities.add(site["municipality"])
    assert shown_on(pages, "Kommunen") == {"/arbetsgrupper/gruppen/"}

    pages = ["/arbetsgrupper/gruppen/", "/kommuner/", "/kommuner/kommunen/"]
    warm(pages)
    site["municipality"].name = "Zebrafinkby"
    site["municipality"].save()
    assert shown_on(pages, "Zebrafinkby") == set(pages)


def test_a_change_inside_a_transaction_replaces_the_version_again_at_commit(
    site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        site["speaker"].save()
        before_commit = cache.get(public_cache.VERSION_KEY)

    assert cache.get(public_cache.VERSION_KEY) != before_commit


# --- Scheduled changes ---------------------------------------------------------


def test_a_scheduled_article_appears_at_its_time(site):
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    factories.NewsArticleFactory(
        title="Zebrafinken flyger", slug="zebrafinken", publish_at=publish_at
    )
    pages = ["/", "/nyheter/", "/nyheter/feed/", "/sok/?q=zebrafinken"]

    with time_machine.travel(publish_at - datetime.timedelta(minutes=1), tick=False):
        warm([*pages, "/nyheter/zebrafinken/"])
        assert shown_on(pages, "Zebrafinken") == set()
        assert get("/")[0]["Cache-Control"] == "public, max-age=60"
    with time_machine.travel(publish_at - datetime.timedelta(seconds=20), tick=False):
        assert get("/")[0]["Cache-Control"] == "public, max-age=20"
    with time_machine.travel(publish_at, tick=False):
        assert shown_on(pages, "Zebrafinken flyger") == set(pages)
        assert get("/nyheter/zebrafinken/")[0].status_code == 200


def test_an_ended_session_leaves_the_home_page_then_the_calendar(site):
    ends_at = site["session"].ends_at
    title = site["session"].title

    with time_machine.travel(ends_at - datetime.timedelta(minutes=5), tick=False):
        warm(["/", "/presentationer/kommande.ics"])
        assert shown_on(["/", "/presentationer/kommande.ics"], title)
        assert shown_on(["/"], "Kommande sessioner") == {"/"}
    with time_machine.travel(ends_at + datetime.timedelta(seconds=1), tick=False):
        # The home page now lists it among the past sessions (none is
        # upcoming); the calendar keeps it for a day.
        assert shown_on(["/"], "Kommande sessioner") == set()
        assert shown_on(["/"], "Tidigare sessioner") == {"/"}
        assert shown_on(["/", "/presentationer/kommande.ics"], title) == {
            "/",
            "/presentationer/kommande.ics",
        }
        warm(["/presentationer/kommande.ics"])
    with time_machine.travel(ends_at + datetime.timedelta(days=1, seconds=1)):
        assert shown_on(["/presentationer/kommande.ics"], title) == set()


def test_a_milestone_becomes_late_at_midnight(site):
    today = datetime.date(2030, 5, 14)
    factories.MilestoneFactory(mandate=site["mandate"], due_date=today)
    evening = datetime.datetime(
        2030, 5, 14, 23, 59, tzinfo=timezone.get_default_timezone()
    )

    with time_machine.travel(evening, tick=False):
        warm(["/uppdraget/"])
        assert "försenad" not in get("/uppdraget/")[1]
    with time_machine.travel(evening + datetime.timedelta(minutes=1), tick=False):
        assert "försenad" in get("/uppdraget/")[1]


# --- Who gets cached pages -------------------------------------------------------


def test_signed_in_visitors_never_get_the_anonymous_page(site):
    user = factories.UserFactory(first_name="Zebra", last_name="Finksson")
    user.groups.add(Group.objects.get(name="Redaktör"))
    warm(["/", "/nyheter/"])
    client = Client()
    client.force_login(user)

    for path in ["/", "/nyheter/"]:
        response, html = get(path, client)
        assert "Logga ut" in html
        assert str(user) in html
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    assert len(stored_pages()) == 2  # the two anonymous ones, nothing more


def test_internal_pages_and_signed_in_answers_are_never_stored(site, world):
    client = Client()
    client.force_login(world["users"]["rep_a"])

    for path in ["/samordning/", "/konto/tvastegs/", "/", "/nyheter/"]:
        first, _count = queries_of(path, client)
        again, again_count = queries_of(path, client)
        assert first.status_code == again.status_code == 200, path
        assert again_count > 0, path
    for path in ["/logga-in/", "/konto/aterstall/", "/samordning/"]:
        get(path)
        get(path)
    assert stored_pages() == []


def test_a_password_only_session_is_not_answered_from_the_cache(
    site, password_only_login
):
    warm(["/"])
    client = password_only_login(Client(), factories.UserFactory())

    _response, count = queries_of("/", client)

    assert count > 0


def test_staff_preview_of_a_draft_is_never_cached_for_the_public(site, editor_client):
    factories.NewsArticleFactory(
        title="Zebrafinkens utkast", slug="utkastet", status=NewsArticle.Status.DRAFT
    )

    preview, html = get("/nyheter/utkastet/", editor_client)
    public, public_html = get("/nyheter/utkastet/")

    assert preview.status_code == 200
    assert "Zebrafinkens utkast" in html
    assert public.status_code == 404
    assert "Zebrafinkens" not in public_html
    assert stored_pages() == []


def test_english_is_its_own_page(site):
    _response, swedish_html = get("/")
    english_client = Client()
    english_client.cookies["django_language"] = "en"

    english, english_html = get("/", english_client)
    again, _html = get("/", english_client)
    _response, swedish_again_html = get("/")

    assert '<html lang="sv">' in swedish_html
    assert '<html lang="en">' in english_html
    assert english["Content-Language"] == again["Content-Language"] == "en"
    assert swedish_again_html == swedish_html
    assert len(stored_pages()) == 2


def test_made_up_query_parameters_and_message_cookies_pass_the_cache(site):
    get("/nyheter/?utm_source=brev")
    client = Client()
    client.cookies["messages"] = "anything"
    get("/nyheter/", client)

    assert stored_pages() == []


def test_a_cached_page_is_answered_while_the_database_is_down(site):
    warm(["/nyheter/"])
    client = Client(raise_request_exception=False)

    try:
        with unreachable_database():
            cached = client.get("/nyheter/")
            rendered = client.get("/uppdraget/")
    finally:
        forget_database_failures()

    assert cached.status_code == 200
    assert rendered.status_code == 503


def test_a_page_with_a_csp_nonce_or_a_policy_of_its_own_is_not_stored(rf):
    """The CSP header is set outside the cache, again on every hit."""
    plain = rf.get("/")
    plain._csp_nonce = LazyNonce()
    with_nonce = rf.get("/")
    with_nonce._csp_nonce = LazyNonce()
    str(with_nonce._csp_nonce)
    own_policy = HttpResponse("sida")
    own_policy._csp_config = {"default-src": ["'none'"]}

    assert public_cache._storable(plain, HttpResponse("sida"))
    assert not public_cache._storable(with_nonce, HttpResponse("sida"))
    assert not public_cache._storable(plain, own_policy)


def test_no_cache_when_the_setting_is_zero(site, settings):
    settings.PUBLIC_CACHE_SECONDS = 0

    first, _html = get("/")
    _again, count = queries_of("/")

    assert count > 0
    assert "public" not in first.get("Cache-Control", "")
    assert stored_pages() == []


def test_an_unreachable_cache_is_passed_by(site, settings, monkeypatch):
    monkeypatch.setattr(public_cache._Breaker, "skip_until", 0.0)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = Client(raise_request_exception=False)

    started = time.monotonic()
    answers = [client.get(path).status_code for path in ["/", "/nyheter/", "/"]]

    assert answers == [200, 200, 200]
    assert time.monotonic() - started < 2


# --- No per-visitor state in anonymous pages ---------------------------------------


def test_no_anonymous_page_sets_a_cookie(site):
    subscriber = factories.SubscriberFactory()
    factories.NewsArticleFactory(slug="artikeln")
    factories.WorkingGroupFactory(mandate=site["mandate"], slug="gruppen")
    paths = [
        "/",
        "/nyheter/",
        "/nyheter/artikeln/",
        "/nyheter/feed/",
        "/uppdraget/",
        "/uppdraget/omradet/",
        "/kommuner/",
        "/kommuner/kommunen/",
        "/arbetsgrupper/",
        "/arbetsgrupper/gruppen/",
        "/presentationer/",
        "/presentationer/sessionen/",
        "/presentationer/sessionen/presentationen/",
        "/presentationer/kommande.ics",
        "/talare/talaren/",
        "/sok/",
        "/sok/?q=avhoppare",
        "/nyhetsbrev/",
        "/nyhetsbrev/kolla-din-e-post/",
        f"/nyhetsbrev/mina-uppgifter/{subscriber.token}/",
        f"/nyhetsbrev/avsluta/{subscriber.token}/",
        "/kontakt/",
        "/tillganglighet/",
        "/kakor/",
        "/personuppgifter/",
        "/sitemap.xml",
        "/sitemap-nyheter.xml",
        "/robots.txt",
        "/finns-inte/",
        "/nyheter/finns-inte/",
    ]

    for path in paths:
        for attempt in ("rendered", "from the cache"):
            response = Client().get(path)
            assert response.status_code in (200, 404), path
            assert not response.cookies, (path, attempt, response.cookies)
            vary = response.get("Vary", "")
            assert vary in ("", "Cookie"), (path, vary)


def test_the_footer_subscription_and_the_language_switch_need_no_token(site):
    client = Client(enforce_csrf_checks=True)

    subscribed = client.post(
        "/nyhetsbrev/",
        {"email": "zebra@example.se", "topics": "all", "consent": "on"},
    )
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/kakor/"})
    away = client.post(
        "/i18n/setlang/", {"language": "sv", "next": "https://elsewhere.example/"}
    )

    assert subscribed.status_code == 302
    assert subscribed["Location"] == "/nyhetsbrev/kolla-din-e-post/"
    assert switched.status_code == 302
    assert switched["Location"] == "/kakor/"
    assert switched.cookies["django_language"].value == "en"
    assert away["Location"] == "/"


# --- What the cache is told -----------------------------------------------------

# Our models that no cached page shows, and why; a new model must be put
# here or in public_cache.PUBLIC_MODELS.
NOT_SHOWN = {
    "portal.User": "accounts; pages show Person, never a user",
    "portal.AuditEvent": "the audit log",
    "programme.Subscriber": "newsletter subscribers",
    "programme.NewsletterIssue": "newsletter mailings",
    "programme.Delivery": "newsletter deliveries",
    "municipalities.Meeting": "coordination area",
    "municipalities.Decision": "coordination area",
    "municipalities.Action": "coordination area",
    "municipalities.ProgressEntry": "coordination area",
    "municipalities.EntryAttachment": "coordination area",
    "municipalities.CalendarToken": "coordination area",
    "municipalities.IndicatorReport": "coordination area",
    "municipalities.Membership": "coordination area (group pages list "
    "municipalities and organisations, not seats)",
    "municipalities.Invitation": "invitations",
    "municipalities.MandateArchive": "the closed mandate's archive (staff only)",
    "portal.PurgeRecord": "the purge log (staff only)",
    "municipalities.Minutes": "coordination area",
    "municipalities.ReportingSchedule": "coordination area",
    "municipalities.ReminderSent": "reminders sent (for the worker)",
}


def test_every_model_is_either_public_or_named_as_never_shown():
    ours = {
        model._meta.label
        for name in ("portal", "programme", "municipalities", "presentations")
        for model in apps.get_app_config(name).get_models()
        if not model.__name__.startswith("Historical")
    }

    assert ours == set(public_cache.PUBLIC_MODELS) | set(NOT_SHOWN)
    assert not set(public_cache.PUBLIC_MODELS) & set(NOT_SHOWN)


# URL names outside the internal namespaces that are not cached, and why.
NOT_CACHED = {
    "healthz": "a probe answers live",
    "readyz": "a probe answers live",
    "robots": "no query to save",
    "presentations:slides": "a file stream",
    "newsletter:confirm": "confirms a subscription (a side effect)",
    "newsletter:unsubscribe": "a subscriber's page",
    "newsletter:manage": "a subscriber's data",
    "set_language": "sets the language cookie",
    "login": "sign-in",
    "logout": "sign-out",
}
INTERNAL_PREFIXES = ("/samordning/", "/konto/", "/logga-in/", "/inbjudan/", "/admin/")


def _named_patterns(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _named_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield "/" + route, namespace + pattern.name


def test_every_public_url_is_either_cached_or_named_as_not_cached():
    public = {
        name
        for route, name in _named_patterns(get_resolver())
        if not route.startswith(INTERNAL_PREFIXES) and not route.startswith("/^")
    }

    assert public_cache.CACHED_VIEWS - public == set()
    assert public - public_cache.CACHED_VIEWS - set(NOT_CACHED) == set()
    assert not public_cache.CACHED_VIEWS & set(NOT_CACHED)
