import pytest

from tests import factories


@pytest.mark.django_db
def test_home_csp_header_is_strict_without_unsafe_inline(client):
    factories.MandateFactory()

    response = client.get("/")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        ([*part.strip().split(" ", 1), ""])[:2] for part in policy.split(";")
    )
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_home_sends_security_headers(client):
    response = client.get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_login_csp_is_strict(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_answers_without_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_csrf_failure_page_is_swedish_in_the_site_layout():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/logga-in/", {"username": "a@example.se", "password": "x"})

    body = response.content.decode()
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in body
    assert '<html lang="sv">' in body
    assert "style=" not in body
    assert "Forbidden" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/nyheter/", "/sok/?q=x", "/logga-in/", "/finns-inte/", "/healthz"]
)
def test_permissions_policy_denies_unused_features_on_every_page_type(client, url):
    header = client.get(url).headers["Permissions-Policy"]
    policy = dict(part.split("=", 1) for part in header.split(", "))

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature
    assert "publickey-credentials-get" not in policy


@pytest.mark.django_db
def test_unknown_host_gets_the_swedish_400_page():
    from django.test import Client

    response = Client().get("/", HTTP_HOST="elak.example")

    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="sv">' in body
    assert "Förfrågan kunde inte behandlas" in body
    assert "Bad Request" not in body
    assert "style=" not in body


@pytest.mark.django_db
def test_forbidden_page_is_swedish_in_the_site_layout(world):
    from django.test import Client

    client = Client()
    client.force_login(world["users"]["editor"])

    response = client.get("/samordning/")

    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="sv">' in body
    assert "403 Forbidden" not in body
    assert "style=" not in body
