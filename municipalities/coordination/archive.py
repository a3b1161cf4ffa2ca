"""The archive package of a closed mandate, built by the task worker.

`services.mandate_close` queues `archive_build` for a new `MandateArchive`;
the worker (`manage.py db_worker`) claims it, writes one zip into the private
storage and records its size and SHA-256. Staff follow it on the mandate's
archive page in the admin and fetch it there (`programme.admin`), never by a
URL of the storage.

What the zip holds (all read after the closing, so nothing changes under it):

- `slutrapport.pdf`: the progress report over the whole mandate as
  PDF/A-3a, tagged and declaring PDF/UA-1 (`portal.pdf`, `archival=True`);
- `protokoll/<grupp>/<datum>-<id>.txt`: each meeting's agenda and minutes
  with the decisions taken at it, as UTF-8 text;
- `beslut.csv`, `atgarder.csv`, `lage.csv`, `indikatorer.csv`: every
  decision, action, municipality status and published indicator table
  (CSV as the area exports them: semicolons, UTF-8 with a byte-order mark,
  formulas neutralised);
- `LASMIG.txt`: what the package is and what it leaves out;
- `manifest.json`: the mandate, when and by whom it was closed, and for
  every other file its size and SHA-256 (`verify` checks a package).

Entries and statuses are read as the programme staff member who ordered the
package sees them: everything. Indicator tables are suppressed as for a
reader outside every municipality (`policies.archive_shows_exact_counts`).
Attachments are not in the package: they are purged after
MANDATE_RETENTION_DAYS_ATTACHMENTS.
"""

import hashlib
import io
import json
import logging
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from municipalities.coordination import policies, reporting
from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    MandateArchive,
    Meeting,
)
from portal.csvexport import csv_bytes
from portal.pdf import PdfRefused, render_pdf
from programme.models import Milestone

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = "fou-nordvast-uppdragsarkiv/1"


class ArchiveFailed(Exception):
    """The package could not be made; the message is for staff, in Swedish."""


def _progress(archive, percent, step):
    archive.progress = percent
    archive.step = step
    archive.save(update_fields=["progress", "step"])


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _reader(archive):
    """Who the package is read as: the person who ordered it, while they may
    still close the mandate (programme staff see every entry)."""
    reader = archive.requested_by
    if reader is None or not policies.can_close_mandate(reader):
        raise ArchiveFailed(
            _(
                "Den som beställde arkivpaketet har inte längre behörighet att "
                "göra det. Beställ ett nytt."
            )
        )
    return reader


def final_report(archive, reader):
    """The progress report over the whole mandate, as PDF/A."""
    mandate = archive.mandate
    start = mandate.start_date
    end = max(mandate.end_date, timezone.localdate(mandate.closed_at))
    content = reporting.report_content(
        reader,
        start=start,
        end=end,
        outsider=not policies.archive_shows_exact_counts(),
    )
    html = render_to_string(
        "samordning/archive_report_pdf.html",
        {
            **content,
            "mandate": mandate,
            "milestones": Milestone.objects.filter(mandate=mandate).with_state(end),
            "start": start,
            "end": end,
            "closed_at": mandate.closed_at,
            "closed_by": mandate.closed_by,
            "generated_at": timezone.localtime(),
        },
    )
    try:
        return render_pdf(html, archival=True)
    except PdfRefused as refused:
        raise ArchiveFailed(
            _("Slutrapporten kunde inte skapas: %(reason)s")
            % {"reason": refused.message}
        ) from refused


def _meeting_text(meeting):
    lines = [
        _("Arbetsgrupp: %(group)s") % {"group": meeting.group.name},
        _("Möte: %(start)s–%(end)s")
        % {
            "start": _local(meeting.starts_at),
            "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
        },
    ]
    if meeting.place:
        lines.append(_("Plats: %(place)s") % {"place": meeting.place})
    lines += ["", _("Dagordning"), "", meeting.agenda.strip() or "–"]
    versions = sorted(meeting.minutes_versions.all(), key=lambda m: m.version)
    if not versions:
        lines += ["", _("Minnesanteckningar"), "", "–"]
    for minutes in versions:
        heading = _("Minnesanteckningar, version %(version)s (%(state)s)") % {
            "version": minutes.version,
            "state": minutes.get_state_display(),
        }
        lines += ["", heading, "", minutes.text.strip() or "–"]
    decisions = list(meeting.decisions.all())
    if decisions:
        lines += ["", _("Beslut vid mötet"), ""]
        lines += [
            f"- {decision.decided_on:%Y-%m-%d}: {decision.text.strip()} "
            f"({decision.get_follow_up_display()})"
            for decision in decisions
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def minutes_files(reader, mandate):
    meetings = (
        Meeting.objects.visible_to(reader)
        .filter(group__mandate=mandate)
        .select_related("group")
        .prefetch_related("decisions", "minutes_versions")
        .order_by("group__slug", "starts_at", "id")
    )
    return {
        f"protokoll/{meeting.group.slug}/"
        f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.pk}.txt": (
            _meeting_text(meeting)
        )
        for meeting in meetings
    }


def decisions_csv(reader, mandate):
    decisions = (
        Decision.objects.visible_to(reader)
        .filter(group__mandate=mandate)
        .select_related("group", "meeting")
        .order_by("group__slug", "decided_on", "id")
    )
    return csv_bytes(
        [_("Arbetsgrupp"), _("Beslutsdatum"), _("Möte"), _("Beslut"), _("Uppföljning")],
        (
            [
                decision.group.name,
                decision.decided_on.isoformat(),
                _local(decision.meeting.starts_at) if decision.meeting else "",
                decision.text,
                decision.get_follow_up_display(),
            ]
            for decision in decisions
        ),
    )


def actions_csv(reader, mandate):
    actions = (
        Action.objects.visible_to(reader)
        .filter(group__mandate=mandate)
        .select_related("group", "owner", "decision")
        .order_by("group__slug", "due_date", "id")
    )
    return csv_bytes(
        [
            _("Arbetsgrupp"),
            _("Åtgärd"),
            _("Ansvarig"),
            _("Klart senast"),
            _("Status"),
            _("Återkoppling"),
            _("Beslut"),
        ],
        (
            [
                action.group.name,
                action.what,
                str(action.owner) if action.owner else "",
                action.due_date.isoformat() if action.due_date else "",
                action.get_status_display(),
                action.report_back,
                action.decision.text if action.decision else "",
            ]
            for action in actions
        ),
    )


def statuses_csv(reader):
    statuses = (
        FocusAreaStatus.objects.visible_to(reader)
        .select_related("municipality", "focus_area")
        .order_by("municipality__name", "focus_area__order")
    )
    return csv_bytes(
        [
            _("Kommun"),
            _("Fokusområde"),
            _("Skede"),
            _("Kommentar"),
            _("Delas med"),
            _("Uppdaterad"),
        ],
        (
            [
                status.municipality.name,
                status.focus_area.title,
                status.get_stage_display(),
                status.comment,
                status.get_sharing_level_display(),
                timezone.localtime(status.updated_at).strftime("%Y-%m-%d"),
            ]
            for status in statuses
        ),
    )


def indicators_csv(reader):
    tables = reporting.indicator_tables(
        reader, outsider=not policies.archive_shows_exact_counts()
    )
    rows = []
    for table in sorted(tables, key=lambda t: (t.period.start, t.period.kind)):
        period = [table.period.start.isoformat(), table.period.kind_label]
        rows += [[*period, m.name, *cells] for m, cells in table.rows]
        rows.append([*period, _("Totalt"), *table.totals])
    return csv_bytes(
        [
            _("Period"),
            _("Periodtyp"),
            _("Kommun"),
            *map(str, reporting.INDICATOR_LABELS.values()),
        ],
        rows,
    )


def readme(mandate):
    return render_to_string(
        "samordning/archive_readme.txt",
        {
            "mandate": mandate,
            "closed_at": timezone.localtime(mandate.closed_at),
        },
    ).encode("utf-8")


def manifest(archive, files, made_at):
    mandate = archive.mandate
    return {
        "format": FORMAT,
        "mandate": {
            "title": mandate.title,
            "slug": mandate.slug,
            "start_date": mandate.start_date.isoformat(),
            "end_date": mandate.end_date.isoformat(),
            "closed_at": mandate.closed_at.isoformat(),
            "closed_by": mandate.closed_by.email if mandate.closed_by else "",
        },
        "made_at": made_at.isoformat(),
        "indicator_counts": "suppressed"
        if not policies.archive_shows_exact_counts()
        else "exact",
        "files": [
            {
                "name": name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in sorted(files.items())
        ],
    }


def package(files, manifest_data, made_at):
    """The zip: the manifest first, then the files in name order."""
    buffer = io.BytesIO()
    stamp = timezone.localtime(made_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, data in [
            (
                MANIFEST,
                json.dumps(manifest_data, ensure_ascii=False, indent=2).encode(),
            ),
            *sorted(files.items()),
        ]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zipped.writestr(info, data)
    return buffer.getvalue()


def verify(data):
    """Check a package against its manifest: returns the names of the files
    whose size or SHA-256 differ, are missing or are not listed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        listed = {
            entry["name"]: entry for entry in json.loads(zipped.read(MANIFEST))["files"]
        }
        present = set(zipped.namelist()) - {MANIFEST}
        wrong = sorted(present ^ set(listed))
        for name in sorted(present & set(listed)):
            content = zipped.read(name)
            if (
                len(content) != listed[name]["size"]
                or hashlib.sha256(content).hexdigest() != listed[name]["sha256"]
            ):
                wrong.append(name)
    return wrong


def build(archive):
    """Make the package's files, step by step; returns {name: bytes}."""
    reader = _reader(archive)
    mandate = archive.mandate
    with translation.override("sv"):
        _progress(archive, 10, _("Slutrapporten skapas som PDF/A."))
        files = {"slutrapport.pdf": final_report(archive, reader)}
        _progress(archive, 60, _("Protokoll och beslut samlas."))
        files.update(minutes_files(reader, mandate))
        files["beslut.csv"] = decisions_csv(reader, mandate)
        files["atgarder.csv"] = actions_csv(reader, mandate)
        _progress(archive, 75, _("Läge och indikatorer samlas."))
        files["lage.csv"] = statuses_csv(reader)
        files["indikatorer.csv"] = indicators_csv(reader)
        files["LASMIG.txt"] = readme(mandate)
    return files


def _claim(archive_id):
    """Take a queued package; None when another worker has it or it is gone."""
    claimed = MandateArchive.objects.filter(
        pk=archive_id, status=MandateArchive.Status.QUEUED
    ).update(status=MandateArchive.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    return MandateArchive.objects.select_related("mandate", "requested_by").get(
        pk=archive_id
    )


@task()
def archive_build(archive_id):
    """Build the package of one `MandateArchive` (queued by the closing)."""
    archive = _claim(archive_id)
    if archive is None:
        return
    try:
        files = build(archive)
        _progress(archive, 90, _("Paketet packas och sparas."))
        made_at = timezone.now()
        data = package(files, manifest(archive, files, made_at), made_at)
        with transaction.atomic():
            archive.file.save(archive.filename, ContentFile(data), save=False)
            archive.size = len(data)
            archive.sha256 = hashlib.sha256(data).hexdigest()
            archive.status = MandateArchive.Status.DONE
            archive.progress = 100
            archive.step = ""
            archive.finished_at = made_at
            archive.save()
    except ArchiveFailed as failed:
        _fail(archive, str(failed))
    except Exception:
        logger.exception("The archive package %s could not be made", archive_id)
        _fail(archive, _("Arkivpaketet kunde inte skapas. Försök igen."))


def _fail(archive, message):
    archive.status = MandateArchive.Status.FAILED
    archive.error = message[:300]
    archive.finished_at = timezone.now()
    archive.save(update_fields=["status", "error", "finished_at"])


__all__ = ["ArchiveFailed", "archive_build", "build", "package", "verify"]
