"""Who may do what in the coordination area: named rules, pure functions.

Every view, list, feed, export and download asks these functions (or the
matching `ProgressEntry.objects.visible_to`). An action nobody wrote a rule
for is denied.

Roles: programme staff (is_staff) may do everything; a municipality
representative belongs to one municipality and a partner to one
organisation, and both are members of working groups; a chair is a member
with the chair role. Deactivated users may do nothing.
"""

from django.utils import timezone

from municipalities.models import Membership, SharingLevel


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff(user) -> bool:
    return is_active_user(user) and user.is_staff


def active_membership(user, group, today=None):
    if not is_active_user(user):
        return None
    return Membership.objects.active(today).filter(user=user, group=group).first()


def is_member(user, group) -> bool:
    return active_membership(user, group) is not None


def is_chair(user, group) -> bool:
    membership = active_membership(user, group)
    return membership is not None and membership.role == Membership.Role.CHAIR


def same_unit(user, entry) -> bool:
    """The entry belongs to the user's own municipality or organisation."""
    if entry.municipality_id and entry.municipality_id == user.municipality_id:
        return True
    return bool(entry.organisation_id) and entry.organisation_id == user.organisation_id


def can_view_group(user, group) -> bool:
    return is_staff(user) or is_member(user, group)


def can_contribute(user, group) -> bool:
    """Add and edit decisions, actions and entries in the group."""
    return is_staff(user) or is_member(user, group)


def can_manage_meetings(user, group) -> bool:
    return is_staff(user) or is_chair(user, group)


def can_view_entry(user, entry, now=None) -> bool:
    now = now or timezone.now()
    if not is_active_user(user):
        return False
    if user.is_staff or same_unit(user, entry):
        return True
    if now < entry.release_at:
        return False
    if entry.sharing_level in (SharingLevel.OPEN, SharingLevel.MANDATE):
        return True
    if entry.sharing_level == SharingLevel.GROUP:
        return is_member(user, entry.group)
    return False


def can_edit_entry(user, entry, now=None) -> bool:
    if not is_active_user(user):
        return False
    return user.is_staff or (entry.author_id == user.pk and same_unit(user, entry))


def can_delete_entry(user, entry, now=None) -> bool:
    return can_edit_entry(user, entry, now)


def can_download_attachment(user, entry, now=None) -> bool:
    return can_view_entry(user, entry, now)


def can_view_history(user, entry, now=None) -> bool:
    return can_view_entry(user, entry, now)


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
