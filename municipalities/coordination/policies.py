"""Who may see and do what in the coordination area: the one place.

Two kinds of door, both here and nowhere else:

* **Reads** are querysets: every coordination model's manager has
  `visible_to(user, now=None)`, which calls the matching `visible_*` function
  below. Views, feeds, exports, calendars, the PDF report, search and the
  admin read coordination data only through them.
* **Actions** are named rules (`can_*`): pure functions of the user, the
  object and the time. An action nobody wrote a rule for is denied
  (`can(user, action, obj)`).

Roles (see the README's table):

* **Superuser**: everything, and the only role that may write coordination
  data in the admin.
* **Programledning** (coordination staff): the permission
  `municipalities.coordinate`, given by the group of that name. Sees and
  manages everything in the area, exact counts included.
* **Redaktör** (news editor): public content only. `is_staff` opens the
  admin, never the coordination area.
* **Kommunrepresentant**: a user with a municipality and at least one active
  membership. Writes in their groups.
* **Samverkanspart** (police, county board, NGOs): a user with an
  organisation. Need-to-know: sees only the groups they belong to and is
  read-only there unless the membership grants writing.

A person without an active membership (a former member) and a deactivated
user is not a participant: the area answers 403 and every list, choice and
count leaves them out.

Records (minutes and entries) move utkast → fastställd → låst
(`RecordState`). A draft is changed by its writers; the group's chair or
programme staff adopt it, and from then on nobody changes it in place: a
correction is a new version, seen by exactly those who see the original.
Locked records (by staff, or when the mandate closes) take no change and no
correction. Minutes are written by the group's chair and secretary (and
staff); entries by their authors, as before.

The reporting rhythm (`ReportingSchedule`): the units with a reporting seat
(a writing seat as chair or member, never a secretary, who keeps the
minutes) report each period; the chair or staff set the schedule.

Once the mandate is closed (`area_closed`), the area is read-only for
everyone, superusers included: every write rule below answers no, every
view refuses a POST (`views.access.area_access`), the admin refuses every
change to coordination data and invitations, and every service refuses
before it writes (`ensure_area_open(fresh=True)`), each with the same
Swedish explanation (`MandateClosed`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Action as GroupAction
from municipalities.models import (
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Minutes,
    ProgressEntry,
    RecordState,
    ReportingSchedule,
    SharingLevel,
    WorkingGroup,
)
from programme import closure

COORDINATE_PERMISSION = "municipalities.coordinate"
CLOSE_MANDATE_PERMISSION = "programme.close_mandate"
PROGRAMME_LEAD_GROUP = "Programledning"
EDITOR_GROUP = "Redaktör"


# --- who the user is ---------------------------------------------------------


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_superuser(user) -> bool:
    return is_active_user(user) and user.is_superuser


def is_coordinator(user) -> bool:
    """Programme staff of the coordination area (Programledning) or superuser."""
    if not is_active_user(user):
        return False
    return user.is_superuser or user.has_perm(COORDINATE_PERMISSION)


def sees_exact_counts(user) -> bool:
    """Only coordination staff see every municipality's small counts exactly."""
    return is_coordinator(user)


def is_partner(user) -> bool:
    return is_active_user(user) and bool(user.organisation_id)


def _active_memberships(user, today=None):
    return Membership.objects.active(today).filter(user=user)


def member_group_ids(user, today=None):
    """The groups the user holds an active seat in, as a subquery of ids."""
    if not is_active_user(user):
        return WorkingGroup.objects.none().values("pk")
    return WorkingGroup.objects.of_member(user, today=today).values("pk")


def is_participant(user, today=None) -> bool:
    """May enter the coordination area at all."""
    if is_coordinator(user):
        return True
    return is_active_user(user) and _active_memberships(user, today).exists()


def active_membership(user, group, today=None):
    if not is_active_user(user):
        return None
    return _active_memberships(user, today).filter(group=group).first()


def is_member(user, group, today=None) -> bool:
    return active_membership(user, group, today) is not None


def is_chair(user, group) -> bool:
    membership = active_membership(user, group)
    return membership is not None and membership.role == Membership.Role.CHAIR


def same_unit(user, obj) -> bool:
    """The object belongs to the user's own municipality or organisation."""
    if obj.municipality_id and obj.municipality_id == user.municipality_id:
        return True
    return bool(obj.organisation_id) and obj.organisation_id == user.organisation_id


# --- reads: one queryset door per model ---------------------------------------


def visible_groups(queryset, user, now=None):
    if is_coordinator(user):
        return queryset
    return queryset.filter(pk__in=member_group_ids(user))


def visible_memberships(queryset, user, now=None):
    """Coordinators: every seat, past ones included (the admin's record).
    Members: the current seats, of active users, in their own groups."""
    if is_coordinator(user):
        return queryset
    if not is_participant(user):
        return queryset.none()
    return queryset.active().filter(group_id__in=member_group_ids(user))


def visible_group_items(queryset, user, now=None):
    """Meetings, decisions, actions and reporting schedules: those of the
    user's groups."""
    if is_coordinator(user):
        return queryset
    return queryset.filter(group_id__in=member_group_ids(user))


def visible_minutes(queryset, user, now=None):
    """Every version of a meeting's minutes: those who see the meeting."""
    if is_coordinator(user):
        return queryset
    return queryset.filter(meeting__group_id__in=member_group_ids(user))


def entry_condition(user, now=None) -> Q | None:
    """The rows of ProgressEntry `user` may read at `now`; None means all."""
    if is_coordinator(user):
        return None
    if not is_active_user(user):
        return Q(pk__in=[])
    groups = member_group_ids(user)
    now = now or timezone.now()
    own = Q(pk__in=[])
    if user.municipality_id:
        own = Q(municipality_id=user.municipality_id)
    elif user.organisation_id:
        own = Q(organisation_id=user.organisation_id)
    mandate_wide = Q(sharing_level__in=[SharingLevel.OPEN, SharingLevel.MANDATE])
    if user.organisation_id:
        # Partners: need-to-know, only the groups they sit in.
        mandate_wide &= Q(group_id__in=groups)
    in_group = Q(sharing_level=SharingLevel.GROUP, group_id__in=groups)
    return own | (Q(release_at__lte=now) & (mandate_wide | in_group))


def visible_entries(queryset, user, now=None):
    condition = entry_condition(user, now)
    return queryset if condition is None else queryset.filter(condition)


def visible_attachments(queryset, user, now=None):
    condition = entry_condition(user, now)
    if condition is None:
        return queryset
    return queryset.filter(
        entry__in=ProgressEntry.objects.filter(condition).values("pk")
    )


def visible_statuses(queryset, user, now=None):
    """Coordinators all; participants their own municipality's and what is
    shared with the mandate (Öppen, Uppdraget)."""
    if not is_participant(user):
        return queryset.none()
    if is_coordinator(user):
        return queryset
    shared = Q(sharing_level__in=[SharingLevel.OPEN, SharingLevel.MANDATE])
    if user.municipality_id:
        shared |= Q(municipality_id=user.municipality_id)
    return queryset.filter(shared)


def visible_indicator_reports(queryset, user, now=None):
    """Participants read indicator reports only as suppressed tables
    (`municipalities.coordination.reporting`); coordinators and each municipality's own
    reporters see exact rows."""
    if not is_participant(user):
        return queryset.none()
    return queryset.filter(municipality__participates=True)


# --- the closed mandate: the area is read-only ------------------------------


class MandateClosed(PermissionDenied):
    """A write refused because the mandate is closed. Its message is the
    Swedish explanation, shown on the 403 page."""


def area_closed(*, fresh=False):
    """The closed mandate (`programme.closure.Closure`), or None while the
    area is open. The one rule every write consults: from the cache for
    pages and buttons, from the database (`fresh`) in the services."""
    return closure.current(fresh=fresh)


def closed_message(closed) -> str:
    when = formats.date_format(timezone.localtime(closed.closed_at), "j F Y")
    return _(
        "Uppdraget är avslutat sedan %(date)s. Samordningen finns kvar att "
        "läsa, men inget kan längre läggas till, ändras eller tas bort."
    ) % {"date": when}


def ensure_area_open(*, fresh=False):
    """Raise `MandateClosed` when the mandate is closed."""
    closed = area_closed(fresh=fresh)
    if closed is not None:
        raise MandateClosed(closed_message(closed))


def _open():
    return area_closed() is None


def can_close_mandate(user) -> bool:
    """Close the mandate and fetch its archive: programme staff who hold the
    permission (the group Programledning, migration `programme/0008`), or a
    superuser."""
    return is_coordinator(user) and user.has_perm(CLOSE_MANDATE_PERMISSION)


def can_download_archive(user) -> bool:
    return can_close_mandate(user)


def archive_shows_exact_counts() -> bool:
    """The archive package's indicator tables are suppressed as for a reader
    outside every municipality: the package is copied, handed on and kept
    long after the portal's doors are gone, and may be asked for as a public
    record. The exact counts stay in the database (indicator reports are
    not personal data and are not purged)."""
    return False


# --- actions: named rules ----------------------------------------------------


def can_enter_area(user) -> bool:
    return is_participant(user)


def can_view_group(user, group) -> bool:
    return is_coordinator(user) or is_member(user, group)


def can_contribute(user, group) -> bool:
    """Add and edit decisions, actions and entries in the group."""
    if not _open():
        return False
    if is_coordinator(user):
        return True
    membership = active_membership(user, group)
    return membership is not None and membership.can_write


def can_manage_meetings(user, group) -> bool:
    if not _open():
        return False
    if is_coordinator(user):
        return True
    return is_chair(user, group) and can_contribute(user, group)


def can_edit_group_item(user, item) -> bool:
    return can_contribute(user, item.group)


def can_create_entry(user) -> bool:
    """Someone who can write in at least one group (or staff)."""
    if not _open():
        return False
    if is_coordinator(user):
        return True
    return any(
        membership.can_write for membership in _active_memberships(user)
    ) and bool(user.municipality_id or user.organisation_id)


def can_view_entry(user, entry, now=None) -> bool:
    condition = entry_condition(user, now)
    if condition is None:
        return True
    return type(entry).objects.filter(condition, pk=entry.pk).exists()


def can_edit_entry(user, entry, now=None) -> bool:
    """A draft: its author (in their own unit, with a writing seat) or staff.
    An adopted or locked entry: nobody (a correction is a new version)."""
    if not _open() or not entry.is_draft:
        return False
    if is_coordinator(user):
        return True
    return (
        entry.author_id == user.pk
        and same_unit(user, entry)
        and can_contribute(user, entry.group)
    )


def can_delete_entry(user, entry, now=None) -> bool:
    return can_edit_entry(user, entry, now)


def can_download_attachment(user, entry, now=None) -> bool:
    return can_view_entry(user, entry, now)


def can_view_history(user, entry, now=None) -> bool:
    return can_view_entry(user, entry, now)


def can_view_statuses(user) -> bool:
    """The status overview: coordinators, and representatives for their own."""
    return is_coordinator(user) or (is_participant(user) and bool(user.municipality_id))


def can_set_status(user, municipality) -> bool:
    if not _open():
        return False
    if is_coordinator(user):
        return True
    return (
        is_participant(user)
        and user.municipality_id == municipality.pk
        and any(m.can_write for m in _active_memberships(user))
    )


def can_view_indicators(user) -> bool:
    return is_participant(user)


def can_report_indicators(user, municipality=None) -> bool:
    """Coordinators for any municipality; a representative for their own."""
    if not _open():
        return False
    if is_coordinator(user):
        return True
    if not (is_participant(user) and user.municipality_id):
        return False
    return municipality is None or municipality.pk == user.municipality_id


def can_compare(user) -> bool:
    """Comparison between municipalities: coordinators and strategic groups."""
    if is_coordinator(user):
        return True
    return WorkingGroup.objects.filter(
        pk__in=member_group_ids(user), kind=WorkingGroup.Kind.STRATEGIC
    ).exists()


def can_export(user) -> bool:
    return is_participant(user)


def can_make_report(user) -> bool:
    return is_participant(user)


def can_admin_read(user) -> bool:
    """Coordination data in the admin: coordinators read, superusers write."""
    return is_coordinator(user)


def can_admin_write(user) -> bool:
    return is_superuser(user) and _open()


# --- records: minutes and entries, utkast → fastställd → låst ---------------

RECORD_CLOSED = {
    RecordState.ADOPTED: _(
        "Den här handlingen är fastställd och kan inte längre ändras eller tas "
        "bort. Skriv en rättelse i stället: den blir en ny version, och den "
        "fastställda finns kvar."
    ),
    RecordState.LOCKED: _(
        "Den här handlingen är låst och kan inte längre ändras, tas bort eller rättas."
    ),
}


def record_closed_reason(record):
    """Why an adopted or locked record takes no change (None for a draft)."""
    return RECORD_CLOSED.get(record.state)


def may_adopt(user, group) -> bool:
    """Adopting a group's records: programme staff, or the group's chair in
    a current seat that may write. Former members and deactivated users never
    (`active_membership` leaves them out)."""
    if not _open():
        return False
    if is_coordinator(user):
        return True
    return is_chair(user, group) and can_contribute(user, group)


def can_adopt_entry(user, entry, now=None) -> bool:
    return entry.is_draft and may_adopt(user, entry.group)


def _has_correction(record) -> bool:
    return type(record).objects.filter(supersedes=record).exists()


def can_correct_entry(user, entry, now=None) -> bool:
    """An adopted entry not yet corrected: staff, or someone of the entry's
    own unit who may write in its group (the author may have left)."""
    if not _open():
        return False
    if entry.state != RecordState.ADOPTED:
        return False
    if not (
        is_coordinator(user)
        or (same_unit(user, entry) and can_contribute(user, entry.group))
    ):
        return False
    return not _has_correction(entry)


def can_lock_records(user) -> bool:
    """Locking is final: programme staff only (and the mandate's closing)."""
    if not _open():
        return False
    return is_coordinator(user)


def is_minutes_writer(user, group) -> bool:
    """Minutes are written by staff and by the group's chair and secretary."""
    if not _open():
        return False
    if is_coordinator(user):
        return True
    membership = active_membership(user, group)
    return (
        membership is not None
        and membership.can_write
        and membership.role in (Membership.Role.CHAIR, Membership.Role.SECRETARY)
    )


def can_write_minutes(user, meeting, latest=None) -> bool:
    """Write the first version, or change the draft being written. `latest`
    is the meeting's newest version (None when there is none yet)."""
    if not _open():
        return False
    if latest is not None and not latest.is_draft:
        return False
    return is_minutes_writer(user, meeting.group)


def can_adopt_minutes(user, minutes) -> bool:
    return minutes.is_draft and may_adopt(user, minutes.meeting.group)


def can_correct_minutes(user, minutes) -> bool:
    """A correction of the newest version, once adopted (never of a locked)."""
    if not _open():
        return False
    return (
        minutes.state == RecordState.ADOPTED
        and is_minutes_writer(user, minutes.meeting.group)
        and not _has_correction(minutes)
    )


def can_edit_meeting(user, meeting) -> bool:
    """The meeting's own details: those who manage meetings, until its
    minutes are locked."""
    return can_manage_meetings(user, meeting.group) and not (
        Minutes.objects.filter(meeting=meeting, state=RecordState.LOCKED).exists()
    )


def can_delete_meeting(user, meeting) -> bool:
    """Not once its minutes are adopted: the record would go with it."""
    return can_manage_meetings(user, meeting.group) and not (
        Minutes.objects.filter(meeting=meeting)
        .exclude(state=RecordState.DRAFT)
        .exists()
    )


MEETING_HAS_RECORD = _(
    "Mötet har fastställda eller låsta minnesanteckningar och kan därför inte tas bort."
)
MEETING_LOCKED = _("Mötets minnesanteckningar är låsta, så mötet kan inte ändras.")


# --- the reporting rhythm ----------------------------------------------------

# Who reports for a unit: a writing seat as chair or member. The secretary
# keeps the minutes and a read-only partner writes nothing.
REPORTING_ROLES = (Membership.Role.CHAIR, Membership.Role.MEMBER)


def reporting_seats(today=None):
    """The current seats that report for their unit: of active users, in a
    writing seat with a reporting role. Former members and deactivated users
    are never among them."""
    return (
        Membership.objects.active(today)
        .filter(role__in=REPORTING_ROLES)
        .filter(Q(municipality__isnull=False) | Q(partner_can_write=True))
    )


def can_set_reporting_schedule(user, group) -> bool:
    return can_manage_meetings(user, group)


def sees_all_reporting(user) -> bool:
    """Whether a unit has reported an entry is itself not for everyone: an
    entry shared with its own unit only must not be given away by a flag.
    Staff see every unit's reporting; everyone else their own unit's, and
    indicators (whose tables show every participant what was reported)."""
    return is_coordinator(user)


ENTRY_RULES = {
    "view": can_view_entry,
    "edit": can_edit_entry,
    "delete": can_delete_entry,
    "download_attachment": can_download_attachment,
    "view_history": can_view_history,
    "adopt": can_adopt_entry,
    "correct": can_correct_entry,
}


def refusal_reason(action, entry):
    """A Swedish explanation for a refused action when the entry's state is
    the reason (nobody may do it), else None."""
    if action in ("edit", "delete", "adopt") and not entry.is_draft:
        return record_closed_reason(entry)
    if action == "correct" and entry.state == RecordState.LOCKED:
        return record_closed_reason(entry)
    return None


def can(user, action, entry, now=None) -> bool:
    """Dispatch by action name; an unknown action is never allowed."""
    rule = ENTRY_RULES.get(action)
    if rule is None:
        return False
    return rule(user, entry, now)


def install_doors():
    """Put each rule behind its model's `visible_to` (called by the app's
    ready(); the models never import this module)."""
    doors = {
        WorkingGroup: visible_groups,
        Membership: visible_memberships,
        Meeting: visible_group_items,
        Decision: visible_group_items,
        GroupAction: visible_group_items,
        ReportingSchedule: visible_group_items,
        ProgressEntry: visible_entries,
        Minutes: visible_minutes,
        EntryAttachment: visible_attachments,
        FocusAreaStatus: visible_statuses,
        IndicatorReport: visible_indicator_reports,
    }
    for model, rule in doors.items():
        type(model.objects.all()).rule = staticmethod(rule)
