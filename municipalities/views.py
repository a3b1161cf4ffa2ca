"""Public pages for the municipalities and the working groups."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from municipalities.models import FocusAreaStatus, Municipality, WorkingGroup
from portal.breadcrumbs import Section
from programme.models import FocusArea

MUNICIPALITIES = Section(_("Kommuner"), "municipalities:list")
GROUPS = Section(_("Arbetsgrupper"), "municipalities:group-list")


def _status_grid(municipalities, focus_areas, statuses):
    """Rows of (municipality, [status or None per focus area])."""
    by_key = {(s.municipality_id, s.focus_area_id): s for s in statuses}
    return [
        (municipality, [by_key.get((municipality.pk, area.pk)) for area in focus_areas])
        for municipality in municipalities
    ]


def municipality_list(request):
    municipalities = list(Municipality.objects.participating())
    focus_areas = list(FocusArea.objects.all())
    statuses = FocusAreaStatus.objects.public()
    return render(
        request,
        "municipalities/municipality_list.html",
        {
            "focus_areas": focus_areas,
            "rows": _status_grid(municipalities, focus_areas, statuses),
            "breadcrumbs": MUNICIPALITIES.breadcrumbs(),
        },
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality.objects.participating(), slug=slug)
    focus_areas = list(FocusArea.objects.all())
    statuses = FocusAreaStatus.objects.public().filter(municipality=municipality)
    ((_municipality, area_statuses),) = _status_grid(
        [municipality], focus_areas, statuses
    )
    return render(
        request,
        "municipalities/municipality_detail.html",
        {
            "municipality": municipality,
            "area_statuses": list(zip(focus_areas, area_statuses, strict=True)),
            "news": municipality.news.published()[:5],
            "groups": municipality.working_groups.all(),
            "breadcrumbs": MUNICIPALITIES.breadcrumbs(municipality.name),
        },
    )


def group_list(request):
    groups = WorkingGroup.objects.prefetch_related("municipalities", "organisations")
    return render(
        request,
        "municipalities/group_list.html",
        {"groups": groups, "breadcrumbs": GROUPS.breadcrumbs()},
    )


def group_detail(request, slug):
    group = get_object_or_404(
        WorkingGroup.objects.prefetch_related("municipalities", "organisations"),
        slug=slug,
    )
    return render(
        request,
        "municipalities/group_detail.html",
        {
            "group": group,
            "breadcrumbs": GROUPS.breadcrumbs(group.name),
        },
    )
