"""Two-factor sign-in: the second step every account takes after its password.

Every account in the portal can see something that is not public, so every
account takes the second step; there is no role that signs in with a password
alone. The factors come from django-otp and its plugins:

- an authenticator app (TOTP, `otp_totp`),
- a passkey or security key (WebAuthn, `django_otp_webauthn`; a second factor
  only, never passwordless),
- single-use recovery codes (`otp_static`), created with the first factor.

`SecondStepMiddleware` is the boundary. A session that has passed the
password but not the second step is *anonymous* to every page except the
second step itself and logging out, and the internal areas (the coordination
area, the admin, the account pages, invitations) send it to the second step.
So no view, feed, export or admin page can be reached with a password alone,
whether or not it checks for it.

Staff who lose their device ask programme staff to reset their factors (the
user admin's action, `reset_factors`): all devices go, the reset is audited,
and the next sign-in enrols again.
"""

import io
import re
from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.i18n import JavaScriptCatalog
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential

from portal.accounts import landing_url
from portal.audit import AuditOrigin, audit_event
from portal.models import AuditEvent

SECOND_STEP_URL = "/logga-in/tvastegs/"
ENROL_URL = "/konto/tvastegs/"
# Open to a session that has passed the password only.
SECOND_STEP_PREFIXES = (
    SECOND_STEP_URL,
    ENROL_URL,
    "/logga-ut/",
    "/i18n/",
    "/static/",
)
# Places a password-only session is sent on from, to the second step; every
# other page treats the session as anonymous.
INTERNAL_PREFIXES = ("/samordning/", "/admin/", "/konto/", "/logga-in/", "/inbjudan/")

TOTP_PATTERN = re.compile(r"^\d{6}$")
RECOVERY_PATTERN = re.compile(r"^[a-z2-7]{8}$")


def is_verified(user):
    return user.is_authenticated and user.is_verified()


def safe_next(request, default=""):
    """`next` if it is a path on this site; never a view name or another
    site (`redirect()` would look a bare word up as a view name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        return default
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def with_next(url, request):
    target = safe_next(request)
    return f"{url}?{urlencode({'next': target})}" if target else url


class SecondStepMiddleware:
    """A session without its second step is anonymous outside the second step.

    Sits after authentication and django-otp's `OTPMiddleware` (which says
    whether the session's device is verified) and before the views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        path = request.path
        if path.startswith(SECOND_STEP_PREFIXES):
            return self.get_response(request)
        if path.startswith(INTERNAL_PREFIXES):
            step = SECOND_STEP_URL if has_factor(user) else ENROL_URL
            target = request.get_full_path()
            if path.startswith("/logga-in/"):
                target = safe_next(request)
            return HttpResponseRedirect(
                f"{step}?{urlencode({'next': target})}" if target else step
            )
        # Public pages: exactly what an anonymous visitor sees.
        request.user = AnonymousUser()
        return self.get_response(request)


def has_factor(user):
    """A confirmed authenticator app or passkey (recovery codes alone are
    not a factor to enrol with; they back one up)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_create(user):
    """Replace the user's recovery codes with fresh ones; return them (shown once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [
            StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)
        ]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def recovery_code_use(user, code):
    """The user's recovery device if `code` is one of its codes, which is
    then spent. A DELETE that removes exactly one row is the single use: two
    requests with the same code cannot both succeed."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return None
    deleted, _kinds = StaticToken.objects.filter(device=device, token=code).delete()
    if deleted == 1:
        device.throttle_reset()
        return device
    device.throttle_increment()
    return None


def totp_use(user, code):
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        # verify_token applies the device's throttle and refuses a code
        # already used (it remembers the last time step).
        if device.verify_token(code):
            return device
    return None


def factors_reset(*, user, actor, origin=None):
    """Remove every second factor of `user` (their device is lost); audited."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        StaticDevice.objects.filter(user=user).delete()
    transaction.on_commit(
        lambda: audit_event(
            action=AuditEvent.Action.MFA_RESET,
            actor=actor,
            object_type="portal.User",
            object_id=user.pk,
            origin=origin,
        )
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"),
        max_length=20,
        help_text=gettext_lazy(
            "Sex siffror från autentiseringsappen, eller en av dina reservkoder."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod från appen"),
        max_length=20,
        help_text=gettext_lazy("Sex siffror."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not TOTP_PATTERN.match(code):
            raise forms.ValidationError(_("Skriv de sex siffrorna från appen."))
        return code


def audit(request, action, user):
    audit_event(
        action=action,
        actor=user,
        object_type="portal.User",
        object_id=user.pk,
        origin=AuditOrigin.of(request),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def second_step(request):
    """Sign-in, step two: a code from the app, a recovery code or a passkey."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(with_next(reverse("login"), request))
    landing = safe_next(request) or landing_url(user)
    if user.is_verified():
        return HttpResponseRedirect(landing)
    if not has_factor(user):
        return HttpResponseRedirect(with_next(ENROL_URL, request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device = None
        if TOTP_PATTERN.match(code):
            device = totp_use(user, code)
        elif RECOVERY_PATTERN.match(code):
            device = recovery_code_use(user, code)
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            audit(
                request,
                AuditEvent.Action.MFA_RECOVERY
                if isinstance(device, StaticDevice)
                else AuditEvent.Action.SIGN_IN,
                user,
            )
            return HttpResponseRedirect(landing)
        form.add_error(
            "code",
            _(
                "Koden stämmer inte eller har redan använts. Vänta en stund "
                "efter flera fel försök och prova igen."
            ),
        )
    return render(
        request,
        "registration/second_step.html",
        {
            "form": form,
            "next": safe_next(request),
            "has_passkey": WebAuthnCredential.objects.filter(
                user=user, confirmed=True
            ).exists(),
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
        status=400 if form.errors else 200,
    )


def totp_qr_svg(device):
    # qrcode brings lxml (9 MB): loaded on the enrolment page only, not by
    # every worker that runs this module's middleware.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def totp_secret(device):
    """The key as the base32 text people type into an app by hand."""
    return b32encode(device.bin_key).decode().rstrip("=")


@never_cache
@require_http_methods(["GET", "POST"])
def factors(request):
    """Enrol (forced at the first sign-in) and manage one's second factors.

    Before the first factor only enrolment is open; once there is a factor,
    the page needs a verified session.
    """
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(with_next(reverse("login"), request))
    verified = user.is_verified()
    if not verified and has_factor(user):
        return HttpResponseRedirect(with_next(SECOND_STEP_URL, request))

    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    pending = None
    if totp is None:
        pending = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=user, confirmed=False, name="app")
    form = TotpConfirmForm()
    codes = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "totp" and pending is not None:
        form = TotpConfirmForm(request.POST)
        if form.is_valid():
            if pending.verify_token(form.cleaned_data["code"]):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                if not verified:
                    otp_login(request, pending)
                    request.session.cycle_key()
                audit(request, AuditEvent.Action.MFA_ENROLLED, user)
                codes = (
                    recovery_codes_create(user) if not recovery_count(user) else None
                )
                totp, pending = pending, None
                form = TotpConfirmForm()
                if codes is None:
                    return HttpResponseRedirect(with_next(ENROL_URL, request))
            else:
                form.add_error(
                    "code",
                    _(
                        "Koden stämmer inte. Kontrollera att klockan i "
                        "telefonen går rätt."
                    ),
                )
    elif request.method == "POST" and action == "recovery" and verified:
        codes = recovery_codes_create(user)
        audit(request, AuditEvent.Action.MFA_ENROLLED, user)
    elif request.method == "POST" and action == "remove-totp" and verified:
        if WebAuthnCredential.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.filter(user=user).delete()
            audit(request, AuditEvent.Action.MFA_RESET, user)
            return HttpResponseRedirect(ENROL_URL)
    elif request.method == "POST":
        return HttpResponseRedirect(with_next(ENROL_URL, request))

    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True)
    if verified and not recovery_count(user) and codes is None and has_factor(user):
        # A passkey registered through the JavaScript ceremony: give the
        # recovery codes on the first page load after it.
        codes = recovery_codes_create(user)
    return render(
        request,
        "registration/factors.html",
        {
            "verified": verified,
            "totp": totp,
            "pending": pending,
            "qr_svg": totp_qr_svg(pending) if pending else "",
            "secret": totp_secret(pending) if pending else "",
            "form": form,
            "codes": codes,
            "passkeys": passkeys,
            "recovery_left": recovery_count(user),
            "next": safe_next(request),
        },
        status=400 if form.errors else 200,
    )


def recovery_count(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class PasskeyCatalog(JavaScriptCatalog):
    """The passkey scripts' messages, in Swedish from our own catalogue
    (the library ships none)."""

    domain = "djangojs"

    def get_paths(self, packages):
        return [str(path) for path in settings.LOCALE_PATHS]


class PasskeyVerification(webauthn_views.CompleteCredentialAuthenticationView):
    """The library's passkey check, with a new session key and an audit row."""

    def complete_auth(self, device):
        super().complete_auth(device)
        self.request.session.cycle_key()
        audit(self.request, AuditEvent.Action.SIGN_IN, device.user)

    def get_success_url(self):
        return self.get_redirect_url() or landing_url(self.request.user)


class PasskeyRegistration(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            audit(self.request, AuditEvent.Action.MFA_ENROLLED, self.request.user)
        return response


# The library's ceremony endpoints under our URL, with the two views above.
passkey_urls = (
    [
        path(
            "registrering/start/",
            webauthn_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registrering/klar/",
            PasskeyRegistration.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "verifiering/start/",
            webauthn_views.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "verifiering/klar/",
            PasskeyVerification.as_view(),
            name="credential-authentication-complete",
        ),
        path("jsi18n/", PasskeyCatalog.as_view(), name="js-i18n-catalog"),
    ],
    "otp_webauthn",
)

urlpatterns = [
    path("logga-in/tvastegs/", second_step, name="second-step"),
    path("konto/tvastegs/", factors, name="factors"),
    path("konto/tvastegs/nyckel/", include(passkey_urls)),
]
