"""Public pages for the mandate, its focus areas, and news."""

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, gettext_lazy

from municipalities.charts import stage_charts
from municipalities.models import FocusAreaStatus, Municipality
from portal.breadcrumbs import Section
from portal.freshness import page_freshness
from portal.pagination import paginate, query_without_page
from portal.pdf import PdfRefused, render_pdf
from presentations.models import Presentation
from programme.models import FocusArea, Mandate, NewsArticle

MANDATE = Section(gettext_lazy("Uppdraget"), "programme:mandate")
NEWS = Section(gettext_lazy("Nyheter"), "news:list")

NEWS_PER_PAGE = 10
PRESENTATIONS_PER_PAGE = 20


def mandate_detail(request):
    mandate = get_object_or_404(
        Mandate.objects.select_related("contact_person").prefetch_related(
            "focus_areas", "staff"
        )[:1]
    )
    today = timezone.localdate()
    milestones = list(mandate.milestones.with_state(today))
    focus_areas = list(mandate.focus_areas.all())
    staff = list(mandate.staff.all())
    return render(
        request,
        "programme/mandate_detail.html",
        {
            "mandate": mandate,
            "month_number": mandate.month_number(today),
            "ended": today > mandate.end_date,
            "milestones": milestones,
            "freshness": page_freshness(
                "mandate",
                mandate,
                mandate.contact_person,
                focus_areas,
                staff,
                milestones,
            ),
            "breadcrumbs": MANDATE.breadcrumbs(),
        },
    )


def focus_area_detail(request, slug):
    area = get_object_or_404(FocusArea, slug=slug)
    news = list(area.news.published()[:10])
    presentations = paginate(
        request,
        area.presentations.published()
        .select_related("session")
        .order_by("-session__starts_at", "order", "pk"),
        PRESENTATIONS_PER_PAGE,
    )
    # Every participating municipality, the stage where it is published.
    municipalities = list(Municipality.objects.participating())
    statuses = list(FocusAreaStatus.objects.public().filter(focus_area=area))
    by_municipality = {status.municipality_id: status for status in statuses}
    rows = [(m, by_municipality.get(m.pk)) for m in municipalities]
    return render(
        request,
        "programme/focus_area_detail.html",
        {
            "area": area,
            "news": news,
            "presentations": presentations,
            "filter_query": query_without_page(request),
            "rows": rows,
            "any_published": bool(statuses),
            "chart": stage_charts(municipalities, [area], statuses)[0],
            "freshness": page_freshness(
                "focus_area",
                area,
                news,
                list(presentations.object_list),
                municipalities,
                statuses,
            ),
            "breadcrumbs": MANDATE.breadcrumbs(area.title),
        },
    )


class NewsFilterForm(forms.Form):
    fokusomrade = forms.ModelChoiceField(
        label=gettext_lazy("Fokusområde"),
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Alla fokusområden"),
    )
    kommun = forms.ModelChoiceField(
        label=gettext_lazy("Kommun"),
        queryset=Municipality.objects.participating(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Alla kommuner"),
    )


def news_list(request):
    articles = NewsArticle.objects.published()
    form = NewsFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        if area := form.cleaned_data["fokusomrade"]:
            articles = articles.filter(focus_areas=area)
        if municipality := form.cleaned_data["kommun"]:
            articles = articles.filter(municipalities=municipality)
    page = paginate(request, articles, NEWS_PER_PAGE)
    return render(
        request,
        "programme/news_list.html",
        {
            "page": page,
            "freshness": page_freshness("news", list(page.object_list)),
            "form": form,
            "filter_query": query_without_page(request),
            "breadcrumbs": NEWS.breadcrumbs(),
        },
    )


def _article_for(request, slug):
    """A published article, or any article for staff who may edit news."""
    queryset = NewsArticle.objects.select_related("contact_person")
    if request.user.has_perm("programme.change_newsarticle"):
        article = get_object_or_404(queryset, slug=slug)
    else:
        article = get_object_or_404(queryset.published(), slug=slug)
    return article


def news_detail(request, slug):
    article = _article_for(request, slug)
    sessions = article.related_sessions.published().prefetch_related(
        Prefetch(
            "presentations",
            queryset=Presentation.objects.filter(published=True),
            to_attr="public_presentations",
        )
    )
    article_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "url": settings.SITE_URL + article.get_absolute_url(),
        "inLanguage": "sv",
        "publisher": {"@type": "Organization", "name": settings.PORTAL_NAME},
    }
    return render(
        request,
        "programme/news_detail.html",
        {
            "article": article,
            "article_ld": article_ld,
            "preview": not article.is_published(),
            "sessions": sessions,
            "focus_areas": article.focus_areas.all(),
            "freshness": page_freshness("news", article),
            "breadcrumbs": NEWS.breadcrumbs(article.title),
        },
    )


def news_pdf(request, slug):
    article = _article_for(request, slug)
    html = render_to_string(
        "programme/news_pdf.html",
        {"article": article, "preview": not article.is_published()},
        request=request,
    )
    try:
        pdf = render_pdf(html)
    except PdfRefused as refused:
        return render(
            request,
            "portal/pdf_refused.html",
            {
                "refused": refused,
                "advice": gettext("Läs artikeln på webbplatsen i stället."),
                "back_url": article.get_absolute_url(),
                "back_label": article.title,
                "breadcrumbs": NEWS.breadcrumbs(article.title),
            },
            status=refused.status,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{article.slug}.pdf"'
    return response


class LatestNewsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("FoU Nordväst – nyheter om uppdraget")
    subtitle = gettext_lazy(
        "Nyheter om avhopp från kriminella nätverk och att förebygga nyrekrytering."
    )

    def link(self):
        return reverse("news:list")

    def items(self):
        return NewsArticle.objects.published()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at
