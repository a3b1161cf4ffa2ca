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
from django.utils.translation import gettext as _

from municipalities.models import Action as GroupAction
from municipalities.models import (
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    ProgressEntry,
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
    """Meetings, decisions and actions: those of the user's groups."""
    if is_coordinator(user):
        return queryset
    return queryset.filter(group_id__in=member_group_ids(user))


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
    if not _open():
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


ENTRY_RULES = {
    "view": can_view_entry,
    "edit": can_edit_entry,
    "delete": can_delete_entry,
    "download_attachment": can_download_attachment,
    "view_history": can_view_history,
}


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
        ProgressEntry: visible_entries,
        EntryAttachment: visible_attachments,
        FocusAreaStatus: visible_statuses,
        IndicatorReport: visible_indicator_reports,
    }
    for model, rule in doors.items():
        type(model.objects.all()).rule = staticmethod(rule)
