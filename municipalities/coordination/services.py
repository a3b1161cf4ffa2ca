"""Every write in the coordination area: one transaction each, then the audit row.

A service takes keyword arguments only, an explicit `actor` (who is
recorded as author, as the history's user and in the audit log) and an
optional `origin` (`portal.audit.AuditOrigin`: the path and address of the
request, if there was one). It never sees the request or a form: the view
parses the form, asks the policy, and calls one service.

The audit row is written once the service's transaction is over, so it
records only what was really written. Views run in autocommit (no
ATOMIC_REQUESTS), so there the row follows the commit and survives whatever
the request does afterwards; a caller that holds a transaction of its own
(the admin's change form) takes the row with it if it rolls back.

Every write is marked `@_write`: once the mandate is closed it refuses
before it touches anything (`policies.ensure_area_open`, read from the
database, not the cache), whoever calls it. The check, the write and its
audit row share one transaction, and the check holds the mandate's row, so
a closing and a write never overlap: the write lands before the closing or
is refused. The closing itself (`mandate_close`) and the archive's order are
the writes a closed mandate still takes.
"""

import contextvars
import datetime
import functools
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from municipalities.coordination import policies
from municipalities.models import (
    CalendarToken,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    MandateArchive,
    Minutes,
    ProgressEntry,
    RecordState,
    ReportingSchedule,
)
from municipalities.models.coordination import Record
from portal.audit import audit_event
from portal.models import AuditEvent
from programme.models import Mandate

# Set while a write runs, so a write that calls another checks only once.
_checked = contextvars.ContextVar("closure_checked", default=False)


def _write(function):
    """Refuse the write once the mandate is closed (`MandateClosed`, a 403
    with the Swedish explanation), in one transaction with the write."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _checked.get():
            return function(*args, **kwargs)
        token = _checked.set(True)
        try:
            with transaction.atomic():
                policies.ensure_area_open(fresh=True)
                return function(*args, **kwargs)
        finally:
            _checked.reset(token)

    wrapper.is_coordination_write = True
    return wrapper


def _check(item):
    """Validate what Python can without a query: each field's value and the
    model's `clean()`.

    Related rows arrive as model instances the caller has read, and the
    database's own constraints (foreign keys, checks, unique) stand behind
    every save, so the lookups a ModelForm has already made are not repeated.
    """
    relations = [
        field.name
        for field in item._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
    ]
    item.full_clean(
        exclude=relations, validate_unique=False, validate_constraints=False
    )


def _audit(action, *, actor, origin, obj=None, object_type="", object_id=""):
    if obj is not None:
        object_type, object_id = obj._meta.label, obj.pk
    audit_event(
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        origin=origin,
    )


def _check_unit(entry):
    if (entry.municipality_id is None) == (entry.organisation_id is None):
        raise ValidationError(
            {"municipality": _("Välj antingen en kommun eller en organisation.")}
        )


# What decides who sees an entry: a correction keeps the original's.
VERSION_VISIBILITY = (
    "group_id",
    "municipality_id",
    "organisation_id",
    "sharing_level",
    "release_at",
)


def _check_version_visibility(entry):
    """A correction is seen by exactly those who see the entry it corrects:
    never more (it must not widen who sees the record) and never fewer."""
    if not isinstance(entry, ProgressEntry) or entry.supersedes_id is None:
        return
    original = ProgressEntry.objects.filter(pk=entry.supersedes_id).values(
        *VERSION_VISIBILITY
    )[0]
    if any(getattr(entry, name) != original[name] for name in VERSION_VISIBILITY):
        raise ValidationError(
            _(
                "En rättelse delas med samma personer som den version den "
                "rättar: arbetsgrupp, kommun eller organisation, delning och "
                "tidpunkten den blir synlig kan inte ändras."
            )
        )


def _check_open(record):
    """Adopted and locked records never change in place, whoever asks: the
    views' policies refuse first, this holds for every other caller."""
    if isinstance(record, Record) and record.pk is not None:
        stored = (
            type(record).objects.filter(pk=record.pk).values_list("state", flat=True)
        )
        state = stored[0] if stored else RecordState.DRAFT
        if state != RecordState.DRAFT:
            raise ValidationError(str(policies.RECORD_CLOSED[state]))


def _save(item, *, actor):
    """Validate and save `item`, recording `actor` in its history."""
    _check(item)
    _check_version_visibility(item)
    item._history_user = actor  # read by simple_history; no request needed
    item.save()


def _attach(entry, attachments, actor):
    for name, content, content_type in attachments:
        attachment = EntryAttachment(
            entry=entry,
            original_name=name,
            content_type=content_type,
            size=len(content),
            uploaded_by=actor,
        )
        attachment.file.save(
            f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False
        )
        attachment.save()


@_write
def entry_create(
    *,
    actor,
    group,
    focus_area,
    title,
    period_start,
    period_end,
    text,
    sharing_level,
    release_at,
    municipality=None,
    organisation=None,
    attachments=(),
    origin=None,
):
    """Create an entry written by `actor`, with its checked attachments
    (`(name, content, content_type)` each, from `portal.uploads`).

    The entry belongs to the actor's own municipality or organisation unless
    one of them is given (programme staff choose).
    """
    if municipality is None and organisation is None:
        unit = {
            "municipality_id": actor.municipality_id,
            "organisation_id": actor.organisation_id,
        }
    else:
        unit = {"municipality": municipality, "organisation": organisation}
    entry = ProgressEntry(
        author=actor,
        group=group,
        focus_area=focus_area,
        title=title,
        period_start=period_start,
        period_end=period_end,
        text=text,
        sharing_level=sharing_level,
        release_at=release_at,
        **unit,
    )
    _check_unit(entry)
    with transaction.atomic():
        _save(entry, actor=actor)
        _attach(entry, attachments, actor)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=entry)
    return entry


@_write
def entry_update(
    *,
    actor,
    entry,
    group,
    focus_area,
    title,
    period_start,
    period_end,
    text,
    sharing_level,
    release_at,
    municipality=None,
    organisation=None,
    origin=None,
):
    """Change a draft entry; its unit changes only when one is given
    (programme staff choose), and its author never does. An adopted or
    locked entry is refused; a correction keeps the original's visibility."""
    _check_open(entry)
    entry.group = group
    entry.focus_area = focus_area
    entry.title = title
    entry.period_start = period_start
    entry.period_end = period_end
    entry.text = text
    entry.sharing_level = sharing_level
    entry.release_at = release_at
    if municipality is not None or organisation is not None:
        entry.municipality = municipality
        entry.organisation = organisation
    _check_unit(entry)
    with transaction.atomic():
        _save(entry, actor=actor)
    _audit(AuditEvent.Action.UPDATE, actor=actor, origin=origin, obj=entry)
    return entry


@_write
def entry_delete(*, actor, entry, origin=None):
    """Delete a draft entry; its files go once the deletion has committed."""
    entry_id = entry.pk
    _check_open(entry)
    with transaction.atomic():
        files = [attachment.file for attachment in entry.attachments.all()]
        entry._history_user = actor
        entry.delete()
        for file in files:
            transaction.on_commit(lambda file=file: file.delete(save=False))
    _audit(
        AuditEvent.Action.DELETE,
        actor=actor,
        origin=origin,
        object_type=ProgressEntry._meta.label,
        object_id=entry_id,
    )


@_write
def item_save(*, actor, item, origin=None):
    """Save any coordination row the caller has filled in (the admin's
    instances, a group's meeting, decision or action) and audit it."""
    action = AuditEvent.Action.CREATE if item.pk is None else AuditEvent.Action.UPDATE
    _check_open(item)
    with transaction.atomic():
        _save(item, actor=actor)
    _audit(action, actor=actor, origin=origin, obj=item)
    return item


@_write
def item_delete(*, actor, item, origin=None):
    """Delete one coordination row and audit it (entries: `entry_delete`)."""
    label, item_id = item._meta.label, item.pk
    _check_open(item)
    with transaction.atomic():
        item._history_user = actor
        item.delete()
    _audit(
        AuditEvent.Action.DELETE,
        actor=actor,
        origin=origin,
        object_type=label,
        object_id=item_id,
    )


@_write
def items_delete(*, actor, queryset, origin=None):
    """Delete many rows in one transaction; one audit row per deleted id.
    An entry's files go once the deletion has committed."""
    label = queryset.model._meta.label
    with transaction.atomic():
        ids = list(queryset.values_list("pk", flat=True))
        if issubclass(queryset.model, Record):
            closed = queryset.model.objects.filter(pk__in=ids).exclude(
                state=RecordState.DRAFT
            )
            if closed.exists():
                raise ValidationError(
                    str(policies.RECORD_CLOSED[closed.values_list("state")[0][0]])
                )
        if queryset.model is ProgressEntry:
            for attachment in EntryAttachment.objects.filter(entry_id__in=ids):
                file = attachment.file
                transaction.on_commit(lambda file=file: file.delete(save=False))
        queryset.filter(pk__in=ids).delete()
    for item_id in ids:
        _audit(
            AuditEvent.Action.DELETE,
            actor=actor,
            origin=origin,
            object_type=label,
            object_id=item_id,
        )


def _created_by(item, actor):
    if item.pk is None and item.created_by_id is None:
        item.created_by = actor


@_write
def meeting_save(*, actor, group, meeting, origin=None):
    """Create or change a meeting of `group`; a new one records its creator.

    `meeting` carries the new values (a ModelForm's validated instance).
    """
    meeting.group = group
    _created_by(meeting, actor)
    return item_save(actor=actor, item=meeting, origin=origin)


@_write
def decision_save(*, actor, group, decision, origin=None):
    """Create or change a decision of `group`; a new one records its creator."""
    decision.group = group
    _created_by(decision, actor)
    return item_save(actor=actor, item=decision, origin=origin)


@_write
def action_save(*, actor, group, action, origin=None):
    """Create or change an action (åtgärd) of `group`."""
    action.group = group
    return item_save(actor=actor, item=action, origin=origin)


@_write
def status_set(
    *, actor, municipality, focus_area, stage, comment, sharing_level, origin=None
):
    """Set a municipality's stage in a focus area (one row each, with history)."""
    with transaction.atomic():
        status = FocusAreaStatus.objects.select_for_update().filter(
            municipality=municipality, focus_area=focus_area
        ).first() or FocusAreaStatus(municipality=municipality, focus_area=focus_area)
        status.stage = stage
        status.comment = comment
        status.sharing_level = sharing_level
        status.updated_by = actor
        _save(status, actor=actor)
    _audit(AuditEvent.Action.UPDATE, actor=actor, origin=origin, obj=status)
    return status


@_write
def calendar_link_replace(*, actor, group, origin=None):
    """Give `actor` a new secret calendar link for `group`; the old one dies.

    The audit row names the link's row, never its secret."""
    with transaction.atomic():
        CalendarToken.objects.filter(user=actor, group=group).delete()
        token = CalendarToken.objects.create(user=actor, group=group)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=token)
    return token


def _quarter_of(day):
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


@_write
def indicator_report_save(
    *, actor, municipality, period_kind, period_start, values, origin=None
):
    """Create or replace a municipality's report for one month or quarter.

    A municipality reports a quarter either as one quarterly report or as
    monthly ones, never both: with both, the quarter minus two shown months
    gives the third month exactly, however the cells are suppressed.
    """
    quarter = _quarter_of(period_start)
    months = [quarter.replace(month=quarter.month + offset) for offset in range(3)]
    if period_kind == IndicatorReport.PeriodKind.MONTH:
        overlap = IndicatorReport.objects.filter(
            municipality=municipality,
            period_kind=IndicatorReport.PeriodKind.QUARTER,
            period_start=quarter,
        )
    else:
        overlap = IndicatorReport.objects.filter(
            municipality=municipality,
            period_kind=IndicatorReport.PeriodKind.MONTH,
            period_start__in=months,
        )
    with transaction.atomic():
        if overlap.exists():
            raise ValidationError(
                {
                    "period_kind": _(
                        "%(municipality)s har redan rapporterat det här kvartalet "
                        "med den andra periodtypen. Rapportera antingen per månad "
                        "eller per kvartal, inte båda."
                    )
                    % {"municipality": municipality.name}
                }
            )
        key = {
            "municipality": municipality,
            "period_kind": period_kind,
            "period_start": period_start,
        }
        report = IndicatorReport.objects.select_for_update().filter(
            **key
        ).first() or IndicatorReport(**key)
        for name, value in values.items():
            setattr(report, name, value)
        report.updated_by = actor
        _save(report, actor=actor)
    _audit(AuditEvent.Action.UPDATE, actor=actor, origin=origin, obj=report)
    return report


# --- the end of the mandate ---------------------------------------------------
# The closing is the one write the closed area still takes: it is what closes
# it. The archive is built by the task worker (`archive.archive_build`).


def _delete_on(day, days):
    """The day `days` after `day`; None (kept for good) for a period of 0."""
    return day + datetime.timedelta(days=days) if days else None


def _enqueue_archive(archive):
    from municipalities.coordination.archive import archive_build

    transaction.on_commit(lambda: archive_build.enqueue(archive.pk))


def mandate_close(*, actor, mandate, origin=None):
    """Close the mandate: from the commit on the coordination area is
    read-only, the days its attachments and personal data are purged are
    set from MANDATE_RETENTION_DAYS_ATTACHMENTS and
    MANDATE_RETENTION_DAYS_PERSONAL_DATA, and the archive package is queued.

    Closing is done once: a second closing is refused (ValidationError) and
    changes nothing. Returns the new `MandateArchive`.
    """
    with transaction.atomic():
        # Waits for every write in flight (each holds the row, shared).
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if locked.closed_at is not None:
            when = formats.date_format(timezone.localtime(locked.closed_at), "j F Y")
            raise ValidationError(
                _("Uppdraget är redan avslutat (%(date)s) och kan inte avslutas igen.")
                % {"date": when},
                code="already_closed",
            )
        # Every minutes version and entry becomes the locked record (while
        # the area is still open, so the lock is a write like any other).
        records_lock_all(actor=actor, origin=origin)
        now = timezone.now()
        today = timezone.localdate(now)
        locked.closed_at = now
        locked.closed_by = actor
        locked.attachments_delete_on = _delete_on(
            today, settings.MANDATE_RETENTION_DAYS_ATTACHMENTS
        )
        locked.personal_data_delete_on = _delete_on(
            today, settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA
        )
        locked.save(
            update_fields=[
                "closed_at",
                "closed_by",
                "attachments_delete_on",
                "personal_data_delete_on",
            ]
        )
        archive = MandateArchive.objects.create(mandate=locked, requested_by=actor)
        _enqueue_archive(archive)
    for field in (
        "closed_at",
        "closed_by",
        "attachments_delete_on",
        "personal_data_delete_on",
    ):
        setattr(mandate, field, getattr(locked, field))
    _audit(AuditEvent.Action.UPDATE, actor=actor, origin=origin, obj=mandate)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=archive)
    return archive


# A package still queued or being made after this long is taken for lost (a
# worker that died): staff may order a new one.
ARCHIVE_STALE_AFTER = datetime.timedelta(minutes=30)


def archive_may_be_ordered(mandate, now=None):
    """A new package may be ordered for a closed mandate whose latest one
    failed or was lost."""
    if mandate.closed_at is None:
        return False
    latest = mandate.archives.first()
    if latest is None or latest.status == MandateArchive.Status.FAILED:
        return True
    if latest.status == MandateArchive.Status.DONE:
        return False
    now = now or timezone.now()
    return latest.created_at < now - ARCHIVE_STALE_AFTER


def archive_order(*, actor, mandate, origin=None):
    """Queue a new archive package for a closed mandate whose latest one
    failed or was lost (ValidationError otherwise)."""
    with transaction.atomic():
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if not archive_may_be_ordered(locked):
            raise ValidationError(
                _(
                    "Ett nytt arkivpaket kan bara beställas för ett avslutat "
                    "uppdrag, när det förra misslyckades eller har fastnat."
                ),
                code="not_now",
            )
        archive = MandateArchive.objects.create(mandate=locked, requested_by=actor)
        _enqueue_archive(archive)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=archive)
    return archive


# --- records: utkast → fastställd → låst --------------------------------------


@_write
def entry_correct(
    *,
    actor,
    entry,
    focus_area,
    title,
    period_start,
    period_end,
    text,
    attachments=(),
    origin=None,
):
    """Correct an adopted entry: a new draft version by `actor` that
    supersedes it. The group, unit, sharing level and release time are the
    original's, so the correction is seen by exactly those who see the
    original; the adopted version stays as it was."""
    with transaction.atomic():
        original = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
        _check_correctable(original)
        correction = ProgressEntry(
            author=actor,
            supersedes=original,
            version=original.version + 1,
            focus_area=focus_area,
            title=title,
            period_start=period_start,
            period_end=period_end,
            text=text,
            **{name: getattr(original, name) for name in VERSION_VISIBILITY},
        )
        _save(correction, actor=actor)
        _attach(correction, attachments, actor)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=correction)
    return correction


def _check_correctable(original):
    if original.state != RecordState.ADOPTED:
        raise ValidationError(
            str(policies.RECORD_CLOSED[original.state])
            if original.state in policies.RECORD_CLOSED
            else _("Bara en fastställd handling rättas; ändra utkastet i stället.")
        )
    if type(original).objects.filter(supersedes=original).exists():
        raise ValidationError(_("Det finns redan en rättelse av den här versionen."))


@_write
def minutes_save(*, actor, meeting, text, origin=None):
    """Write a meeting's minutes: the first version, or the draft being
    written. Adopted or locked minutes are refused (`minutes_correct`)."""
    with transaction.atomic():
        latest = (
            Minutes.objects.select_for_update()
            .filter(meeting=meeting)
            .order_by("-version")
            .first()
        )
        if latest is None:
            minutes = Minutes(meeting=meeting, version=1, created_by=actor)
            action = AuditEvent.Action.CREATE
        elif latest.is_draft:
            minutes, action = latest, AuditEvent.Action.UPDATE
        else:
            raise ValidationError(str(policies.RECORD_CLOSED[latest.state]))
        minutes.text = text
        _save(minutes, actor=actor)
    _audit(action, actor=actor, origin=origin, obj=minutes)
    return minutes


@_write
def minutes_correct(*, actor, minutes, text, origin=None):
    """Correct adopted minutes: a new draft version that supersedes them."""
    with transaction.atomic():
        original = Minutes.objects.select_for_update().get(pk=minutes.pk)
        _check_correctable(original)
        correction = Minutes(
            meeting_id=original.meeting_id,
            supersedes=original,
            version=original.version + 1,
            created_by=actor,
            text=text,
        )
        _save(correction, actor=actor)
    _audit(AuditEvent.Action.CREATE, actor=actor, origin=origin, obj=correction)
    return correction


@_write
def record_adopt(*, actor, record, origin=None):
    """Adopt a draft (minutes or an entry): from now on it is the group's
    record, with who adopted it and when. Audited as an adoption."""
    model = type(record)
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        if not record.is_draft:
            raise ValidationError(str(policies.RECORD_CLOSED[record.state]))
        record.state = RecordState.ADOPTED
        record.adopted_at = timezone.now()
        record.adopted_by = actor
        _save(record, actor=actor)
    _audit(AuditEvent.Action.ADOPT, actor=actor, origin=origin, obj=record)
    return record


@_write
def records_lock(*, actor, queryset, origin=None):
    """Lock the records in `queryset` (minutes or entries, drafts included)
    for good: no change, no correction. Returns how many were locked; each
    is in its history and in the audit log."""
    model = queryset.model
    now = timezone.now()
    with transaction.atomic():
        records = list(
            model.objects.select_for_update()
            .filter(pk__in=queryset.values("pk"))
            .unlocked()
            .order_by("pk")
        )
        for record in records:
            record.state = RecordState.LOCKED
            record.locked_at = now
        bulk_update_with_history(
            records,
            model,
            ["state", "locked_at"],
            default_user=actor,
            default_change_reason="",
        )
    for record in records:
        _audit(AuditEvent.Action.LOCK, actor=actor, origin=origin, obj=record)
    return len(records)


@_write
def records_lock_all(*, actor, origin=None):
    """Lock every minutes version and every entry (the end of the mandate).
    Returns how many were locked. Safe to run again: a second run locks none."""
    return records_lock(
        actor=actor, queryset=Minutes.objects.all(), origin=origin
    ) + records_lock(actor=actor, queryset=ProgressEntry.objects.all(), origin=origin)


# --- the reporting rhythm ----------------------------------------------------


@_write
def reporting_schedule_save(
    *, actor, group, frequency, due_day, indicators, origin=None
):
    """Set a group's reporting schedule (one per group, with history)."""
    with transaction.atomic():
        schedule = ReportingSchedule.objects.select_for_update().filter(
            group=group
        ).first() or ReportingSchedule(group=group)
        created = schedule.pk is None
        schedule.frequency = frequency
        schedule.due_day = due_day
        schedule.indicators = indicators
        _save(schedule, actor=actor)
    _audit(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        actor=actor,
        origin=origin,
        obj=schedule,
    )
    return schedule
