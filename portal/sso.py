"""Single sign-on through a municipality's own identity provider (OpenID Connect).

Off unless `OIDC_RP_CLIENT_ID` is set (see `portal/settings.py`): then the
backend is not installed and both URLs answer 404. On, the login page offers
"Logga in med <provider>", which starts the authorisation code flow (with
PKCE and a nonce) at `/logga-in/sso/`; the provider sends the browser back to
`/logga-in/sso/svar/`.

SSO never creates an account. It signs in an existing, active account whose
email address the provider asserts as verified, and only one that came in
through an invitation or holds a role (`may_sign_in_with_sso`). Every
sign-in and every refusal is audited; every refusal, whatever its cause (the
person, the provider, a tampered or replayed answer), ends on the same
Swedish page with a link to the password sign-in.

mozilla-django-oidc does the flow. What it leaves out is done here: provider
discovery, the ID token's issuer and audience, the userinfo subject, and
turning every failure of the provider into a refusal instead of a 500.

The URLs are in `portal.sso_urls`, which imports this module (and with it
requests and PyJWT) only when one of them is asked for.
"""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from portal.accounts import landing_url, sso_provider_name
from portal.audit import audit_event
from portal.models import AuditEvent

logger = logging.getLogger(__name__)

AUDIT_OBJECT_TYPE = "portal.SSO"
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 60 * 60
# Each endpoint setting and the discovery document's key for it.
DISCOVERED = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# Clock difference tolerated between the provider and the portal.
LEEWAY_SECONDS = 60


class SSORefused(Exception):
    """Sign-in refused; `reason` is the code written to the audit log."""

    def __init__(self, reason, user=None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


def sso_enabled():
    return settings.SSO_ENABLED


def may_sign_in_with_sso(user):
    """What "already invited" means for SSO: an active account that came in
    through an accepted invitation to its address, or that holds a seat
    (current or ended) or a role (staff, superuser, a group such as
    Programledning or Redaktör). An account that is none of these (made by
    hand in the admin and never given anything) is not let in by SSO."""
    from municipalities.models import Invitation, Membership

    if not user.is_active:
        return False
    if user.is_superuser or user.is_staff or user.groups.exists():
        return True
    if Membership.objects.filter(user=user).exists():
        return True
    return Invitation.objects.filter(
        email__iexact=user.email, accepted_at__isnull=False
    ).exists()


def provider_metadata():
    """The provider's discovery document (cached for an hour), or {} when the
    endpoints are configured one by one.

    The document's `issuer` must be the discovery URL without its well-known
    suffix (OpenID Connect Discovery 1.0, section 4.3), so a document served
    from elsewhere cannot name another issuer."""
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return {}
    key = "portal.sso.discovery." + hashlib.sha256(url.encode()).hexdigest()
    metadata = cache.get(key)
    if metadata is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        if not isinstance(metadata, dict):
            raise SuspiciousOperation("OIDC discovery document is not an object")
        if metadata.get("issuer") != url.removesuffix(DISCOVERY_SUFFIX):
            raise SuspiciousOperation("OIDC issuer does not match the discovery URL")
        for name in DISCOVERED.values():
            if not isinstance(metadata.get(name), str) or not metadata[name]:
                raise SuspiciousOperation(f"OIDC discovery document lacks {name}")
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def provider_setting(name):
    """An endpoint setting when it is set, else the discovered value."""
    return getattr(settings, name, "") or provider_metadata()[DISCOVERED[name]]


class OIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified email address to an existing account;
    never creates one. Installed only while SSO is configured."""

    def __init__(self, *args, **kwargs):
        # The base class reads every endpoint here, on each authenticate()
        # of every sign-in, passwords included; here they are read (and
        # discovered) only when an SSO answer is being checked.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(
        lambda self: provider_setting("OIDC_OP_TOKEN_ENDPOINT")
    )
    OIDC_OP_USER_ENDPOINT = property(
        lambda self: provider_setting("OIDC_OP_USER_ENDPOINT")
    )
    OIDC_OP_JWKS_ENDPOINT = property(
        lambda self: provider_setting("OIDC_OP_JWKS_ENDPOINT")
    )
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the SSO callback passes a nonce; a password sign-in never
        # reaches the provider.
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        # The base class returns deactivated users too; Django's does not.
        return ModelBackend.get_user(self, user_id)

    def get_token(self, payload):
        token_info = super().get_token(payload)
        if not isinstance(token_info, dict):
            raise SuspiciousOperation("OIDC token response is not an object")
        return token_info

    def retrieve_matching_jwk(self, token):
        """The provider's key for this token's `kid` and algorithm."""
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        jwks = response.json()
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list):
            raise SuspiciousOperation("OIDC JWKS has no key list")
        header = jwt.get_unverified_header(token)
        for jwk in keys:
            if (
                isinstance(jwk, dict)
                and jwk.get("use", "sig") == "sig"
                and jwk.get("kid") == header.get("kid")
                and jwk.get("alg", header.get("alg")) == header.get("alg")
            ):
                return jwt.PyJWK(jwk)
        raise SuspiciousOperation("OIDC JWKS has no key for this token")

    def verify_token(self, token, **kwargs):
        """Check the ID token as OpenID Connect Core 3.1.3.7 asks: signature
        by the provider's key and the configured algorithm, issuer, audience
        (and authorised party), expiry, issue time and nonce."""
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("OIDC token response has no ID token")
        algorithm = self.OIDC_RP_SIGN_ALGO
        try:
            if jwt.get_unverified_header(token).get("alg") != algorithm:
                raise SuspiciousOperation("OIDC ID token signed with another algorithm")
            payload = jwt.decode(
                token,
                self.retrieve_matching_jwk(token),
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_setting("OIDC_OP_ISSUER"),
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"OIDC ID token refused: {error}") from error
        audience = payload["aud"]
        several = isinstance(audience, list) and len(audience) > 1
        if several and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("OIDC ID token for another party")
        if payload.get("nonce") != kwargs.get("nonce"):
            raise SuspiciousOperation("OIDC nonce does not match")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # The userinfo answer must be about the person the ID token names
        # (OpenID Connect Core 5.3.2).
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("OIDC userinfo is about another subject")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email")
        try:
            if not isinstance(email, str):
                raise ValidationError("no email claim")
            validate_email(email)
        except ValidationError:
            raise SSORefused("no_email") from None
        # Some providers send the boolean as a string.
        verified = claims.get("email_verified") is True or (
            claims.get("email_verified") == "true"
        )
        if not (verified or settings.OIDC_EMAIL_ALWAYS_VERIFIED):
            raise SSORefused("email_unverified")
        users = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if not users:
            raise SSORefused("unknown")
        if len(users) > 1:
            raise SSORefused("ambiguous")
        user = users[0]
        if not user.is_active:
            raise SSORefused("inactive", user)
        if not may_sign_in_with_sso(user):
            raise SSORefused("not_invited", user)
        return user

    def create_user(self, claims):
        raise SSORefused("unknown")


# Answers of the two views that are not a sign-in.
REFUSED = 403
BAD_ANSWER = 400
PROVIDER_FAILED = 502
# What the provider can fail with; each ends on the refusal page.
# ValueError covers malformed JSON and keys.
PROVIDER_ERRORS = (
    SuspiciousOperation,
    requests.RequestException,
    jwt.PyJWTError,
    ValueError,
)


def refuse(request, reason, *, status=REFUSED, user=None):
    audit_event(
        action=AuditEvent.Action.DENIED,
        actor=user,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=reason,
        request=request,
    )
    return render(
        request,
        "registration/sso_refused.html",
        {"provider_name": sso_provider_name()},
        status=status,
    )


class SSOStartView(OIDCAuthenticationRequestView):
    """`/logga-in/sso/`: send the browser to the provider."""

    def __init__(self, **kwargs):
        # The base class reads the endpoint here; it is discovered in get().
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting(
                "OIDC_OP_AUTHORIZATION_ENDPOINT"
            )
        except PROVIDER_ERRORS as error:
            logger.warning("SSO: provider discovery failed: %s", error)
            return refuse(request, "provider_unreachable", status=PROVIDER_FAILED)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


def sso_callback(request):
    """`/logga-in/sso/svar/`: the provider's answer. A state this browser's
    session did not start is refused; each state is used once."""
    if not sso_enabled():
        raise Http404
    if request.method != "GET":
        return refuse(request, "bad_answer", status=BAD_ANSWER)
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    started = None
    if isinstance(states, dict) and state in states:
        started = states.pop(state)
        request.session["oidc_states"] = states
    if request.GET.get("error"):
        return refuse(request, "provider_said_no")
    code = request.GET.get("code", "")
    if not isinstance(started, dict) or not code:
        return refuse(request, "bad_answer", status=BAD_ANSWER)
    try:
        user = auth.authenticate(
            request=request,
            nonce=started.get("nonce"),
            code_verifier=started.get("code_verifier"),
        )
    except SSORefused as refusal:
        return refuse(request, refusal.reason, user=refusal.user)
    except PROVIDER_ERRORS as error:
        # Client error: the answer (often a forged code) did not verify;
        # an unreachable provider shows up at the start, as a 502.
        logger.warning("SSO: provider answer refused: %s", error)
        return refuse(request, "provider_error", status=BAD_ANSWER)
    if user is None:
        return refuse(request, "refused")
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, user)
    audit_event(
        action=AuditEvent.Action.SIGN_IN,
        actor=user,
        object_type=AUDIT_OBJECT_TYPE,
        object_id="oidc",
        request=request,
    )
    # The provider stands in for the password, not for the second step:
    # whether a municipality's provider asks for a second factor is not
    # something the portal can check, so SSO sign-ins take the portal's.
    target = next_url or landing_url(user)
    return HttpResponseRedirect(
        f"{reverse('second-step')}?{urlencode({'next': target})}"
    )


sso_start = SSOStartView.as_view()
