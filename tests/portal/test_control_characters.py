"""NUL and other control characters answer 400 in Swedish, never 500, on
every database (PostgreSQL refuses NUL in text)."""

import pytest
from django.test import Client

from tests.municipalities.conftest import client_for

PUBLIC = [
    "/sok/?q=%00",
    "/sok/?q=avhopp%01are",
    "/nyheter/?fokusomrade=%00",
    "/nyhetsbrev/avsluta/abc%00def/",
    "/nyhetsbrev/mina-uppgifter/%00/",
    "/nyheter/%00/",
]
INTERNAL = [
    "/samordning/lagesrapporter/?q=%00",
    "/samordning/lagesrapporter/?grupp=%00",
    "/samordning/grupper/operativ/kalender/%00.ics",
    "/samordning/indikatorer/?period=%00",
]


def assert_swedish_400(response):
    assert response.status_code == 400
    body = response.content.decode()
    assert "Förfrågan kunde inte behandlas" in body
    assert '<html lang="sv">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC)
def test_public_urls_with_control_characters_answer_400(url):
    assert_swedish_400(Client().get(url))


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_urls_with_control_characters_answer_400(world, url):
    assert_swedish_400(client_for(world, "rep_a").get(url))


def test_form_field_with_nul_answers_400_and_stores_nothing(world):
    from municipalities.models import ProgressEntry

    response = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/",
        {"title": "Rapport\x00", "text": "Text"},
    )

    assert_swedish_400(response)
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_ordinary_whitespace_passes():
    response = Client().get("/sok/", {"q": "avhoppare\tstöd\r\n"})

    assert response.status_code == 200
