"""Municipalities, partners, working groups and invitations to them (core),
and the coordination area that lives around them (coordination). `core`
imports nothing from `coordination`; `coordination` refers to core models by
name."""

from municipalities.models.coordination import (
    Action,
    CalendarToken,
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    MandateArchive,
    Meeting,
    Minutes,
    ProgressEntry,
    RecordState,
    ReminderSent,
    ReportingSchedule,
    SharingLevel,
    Stage,
)
from municipalities.models.core import (
    Invitation,
    Membership,
    Municipality,
    Organisation,
    WorkingGroup,
)

__all__ = [
    "Action",
    "CalendarToken",
    "Decision",
    "EntryAttachment",
    "FocusAreaStatus",
    "IndicatorReport",
    "Invitation",
    "MandateArchive",
    "Meeting",
    "Membership",
    "Minutes",
    "Municipality",
    "Organisation",
    "ProgressEntry",
    "RecordState",
    "ReminderSent",
    "ReportingSchedule",
    "SharingLevel",
    "Stage",
    "WorkingGroup",
]
