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

The end of a mandate adds its own sweeps (`MANDATE_SWEEPS`), due on the days
the closing fixed on the mandate (`attachments_delete_on`,
`personal_data_delete_on`, from MANDATE_RETENTION_DAYS_*):

- on the first, the coordination area's attachments go, files and rows;
- on the second, its personal data: participants' accounts (every account
  without `is_staff` or superuser whose seats were all in the closed
  mandate's groups) are emptied and deactivated, not deleted, since entries
  and actions still point at them (email replaced, names blanked, password
  unusable, second factors removed); the mandate's invitations and calendar
  links go; and the sign-in records, audit rows, change history and admin
  log recorded before that day go (the mandate's work and the reading of
  its closed area). Staff accounts stay.

Every run that removed or blanked anything writes a `PurgeRecord`: when,
and how many of each kind, never what.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp import devices_for_user
from django_otp_webauthn.models import WebAuthnUserHandle
from django_tasks_db.models import DBTaskResult
from simple_history.models import registered_models

from municipalities.models import (
    CalendarToken,
    EntryAttachment,
    Invitation,
    Membership,
)
from portal.models import AuditEvent, PurgeRecord
from programme.models import Delivery, Mandate, Subscriber

# Emptied accounts get an address under this reserved domain (RFC 2606).
PURGED_EMAIL_DOMAIN = "borttagen.invalid"


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


def _history(cutoff):
    """Every change-history table's rows older than `cutoff`."""
    return [
        model.history.model.objects.filter(history_date__lt=cutoff)
        for model in sorted(registered_models.values(), key=lambda m: m._meta.label)
    ]


def _delete_history(rows, cutoff):
    # Historical rows are plain rows: a bulk delete, no signals to keep.
    deleted, _by_model = rows.delete()
    return deleted


# --- the end of a mandate -----------------------------------------------------


def _mandates_due(field, now):
    """Closed mandates whose `field` (a deletion day) has come."""
    return Mandate.objects.filter(
        closed_at__isnull=False, **{f"{field}__lte": timezone.localdate(now)}
    )


def _purge_day_began(now):
    """When the latest personal-data day among the due mandates began: the
    logs recorded before it (the mandate's work, and the reading of its
    closed area) go. None when no mandate's day has come."""
    day = _mandates_due("personal_data_delete_on", now).aggregate(
        last=Max("personal_data_delete_on")
    )["last"]
    if day is None:
        return None
    midnight = datetime.datetime.combine(day, datetime.time())
    return timezone.make_aware(midnight)


def _mandate_attachments(now):
    return EntryAttachment.objects.filter(
        entry__group__mandate__in=_mandates_due("attachments_delete_on", now)
    )


def _delete_attachments(rows, cutoff):
    """Each file, then its row: a run stopped halfway leaves rows whose file
    is gone, which the next run deletes, never a file nobody knows of."""
    count = 0
    for attachment in rows.only("pk", "file"):
        attachment.file.delete(save=False)
        attachment.delete()
        count += 1
    return count


def _mandate_rows(model):
    def due(now):
        return model.objects.filter(
            group__mandate__in=_mandates_due("personal_data_delete_on", now)
        )

    return due


def _participant_accounts(now):
    """Accounts that exist for the closed mandates' coordination alone."""
    due = _mandates_due("personal_data_delete_on", now)
    elsewhere = Membership.objects.exclude(group__mandate__in=due).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False)
        .filter(
            pk__in=Membership.objects.filter(group__mandate__in=due).values("user_id")
        )
        .exclude(pk__in=elsewhere)
        .exclude(email__endswith="@" + PURGED_EMAIL_DOMAIN)
    )


def _empty_accounts(rows, cutoff):
    """Keep the row (entries and actions point at it), drop the person."""
    count = 0
    for user in rows:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=None):
                device.delete()
            WebAuthnUserHandle.objects.filter(user=user).delete()
            user.email = f"borttagen-{user.pk}@{PURGED_EMAIL_DOMAIN}"
            user.first_name = ""
            user.last_name = ""
            user.is_active = False
            user.last_login = None
            user.set_unusable_password()
            user.save()
        count += 1
    return count


def _logs_before_purge_day(model, field):
    def due(now):
        began = _purge_day_began(now)
        if began is None:
            return model.objects.none()
        return model.objects.filter(**{f"{field}__lt": began})

    return due


def _history_before_purge_day(now):
    began = _purge_day_began(now)
    return _history(began) if began is not None else []


@dataclass(frozen=True)
class Sweep:
    """One kind of record: `due(cutoff)` selects the rows older than the
    period, `apply(rows, cutoff)` removes them and returns how many it
    touched."""

    name: str
    setting: str | None  # None: the rows carry their own expiry time
    # One queryset, or a list of them (one per table of a kind).
    due: Callable[[datetime.datetime], models.QuerySet | list[models.QuerySet]]
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
    Sweep("ändringshistorik", "RETENTION_HISTORY_DAYS", _history, _delete_history),
    Sweep(
        "administrationens ändringslogg",
        "RETENTION_HISTORY_DAYS",
        lambda cutoff: LogEntry.objects.filter(action_time__lt=cutoff),
    ),
]

# Due on the days fixed at the closing (setting None: `due` gets the time
# of the run and finds the mandates whose day has come).
MANDATE_SWEEPS = [
    Sweep(
        "uppdragets bilagor",
        None,
        _mandate_attachments,
        _delete_attachments,
    ),
    Sweep(
        "uppdragets deltagarkonton",
        None,
        _participant_accounts,
        _empty_accounts,
    ),
    Sweep("uppdragets inbjudningar", None, _mandate_rows(Invitation)),
    Sweep("uppdragets kalenderlänkar", None, _mandate_rows(CalendarToken)),
    Sweep(
        "uppdragets inloggningsförsök",
        None,
        _logs_before_purge_day(AccessAttempt, "attempt_time"),
    ),
    Sweep(
        "uppdragets inloggningslogg",
        None,
        _logs_before_purge_day(AccessLog, "attempt_time"),
    ),
    Sweep(
        "uppdragets misslyckade inloggningar",
        None,
        _logs_before_purge_day(AccessFailureLog, "attempt_time"),
    ),
    Sweep(
        "uppdragets granskningslogg",
        None,
        _logs_before_purge_day(AuditEvent, "at"),
        lambda rows, cutoff: rows.prune(before=cutoff),
    ),
    Sweep(
        "uppdragets ändringshistorik",
        None,
        _history_before_purge_day,
        _delete_history,
    ),
    Sweep(
        "uppdragets administrationslogg",
        None,
        _logs_before_purge_day(LogEntry, "action_time"),
    ),
]
SWEEPS = SWEEPS + MANDATE_SWEEPS


@dataclass(frozen=True)
class Outcome:
    name: str
    count: int | None  # None: kept for good (a period of 0)


def run(*, now, dry_run=False):
    """Apply every sweep at `now`; with `dry_run`, only count. Returns one
    `Outcome` per sweep, in order. A run that removed or blanked anything
    records its counts in a `PurgeRecord`."""
    outcomes = []
    for sweep in SWEEPS:
        cutoff = sweep.cutoff(now)
        if cutoff is None:
            outcomes.append(Outcome(sweep.name, None))
            continue
        due = sweep.due(cutoff)
        count = sum(
            rows.count() if dry_run else sweep.apply(rows, cutoff)
            for rows in (due if isinstance(due, list) else [due])
        )
        outcomes.append(Outcome(sweep.name, count))
    done = {outcome.name: outcome.count for outcome in outcomes if outcome.count}
    if done and not dry_run:
        PurgeRecord.objects.create(ran_at=now, counts=done)
    return outcomes
