"""Newsletter: double opt-in, same answers, rate limits, one-click
unsubscribe, and background sending that mails nobody twice."""

import base64
import datetime
import re
import smtplib

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from programme import newsletter
from programme.models import Delivery, Subscriber
from tests import factories
from tests.tasks import run_queued_tasks


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def subscribe(client, email, ip="10.0.0.1", **extra):
    """Post the form, then let the worker send what it queued."""
    response = client.post(
        "/nyhetsbrev/",
        {"email": email, "topics": "all", "consent": "on", **extra},
        REMOTE_ADDR=ip,
    )
    run_queued_tasks()
    return response


def without_csrf(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def confirm_link(message):
    return re.search(r"https?://[^\s]+/nyhetsbrev/bekrafta/[^\s/]+/", message.body)[0]


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_subscribe_sends_confirmation_and_confirm_works(mailoutbox):
    response = subscribe(Client(), "ny@example.se")

    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject == "Bekräfta din prenumeration"
    subscriber = Subscriber.objects.get(email="ny@example.se")
    assert subscriber.confirmed_at is None
    assert "samtycker" in subscriber.consent_text

    confirmed = Client().get(path_of(confirm_link(message)))

    assert confirmed.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


@pytest.mark.django_db
def test_expired_and_forged_confirmation_links_are_refused(mailoutbox):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=4)):
        subscribe(Client(), "sen@example.se")
    link = path_of(confirm_link(mailoutbox[0]))

    expired = Client().get(link)
    forged = Client().get(link[:-6] + "AAAAA/")

    assert expired.status_code == 404
    assert forged.status_code == 404
    assert Subscriber.objects.get().confirmed_at is None


@pytest.mark.django_db
def test_confirmation_link_holds_only_the_id_and_its_purpose(mailoutbox):
    subscribe(Client(), "ny@example.se")
    subscriber = Subscriber.objects.get()
    link = confirm_link(mailoutbox[0])
    signed = link.rstrip("/").rsplit("/", 1)[1]
    readable = base64.urlsafe_b64decode(signed.split(":")[0] + "==")

    confirmed = Client().get(path_of(link))

    assert subscriber.token not in link
    assert subscriber.token.encode() not in readable
    assert signing.loads(signed, salt=newsletter.CONFIRM_SALT) == {
        "id": subscriber.pk,
        "purpose": "confirm",
    }
    assert confirmed.status_code == 200
    assert subscriber.token not in confirmed.text
    # The manage token reaches the subscriber by mail, not through this page.
    assert "/nyhetsbrev/mina-uppgifter/" not in confirmed.text


@pytest.mark.django_db
def test_confirmation_and_manage_tokens_do_not_stand_in_for_each_other(mailoutbox):
    subscribe(Client(), "ny@example.se")
    subscriber = Subscriber.objects.get()
    signed = path_of(confirm_link(mailoutbox[0])).rstrip("/").rsplit("/", 1)[1]
    client = Client()

    as_manage = client.get(f"/nyhetsbrev/mina-uppgifter/{signed}/")
    as_unsubscribe = client.get(f"/nyhetsbrev/avsluta/{signed}/")
    client.post(f"/nyhetsbrev/avsluta/{signed}/")
    as_confirm = client.get(f"/nyhetsbrev/bekrafta/{subscriber.token}/")

    assert (as_manage.status_code, as_unsubscribe.status_code) == (404, 404)
    assert as_confirm.status_code == 404
    subscriber.refresh_from_db()  # still there, still unconfirmed
    assert subscriber.confirmed_at is None


@pytest.mark.django_db
def test_old_and_other_purpose_confirmation_links_are_refused():
    subscriber = factories_subscriber("ny@example.se", confirmed_at=None)
    old_format = signing.dumps(subscriber.token, salt="programme.newsletter.confirm")
    other_purpose = signing.dumps(
        {"id": subscriber.pk, "purpose": "manage"}, salt=newsletter.CONFIRM_SALT
    )
    other_salt = signing.dumps(
        {"id": subscriber.pk, "purpose": "confirm"}, salt="portal.invitation"
    )

    answers = [
        Client().get(f"/nyhetsbrev/bekrafta/{signed}/").status_code
        for signed in (old_format, other_purpose, other_salt)
    ]

    assert answers == [404, 404, 404]
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


@pytest.mark.django_db
def test_confirmation_link_of_an_erased_subscription_is_refused(mailoutbox):
    subscribe(Client(), "ny@example.se")
    link = path_of(confirm_link(mailoutbox[0]))
    newsletter.erase(Subscriber.objects.get())
    subscribe(Client(), "ny@example.se", ip="10.0.0.2")

    assert Client().get(link).status_code == 404
    assert Subscriber.objects.get().confirmed_at is None


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer(mailoutbox):
    factories_subscriber("kand@example.se")

    known = subscribe(Client(), "kand@example.se", ip="10.0.0.2")
    unknown = subscribe(Client(), "okand@example.se", ip="10.0.0.3")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    page_known = without_csrf(Client().get(known.url).content)
    page_unknown = without_csrf(Client().get(unknown.url).content)
    assert page_known == page_unknown
    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == [
        "Bekräfta din prenumeration",
        "Du prenumererar redan på nyhetsbrevet",
    ]


@pytest.mark.django_db
def test_rate_limit_per_address_and_per_client(mailoutbox):
    client = Client()
    answers = [subscribe(client, "x@example.se").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]

    many = [
        subscribe(Client(), f"person{i}@example.se", ip="10.9.9.9").status_code
        for i in range(21)
    ]
    assert many[:20] == [302] * 20
    assert many[20] == 429
    assert (
        "För många försök"
        in subscribe(Client(), "annan@example.se", ip="10.9.9.9").content.decode()
    )


@pytest.mark.django_db
def test_subscribe_form_errors_keep_input():
    response = Client().post(
        "/nyhetsbrev/", {"email": "inte-en-adress", "topics": "areas"}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"email", "consent", "focus_areas"}
    assert form["email"].value() == "inte-en-adress"
    assert not Subscriber.objects.exists()


def factories_subscriber(email, **extra):
    return factories.SubscriberFactory(email=email, **extra)


@pytest.fixture
def issue(db):
    factories.MandateFactory()
    article = factories.NewsArticleFactory(title="Nyhet i brevet")
    issue = factories.NewsletterIssueFactory(subject="Nyhetsbrev 1")
    issue.articles.add(article)
    return issue


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_worker_sends_to_confirmed_only_and_records_results(issue, mailoutbox):
    factories_subscriber("a@example.se")
    factories_subscriber("b@example.se")
    factories_subscriber("obekraftad@example.se", confirmed_at=None)

    newsletter.issue_send(issue)
    run_worker()

    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.se", "b@example.se"]
    assert set(issue.deliveries.values_list("status", flat=True)) == {"sent"}
    issue.refresh_from_db()
    assert issue.status == "sent"
    message = mailoutbox[0]
    token = Subscriber.objects.get(email=message.to[0]).token
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000/nyhetsbrev/avsluta/{token}/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'lang="sv"' in html
    assert "Nyhet i brevet" in message.body


@pytest.mark.django_db(transaction=True)
def test_topic_filter_sends_only_matching_articles(issue, mailoutbox):
    area = factories.FocusAreaFactory()
    other = factories.FocusAreaFactory()
    matching = factories.NewsArticleFactory(title="Inom området")
    matching.focus_areas.add(area)
    issue.articles.add(matching)
    picky = factories_subscriber("valjer@example.se", all_news=False)
    picky.focus_areas.add(area)
    uninterested = factories_subscriber("annat@example.se", all_news=False)
    uninterested.focus_areas.add(other)

    newsletter.issue_send(issue)
    run_worker()

    (message,) = mailoutbox
    assert message.to == ["valjer@example.se"]
    assert "Inom området" in message.body
    assert "Nyhet i brevet" not in message.body


class FlakySMTP:
    """A mail backend that fails for chosen addresses."""

    failures = {}

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            error = self.failures.get(message.to[0])
            if error is not None:
                raise error
            mail.outbox.append(message)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_temporary_failure_is_retried_and_permanent_marked_failed(
    issue, mailoutbox, settings
):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.programme.test_newsletter.FlakySMTP"}
    }
    FlakySMTP.failures = {
        "tillfallig@example.se": smtplib.SMTPResponseException(451, b"Try later"),
        "permanent@example.se": smtplib.SMTPResponseException(550, b"No such user"),
    }
    for email in ["ok@example.se", "tillfallig@example.se", "permanent@example.se"]:
        factories_subscriber(email)

    newsletter.issue_send(issue)
    run_worker()

    status = dict(issue.deliveries.values_list("email", "status"))
    assert status == {
        "ok@example.se": "sent",
        "tillfallig@example.se": "queued",
        "permanent@example.se": "failed",
    }
    FlakySMTP.failures = {}
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        run_worker()

    retried = issue.deliveries.get(email="tillfallig@example.se")
    assert (retried.status, retried.attempts) == ("sent", 2)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ok@example.se",
        "tillfallig@example.se",
    ]


@pytest.mark.django_db(transaction=True)
def test_resend_and_restarted_worker_mail_nobody_twice(issue, mailoutbox):
    for index in range(5):
        factories_subscriber(f"p{index}@example.se")
    newsletter.issue_send(issue)
    # A worker claims a row and dies before sending it.
    stuck = newsletter._claim_one(issue.pk, timezone.now())
    assert stuck.status == "sending"

    run_worker()
    newsletter.issue_send(issue)  # an editor presses send again
    run_worker()
    with time_machine.travel(timezone.now() + newsletter.STALE_CLAIM * 2):
        run_worker()  # the restarted worker re-queues the stale row

    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == [f"p{index}@example.se" for index in range(5)]
    assert issue.deliveries.count() == 5
    assert set(issue.deliveries.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_one_click_unsubscribe_by_post_without_login_or_csrf():
    subscriber = factories_subscriber("bort@example.se")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/nyhetsbrev/avsluta/{subscriber.token}/",
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_unsubscribe_page_and_data_access_and_erasure():
    subscriber = factories_subscriber("data@example.se")
    client = Client()

    page = client.get(f"/nyhetsbrev/avsluta/{subscriber.token}/")
    data = client.get(f"/nyhetsbrev/mina-uppgifter/{subscriber.token}/")

    assert page.status_code == 200
    assert "data@example.se" in data.content.decode()
    assert "Samtycke" in data.content.decode()
    client.post(f"/nyhetsbrev/avsluta/{subscriber.token}/")
    assert (
        client.get(f"/nyhetsbrev/mina-uppgifter/{subscriber.token}/").status_code == 404
    )
    assert client.get("/nyhetsbrev/avsluta/okand-token/").status_code == 404


@pytest.mark.django_db
def test_erasure_removes_email_from_delivery_records(issue):
    subscriber = factories_subscriber("radera@example.se")
    factories.DeliveryFactory(issue=issue, subscriber=subscriber)

    newsletter.erase(subscriber)

    assert list(Delivery.objects.values_list("email", "subscriber")) == [("", None)]


@pytest.mark.django_db
def test_admin_preview_test_send_and_send_confirmation(issue, admin_client, mailoutbox):
    base = f"/admin/programme/newsletterissue/{issue.pk}/"

    html = admin_client.get(base + "forhandsgranska/html/")
    text = admin_client.get(base + "forhandsgranska/text/")
    test = admin_client.post(base + "testa/")
    queued_only = list(mailoutbox)
    run_queued_tasks()
    confirm = admin_client.get(base + "skicka/")

    assert "Nyhet i brevet" in html.content.decode()
    assert text["Content-Type"].startswith("text/plain")
    assert test.status_code == 302
    assert queued_only == []
    assert mailoutbox[-1].subject == "[Test] Nyhetsbrev 1"
    assert "Ja, skicka" in confirm.content.decode()
    assert not issue.deliveries.exists()
