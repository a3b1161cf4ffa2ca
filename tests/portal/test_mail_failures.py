"""A mail server that is down, hangs or refuses never slows or breaks a page:
pages queue the mail, every connection has a timeout, and the worker tries
again later when the failure may pass."""

import datetime
import smtplib
import time

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from portal import mail
from portal.password_reset import password_reset_send
from programme import newsletter
from programme.models import Delivery
from tests import factories
from tests.outages import CLOSED_PORT, silent_server
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def smtp_at(port, timeout):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class RaisingBackend:
    """A mail backend that raises `error` for every message."""

    error = None

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def raising(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.portal.test_mail_failures.RaisingBackend"}
    }

    def _raise(error):
        RaisingBackend.error = error

    yield _raise
    RaisingBackend.error = None


def waiting_tasks():
    return list(DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"))


def subscribe(client=None, email="ny@example.se"):
    return (client or Client()).post(
        "/nyhetsbrev/", {"email": email, "topics": "all", "consent": "on"}
    )


def test_subscribing_does_not_wait_for_a_hung_mail_server(settings, mailoutbox):
    factories.FocusAreaFactory()
    with silent_server() as port:
        settings.MAILERS = smtp_at(port, timeout=30)
        started = time.monotonic()
        response = subscribe()
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    assert mailoutbox == []
    (task,) = waiting_tasks()
    assert task.task_path == "programme.newsletter.subscription_mail_send"
    assert "ny@example.se" not in str(task.args_kwargs)


@pytest.mark.parametrize("server", ["hung", "refusing"])
def test_worker_gives_up_on_a_dead_mail_server_in_time_and_retries(
    settings, mailoutbox, server
):
    factories.FocusAreaFactory()
    subscribe()
    with silent_server() as silent_port:
        port = silent_port if server == "hung" else CLOSED_PORT
        settings.MAILERS = smtp_at(port, timeout=1)
        started = time.monotonic()
        run_queued_tasks()
        elapsed = time.monotonic() - started

    assert elapsed < 3
    assert mailoutbox == []
    (retry,) = waiting_tasks()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    due_in = retry.run_after - timezone.now()
    assert datetime.timedelta(minutes=1) < due_in <= datetime.timedelta(minutes=2)

    settings.MAILERS = LOCMEM
    assert run_queued_tasks() == 0  # not due yet
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        assert run_queued_tasks() == 1

    (message,) = mailoutbox
    assert message.subject == "Bekräfta din prenumeration"
    assert waiting_tasks() == []


def run_like_the_worker():
    """Each ready task through the worker's own code, which records a
    failure on the task's row."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    for row in DBTaskResult.objects.ready():
        row.claim(worker.worker_id)
        worker.run_task(row)


def test_permanent_refusal_fails_the_task_without_retrying(raising, mailoutbox):
    factories.FocusAreaFactory()
    subscribe()
    raising(smtplib.SMTPRecipientsRefused({"ny@example.se": (550, b"No such user")}))

    run_like_the_worker()

    (task,) = DBTaskResult.objects.all()
    assert task.status == "FAILED"
    assert task.exception_class_path == "smtplib.SMTPRecipientsRefused"


def test_retries_stop_after_the_last_attempt(raising):
    subscriber = factories.SubscriberFactory(confirmed_at=None)
    raising(smtplib.SMTPServerDisconnected("gone"))
    newsletter.subscription_mail_send.enqueue(
        subscriber.pk, newsletter.CONFIRM, attempt=mail.MAX_ATTEMPTS - 1
    )

    run_queued_tasks()
    (last,) = waiting_tasks()
    assert last.args_kwargs["kwargs"] == {"attempt": mail.MAX_ATTEMPTS}
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        run_like_the_worker()

    assert waiting_tasks() == []
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (TimeoutError("timed out"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (smtplib.SMTPServerDisconnected("closed"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), True),
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPSenderRefused(553, b"not yours", "noreply@x.se"), False),
        (smtplib.SMTPDataError(552, b"too big"), False),
        (smtplib.SMTPRecipientsRefused({"a@x.se": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.se": (550, b"unknown")}), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        (ValueError("a bug"), False),
    ],
)
def test_which_failures_may_pass(error, temporary):
    assert mail.is_temporary(error) is temporary


@pytest.fixture
def issue(db):
    factories.MandateFactory()
    issue = factories.NewsletterIssueFactory(subject="Nyhetsbrev 1")
    issue.articles.add(factories.NewsArticleFactory())
    return issue


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Queue an issue's deliveries, as the admin's send button does."""

    def _send(issue):
        with django_capture_on_commit_callbacks(execute=True):
            newsletter.issue_send(issue)

    return _send


def test_delivery_to_a_hung_server_is_recorded_and_sent_on_a_later_run(
    settings, issue, send, mailoutbox
):
    factories.SubscriberFactory(email="a@example.se")
    send(issue)
    with silent_server() as port:
        settings.MAILERS = smtp_at(port, timeout=1)
        started = time.monotonic()
        run_queued_tasks()
        elapsed = time.monotonic() - started

    assert elapsed < 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error.endswith("timed out")
    assert delivery.next_attempt_at > timezone.now()
    (again,) = waiting_tasks()
    assert again.run_after == delivery.next_attempt_at

    settings.MAILERS = LOCMEM
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        run_queued_tasks()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [message.to for message in mailoutbox] == [["a@example.se"]]


def test_delivery_failing_for_another_reason_is_recorded_not_left_sending(
    raising, issue, send
):
    factories.SubscriberFactory(email="a@example.se")
    factories.SubscriberFactory(email="b@example.se")
    send(issue)
    raising(RuntimeError("a bug in a backend"))

    run_queued_tasks()

    rows = list(Delivery.objects.values_list("status", "last_error"))
    assert rows == [("failed", "RuntimeError: a bug in a backend")] * 2


def test_login_refused_by_the_mail_server_is_retried(raising, issue, send):
    factories.SubscriberFactory(email="a@example.se")
    send(issue)
    raising(smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"))

    run_queued_tasks()

    assert Delivery.objects.get().status == "queued"


class FailFor(RaisingBackend):
    """Delivers to the locmem outbox, except to `address`."""

    address = None

    def send_messages(self, messages):
        from django.core import mail as django_mail

        for message in messages:
            if message.to == [self.address]:
                raise smtplib.SMTPServerDisconnected("gone")
            django_mail.outbox.append(message)
        return len(messages)


def test_password_reset_retries_only_the_accounts_not_yet_mailed(settings, mailoutbox):
    first = factories.UserFactory(email="forst@example.se")
    second = factories.UserFactory(email="andra@example.se")
    settings.MAILERS = {
        "default": {"BACKEND": "tests.portal.test_mail_failures.FailFor"}
    }
    FailFor.address = "andra@example.se"
    password_reset_send.enqueue([first.pk, second.pk])

    run_queued_tasks()

    assert [message.to for message in mailoutbox] == [["forst@example.se"]]
    (retry,) = waiting_tasks()
    assert retry.args_kwargs["args"] == [[second.pk]]
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}


def test_invitation_admin_answers_at_once_with_a_hung_mail_server(
    settings, client, mailoutbox
):
    lead = factories.UserFactory(is_staff=True)
    lead.groups.add(Group.objects.get(name="Programledning"))
    client.force_login(lead)
    group = factories.WorkingGroupFactory()
    town = factories.MunicipalityFactory()

    with silent_server() as port:
        settings.MAILERS = smtp_at(port, timeout=30)
        started = time.monotonic()
        response = client.post(
            "/admin/municipalities/invitation/add/",
            {
                "email": "ny@example.se",
                "group": group.pk,
                "municipality": town.pk,
                "role": "member",
            },
        )
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    (task,) = waiting_tasks()
    assert task.task_path.endswith("invitation_mail_send")
