"""Single sign-on against a real OpenID Connect provider.

The provider (`tests/oidc_provider/`, django-oauth-toolkit) runs in a child
process on 127.0.0.1; the portal runs in a live-server thread on the test
database. A `requests` session plays the browser: it starts at the portal,
signs in on the provider's own form and follows the answer back, so
discovery, the token exchange with PKCE, the JWKS, the RS256-signed ID token
and userinfo all go over HTTP.
"""

import html
import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings
from django.utils import timezone

from portal.models import AuditEvent
from portal.sso import may_sign_in_with_sso
from tests import factories
from tests.portal.test_settings import run_settings

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "/logga-in/sso/svar/"
PROVIDER_NAME = "Testkommunens IdP"
REFUSAL = f"Inloggningen via {PROVIDER_NAME} kunde inte genomföras."
CLIENT_ID = "portalen"
CLIENT_SECRET = "klienthemlighet-bara-for-test"
PROVIDER_PASSWORD = "provider-losenord-123"
# The provider's accounts and the email claims it asserts for each.
PROVIDER_ACCOUNTS = {
    "anna": {"email": "anna@kommun.example", "email_verified": True},
    "bertil": {"email": "Bertil.Berg@Kommun.Example", "email_verified": True},
    "okand": {"email": "okand@kommun.example", "email_verified": True},
    "overifierad": {"email": "overifierad@kommun.example", "email_verified": False},
    "utan-intyg": {"email": "utan-intyg@kommun.example"},
    "utan-adress": {},
    "inaktiv": {"email": "inaktiv@kommun.example", "email_verified": True},
}


@pytest.fixture(scope="module")
def portal_url(django_db_setup, django_db_blocker):
    """The portal in a live-server thread on 127.0.0.1 (not "localhost",
    which may resolve elsewhere than the provider's address)."""
    with django_db_blocker.unblock():
        overrides = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        thread = LiveServerThread(
            "127.0.0.1",
            static_handler=lambda handler: handler,
            connections_override=overrides,
        )
        thread.daemon = True
        hosts = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        hosts.enable()
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()
        hosts.disable()


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def issuer(self):
        return self.url + "/o"


@pytest.fixture(scope="module")
def provider(portal_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    config = folder / "config.json"
    config.write_text(
        json.dumps(
            {
                "db": str(folder / "provider.sqlite3"),
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": portal_url + CALLBACK,
                "accounts": [
                    {"username": name, "password": PROVIDER_PASSWORD, "claims": claims}
                    for name, claims in PROVIDER_ACCOUNTS.items()
                ],
            }
        ),
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    with (folder / "stderr.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(config)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    first_line = process.stdout.readline()
    if not first_line.startswith("PORT "):
        process.kill()
        process.wait()
        pytest.fail("OIDC test provider did not start:\n" + log.name)
    yield Provider(url=f"http://127.0.0.1:{int(first_line.split()[1])}")
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture
def portal(portal_url, transactional_db):
    """The live portal; its thread sees only committed rows, so these tests
    run on a transactional database."""
    return portal_url


@pytest.fixture
def sso(settings, provider):
    """SSO configured by discovery, as a deployment's variables would."""
    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    settings.OIDC_OP_DISCOVERY_URL = (
        provider.issuer + "/.well-known/openid-configuration"
    )
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "portal.sso.OIDCBackend",
    ]
    cache.clear()
    yield settings
    cache.clear()


def member(email):
    """An invited person: an account with a seat in a working group."""
    return factories.MembershipFactory(user__email=email).user


def provider_answer(browser, portal_url, account, *, start="/logga-in/sso/"):
    """Start SSO at the portal, sign in on the provider's form, and return the
    URL the provider sends the browser back to (not yet followed)."""
    form_page = browser.get(portal_url + start, timeout=10)
    assert form_page.status_code == 200, form_page.text
    fields = dict(
        re.findall(r'name="(csrfmiddlewaretoken|next)" value="([^"]*)"', form_page.text)
    )
    response = browser.post(
        form_page.url,
        data={
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "next": html.unescape(fields["next"]),
            "username": account,
            "password": PROVIDER_PASSWORD,
        },
        allow_redirects=False,
        timeout=10,
    )
    for _hop in range(5):
        assert response.status_code == 302, response.text
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(portal_url + CALLBACK):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    pytest.fail("the provider never sent the browser back to the portal")


def sign_in(portal_url, account, **kwargs):
    """The whole round trip; returns the browser and the portal's answer to
    the provider's redirect."""
    browser = requests.Session()
    answer = provider_answer(browser, portal_url, account, **kwargs)
    return browser, browser.get(answer, allow_redirects=False, timeout=10)


def step_url(target):
    return "/logga-in/tvastegs/?" + urlencode({"next": target})


def second_step(browser, portal_url, user, answer):
    """SSO stands in for the password only: finish with the portal's own
    second step, a code from a new authenticator app."""
    device = factories.TOTPDeviceFactory(user=user)
    page = browser.get(portal_url + answer.headers["Location"], timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return browser.post(
        page.url,
        {"csrfmiddlewaretoken": token.group(1), "code": factories.totp_code(device)},
        allow_redirects=False,
        timeout=10,
    )


def signed_in_user_id(browser):
    key = browser.cookies.get("sessionid")
    if key is None:
        return None
    return SessionStore(session_key=key).get("_auth_user_id")


def refusals():
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.DENIED, object_type="portal.SSO"
        ).values_list("object_id", "actor_email")
    )


def assert_refused(response, status=403):
    assert response.status_code == status
    assert REFUSAL in response.text
    assert 'href="/logga-in/"' in response.text


def test_sso_signs_in_invited_user_on_their_landing_page(sso, portal):
    anna = member("anna@kommun.example")

    browser, response = sign_in(portal, "anna")

    assert response.status_code == 302
    assert response.headers["Location"] == step_url("/samordning/")
    assert signed_in_user_id(browser) == str(anna.pk)
    # Until the second step the session is anonymous outside it.
    home = browser.get(portal + "/", timeout=10)
    assert "Inloggad som" not in home.text
    done = second_step(browser, portal, anna, response)
    assert done.headers["Location"] == "/samordning/"
    key = browser.cookies["sessionid"]
    assert SessionStore(session_key=key)["_auth_user_backend"] == (
        "portal.sso.OIDCBackend"
    )
    # The provider's sign-in, then the second step's.
    assert list(
        AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN)
        .order_by("id")
        .values_list("actor_id", "object_type")
    ) == [(anna.pk, "portal.SSO"), (anna.pk, "portal.User")]
    home = browser.get(portal + "/", timeout=10)
    assert f"Inloggad som {anna.get_full_name()}" in home.text

    anna.is_active = False
    anna.save(update_fields=["is_active"])
    home = browser.get(portal + "/", timeout=10)
    assert "Inloggad som" not in home.text


def test_sso_matches_email_in_any_case_and_keeps_only_a_safe_next(sso, portal):
    bertil = member("bertil.berg@kommun.example")

    browser, inside = sign_in(
        portal, "bertil", start="/logga-in/sso/?next=/samordning/grupper/"
    )
    _browser, outside = sign_in(
        portal, "bertil", start="/logga-in/sso/?next=https://example.com/"
    )

    assert signed_in_user_id(browser) == str(bertil.pk)
    assert inside.headers["Location"] == step_url("/samordning/grupper/")
    assert outside.headers["Location"] == step_url("/samordning/")


def test_sso_refuses_all_but_an_invited_active_account_with_verified_email(sso, portal):
    factories.UserFactory(email="anna@kommun.example")  # never invited
    inactive = member("inaktiv@kommun.example")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for email in ["overifierad@kommun.example", "utan-intyg@kommun.example"]:
        member(email)
    users_before = get_user_model().objects.count()
    cases = [
        ("okand", "unknown", ""),
        ("anna", "not_invited", "anna@kommun.example"),
        ("inaktiv", "inactive", "inaktiv@kommun.example"),
        ("overifierad", "email_unverified", ""),
        ("utan-intyg", "email_unverified", ""),
        ("utan-adress", "no_email", ""),
    ]

    for account, _reason, _actor in cases:
        browser, response = sign_in(portal, account)
        assert response.status_code == 403, account
        assert REFUSAL in response.text, account
        assert 'href="/logga-in/"' in response.text, account
        assert signed_in_user_id(browser) is None, account

    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(email__startswith="okand").exists()
    assert sorted(refusals()) == sorted(
        (reason, actor) for _account, reason, actor in cases
    )


def test_sso_trusts_unverified_email_when_provider_always_verifies(sso, portal):
    sso.OIDC_EMAIL_ALWAYS_VERIFIED = True
    person = member("utan-intyg@kommun.example")

    browser, response = sign_in(portal, "utan-intyg")

    assert response.status_code == 302
    assert signed_in_user_id(browser) == str(person.pk)


def tampered(answer, **params):
    parts = urlsplit(answer)
    return urlunsplit(
        parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **params}))
    )


def test_sso_refuses_tampered_and_replayed_answers(sso, portal):
    anna = member("anna@kommun.example")
    browser = requests.Session()
    answer = provider_answer(browser, portal, "anna")
    state = dict(parse_qsl(urlsplit(answer).query))["state"]

    forged_state = browser.get(tampered(answer, state="x" + state), timeout=10)
    genuine = browser.get(answer, allow_redirects=False, timeout=10)
    # Replayed by the same browser once fully signed in (a half-signed
    # session is sent to the second step before any view).
    second_step(browser, portal, anna, genuine)
    replayed = browser.get(answer, allow_redirects=False, timeout=10)
    stolen = requests.Session().get(answer, allow_redirects=False, timeout=10)

    assert_refused(forged_state, status=400)
    assert genuine.status_code == 302
    assert_refused(replayed, status=400)
    assert_refused(stolen, status=400)

    other = requests.Session()
    forged_code = other.get(
        tampered(provider_answer(other, portal, "anna"), code="forfalskad"),
        timeout=10,
    )

    assert_refused(forged_code, status=400)
    assert signed_in_user_id(other) is None
    # The replay came from the signed-in browser: its row names the account.
    assert sorted(refusals()) == [
        ("bad_answer", ""),
        ("bad_answer", ""),
        ("bad_answer", "anna@kommun.example"),
        ("provider_error", ""),
    ]


def test_sso_checks_id_token_issuer_algorithm_and_keys(sso, portal, provider):
    """Endpoints set one by one; a real, signed ID token is still refused
    when it names another issuer, uses another algorithm than the one
    configured, or the key list is not the provider's."""
    sso.OIDC_OP_DISCOVERY_URL = ""
    sso.OIDC_OP_ISSUER = provider.issuer
    sso.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.issuer + "/authorize/"
    sso.OIDC_OP_TOKEN_ENDPOINT = provider.issuer + "/token/"
    sso.OIDC_OP_USER_ENDPOINT = provider.issuer + "/userinfo/"
    sso.OIDC_OP_JWKS_ENDPOINT = provider.issuer + "/.well-known/jwks.json"
    member("anna@kommun.example")
    wrong = {
        "OIDC_OP_ISSUER": "http://127.0.0.1:1/andra",
        "OIDC_RP_SIGN_ALGO": "ES256",
        "OIDC_OP_JWKS_ENDPOINT": provider.issuer + "/.well-known/openid-configuration",
    }

    for name, value in wrong.items():
        right = getattr(sso, name)
        setattr(sso, name, value)
        browser, response = sign_in(portal, "anna")
        setattr(sso, name, right)
        assert response.status_code == 400, name
        assert REFUSAL in response.text, name
        assert signed_in_user_id(browser) is None, name

    browser, response = sign_in(portal, "anna")

    assert response.status_code == 302
    assert signed_in_user_id(browser) is not None
    assert refusals() == [("provider_error", "")] * 3


def test_sso_refuses_provider_error_answer(sso, client, db):
    start = client.get("/logga-in/sso/")
    assert start.status_code == 302
    state = next(iter(client.session["oidc_states"]))

    response = client.get(CALLBACK, {"error": "access_denied", "state": state})

    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert client.session["oidc_states"] == {}
    assert refusals() == [("provider_said_no", "")]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"code": "abc"},
        {"state": "abc"},
        {"code": "", "state": ""},
        {"code": "a" * 5000, "state": "b" * 5000},
        {"error": "x" * 5000},
    ],
)
def test_sso_callback_without_a_started_sign_in_is_refused(sso, client, db, query):
    response = client.get(CALLBACK, query)

    assert response.status_code in {400, 403}
    assert REFUSAL in response.content.decode()


def test_sso_callback_with_nul_answers_400(sso, client, db):
    response = client.get(CALLBACK, {"code": "a\x00b", "state": "s\x00"})

    assert response.status_code == 400


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sso_unreachable_provider_ends_on_refusal_page(sso, client, db):
    sso.OIDC_OP_DISCOVERY_URL = (
        f"http://127.0.0.1:{unused_port()}/.well-known/openid-configuration"
    )

    response = client.get("/logga-in/sso/")

    assert response.status_code == 502
    assert REFUSAL in response.content.decode()
    assert refusals() == [("provider_unreachable", "")]


def test_login_page_offers_sso_button_when_configured(sso, client, db):
    response = client.get("/logga-in/", {"next": "/samordning/grupper/"})

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Logga in med {PROVIDER_NAME}" in text
    assert 'href="/logga-in/sso/?next=/samordning/grupper/"' in text


def test_password_sign_in_still_works_with_sso_on(sso, client, db):
    person = member("anna@kommun.example")

    response = client.post(
        "/logga-in/",
        {"username": "anna@kommun.example", "password": factories.TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_sso_off_no_button_and_urls_answer_404(client, settings, db):
    settings.SSO_ENABLED = False

    login_page = client.get("/logga-in/").content.decode()

    assert "/logga-in/sso/" not in login_page
    assert client.get("/logga-in/sso/").status_code == 404
    assert client.get(CALLBACK, {"code": "a", "state": "b"}).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("member", True),
        ("former_member", True),
        ("accepted_invitation", True),
        ("open_invitation", False),
        ("staff", True),
        ("group", True),
        ("nothing", False),
        ("inactive_member", False),
    ],
)
def test_may_sign_in_with_sso_means_invited(role, allowed, db):
    from django.contrib.auth.models import Group

    user = factories.UserFactory(email="person@example.se")
    if role in {"member", "inactive_member"}:
        factories.MembershipFactory(user=user)
    if role == "former_member":
        factories.MembershipFactory(user=user, end_date=timezone.localdate())
    if role == "accepted_invitation":
        factories.InvitationFactory(
            email="Person@Example.se", accepted_at=timezone.now()
        )
    if role == "open_invitation":
        factories.InvitationFactory(email="person@example.se")
    if role == "staff":
        user.is_staff = True
    if role == "group":
        user.groups.add(Group.objects.get_or_create(name="Redaktör")[0])
    if role == "inactive_member":
        user.is_active = False
    user.save()

    assert may_sign_in_with_sso(user) is allowed


SSO_ENVIRONMENT = {
    "SECRET_KEY": "x" * 50,
    "OIDC_RP_CLIENT_ID": "portalen",
    "OIDC_RP_CLIENT_SECRET": "hemligt",
    "OIDC_PROVIDER_NAME": "Järfällas e-legitimation",
    "OIDC_OP_DISCOVERY_URL": "https://idp.example.se/.well-known/openid-configuration",
}


def test_settings_sso_off_unless_client_id_set():
    result = run_settings(
        {"SECRET_KEY": "x" * 50},
        "(settings.SSO_ENABLED, 'portal.sso.OIDCBackend' in "
        "settings.AUTHENTICATION_BACKENDS)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(False, False)"


def test_settings_sso_read_from_environment():
    result = run_settings(
        {**SSO_ENVIRONMENT, "OIDC_RP_SIGN_ALGO": "ES256"},
        "(settings.SSO_ENABLED, settings.AUTHENTICATION_BACKENDS[-1], "
        "settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET, "
        "settings.OIDC_PROVIDER_NAME, settings.OIDC_OP_DISCOVERY_URL, "
        "settings.OIDC_RP_SIGN_ALGO, settings.OIDC_RP_SCOPES, "
        "settings.OIDC_EMAIL_ALWAYS_VERIFIED, settings.OIDC_CREATE_USER)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            True,
            "portal.sso.OIDCBackend",
            "portalen",
            "hemligt",
            "Järfällas e-legitimation",
            "https://idp.example.se/.well-known/openid-configuration",
            "ES256",
            "openid email",
            False,
            False,
        )
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"OIDC_RP_CLIENT_SECRET": ""}, "OIDC_RP_CLIENT_SECRET must be set"),
        ({"OIDC_OP_DISCOVERY_URL": ""}, "SSO needs OIDC_OP_DISCOVERY_URL"),
        (
            {"OIDC_OP_DISCOVERY_URL": "https://idp.example.se/"},
            "must end with /.well-known/openid-configuration",
        ),
        ({"OIDC_RP_SIGN_ALGO": "HS256"}, "OIDC_RP_SIGN_ALGO must be one of"),
        ({"OIDC_RP_SCOPES": "openid profile"}, "must include openid and email"),
    ],
)
def test_settings_sso_half_configured_refuses_to_start(overrides, message):
    result = run_settings({**SSO_ENVIRONMENT, **overrides}, "settings.SSO_ENABLED")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
