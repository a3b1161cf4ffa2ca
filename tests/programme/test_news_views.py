import datetime
import io

import feedparser
import pytest
from django.test import Client
from pypdf import PdfReader

from programme.models import NewsArticle
from tests import factories

FUTURE = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def mandate(db):
    return factories.MandateFactory()


def test_news_list_shows_published_newest_first(client, mandate):
    factories.NewsArticleFactory(
        title="Äldre", publish_at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    )
    factories.NewsArticleFactory(
        title="Nyare", publish_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC)
    )

    response = client.get("/nyheter/")

    assert response.status_code == 200
    titles = [article.title for article in response.context["page"].object_list]
    assert titles == ["Nyare", "Äldre"]


def test_news_list_filters_by_focus_area_and_municipality(client, mandate):
    area = factories.FocusAreaFactory(mandate=mandate, slug="stod")
    municipality = factories.MunicipalityFactory(slug="jarfalla")
    both = factories.NewsArticleFactory(title="Båda")
    both.focus_areas.add(area)
    both.municipalities.add(municipality)
    only_area = factories.NewsArticleFactory(title="Bara området")
    only_area.focus_areas.add(area)
    factories.NewsArticleFactory(title="Ingen koppling")

    by_area = client.get("/nyheter/", {"fokusomrade": "stod"})
    by_both = client.get("/nyheter/", {"fokusomrade": "stod", "kommun": "jarfalla"})

    assert {a.title for a in by_area.context["page"].object_list} == {
        "Båda",
        "Bara området",
    }
    assert [a.title for a in by_both.context["page"].object_list] == ["Båda"]


def test_news_list_bad_filter_and_page_give_message_not_error(client, mandate):
    factories.NewsArticleFactory(title="Finns")

    response = client.get("/nyheter/", {"fokusomrade": "<script>", "sida": "abc"})

    assert response.status_code == 200
    assert "Filtret kunde inte användas" in response.content.decode()
    assert [a.title for a in response.context["page"].object_list] == ["Finns"]
    assert "<script>" not in response.content.decode()


def test_news_list_paginates_ten_per_page(client, mandate):
    factories.NewsArticleFactory.create_batch(23)

    first = client.get("/nyheter/")
    last = client.get("/nyheter/", {"sida": "3"})
    beyond = client.get("/nyheter/", {"sida": "99"})

    assert len(first.context["page"].object_list) == 10
    assert len(last.context["page"].object_list) == 3
    assert beyond.context["page"].number == 3
    assert 'rel="next"' in first.content.decode()


def test_news_detail_shows_dates_contact_and_related(client, mandate):
    person = factories.PersonFactory(name="Kontakt Person", email="k@example.se")
    session = factories.SessionFactory(title="Relaterad session")
    factories.PresentationFactory(session=session, title="Relaterad presentation")
    article = factories.NewsArticleFactory(contact_person=person)
    article.related_sessions.add(session)

    response = client.get(article.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Kontakt Person" in body
    assert "mailto:k@example.se" in body
    assert "Relaterad session" in body
    assert "Relaterad presentation" in body
    assert "Senast uppdaterad" in body
    assert '"@type": "NewsArticle"' in body


@pytest.mark.parametrize(
    "overrides",
    [{"status": NewsArticle.Status.DRAFT}, {"publish_at": FUTURE}],
    ids=["draft", "scheduled"],
)
def test_news_unpublished_is_404_for_public_and_preview_for_editor(
    editor_client, mandate, overrides
):
    article = factories.NewsArticleFactory(**overrides)
    client = Client()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/nyheter/{article.slug}/pdf/").status_code == 404
    preview = editor_client.get(article.get_absolute_url())
    assert preview.status_code == 200
    assert "Förhandsgranskning – inte publicerad." in preview.content.decode()


def test_news_scheduled_article_appears_at_its_time(client, mandate, settings):
    import time_machine

    publish_at = datetime.datetime(2030, 3, 31, 1, 0, tzinfo=datetime.UTC)
    article = factories.NewsArticleFactory(publish_at=publish_at)

    with time_machine.travel(publish_at - datetime.timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_news_feed_parses_and_carries_published_items(client, mandate):
    factories.NewsArticleFactory(title="I flödet", lead="Ingress i flödet")
    factories.NewsArticleFactory(title="Utkast-HEMLIS", status="draft")

    response = client.get("/nyheter/feed/")

    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["I flödet"]
    assert feed.entries[0].summary == "Ingress i flödet"
    assert "/nyheter/nyhet-" in feed.entries[0].link


def test_news_pdf_contains_title_and_page_number(client, mandate):
    article = factories.NewsArticleFactory(
        title="Rapport om samverkan", body="Stycke.\n\n" * 5
    )

    response = client.get(f"/nyheter/{article.slug}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Rapport om samverkan" in text
    assert "Sida 1 av 1" in text


def test_news_pdf_does_not_fetch_local_or_external_urls(client, mandate, caplog):
    article = factories.NewsArticleFactory(
        title="Försök att läsa filer",
        body='<p>Text <a href="file:///etc/passwd">x</a></p>',
    )
    # The sanitiser already drops <img>; write hostile markup past it to
    # prove the fetcher itself refuses.
    NewsArticle.objects.filter(pk=article.pk).update(
        body_html='<img src="file:///etc/passwd"><img src="http://169.254.169.254/">'
        '<link rel="attachment" href="file:///etc/hostname"><p>Kvar</p>'
    )

    response = client.get(f"/nyheter/{article.slug}/pdf/")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert "root:" not in reader.pages[0].extract_text()
    assert "Kvar" in reader.pages[0].extract_text()
    assert not reader.attachments
    refusals = [
        r for r in caplog.records if r.getMessage() == "PDF fetcher refused a URL"
    ]
    assert len(refusals) >= 2


def test_news_pdf_over_the_limit_answers_a_swedish_page(client, mandate, settings):
    article = factories.NewsArticleFactory(title="Lång nyhet", body="Stycke. " * 500)
    settings.PDF_MAX_INPUT_CHARS = 2000

    response = client.get(f"/nyheter/{article.slug}/pdf/")

    assert response.status_code == 422
    page = response.content.decode()
    assert "<h1>PDF-filen kunde inte skapas</h1>" in page
    assert (
        "Innehållet är för omfattande för en PDF-fil. "
        "Läs artikeln på webbplatsen i stället."
    ) in page
    assert f'<a href="{article.get_absolute_url()}">Lång nyhet</a>' in page
