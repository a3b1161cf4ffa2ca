import datetime

import pytest

from programme.models import NewsArticle, add_months
from tests import factories


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime.date(2022, 4, 1), 12, datetime.date(2023, 3, 31)),
        (datetime.date(2022, 4, 29), 12, datetime.date(2023, 4, 28)),
        (datetime.date(2023, 1, 31), 1, datetime.date(2023, 2, 27)),
        (datetime.date(2023, 11, 15), 3, datetime.date(2024, 2, 14)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 27)),
    ],
)
@pytest.mark.django_db
def test_mandate_end_date_follows_start_and_length(start, months, end):
    mandate = factories.MandateFactory(start_date=start, length_months=months)

    mandate.refresh_from_db()

    assert mandate.end_date == end


@pytest.mark.django_db
def test_mandate_end_date_recomputed_when_length_changes():
    mandate = factories.MandateFactory(start_date=datetime.date(2022, 4, 1))

    mandate.length_months = 6
    mandate.save(update_fields=["length_months"])
    mandate.refresh_from_db()

    assert mandate.end_date == datetime.date(2022, 9, 30)


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2022, 8, 31), 6) == datetime.date(2023, 2, 28)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2022, 3, 31), None),
        (datetime.date(2022, 4, 1), 1),
        (datetime.date(2022, 6, 15), 3),
        (datetime.date(2023, 3, 31), 12),
        (datetime.date(2023, 4, 1), None),
    ],
)
@pytest.mark.django_db
def test_mandate_month_number(today, expected):
    mandate = factories.MandateFactory(start_date=datetime.date(2022, 4, 1))

    assert mandate.month_number(today) == expected


@pytest.mark.django_db
def test_news_body_is_sanitised_on_save():
    article = factories.NewsArticleFactory(
        body='<p onclick="x()">Hej <script>alert(1)</script>'
        '<a href="javascript:alert(1)">länk</a> <strong>fet</strong></p>'
    )

    assert "<script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "<strong>fet</strong>" in article.body_html


@pytest.mark.django_db
def test_news_plain_text_body_becomes_paragraphs():
    article = factories.NewsArticleFactory(body="Ett.\n\nTvå & tre.")

    assert article.body_html == "<p>Ett.</p>\n\n<p>Två &amp; tre.</p>"


@pytest.mark.django_db
def test_news_published_excludes_drafts_and_future():
    visible = factories.NewsArticleFactory()
    factories.NewsArticleFactory(status=NewsArticle.Status.DRAFT)
    factories.NewsArticleFactory(
        publish_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
    )

    assert list(NewsArticle.objects.published()) == [visible]
