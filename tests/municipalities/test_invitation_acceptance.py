"""Taking up an invitation: it only adds a seat, once, for the account's own
municipality or organisation, and never changes a password or a name."""

import datetime
import http.client
import re
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone, translation

from municipalities.coordination.invitations import (
    AcceptInvitationForm,
    invitation_accept_new,
    invitation_token,
)
from municipalities.models import Invitation, Membership
from portal.models import AuditEvent, User
from tests import factories
from tests.portal.test_swedish_ui import english_words

NEW_PASSWORD = "ett-bra-losenord-2024"
ACCOUNT_FORM = {
    "first_name": "Ny",
    "last_name": "Namn",
    "new_password1": NEW_PASSWORD,
    "new_password2": NEW_PASSWORD,
}


def url_of(invitation):
    return f"/inbjudan/{invitation_token(invitation)}/"


def page(response, token=None):
    """A page's HTML without its CSRF token and its own token in links."""
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    return content.replace(token, "TOKEN") if token else content


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def town(db):
    return factories.MunicipalityFactory(name="Järfälla")


@pytest.fixture
def account(town):
    """A representative of Järfälla with a seat in one group."""
    user = factories.UserFactory(
        email="kommun@example.se",
        first_name="Karin",
        last_name="Kommun",
        municipality=town,
    )
    factories.MembershipFactory(user=user, municipality=town)
    return user


@pytest.fixture
def group(db):
    return factories.WorkingGroupFactory(name="Strategiska gruppen")


def unchanged(user):
    user.refresh_from_db()
    return (
        user.check_password(factories.TEST_PASSWORD),
        user.first_name,
        user.last_name,
    ) == (True, "Karin", "Kommun")


# --- an account exists for the address ----------------------------------------


def test_existing_account_is_asked_to_sign_in_not_to_create_one(account, group, town):
    invitation = factories.InvitationFactory(
        email="Kommun@Example.se", group=group, municipality=town
    )
    url = url_of(invitation)

    shown = Client().get(url)
    posted = Client().post(url, ACCOUNT_FORM)

    assert shown.status_code == 200
    assert "new_password1" not in shown.text
    assert "Logga in och ta emot inbjudan" in shown.text
    assert f"/logga-in/?next={url.replace(':', '%3A')}" in shown.text
    assert posted.status_code == 403
    assert "new_password1" not in posted.text
    assert unchanged(account)
    assert not group.memberships.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_after_sign_in_the_account_gets_a_seat_for_its_own_town(
    account, group, town, mailoutbox
):
    invitation = factories.InvitationFactory(
        email="KOMMUN@example.se",
        group=group,
        municipality=town,
        role=Membership.Role.SECRETARY,
    )
    url = url_of(invitation)
    client = Client()
    # Both sign-in steps, with the invitation as `next` all the way.
    login = factories.sign_in(client, account, next_url=url)
    shown = client.get(login.url)
    accepted = client.post(url)

    assert login.status_code == 302
    assert login.url == url
    assert shown.status_code == 200
    assert "Platsen registreras för Järfälla" in shown.text
    assert accepted.status_code == 302
    assert accepted.url == f"/samordning/grupper/{group.slug}/"
    seat = group.memberships.get()
    assert (seat.user, seat.municipality, seat.organisation, seat.role) == (
        account,
        town,
        None,
        Membership.Role.SECRETARY,
    )
    assert unchanged(account)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    events = AuditEvent.objects.filter(actor=account).order_by("id")
    assert [(e.action, e.object_type, e.object_id, e.path) for e in events] == [
        # The second step of the sign-in; its `next` (the token) is not kept.
        ("sign_in", "portal.User", str(account.pk), "/logga-in/tvastegs/"),
        ("create", "municipalities.Membership", str(seat.pk), "/inbjudan/[dold]/"),
        (
            "update",
            "municipalities.Invitation",
            str(invitation.pk),
            "/inbjudan/[dold]/",
        ),
    ]
    assert client.get(f"/samordning/grupper/{group.slug}/").status_code == 200


def test_invitation_for_another_town_is_refused_and_records_nothing(
    account, group, town
):
    other_town = factories.MunicipalityFactory(name="Sollentuna")
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=other_town
    )
    client = signed_in(account)

    shown = client.get(url_of(invitation))
    posted = client.post(url_of(invitation))

    for response in (shown, posted):
        assert response.status_code == 409
        assert "Inbjudan gäller en plats för Sollentuna" in response.text
        assert "ditt konto företräder Järfälla" in response.text
    assert not group.memberships.exists()
    assert unchanged(account)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    denied = AuditEvent.objects.get(action="denied")
    assert (denied.actor, denied.object_id) == (account, str(invitation.pk))


def test_account_without_a_unit_is_judged_by_its_seats(group, town):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, municipality=town)
    other_town = factories.MunicipalityFactory()
    refused = factories.InvitationFactory(
        email=user.email, group=group, municipality=other_town
    )
    fitting = factories.InvitationFactory(
        email=user.email, group=group, municipality=town
    )
    client = signed_in(user)

    assert client.post(url_of(refused)).status_code == 409
    assert client.post(url_of(fitting)).status_code == 302
    assert group.memberships.get().municipality == town
    user.refresh_from_db()
    assert user.municipality == town  # filled, as for a new account


def test_account_with_seats_for_two_units_is_refused(group, town):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, municipality=town)
    factories.MembershipFactory(user=user, municipality=factories.MunicipalityFactory())
    invitation = factories.InvitationFactory(
        email=user.email, group=group, municipality=town
    )

    response = signed_in(user).post(url_of(invitation))

    assert response.status_code == 409
    assert "flera kommuner eller organisationer" in response.text
    assert not group.memberships.exists()


def test_account_that_represents_nobody_takes_the_invitations_unit(group):
    police = factories.OrganisationFactory(name="Polisen Norrort")
    user = factories.UserFactory()
    invitation = factories.InvitationFactory(
        email=user.email, group=group, municipality=None, organisation=police
    )

    response = signed_in(user).post(url_of(invitation))

    assert response.status_code == 302
    seat = group.memberships.get()
    assert (seat.organisation, seat.municipality, seat.partner_can_write) == (
        police,
        None,
        False,
    )
    user.refresh_from_db()
    assert (user.organisation, user.municipality) == (police, None)


def test_partner_gets_a_read_only_seat_for_its_own_organisation(group):
    police = factories.OrganisationFactory(name="Polisen Norrort")
    user = factories.UserFactory(organisation=police)
    invitation = factories.InvitationFactory(
        email=user.email, group=group, municipality=None, organisation=police
    )

    assert signed_in(user).post(url_of(invitation)).status_code == 302
    seat = group.memberships.get()
    assert (seat.organisation, seat.partner_can_write) == (police, False)


def test_signed_in_as_someone_else_changes_nothing(account, group, town):
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    someone = factories.UserFactory(municipality=town)

    response = signed_in(someone).post(url_of(invitation))

    assert response.status_code == 403
    assert "annat konto" in response.text
    assert not group.memberships.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_current_seat_is_kept_as_it_is(account, group, town):
    seat = factories.MembershipFactory(
        user=account, group=group, municipality=town, role=Membership.Role.CHAIR
    )
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town, role="member"
    )

    response = signed_in(account).post(url_of(invitation), follow=True)

    assert response.redirect_chain[0][0] == f"/samordning/grupper/{group.slug}/"
    assert "Du har redan en plats i Strategiska gruppen" in response.text
    assert list(group.memberships.values_list("pk", "role")) == [(seat.pk, "chair")]


def test_ended_seat_is_not_reopened(account, group, town):
    factories.MembershipFactory(
        user=account,
        group=group,
        municipality=town,
        end_date=datetime.date(2022, 12, 31),
    )
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )

    response = signed_in(account).post(url_of(invitation))

    assert response.status_code == 409
    assert "avslutats" in response.text
    assert group.memberships.get().end_date == datetime.date(2022, 12, 31)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_every_invitation_page_is_swedish(account, group, town, settings):
    settings.INVITATION_LIMIT_PER_CLIENT = 1
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    elsewhere = factories.InvitationFactory(
        email=account.email, group=group, municipality=factories.MunicipalityFactory()
    )
    new_person = factories.InvitationFactory(group=group, municipality=town)
    someone = signed_in(factories.UserFactory())
    pages = {
        "create account": Client().get(url_of(new_person)),
        "sign in": Client().get(url_of(invitation)),
        "other account": someone.get(url_of(invitation)),
        "join": signed_in(account).get(url_of(invitation)),
        "refused": signed_in(account).get(url_of(elsewhere)),
        "invalid": Client().get("/inbjudan/forged/"),
    }
    Client().post("/inbjudan/forged/", REMOTE_ADDR="10.9.3.1")
    pages["too many"] = Client().post("/inbjudan/forged/", REMOTE_ADDR="10.9.3.1")

    with translation.override("sv"):
        found = {name: english_words(response.text) for name, response in pages.items()}

    assert [response.status_code for response in pages.values()] == [
        200,
        200,
        403,
        200,
        409,
        404,
        429,
    ]
    assert found == {name: [] for name in pages}


# --- links that do not hold --------------------------------------------------


def test_deactivated_account_gets_the_invalid_link_page(account, group, town):
    account.is_active = False
    account.save()
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    token = invitation_token(invitation)
    forged = token[:-4] + "AAAA"

    deactivated = [
        Client().get(f"/inbjudan/{token}/"),
        Client().post(f"/inbjudan/{token}/", ACCOUNT_FORM),
    ]
    invalid = [
        Client().get(f"/inbjudan/{forged}/"),
        Client().post(f"/inbjudan/{forged}/", ACCOUNT_FORM),
    ]

    for mine, theirs in zip(deactivated, invalid, strict=True):
        assert mine.status_code == theirs.status_code == 404
        assert page(mine, token) == page(theirs, forged)
    assert "Inbjudan gäller inte" in deactivated[0].text
    assert not group.memberships.exists()
    assert unchanged(account)


def test_second_acceptance_is_refused(account, group, town):
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    client = signed_in(account)

    first = client.post(url_of(invitation))
    second = client.post(url_of(invitation))

    assert (first.status_code, second.status_code) == (302, 404)
    assert group.memberships.count() == 1
    assert (
        AuditEvent.objects.filter(object_type="municipalities.Invitation").count() == 1
    )


def test_new_account_link_works_once(group, town):
    invitation = factories.InvitationFactory(
        email="ny@example.se", group=group, municipality=town
    )
    url = url_of(invitation)

    first = Client().post(url, ACCOUNT_FORM)
    second = Client().post(url, {**ACCOUNT_FORM, "new_password1": "annat-losenord-99"})

    assert (first.status_code, second.status_code) == (302, 404)
    user = group.memberships.get().user
    assert (user.email, user.municipality, user.first_name) == (
        "ny@example.se",
        town,
        "Ny",
    )
    assert user.check_password(NEW_PASSWORD)
    assert [
        (e.action, e.object_type)
        for e in AuditEvent.objects.filter(actor=user).order_by("id")
    ] == [
        ("create", "portal.User"),
        ("create", "municipalities.Membership"),
        ("update", "municipalities.Invitation"),
    ]


def test_account_made_while_the_form_was_open_is_never_overwritten(group, town):
    invitation = factories.InvitationFactory(
        email="ny@example.se", group=group, municipality=town
    )
    form = AcceptInvitationForm(
        User(email="ny@example.se", municipality=town), ACCOUNT_FORM
    )
    assert form.is_valid()
    existing = factories.UserFactory(email="ny@example.se", first_name="Karin")

    with pytest.raises(IntegrityError):
        invitation_accept_new(invitation=invitation, form=form)

    existing.refresh_from_db()
    assert existing.check_password(factories.TEST_PASSWORD)
    assert existing.first_name == "Karin"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not group.memberships.exists()


def test_expired_link_is_refused_for_an_existing_account(account, group, town):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        invitation = factories.InvitationFactory(
            email=account.email, group=group, municipality=town
        )
        url = url_of(invitation)
    days = datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS, seconds=1)
    with time_machine.travel(start + days, tick=False):
        response = signed_in(account).post(url)

    assert response.status_code == 404
    assert not group.memberships.exists()


def test_deleted_invitation_is_refused(account, group, town):
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    url = url_of(invitation)
    Invitation.objects.filter(pk=invitation.pk).delete()

    assert signed_in(account).post(url).status_code == 404
    assert Client().post(url, ACCOUNT_FORM).status_code == 404
    assert not group.memberships.exists()


# --- rate limits --------------------------------------------------------------


def test_posts_are_limited_per_invitation(account, group, town):
    assert settings.INVITATION_LIMIT_PER_INVITATION == 10
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    url = url_of(invitation)

    answers = [
        Client().post(url, REMOTE_ADDR=f"10.9.0.{number}").status_code
        for number in range(10)
    ]
    refused = signed_in(account).post(url, REMOTE_ADDR="10.9.1.1")

    assert answers == [403] * 10
    assert refused.status_code == 429
    assert "För många försök" in refused.text
    assert not group.memberships.exists()


def test_posts_are_limited_per_client(account, group, town):
    assert settings.INVITATION_LIMIT_PER_CLIENT == 20
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )

    answers = [
        Client().post(f"/inbjudan/forged-{number}/", REMOTE_ADDR="10.9.2.1").status_code
        for number in range(20)
    ]
    client = signed_in(account)
    refused = client.post(url_of(invitation), REMOTE_ADDR="10.9.2.1")
    elsewhere = client.post(url_of(invitation), REMOTE_ADDR="10.9.2.2")

    assert answers == [404] * 20
    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert group.memberships.count() == 1


def test_reading_the_page_is_not_limited(account, group, town):
    invitation = factories.InvitationFactory(
        email=account.email, group=group, municipality=town
    )
    client = signed_in(account)

    answers = {client.get(url_of(invitation)).status_code for _ in range(25)}

    assert answers == {200}


# --- two acceptances at the same moment ---------------------------------------


def _post_with_csrf(address, path, session_cookie):
    """GET the page for a CSRF token, then POST the accept button."""
    link = http.client.HTTPConnection(*address, timeout=30)
    try:
        link.request("GET", path, headers={"Cookie": session_cookie})
        response = link.getresponse()
        body = response.read().decode()
        cookies = SimpleCookie(session_cookie)
        for header in response.msg.get_all("Set-Cookie"):
            cookies.load(header)
        cookie = "; ".join(f"{name}={c.value}" for name, c in cookies.items())
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
        return link, cookie, token
    except Exception:
        link.close()
        raise


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_seat_the_account_once(live_server):
    town = factories.MunicipalityFactory()
    group = factories.WorkingGroupFactory()
    user = factories.UserFactory(municipality=town)
    invitation = factories.InvitationFactory(
        email=user.email, group=group, municipality=town
    )
    client = signed_in(user)
    session_cookie = (
        f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}"
    )
    server = urlsplit(live_server.url)
    address = (server.hostname, server.port)
    path = url_of(invitation)
    ready = [_post_with_csrf(address, path, session_cookie) for _ in range(2)]
    in_step = threading.Barrier(len(ready), timeout=30)
    statuses = []

    def accept(link, cookie, token):
        try:
            in_step.wait()
            link.request(
                "POST",
                path,
                body=urlencode({"csrfmiddlewaretoken": token}),
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            statuses.append(link.getresponse().status)
        finally:
            link.close()

    threads = [threading.Thread(target=accept, args=args) for args in ready]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 404]
    assert Membership.objects.filter(group=group).count() == 1
    assert (
        AuditEvent.objects.filter(object_type="municipalities.Invitation").count() == 1
    )
