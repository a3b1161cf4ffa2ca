import datetime

import pytest
from django.utils import timezone

from tests import factories


def sessions_section(html):
    return html.split('id="sessions-heading"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db
def test_home_lists_upcoming_sessions_under_their_heading(client):
    factories.SessionFactory(title="Kommande seminarium")
    factories.SessionFactory(
        title="Gammal kick-off",
        starts_at=timezone.now() - datetime.timedelta(days=300),
    )

    section = sessions_section(client.get("/").content.decode())

    assert ">Kommande sessioner</h2>" in section
    assert "Kommande seminarium" in section
    assert "Gammal kick-off" not in section


@pytest.mark.django_db
def test_home_shows_past_sessions_when_none_are_upcoming(client):
    now = timezone.now()
    for days, title in [(400, "Äldst"), (300, "Kick-off"), (200, "Seminarium")]:
        factories.SessionFactory(
            title=title, starts_at=now - datetime.timedelta(days=days)
        )
    factories.SessionFactory(
        title="Opublicerad",
        starts_at=now - datetime.timedelta(days=100),
        published=False,
    )
    factories.SessionFactory(
        title="Allra äldst", starts_at=now - datetime.timedelta(days=500)
    )

    section = sessions_section(client.get("/").content.decode())

    assert ">Tidigare sessioner</h2>" in section
    assert "Kommande sessioner" not in section
    # The newest three published ones, newest first.
    order = [section.find(title) for title in ["Seminarium", "Kick-off", "Äldst"]]
    assert -1 not in order
    assert order == sorted(order)
    assert "Opublicerad" not in section
    assert "Allra äldst" not in section


@pytest.mark.django_db
def test_home_without_any_session_says_none_are_planned(client):
    section = sessions_section(client.get("/").content.decode())

    assert ">Kommande sessioner</h2>" in section
    assert "Inga sessioner är planerade just nu." in section
