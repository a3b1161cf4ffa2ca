"""Retention: what the daily maintenance run removes, and after how long.

Each `Sweep` names one kind of record, the setting that holds its period in
days (`RETENTION_*`, 0 keeps the records for good) and two functions: which
rows are due at a cut-off time, and what is done to them. `run` applies
every sweep once; a second run at the same time finds nothing left, so the
run is safe to repeat and to run late. `manage.py maintenance` is its only
caller (a systemd timer, `deploy/systemd/portal-maintenance.timer`).

What is kept on purpose:
- newsletter deliveries stay as rows, only the address copied onto them and
  the error text are blanked: the rows are what stops an issue from being
  sent to anyone twice (`programme.newsletter.issue_send`);
- accepted invitations stay: single sign-on reads them to decide who counts
  as invited (`portal.sso.may_sign_in_with_sso`); only invitations never
  accepted, and past their link's validity, go;
- sign-in records inside the lockout's cool-off stay whatever the period
  (the settings refuse a shorter period), since the lockout counts them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django_tasks_db.models import DBTaskResult

from municipalities.models import Invitation
from portal.models import AuditEvent
from programme.models import Delivery, Subscriber


def _delete(rows, cutoff):
    """Delete the rows; count them alone, not what their deletion cascades to
    (a subscriber's chosen focus areas, say)."""
    _total, by_model = rows.delete()
    return by_model.get(rows.model._meta.label, 0)


def _finished_deliveries(cutoff):
    return Delivery.objects.filter(
        status__in=[Delivery.Status.SENT, Delivery.Status.FAILED],
        issue__send_started_at__lt=cutoff,
    ).exclude(email="", last_error="")


def _expired_invitations(cutoff):
    # The period runs from when the link stopped working.
    valid_for = datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    return Invitation.objects.filter(
        accepted_at__isnull=True, created_at__lt=cutoff - valid_for
    )


@dataclass(frozen=True)
class Sweep:
    """One kind of record: `due(cutoff)` selects the rows older than the
    period, `apply(rows, cutoff)` removes them and returns how many it
    touched."""

    name: str
    setting: str | None  # None: the rows carry their own expiry time
    due: Callable[[datetime.datetime], models.QuerySet]
    apply: Callable[[models.QuerySet, datetime.datetime], int] = _delete

    def cutoff(self, now):
        if self.setting is None:
            return now
        days = getattr(settings, self.setting)
        return now - datetime.timedelta(days=days) if days else None


SWEEPS = [
    Sweep(
        "utgångna sessioner",
        None,
        lambda cutoff: Session.objects.filter(expire_date__lt=cutoff),
    ),
    Sweep(
        "avslutade bakgrundsjobb",
        "RETENTION_TASK_RESULTS_DAYS",
        lambda cutoff: DBTaskResult.objects.finished().filter(finished_at__lt=cutoff),
    ),
    Sweep(
        "inloggningsförsök (spärrräkning)",
        "RETENTION_LOGIN_RECORDS_DAYS",
        lambda cutoff: AccessAttempt.objects.filter(attempt_time__lt=cutoff),
    ),
    Sweep(
        "inloggningslogg",
        "RETENTION_LOGIN_RECORDS_DAYS",
        lambda cutoff: AccessLog.objects.filter(attempt_time__lt=cutoff),
    ),
    Sweep(
        "misslyckade inloggningar",
        "RETENTION_LOGIN_RECORDS_DAYS",
        lambda cutoff: AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
    ),
    Sweep(
        "granskningslogg",
        "RETENTION_AUDIT_DAYS",
        lambda cutoff: AuditEvent.objects.filter(at__lt=cutoff),
        # The audit log refuses deletes but for the retention period.
        lambda rows, cutoff: rows.prune(before=cutoff),
    ),
    Sweep(
        "obekräftade prenumeranter",
        "RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS",
        lambda cutoff: Subscriber.objects.filter(
            confirmed_at__isnull=True, consented_at__lt=cutoff
        ),
    ),
    Sweep(
        "adresser på skickade nyhetsbrev",
        "RETENTION_DELIVERIES_DAYS",
        _finished_deliveries,
        lambda rows, cutoff: rows.update(email="", last_error=""),
    ),
    Sweep(
        "inbjudningar som aldrig togs emot",
        "RETENTION_INVITATIONS_DAYS",
        _expired_invitations,
    ),
]


@dataclass(frozen=True)
class Outcome:
    name: str
    count: int | None  # None: kept for good (a period of 0)


def run(*, now, dry_run=False):
    """Apply every sweep at `now`; with `dry_run`, only count. Returns one
    `Outcome` per sweep, in order."""
    outcomes = []
    for sweep in SWEEPS:
        cutoff = sweep.cutoff(now)
        if cutoff is None:
            outcomes.append(Outcome(sweep.name, None))
            continue
        rows = sweep.due(cutoff)
        count = rows.count() if dry_run else sweep.apply(rows, cutoff)
        outcomes.append(Outcome(sweep.name, count))
    return outcomes
