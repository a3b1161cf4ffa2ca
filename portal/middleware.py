"""Site-wide middleware."""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def chosen_language(request):
    """The language of the answer: the one chosen with the language switch
    (its cookie) when the site has it, otherwise Swedish. The page cache
    keys on it too (portal.public_cache)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if any(chosen == code for code, _name in settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class SwedishFirstLocaleMiddleware:
    """Swedish unless the visitor has chosen English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    Swedish public-sector site would appear half in English to anyone with an
    English browser. Here only an explicit choice (the language cookie set by
    the switch in the header) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionLifetimeMiddleware:
    """End a signed-in session 8 hours after login, however active it is.

    The idle limit is the session cookie age, renewed on every request; this
    adds the absolute limit, and ends sessions of deactivated users at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            now = time.time()
            expired = login_at is None or (
                now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            )
            if expired or not user.is_active:
                logout(request)
        return self.get_response(request)


INTERNAL_PREFIXES = ("/samordning/", "/konto/", "/logga-in/", "/inbjudan/")


class InternalNoStoreMiddleware:
    """Nothing from the internal area may be stored by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(INTERNAL_PREFIXES) or (
            getattr(request, "user", None) is not None and request.user.is_authenticated
        ):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
        return response


LOGIN_AT_KEY = "portal_login_at"


def remember_login_time(sender, request, user, **kwargs):
    request.session[LOGIN_AT_KEY] = time.time()


class AuditDenialMiddleware:
    """Every 403 and 404 decided in the coordination area or the admin is
    recorded as a denied attempt (who, which view, which object; never a
    token or the query string)."""

    AUDITED_NAMESPACES = {"samordning", "admin"}
    SECRET_KWARGS = {"token"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from portal.audit import audit_record
        from portal.models import AuditEvent

        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, Http404 | PermissionDenied) or match is None:
            return None
        if not self.AUDITED_NAMESPACES & set(match.namespaces):
            return None
        path = request.path
        for key in self.SECRET_KWARGS & set(match.kwargs):
            path = path.replace(str(match.kwargs[key]), "[dold]")
        object_id = next(
            (
                str(value)
                for key, value in match.kwargs.items()
                if key not in self.SECRET_KWARGS
            ),
            "",
        )
        audit_record(
            request,
            AuditEvent.Action.DENIED,
            object_type=(match.view_name or "")[:100],
            object_id=object_id[:40],
            path=path,
        )
        return None


class RejectControlCharactersMiddleware:
    """NUL and the other C0 control characters (tab, line feed and carriage
    return excepted) in the path, a query parameter or a form field answer a
    400 before any view runs. PostgreSQL refuses NUL in text, so such input
    would otherwise end as a 500 wherever it reaches a query."""

    CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_control(request):
            raise BadRequest("control character in the request")
        return self.get_response(request)

    def _has_control(self, request):
        if self.CONTROL.search(request.path):
            return True
        queries = [request.GET]
        if request.method == "POST":
            queries.append(request.POST)
        for query in queries:
            for key, values in query.lists():
                if self.CONTROL.search(key) or any(
                    self.CONTROL.search(value) for value in values
                ):
                    return True
        return False
