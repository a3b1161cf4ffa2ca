"""Municipalities, partners and working groups (core), and the coordination
area that lives around them (coordination)."""

from municipalities.models.coordination import (
    Action,
    CalendarToken,
    Decision,
    EntryAttachment,
    Meeting,
    ProgressEntry,
    SharingLevel,
)
from municipalities.models.core import (
    FocusAreaStatus,
    IndicatorReport,
    Membership,
    Municipality,
    Organisation,
    Stage,
    WorkingGroup,
)

__all__ = [
    "Action",
    "CalendarToken",
    "Decision",
    "EntryAttachment",
    "FocusAreaStatus",
    "IndicatorReport",
    "Meeting",
    "Membership",
    "Municipality",
    "Organisation",
    "ProgressEntry",
    "SharingLevel",
    "Stage",
    "WorkingGroup",
]
