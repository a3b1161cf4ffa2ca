"""manage.py maintenance: each retention period removes exactly the rows
older than it, keeps what a rule needs, counts the same in a dry run, and
finds nothing left on a second run."""

import datetime
import io
from contextlib import contextmanager

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from municipalities.models import Decision, Invitation
from portal import retention
from portal.models import AuditEvent
from portal.password_reset import password_reset_send
from programme import newsletter
from programme.models import Delivery, Subscriber
from tests import factories
from tests.portal.test_settings import run_settings
from tests.tasks import run_queued_tasks

NOW = datetime.datetime(2026, 6, 1, 3, 15, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
# Ages in days around a period of N days: inside, exactly at it, past it.
AGES = {"inside": -1, "at": 0, "past": 1}


@contextmanager
def days_ago(days):
    with time_machine.travel(NOW - days * DAY, tick=False):
        yield


def maintenance(*args):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("maintenance", *args, stdout=out)
    return out.getvalue()


def counts(output):
    """{sweep name: the number on its line, or None when kept}."""
    result = {}
    for sweep in retention.SWEEPS:
        line = next(line for line in output.splitlines() if line.startswith(sweep.name))
        rest = line[len(sweep.name) :].split()
        result[sweep.name] = int(rest[0]) if rest[0].isdigit() else None
    return result


def audit_row(age, tag):
    with days_ago(age):
        return factories.AuditEventFactory(object_id=tag)


# A task result is told apart by the (non-existent) account id it was given.
TASK_TAGS = {}


def task_result(age, tag):
    account_id = TASK_TAGS.setdefault(tag, 900_000 + len(TASK_TAGS))
    with days_ago(age):
        password_reset_send.enqueue([account_id])
        assert run_queued_tasks() == 1


def axes_rows(age, tag):
    fields = {
        "user_agent": "test",
        "ip_address": "10.1.2.3",
        "username": f"{tag}@example.se",
        "http_accept": "*/*",
        "path_info": "/logga-in/",
    }
    with days_ago(age):
        AccessAttempt.objects.create(
            **fields, get_data="", post_data="", failures_since_start=1
        )
        AccessLog.objects.create(**fields)
        AccessFailureLog.objects.create(**fields)


def unconfirmed_subscriber(age, tag):
    with days_ago(age):
        return factories.SubscriberFactory(email=f"{tag}@example.se", confirmed_at=None)


def invitation(age, tag):
    with days_ago(age):
        return factories.InvitationFactory(email=f"{tag}@example.se")


def history_row(age, tag):
    """A decision's change-history row (simple_history), dated `age` ago."""
    with days_ago(age):
        factories.DecisionFactory(text=tag)


def admin_log_row(age, tag):
    with days_ago(age):
        LogEntry.objects.create(
            user=factories.UserFactory(),
            action_flag=ADDITION,
            object_repr=tag,
        )


def survivors(kind):
    return {
        "history": lambda: set(Decision.history.values_list("text", flat=True)),
        "adminlog": lambda: set(LogEntry.objects.values_list("object_repr", flat=True)),
        "audit": lambda: set(AuditEvent.objects.values_list("object_id", flat=True)),
        "tasks": lambda: {
            tag
            for tag, account_id in TASK_TAGS.items()
            if DBTaskResult.objects.filter(args_kwargs__args=[[account_id]]).exists()
        },
        "axes": lambda: [
            {row.username.split("@")[0] for row in model.objects.all()}
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ],
        "subscribers": lambda: {
            email.split("@")[0]
            for email in Subscriber.objects.values_list("email", flat=True)
        },
        "invitations": lambda: {
            email.split("@")[0]
            for email in Invitation.objects.values_list("email", flat=True)
        },
    }[kind]()


KINDS = {
    # kind: (builder, the setting, extra days before the period starts)
    "audit": (audit_row, "RETENTION_AUDIT_DAYS", 0),
    "tasks": (task_result, "RETENTION_TASK_RESULTS_DAYS", 0),
    "axes": (axes_rows, "RETENTION_LOGIN_RECORDS_DAYS", 0),
    "subscribers": (
        unconfirmed_subscriber,
        "RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS",
        0,
    ),
    # An invitation's period starts when its link stops working.
    "invitations": (invitation, "RETENTION_INVITATIONS_DAYS", 7),
    "history": (history_row, "RETENTION_HISTORY_DAYS", 0),
    "adminlog": (admin_log_row, "RETENTION_HISTORY_DAYS", 0),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_rows_past_the_period_go_and_the_rest_stay(kind, settings):
    build, setting, offset = KINDS[kind]
    settings.INVITATION_MAX_AGE_DAYS = 7
    period = getattr(settings, setting)
    for tag, extra in AGES.items():
        build(period + offset + extra, tag)

    maintenance()

    expected = {"inside", "at"}
    assert survivors(kind) == ([expected] * 3 if kind == "axes" else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_period_of_zero_keeps_everything(kind, settings):
    build, setting, _offset = KINDS[kind]
    setattr(settings, setting, 0)
    build(10_000, "ancient")

    output = maintenance()

    assert survivors(kind) == ([{"ancient"}] * 3 if kind == "axes" else {"ancient"})
    kept = [sweep.name for sweep in retention.SWEEPS if sweep.setting == setting]
    assert {name: counts(output)[name] for name in kept} == dict.fromkeys(kept)


@pytest.mark.django_db
def test_expired_sessions_go_and_live_ones_stay():
    with time_machine.travel(NOW, tick=False):
        for name, expiry in [("expired", -60), ("live", 60)]:
            session = SessionStore()
            session["name"] = name
            session.set_expiry(expiry)
            session.create()

    maintenance()

    assert [
        SessionStore().decode(row.session_data)["name"] for row in Session.objects.all()
    ] == ["live"]


@pytest.mark.django_db
def test_unfinished_task_results_stay_however_old(settings):
    with days_ago(settings.RETENTION_TASK_RESULTS_DAYS + 30):
        password_reset_send.enqueue([900_998])

    maintenance()

    assert DBTaskResult.objects.get().status == "READY"


@pytest.mark.django_db
def test_task_results_age_from_when_they_finished(settings):
    with days_ago(settings.RETENTION_TASK_RESULTS_DAYS + 30):
        password_reset_send.enqueue([900_999])
    with days_ago(1):
        assert run_queued_tasks() == 1

    maintenance()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_confirmed_and_recently_renewed_subscribers_stay(settings):
    old = settings.RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS + 1
    with days_ago(old):
        factories.SubscriberFactory(email="bekraftad@example.se")
        renewed = factories.SubscriberFactory(
            email="fornyad@example.se", confirmed_at=None
        )
    # Subscribing again refreshes the consent and sends a new link.
    Subscriber.objects.filter(pk=renewed.pk).update(consented_at=NOW - DAY)

    maintenance()

    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "bekraftad@example.se",
        "fornyad@example.se",
    }


@pytest.mark.django_db
def test_accepted_invitations_stay_however_old(settings):
    with days_ago(settings.RETENTION_INVITATIONS_DAYS + 365):
        factories.InvitationFactory(email="tog-emot@example.se", accepted_at=NOW)

    maintenance()

    assert Invitation.objects.get().email == "tog-emot@example.se"


@pytest.fixture
def issue(db):
    factories.MandateFactory()
    issue = factories.NewsletterIssueFactory()
    issue.articles.add(factories.NewsArticleFactory())
    return issue


@pytest.mark.django_db
def test_old_deliveries_keep_their_rows_but_lose_the_address(issue, settings):
    period = settings.RETENTION_DELIVERIES_DAYS
    issue.send_started_at = NOW - (period + 1) * DAY
    issue.save()
    sent = factories.DeliveryFactory(issue=issue, status=Delivery.Status.SENT)
    failed = factories.DeliveryFactory(
        issue=issue, status=Delivery.Status.FAILED, last_error="550 a@b.se refused"
    )
    queued = factories.DeliveryFactory(issue=issue, status=Delivery.Status.QUEUED)
    recent_issue = factories.NewsletterIssueFactory(send_started_at=NOW - DAY)
    recent = factories.DeliveryFactory(issue=recent_issue, status=Delivery.Status.SENT)

    maintenance()

    rows = {row.pk: (row.email, row.last_error) for row in Delivery.objects.all()}
    assert rows == {
        sent.pk: ("", ""),
        failed.pk: ("", ""),
        queued.pk: (queued.email, ""),
        recent.pk: (recent.email, ""),
    }
    assert Subscriber.objects.count() == 4


@pytest.mark.django_db
def test_an_issue_sent_again_after_maintenance_mails_nobody_twice(issue, settings):
    subscriber = factories.SubscriberFactory(email="en-gang@example.se")
    newsletter.issue_send(issue)
    Delivery.objects.update(status=Delivery.Status.SENT)
    issue.refresh_from_db()
    issue.send_started_at = NOW - (settings.RETENTION_DELIVERIES_DAYS + 1) * DAY
    issue.save()

    maintenance()
    newsletter.issue_send(issue)  # an editor presses send again

    delivery = Delivery.objects.get()
    assert (delivery.subscriber, delivery.email, delivery.status) == (
        subscriber,
        "",
        Delivery.Status.SENT,
    )


def build_one_of_each(settings):
    for kind, (build, setting, offset) in KINDS.items():
        period = getattr(settings, setting)
        build(period + offset + 1, f"{kind}-old")
        build(period + offset, f"{kind}-at")
        build(1, f"{kind}-new")


@pytest.mark.django_db
def test_dry_run_counts_what_the_run_then_removes_and_changes_nothing(settings):
    settings.INVITATION_MAX_AGE_DAYS = 7
    build_one_of_each(settings)
    before = {kind: survivors(kind) for kind in KINDS}

    dry = counts(maintenance("--dry-run"))

    assert {kind: survivors(kind) for kind in KINDS} == before
    assert counts(maintenance()) == dry
    assert dry == {
        "utgångna sessioner": 0,
        "avslutade bakgrundsjobb": 1,
        "inloggningsförsök (spärrräkning)": 1,
        "inloggningslogg": 1,
        "misslyckade inloggningar": 1,
        "granskningslogg": 1,
        "obekräftade prenumeranter": 1,
        "adresser på skickade nyhetsbrev": 0,
        "inbjudningar som aldrig togs emot": 1,
        "ändringshistorik": 1,
        "administrationens ändringslogg": 1,
        # No mandate is closed: nothing of the end of a mandate is due.
        **{sweep.name: 0 for sweep in retention.MANDATE_SWEEPS},
    }


@pytest.mark.django_db
def test_a_second_run_finds_nothing(settings):
    build_one_of_each(settings)
    first = counts(maintenance())

    second = counts(maintenance())

    assert sum(first.values()) == 9
    assert second == dict.fromkeys(second, 0)


@pytest.mark.django_db
def test_the_audit_log_stays_append_only_outside_the_retention_run():
    event = factories.AuditEventFactory()

    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.prune(before=event.at) == 0
    assert AuditEvent.objects.get() == event


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"RETENTION_AUDIT_DAYS": "-1"}, "RETENTION_AUDIT_DAYS must be 0"),
        (
            {"RETENTION_LOGIN_RECORDS_DAYS": "1", "LOGIN_COOLOFF_MINUTES": "1440"},
            "RETENTION_LOGIN_RECORDS_DAYS must be longer than LOGIN_COOLOFF_MINUTES",
        ),
    ],
)
def test_settings_refuse_periods_that_break_a_rule(overrides, message):
    result = run_settings(
        {"SECRET_KEY": "x" * 50, **overrides}, "settings.RETENTION_AUDIT_DAYS"
    )

    assert result.returncode != 0
    assert message in result.stderr
