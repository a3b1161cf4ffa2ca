"""Two-factor sign-in, tried as someone holding only the password would."""

import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import mfa
from portal.models import AuditEvent
from tests import factories
from tests.factories import TEST_PASSWORD, TOTPDeviceFactory, totp_code

pytestmark = pytest.mark.django_db

# Every kind of internal page: coordination pages, a feed, an export, a
# calendar-less group page, the admin and its user list, the account pages.
INTERNAL = [
    "/samordning/",
    "/samordning/lagesrapporter/",
    "/samordning/lagesrapporter/flode/",
    "/samordning/export/indikatorer.csv",
    "/samordning/indikatorer/",
    "/admin/",
    "/admin/portal/user/",
    "/admin/municipalities/progressentry/",
    "/konto/losenord/",
]


def password_step(client, user, *, next_url="", ip="10.7.7.7"):
    login = "/logga-in/" + (f"?next={next_url}" if next_url else "")
    return client.post(
        login, {"username": user.email, "password": TEST_PASSWORD}, REMOTE_ADDR=ip
    )


@pytest.fixture
def lead(world):
    return world["users"]["staff"]


def test_the_password_leads_to_the_second_step_not_inside(world):
    user = world["users"]["rep_a"]
    TOTPDeviceFactory(user=user)
    client = Client()

    response = password_step(client, user)

    assert response.status_code == 302
    assert response.url == "/logga-in/tvastegs/?next=%2Fsamordning%2F"


@pytest.mark.parametrize("role", ["rep_a", "staff", "partner"])
def test_password_alone_reaches_no_internal_page(world, role):
    user = world["users"][role]
    user.is_staff = True
    user.is_superuser = role == "staff"
    user.save()
    TOTPDeviceFactory(user=user)
    client = Client()
    password_step(client, user)

    answers = {url: client.get(url) for url in INTERNAL}

    for url, response in answers.items():
        assert response.status_code == 302, url
        assert response.url.startswith("/logga-in/tvastegs/?next="), url
    # Public pages see the half-signed session as an anonymous visitor.
    home = client.get("/")
    assert home.status_code == 200
    assert home.context["user"].is_anonymous


def test_password_only_session_posts_nothing(world, password_only_login):
    user = world["users"]["rep_a"]
    client = password_only_login(Client(), user)
    before = AuditEvent.objects.count()

    response = client.post(
        "/samordning/lagesrapporter/ny/",
        {"title": "Försök", "body": "utan andra steget", "sharing_level": "group"},
    )

    assert response.status_code == 302
    assert response.url.startswith(("/logga-in/tvastegs/", "/konto/tvastegs/"))
    from municipalities.models import ProgressEntry

    assert not ProgressEntry.objects.exists()
    assert AuditEvent.objects.count() == before


def test_admin_login_page_does_not_skip_the_second_step(world):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    TOTPDeviceFactory(user=superuser)
    client = Client()

    client.post(
        "/admin/login/",
        {"username": superuser.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.7.7.8",
    )
    response = client.get("/admin/portal/user/")

    assert response.status_code == 302
    assert response.url.startswith("/logga-in/tvastegs/")


def test_an_authenticator_code_completes_sign_in_once(world):
    user = world["users"]["rep_a"]
    device = TOTPDeviceFactory(user=user)
    client = Client()
    step = password_step(client, user).url
    code = totp_code(device)

    done = client.post(step, {"code": code})

    assert done.status_code == 302
    assert done.url == "/samordning/"
    assert client.get("/samordning/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN, actor=user
    ).exists()
    # The same code again, in another session, is refused: codes are one-time.
    other = Client()
    step = password_step(other, user, ip="10.7.7.9").url
    again = other.post(step, {"code": code})
    assert again.status_code == 400
    assert "Koden stämmer inte" in again.content.decode()
    assert other.get("/samordning/").status_code == 302


@pytest.mark.parametrize(
    "code",
    [
        "000000",
        "12345",
        "1234567",
        "",
        "abcdefgh",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
    ],
)
def test_wrong_and_malformed_codes_are_refused_in_swedish(world, code):
    user = world["users"]["rep_a"]
    device = TOTPDeviceFactory(user=user)
    if code == "000000" and totp_code(device) == "000000":
        code = "000001"
    client = Client()
    step = password_step(client, user).url

    response = client.post(step, {"code": code})

    assert response.status_code == 400
    assert client.get("/samordning/").status_code == 302
    assert 'lang="sv"' in response.content.decode()


def test_wrong_codes_slow_the_next_attempt(world):
    """django-otp's throttle: after a wrong code even the right one waits."""
    user = world["users"]["rep_a"]
    device = TOTPDeviceFactory(user=user)
    client = Client()
    step = password_step(client, user).url
    client.post(step, {"code": "000000" if totp_code(device) != "000000" else "1"})
    client.post(step, {"code": "999999" if totp_code(device) != "999999" else "1"})

    right = client.post(step, {"code": totp_code(device)})

    assert right.status_code == 400
    assert client.get("/samordning/").status_code == 302
    device.refresh_from_db()
    # The second wrong code fell inside the wait and was not even tried.
    assert device.throttling_failure_count == 1


def test_the_next_parameter_cannot_send_anyone_away(world):
    user = world["users"]["rep_a"]
    device = TOTPDeviceFactory(user=user)
    client = Client()
    password_step(client, user)

    response = client.post(
        "/logga-in/tvastegs/?next=https://evil.example/",
        {"code": totp_code(device), "next": "//evil.example/"},
    )

    assert response.status_code == 302
    assert response.url == "/samordning/"


def test_recovery_codes_work_once_each(world):
    user = world["users"]["rep_a"]
    TOTPDeviceFactory(user=user)
    codes = mfa.recovery_codes_create(user)
    assert len(codes) == 10
    assert len(set(codes)) == 10

    first = Client()
    step = password_step(first, user).url
    used = first.post(step, {"code": codes[0].upper()})
    assert used.status_code == 302
    assert first.get("/samordning/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.MFA_RECOVERY, actor=user
    ).exists()

    second = Client()
    step = password_step(second, user, ip="10.7.7.10").url
    refused = second.post(step, {"code": codes[0]})
    assert refused.status_code == 400
    assert StaticToken.objects.filter(device__user=user).count() == 9


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_used_twice_at_the_same_moment_admits_one(world):
    """Two sessions post the same code concurrently: exactly one gets in."""
    user = world["users"]["rep_a"]
    TOTPDeviceFactory(user=user)
    code = mfa.recovery_codes_create(user)[0]
    results = []
    barrier = threading.Barrier(2)

    def attempt():
        try:
            barrier.wait()
            results.append(mfa.recovery_code_use(user, code) is not None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]


def test_first_sign_in_forces_enrolment_and_gives_recovery_codes(world):
    user = world["users"]["rep_a"]
    client = Client()

    response = password_step(client, user)
    step = client.get(response.url)
    assert step.status_code == 302
    assert step.url.startswith("/konto/tvastegs/")
    assert client.get("/samordning/").url.startswith("/konto/tvastegs/")

    page = client.get(step.url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.totp_secret(device) in page.content.decode()

    wrong = client.post(step.url, {"action": "totp", "code": "12345x"})
    assert wrong.status_code == 400
    done = client.post(step.url, {"action": "totp", "code": totp_code(device)})

    assert done.status_code == 200
    shown = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(shown) == 10
    assert set(shown) == set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert client.get("/samordning/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.MFA_ENROLLED, actor=user
    ).exists()
    # The codes are shown once: the page does not show them again.
    assert not re.findall(
        r"<code>[a-z2-7]{8}</code>", client.get(step.url).content.decode()
    )


def test_an_enrolled_user_cannot_add_a_factor_with_the_password_alone(world):
    """Else a stolen password could enrol the thief's own app."""
    user = world["users"]["rep_a"]
    TOTPDeviceFactory(user=user)
    client = Client()
    password_step(client, user)

    page = client.get("/konto/tvastegs/")
    post = client.post("/konto/tvastegs/", {"action": "totp", "code": "123456"})
    passkey = client.post("/konto/tvastegs/nyckel/registrering/start/")
    recovery = client.post("/konto/tvastegs/", {"action": "recovery"})

    assert page.status_code == 302
    assert page.url.startswith("/logga-in/tvastegs/")
    assert post.status_code == 302
    assert recovery.status_code == 302
    assert passkey.status_code == 403
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_passkey_sign_in_is_only_a_second_factor(world):
    """No passwordless passkey sign-in: without the password step the
    ceremony does not even start."""
    response = Client().post("/konto/tvastegs/nyckel/verifiering/start/")

    assert response.status_code in {400, 403}
    assert "sessionid" not in response.cookies


def test_programme_lead_resets_a_lost_device_and_it_is_audited(
    world, lead, django_capture_on_commit_callbacks
):
    user = world["users"]["rep_a"]
    TOTPDeviceFactory(user=user)
    mfa.recovery_codes_create(user)
    # Whoever holds the lost phone may be signed in already.
    holder = Client()
    factories.sign_in(holder, user)
    assert holder.get("/samordning/").status_code == 200
    lead.is_staff = True
    lead.save()
    client = Client()
    client.force_login(lead)
    data = {"action": "reset_factors", "_selected_action": [user.pk]}

    confirm = client.post("/admin/portal/user/", data)
    assert confirm.status_code == 200
    assert user.email in confirm.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/portal/user/", {**data, "post": "yes"})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.MFA_RESET)
    assert (event.actor, event.object_id) == (lead, str(user.pk))
    # The session verified by a removed device is verified no more.
    assert holder.get("/samordning/").url.startswith("/konto/tvastegs/")
    # The next sign-in enrols again.
    again = Client()
    password_step(again, user)
    assert again.get("/samordning/").url.startswith("/konto/tvastegs/")


def test_only_a_superuser_resets_a_superuser(world, lead):
    root = factories.UserFactory(is_staff=True, is_superuser=True)
    TOTPDeviceFactory(user=root)
    lead.is_staff = True
    lead.save()
    client = Client()
    client.force_login(lead)

    client.post(
        "/admin/portal/user/",
        {"action": "reset_factors", "_selected_action": [root.pk], "post": "yes"},
    )

    assert TOTPDevice.objects.filter(user=root).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MFA_RESET).exists()


@pytest.mark.parametrize("role", ["rep_a", "editor", "partner"])
def test_nobody_else_can_reset_factors(world, role):
    victim = world["users"]["rep_b"]
    TOTPDeviceFactory(user=victim)
    actor = world["users"][role]
    actor.is_staff = True
    actor.save()
    client = Client()
    client.force_login(actor)

    response = client.post(
        "/admin/portal/user/",
        {"action": "reset_factors", "_selected_action": [victim.pk], "post": "yes"},
    )

    assert response.status_code in {200, 302, 403}
    assert TOTPDevice.objects.filter(user=victim).exists()


def test_device_secrets_are_not_in_the_admin_even_for_superusers(admin_client):
    for url in ["/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"]:
        assert admin_client.get(url).status_code == 403, url
    assert "otp_totp" not in admin_client.get("/admin/").content.decode()


def test_passkey_script_messages_are_swedish(client):
    catalog = client.get("/konto/tvastegs/nyckel/jsi18n/").content.decode()

    assert (
        "Nyckeln \\u00e4r registrerad." in catalog
        or "Nyckeln är registrerad." in catalog
    )
    assert "Verifieringen avbr" in catalog


@pytest.mark.parametrize(
    "target", ["0", "home", "logga-in", "javascript:alert(1)", "\\\\evil"]
)
def test_a_next_that_is_not_a_path_is_ignored(world, target):
    """Found by the fuzz test: `redirect("0")` looked up a view named 0."""
    user = world["users"]["rep_a"]
    client = Client()
    client.force_login(user)

    response = client.get("/logga-in/tvastegs/", {"next": target})

    assert response.status_code == 302
    assert response.url == "/samordning/"
