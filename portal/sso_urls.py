"""The single sign-on URLs, without the OpenID Connect client loaded.

`portal.sso` builds on mozilla-django-oidc, which brings requests and PyJWT
(some 6 MB a worker). It is imported on the first request to one of these
URLs, so a worker that never sees single sign-on never loads it. With SSO
off both URLs answer 404, from `portal.sso` as before.
"""

from django.urls import path


def sso_start(request):
    from portal import sso

    return sso.sso_start(request)


def sso_callback(request):
    from portal import sso

    return sso.sso_callback(request)


urlpatterns = [
    path("logga-in/sso/", sso_start, name="sso-start"),
    path("logga-in/sso/svar/", sso_callback, name="sso-callback"),
]
