"""Public pages for the mandate, its focus areas, and news."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from programme.models import FocusArea, Mandate, NewsArticle


def mandate_detail(request):
    mandate = get_object_or_404(
        Mandate.objects.select_related("contact_person").prefetch_related(
            "focus_areas", "milestones", "staff"
        )[:1]
    )
    return render(
        request,
        "programme/mandate_detail.html",
        {"mandate": mandate, "breadcrumbs": [(_("Uppdraget"), "")]},
    )


def focus_area_detail(request, slug):
    area = get_object_or_404(FocusArea, slug=slug)
    news = area.news.published()[:10]
    return render(
        request,
        "programme/focus_area_detail.html",
        {
            "area": area,
            "news": news,
            "breadcrumbs": [
                (_("Uppdraget"), reverse("programme:mandate")),
                (area.title, ""),
            ],
        },
    )


class NewsListView(ListView):
    template_name = "programme/news_list.html"
    context_object_name = "articles"
    paginate_by = 10

    def get_queryset(self):
        return NewsArticle.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(_("Nyheter"), "")]
        return context


def news_detail(request, slug):
    article = get_object_or_404(
        NewsArticle.objects.published().select_related("contact_person"), slug=slug
    )
    return render(
        request,
        "programme/news_detail.html",
        {
            "article": article,
            "breadcrumbs": [
                (_("Nyheter"), reverse("news:list")),
                (article.title, ""),
            ],
        },
    )
