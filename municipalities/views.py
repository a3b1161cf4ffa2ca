"""Public pages for the municipalities and the working groups."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from municipalities.models import Municipality, WorkingGroup


def municipality_list(request):
    return render(
        request,
        "municipalities/municipality_list.html",
        {
            "municipalities": Municipality.objects.participating(),
            "breadcrumbs": [(_("Kommuner"), "")],
        },
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality.objects.participating(), slug=slug)
    return render(
        request,
        "municipalities/municipality_detail.html",
        {
            "municipality": municipality,
            "breadcrumbs": [
                (_("Kommuner"), reverse("municipalities:list")),
                (municipality.name, ""),
            ],
        },
    )


def group_list(request):
    groups = WorkingGroup.objects.prefetch_related("municipalities", "organisations")
    return render(
        request,
        "municipalities/group_list.html",
        {"groups": groups, "breadcrumbs": [(_("Arbetsgrupper"), "")]},
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
            "breadcrumbs": [
                (_("Arbetsgrupper"), reverse("municipalities:group-list")),
                (group.name, ""),
            ],
        },
    )
