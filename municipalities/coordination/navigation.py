"""The coordination area's way-finding: its breadcrumb root and the section
navigation that `templates/samordning/base.html` renders on every page.

A link is shown only to a user its policy lets in, so the navigation never
offers a door that answers 403.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.coordination import policies
from portal.breadcrumbs import Section

SECTION = Section(_("Samordning"), "samordning:dashboard")
breadcrumbs = SECTION.breadcrumbs

GROUP_PAGES = {
    "meeting-create",
    "meeting-edit",
    "meeting-delete",
    "minutes",
    "minutes-edit",
    "minutes-adopt",
    "minutes-correct",
    "reporting-schedule",
    "decision-create",
    "decision-edit",
    "action-create",
    "action-edit",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # "page" on the item's own page, "true" on a page beneath it, else "".
    current: str = ""


# (label, URL name, the URL names beneath it, the rule that lets a user in).
PAGES = (
    (_("Översikt"), "dashboard", set(), None),
    (
        _("Lägesrapporter"),
        "entries",
        {"entry-create", "entry-detail", "entry-edit", "entry-delete"}
        | {"entry-history", "entry-adopt", "entry-correct"},
        None,
    ),
    (
        _("Läge per fokusområde"),
        "status-list",
        {"status-edit"},
        policies.can_view_statuses,
    ),
    (
        _("Indikatorer"),
        "indicators",
        {"indicator-form"},
        policies.can_view_indicators,
    ),
    (_("Jämförelse"), "comparison", set(), policies.can_compare),
    (_("Rapport (PDF)"), "report", set(), policies.can_make_report),
)


def _current(match, name, beneath, slug=None):
    """aria-current for a link to `name` (with `slug`, a group's page)."""
    if match is None or match.namespace != "samordning":
        return ""
    if slug is not None and match.kwargs.get("slug") != slug:
        return ""
    if match.url_name == name:
        return "page"
    return "true" if match.url_name in beneath else ""


def section_nav(request):
    """The section's links for `request.user`: `{"pages": [...], "groups":
    [...]}` of NavItem. A constant number of queries, whatever the data."""
    from municipalities.models import WorkingGroup

    user = request.user
    match = request.resolver_match
    pages = [
        NavItem(label, reverse(f"samordning:{name}"), _current(match, name, beneath))
        for label, name, beneath, rule in PAGES
        if rule is None or rule(user)
    ]
    groups = [
        NavItem(
            group.name,
            reverse("samordning:group", kwargs={"slug": group.slug}),
            _current(match, "group", GROUP_PAGES, slug=group.slug),
        )
        for group in WorkingGroup.objects.visible_to(user).only("name", "slug")
    ]
    return {"pages": pages, "groups": groups}
