"""Writes in the coordination area: one transaction each, then the audit row.

The audit row is written after the transaction has committed, in autocommit,
so it records what really happened and survives whatever the request does
afterwards.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.models import EntryAttachment, IndicatorReport, ProgressEntry
from portal.audit import audit_record
from portal.models import AuditEvent


def _unit_of(author):
    return {
        "municipality": author.municipality if author.municipality_id else None,
        "organisation": author.organisation if author.organisation_id else None,
    }


def entry_create(*, request, author, data, attachments, unit=None):
    """Create an entry; municipality/organisation come from the author unless
    staff chose them (`unit`)."""
    with transaction.atomic():
        entry = ProgressEntry(author=author, **data, **(unit or _unit_of(author)))
        entry.full_clean()
        entry.save()
        for name, content, content_type in attachments:
            attachment = EntryAttachment(
                entry=entry,
                original_name=name,
                content_type=content_type,
                size=len(content),
                uploaded_by=author,
            )
            attachment.file.save(
                f"{uuid.uuid4().hex}.bin", ContentFile(content), save=False
            )
            attachment.save()
    audit_record(request, AuditEvent.Action.CREATE, entry)
    return entry


def entry_update(*, request, entry, data, unit=None):
    with transaction.atomic():
        for name, value in data.items():
            setattr(entry, name, value)
        if unit is not None:
            entry.municipality = unit["municipality"]
            entry.organisation = unit["organisation"]
        entry.full_clean()
        entry.save()
    audit_record(request, AuditEvent.Action.UPDATE, entry)
    return entry


def entry_delete(*, request, entry):
    entry_id = entry.pk
    with transaction.atomic():
        files = [attachment.file for attachment in entry.attachments.all()]
        entry.delete()
        for file in files:
            transaction.on_commit(lambda file=file: file.delete(save=False))
    audit_record(
        request,
        AuditEvent.Action.DELETE,
        object_type=ProgressEntry._meta.label,
        object_id=str(entry_id),
    )


def group_item_save(*, request, form, group=None, created_by=None):
    """Save a meeting, decision or action form and audit it."""
    is_new = form.instance.pk is None
    with transaction.atomic():
        item = form.save(commit=False)
        if group is not None:
            item.group = group
        if is_new and created_by is not None and hasattr(item, "created_by"):
            item.created_by = created_by
        item.save()
    audit_record(
        request,
        AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
        item,
    )
    return item


def group_item_delete(*, request, item):
    label, item_id = item._meta.label, item.pk
    with transaction.atomic():
        item.delete()
    audit_record(
        request, AuditEvent.Action.DELETE, object_type=label, object_id=str(item_id)
    )


def _quarter_of(day):
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def indicator_report_save(*, actor, municipality, period_kind, period_start, values):
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
        report, _created = IndicatorReport.objects.update_or_create(
            municipality=municipality,
            period_kind=period_kind,
            period_start=period_start,
            defaults={**values, "updated_by": actor},
        )
    return report
