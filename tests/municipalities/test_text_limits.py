"""Free text has a maximum length: one pasted document cannot make every
report and export of its period slow (a 4 MB entry made each PDF report
take 53 s). Every TextField's limit is checked in tests/portal/test_date_bounds.py."""

import pytest

from municipalities.models import Minutes, ProgressEntry
from portal.fields import TEXT_MAX_COORDINATION, TEXT_MAX_PUBLISHED
from programme.models import NewsArticle
from tests import factories
from tests.municipalities.conftest import client_for


def too_long(limit, length):
    return f"Säkerställ att detta värde har som mest {limit} tecken (den har {length})."


def entry_data(world, text):
    return {
        "group": world["group"].pk,
        "focus_area": world["area"].pk,
        "title": "Rubrik som ska finnas kvar",
        "period_start": "2024-01-01",
        "period_end": "2024-01-31",
        "text": text,
        "sharing_level": "group",
        "release_at": "2024-02-01T09:00",
    }


@pytest.mark.parametrize("length", [TEXT_MAX_COORDINATION + 1, 4 * 1024 * 1024])
def test_too_long_entry_text_is_refused_and_the_rest_kept(world, private_media, length):
    response = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/", entry_data(world, "a" * length)
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"text": [too_long(TEXT_MAX_COORDINATION, length)]}
    assert form["title"].value() == "Rubrik som ska finnas kvar"
    assert form["period_start"].value() == "2024-01-01"
    assert too_long(TEXT_MAX_COORDINATION, length) in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_entry_text_at_the_limit_is_saved(world, private_media):
    response = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/",
        entry_data(world, "a" * TEXT_MAX_COORDINATION),
    )

    assert response.status_code == 302
    assert len(ProgressEntry.objects.get().text) == TEXT_MAX_COORDINATION


def test_entry_form_tells_the_browser_the_limit(world):
    response = client_for(world, "rep_a").get("/samordning/lagesrapporter/ny/")

    assert f'maxlength="{TEXT_MAX_COORDINATION}"' in response.content.decode()


def test_too_long_meeting_minutes_are_refused(world):
    meeting = factories.MeetingFactory(group=world["group"])
    response = client_for(world, "chair").post(
        f"/samordning/grupper/operativ/moten/{meeting.pk}/anteckningar/skriv/",
        {"text": "a" * (TEXT_MAX_COORDINATION + 1)},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "text": [too_long(TEXT_MAX_COORDINATION, TEXT_MAX_COORDINATION + 1)]
    }
    assert len(response.context["form"]["text"].value()) == TEXT_MAX_COORDINATION + 1
    assert not Minutes.objects.exists()


def test_too_long_news_body_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/programme/newsarticle/add/",
        {
            "title": "Rubrik som ska finnas kvar",
            "slug": "rubrik",
            "lead": "En ingress.",
            "body": "a" * (TEXT_MAX_PUBLISHED + 1),
            "image_alt": "",
            "status": "draft",
            "publish_at_0": "2024-05-02",
            "publish_at_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "body": [too_long(TEXT_MAX_PUBLISHED, TEXT_MAX_PUBLISHED + 1)]
    }
    assert form["title"].value() == "Rubrik som ska finnas kvar"
    assert not NewsArticle.objects.exists()
