"""Anonymous public pages from the shared cache, and never out of date.

A public page is rendered once and then answered from the configured cache
(LocMem in development, Redis in production, shared by every app server) to
every visitor who is not signed in, until the first of:

- **anything a public page shows is saved, deleted or relinked**: every
  model in PUBLIC_MODELS (and the many-to-many links declared on them)
  replaces the *content version*, a random token stored in the cache and
  written into every page entry; an entry of another version is never
  answered, so every page is rendered afresh after any change, whichever
  pages showed it. Bulk updates that send no signal call `content_changed()`
  themselves (the admin's publish actions), and every successful POST in the
  admin replaces the version as well;
- **a scheduled change falls due** (`next_scheduled_change`): an article's
  publishing time, the end of a session (it leaves "upcoming" on the home
  page, and a day later the upcoming-sessions calendar), and midnight
  (milestone states, the mandate's month, "not started"/"ended");
- **PUBLIC_CACHE_SECONDS** pass (new templates after a deploy, memory).

Which requests: GET and HEAD without the session cookie and without the
messages cookie (Django's own cookies that change a page; the CSRF cookie
does not, and a page that needs a token sets the cookie and is not stored),
for a view in CACHED_VIEWS (a list of what may be stored: an internal page is
never cached by being forgotten) with only the query parameters those views
read. Keyed on the language (the switch's cookie) and the absolute URL.
What is stored: a 200 that sets no cookie, is not `private`/`no-store`/
`no-cache`, varies on nothing but Cookie, shows no message, is not for a
signed-in user and has neither a CSP nonce nor a CSP of its own. Stored
answers get `Cache-Control: public, max-age=…`, at most
PUBLIC_CACHE_MAX_AGE and never past the next scheduled change, and keep
`Vary: Cookie`: browsers then ask again after switching language or signing
in. nginx keys on the language cookie and bypasses the session and messages
cookies (deploy/nginx/portal.conf.template); the README says how a CDN must.

Why not Django's CacheMiddleware: its key hashes the whole Cookie header
(every visitor with a left-over CSRF cookie would get entries of their own,
and so would each signed-in session), its key prefix is fixed (no content
version), its lifetime is the page's max-age (not capped by the next
scheduled change), and a hit costs two cache reads in a row (the header list,
then the page). The helpers from `django.utils.cache` are used for headers.

A cache that cannot be reached is skipped for FAIL_OPEN_SECONDS: pages are
then rendered as if there were no cache. Replacing the version is not
skipped: a change to public content fails (the Swedish 503) rather than
leave pages out of date.
"""

import datetime
import hashlib
import logging
import math
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import split_directive_names

from portal.middleware import chosen_language
from portal.unavailable import cache_errors
from presentations.models import Session
from presentations.views import CALENDAR_KEEPS_ENDED
from programme.models import NewsArticle

logger = logging.getLogger(__name__)

# The views whose anonymous answers may be stored. Not: slides (a file
# stream), newsletter links (a subscriber's token and data), robots.txt (no
# query to save), health probes (they must answer live), and every page of
# the coordination area, the accounts and the admin.
CACHED_VIEWS = frozenset(
    {
        "home",
        "pages:contact",
        "pages:accessibility",
        "pages:cookies",
        "pages:privacy",
        "search",
        "sitemap-index",
        "django.contrib.sitemaps.views.sitemap",
        "news:list",
        "news:feed",
        "news:detail",
        "news:pdf",
        "programme:mandate",
        "programme:focus-area",
        "newsletter:subscribe",
        "newsletter:check-email",
        "municipalities:list",
        "municipalities:detail",
        "municipalities:group-list",
        "municipalities:group-detail",
        "presentations:list",
        "presentations:upcoming-ics",
        "presentations:session",
        "presentations:session-ics",
        "presentations:presentation",
        "presentations:speaker",
    }
)
# The query parameters those views read. A request with any other is answered
# without the cache, so made-up parameters cannot fill it.
QUERY_PARAMETERS = frozenset({"q", "sida", "fokusomrade", "kommun"})
# Every model whose rows a cached page shows; tests/portal/test_public_cache.py
# makes each model of ours be either here or named as never shown.
PUBLIC_MODELS = (
    "programme.Person",
    "programme.Mandate",
    "programme.FocusArea",
    "programme.Milestone",
    "programme.NewsArticle",
    "municipalities.Municipality",
    "municipalities.Organisation",
    "municipalities.WorkingGroup",
    "municipalities.FocusAreaStatus",
    "presentations.Session",
    "presentations.Speaker",
    "presentations.Presentation",
    "presentations.PresentationSpeaker",
)
# Larger answers (a PDF with images) are rendered each time.
MAX_BYTES = 2 * 1024 * 1024
FAIL_OPEN_SECONDS = 5

VERSION_KEY = "public-page:version"
NEXT_CHANGE_KEY = "public-page:next-change:{version}"
PAGE_KEY = "public-page:{digest}"


class _Breaker:
    """Until when (monotonic clock) this process leaves the cache alone."""

    skip_until = 0.0


def content_changed():
    """Every page rendered so far is out of date: replace the content version.

    Called by the signals of PUBLIC_MODELS and by writes that send none.
    Inside a transaction the version is replaced now and again when it
    commits, so that a page rendered meanwhile from the old rows, under the
    version of the first replacement, is not answered either."""
    _replace_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_replace_version, robust=True)


def _replace_version():
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)


def _current_version(found):
    """The content version, made when the cache has none. A random token,
    never a counter: a version evicted and made again must not bring entries
    of an earlier one back to life."""
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def next_scheduled_change(now):
    """The first moment after `now` at which a public page may change with no
    one saving anything: see the module docstring."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    candidates = [
        datetime.datetime.combine(
            tomorrow, datetime.time(), tzinfo=timezone.get_current_timezone()
        ),
        NewsArticle.objects.next_publication(now),
        Session.objects.next_end(now),
    ]
    calendar_end = Session.objects.next_end(now - CALENDAR_KEEPS_ENDED)
    if calendar_end is not None:
        candidates.append(calendar_end + CALENDAR_KEEPS_ENDED)
    return min(moment for moment in candidates if moment is not None)


def _valid_until(version, started):
    """Until when (a timestamp) a page rendered from `started` on stays true:
    the next scheduled change after `started`, remembered per version with
    the moment it was computed from, and PUBLIC_CACHE_SECONDS."""
    start = started.timestamp()
    key = NEXT_CHANGE_KEY.format(version=version)
    known = cache.get(key)
    if known is not None and known[0] <= start < known[1]:
        next_change = known[1]
    else:
        next_change = next_scheduled_change(started).timestamp()
        lifetime = min(next_change - start, settings.PUBLIC_CACHE_SECONDS)
        cache.set(key, (start, next_change), timeout=max(1, math.ceil(lifetime)))
    return min(next_change, start + settings.PUBLIC_CACHE_SECONDS)


def _page_key(request):
    """The cache key of an anonymous request for a cached view, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if not QUERY_PARAMETERS.issuperset(request.GET):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name not in CACHED_VIEWS:
        return None
    raw = f"{chosen_language(request)}|{request.build_absolute_uri()}"
    return PAGE_KEY.format(digest=hashlib.sha256(raw.encode()).hexdigest())


def _directives(response, header):
    return set(split_directive_names(response.get(header, "")))


def _storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _directives(response, "Cache-Control") & {"private", "no-store", "no-cache"}:
        return False
    if _directives(response, "Vary") - {"cookie"}:
        return False
    if len(response.content) > MAX_BYTES:
        return False
    # The CSP middleware runs outside this one, again on every hit: a page
    # with a nonce in it, or a policy of its own, would get the wrong one.
    if get_nonce(request) or any(
        hasattr(response, name) for name in ("_csp_config", "_csp_ro_config")
    ):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and (messages.used or len(messages)))


def _mark_public(response, valid_until, now):
    max_age = max(0, min(settings.PUBLIC_CACHE_MAX_AGE, int(valid_until - now)))
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ("Cookie",))


class PublicPageCacheMiddleware:
    """Answers anonymous requests for public pages from the cache, and stores
    what it renders for them (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PUBLIC_CACHE_SECONDS:
            return self.get_response(request)
        key = _page_key(request)
        if key is None:
            response = self.get_response(request)
            self._after_admin_post(request, response)
            return response
        started = timezone.now()
        found = self._read(key)
        if found is not None:
            version, entry = found
            if entry is not None and entry[0] == version:
                answered = self._answer(entry, started.timestamp())
                if answered is not None:
                    return answered
        response = self.get_response(request)
        if found is not None and _storable(request, response):
            self._store(key, found[0], started, response)
        return response

    def _read(self, key):
        """(version, entry or None), or None when the cache is not usable."""
        if time.monotonic() < _Breaker.skip_until:
            return None
        try:
            found = cache.get_many([VERSION_KEY, key])
            version = _current_version(found)
        except cache_errors() as error:
            self._skip_cache(error)
            return None
        if version is None:
            return None
        return version, found.get(key)

    def _answer(self, entry, now):
        _version, valid_until, status, headers, content = entry
        if now >= valid_until:
            return None
        response = HttpResponse(content, status=status, headers=headers)
        _mark_public(response, valid_until, now)
        return response

    def _store(self, key, version, started, response):
        """Store the page, unless it is already out of date. A database that
        fails after the page was rendered only leaves it unstored; a cache
        that fails is left alone for a while."""
        try:
            valid_until = _valid_until(version, started)
            now = time.time()
            if valid_until - now < 1:
                return
            _mark_public(response, valid_until, now)
            entry = (
                version,
                valid_until,
                response.status_code,
                dict(response.headers.items()),
                response.content,
            )
            cache.set(key, entry, timeout=math.ceil(valid_until - now))
        except cache_errors() as error:
            self._skip_cache(error)
        except DatabaseError:
            logger.warning("Page not cached: the database failed after rendering it")

    @staticmethod
    def _skip_cache(error):
        _Breaker.skip_until = time.monotonic() + FAIL_OPEN_SECONDS
        logger.warning(
            "Page cache unreachable (%s): pages rendered without it for %s s",
            type(error).__name__,
            FAIL_OPEN_SECONDS,
        )

    @staticmethod
    def _after_admin_post(request, response):
        """A successful POST in the admin may have changed public content in
        a way no signal reports (a bulk update in an action): replace the
        version, once its transaction has committed (the admin's views
        commit before they answer)."""
        if request.method != "POST" or response.status_code >= 400:
            return
        match = getattr(request, "resolver_match", None)
        if match is not None and "admin" in match.namespaces:
            content_changed()


def _changed(sender, **kwargs):
    content_changed()


def _relinked(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed()


def connect_signals():
    """Called from PortalConfig.ready()."""
    from django.apps import apps

    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        uid = f"public-cache-{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relinked,
                sender=through,
                dispatch_uid=f"{uid}-{field.name}-links",
            )
