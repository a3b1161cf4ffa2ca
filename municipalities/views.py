"""Public pages for the municipalities and the working groups."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from municipalities.charts import stage_chart, stage_charts
from municipalities.models import FocusAreaStatus, Municipality, WorkingGroup
from portal.breadcrumbs import Section
from portal.freshness import page_freshness
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
    statuses = list(FocusAreaStatus.objects.public())
    return render(
        request,
        "municipalities/municipality_list.html",
        {
            "focus_areas": focus_areas,
            "rows": _status_grid(municipalities, focus_areas, statuses),
            "charts": stage_charts(municipalities, focus_areas, statuses),
            "freshness": page_freshness(
                "municipalities", municipalities, focus_areas, statuses
            ),
            "breadcrumbs": MUNICIPALITIES.breadcrumbs(),
        },
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality.objects.participating(), slug=slug)
    focus_areas = list(FocusArea.objects.all())
    statuses = list(FocusAreaStatus.objects.public().filter(municipality=municipality))
    ((_municipality, area_statuses),) = _status_grid(
        [municipality], focus_areas, statuses
    )
    news = list(municipality.news.published()[:5])
    groups = list(municipality.working_groups.all())
    area_statuses = list(zip(focus_areas, area_statuses, strict=True))
    return render(
        request,
        "municipalities/municipality_detail.html",
        {
            "municipality": municipality,
            "area_statuses": area_statuses,
            "chart": stage_chart(
                f"stages-{municipality.slug}",
                _("Skede per fokusområde: %(municipality)s")
                % {"municipality": municipality.name},
                [(area.title, status) for area, status in area_statuses],
            ),
            "news": news,
            "groups": groups,
            "freshness": page_freshness(
                "municipalities", municipality, focus_areas, statuses, news, groups
            ),
            "breadcrumbs": MUNICIPALITIES.breadcrumbs(municipality.name),
        },
    )


def group_list(request):
    groups = list(
        WorkingGroup.objects.prefetch_related("municipalities", "organisations")
    )
    return render(
        request,
        "municipalities/group_list.html",
        {
            "groups": groups,
            "freshness": page_freshness("groups", groups),
            "breadcrumbs": GROUPS.breadcrumbs(),
        },
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
            "freshness": page_freshness(
                "groups",
                group,
                list(group.municipalities.all()),
                list(group.organisations.all()),
            ),
            "breadcrumbs": GROUPS.breadcrumbs(group.name),
        },
    )
