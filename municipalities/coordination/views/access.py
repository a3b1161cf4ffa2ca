"""The doors of the coordination views: the area's entry check and the
lookups that answer 404 for what the reader may not see (policies decide)."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from municipalities.coordination import policies
from municipalities.models import (
    ProgressEntry,
    WorkingGroup,
)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def area_access(view):
    """Signed in, active and a participant (policies.can_enter_area). The one
    place to require two-factor later.

    Once the mandate is closed, every request that could write (anything
    but GET, HEAD and OPTIONS) is refused here, before the view looks
    anything up, with the Swedish explanation; a view that refuses a page
    for lack of a write right (a form's GET) gets the same explanation."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not policies.can_enter_area(request.user):
            raise PermissionDenied(
                _(
                    "Samordningen är öppen för aktiva medlemmar i arbetsgrupperna "
                    "och för programledningen."
                )
            )
        if request.method not in SAFE_METHODS:
            policies.ensure_area_open()
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            if not str(denied):
                # A write right the closing took away: say why.
                policies.ensure_area_open()
            raise

    return wrapper


def group_for(request, slug):
    return get_object_or_404(WorkingGroup.objects.visible_to(request.user), slug=slug)


def entry_for(request, pk, action):
    """The entry through its door (404 when unseen), then the action's rule
    (403: they may see it, so there is no secret to keep)."""
    entry = get_object_or_404(
        ProgressEntry.objects.visible_to(request.user).select_related(
            "group", "municipality", "organisation", "focus_area", "author"
        ),
        pk=pk,
    )
    if not policies.can(request.user, action, entry):
        # An adopted or locked entry says why; any other refusal says nothing.
        raise PermissionDenied(policies.refusal_reason(action, entry) or "")
    return entry


def visible_entries(user):
    return ProgressEntry.objects.visible_to(user).select_related(
        "group", "municipality", "organisation", "focus_area"
    )


def group_item(request, model, slug, pk):
    return get_object_or_404(
        model.objects.visible_to(request.user), pk=pk, group__slug=slug
    )
