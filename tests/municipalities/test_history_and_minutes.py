"""The entry history names what changed, and meeting agendas and minutes
reach the group page escaped."""

from bs4 import BeautifulSoup

from municipalities.models import Meeting
from tests.municipalities.conftest import client_for

ENTRY = {
    "focus_area": None,
    "title": "Utbildningar i maj",
    "period_start": "2024-05-01",
    "period_end": "2024-05-31",
    "text": "Två utbildningar för socialsekreterare.",
    "sharing_level": "group",
    "release_at": "2024-06-01T09:00",
}


def history_rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select("table tbody tr")
    ]


def test_entry_history_names_each_change_and_who_made_it(world, private_media):
    client = client_for(world, "rep_a")
    data = {**ENTRY, "group": world["group"].pk, "focus_area": world["area"].pk}
    created = client.post("/samordning/lagesrapporter/ny/", data)
    entry_url = created.url
    client.post(entry_url + "andra/", {**data, "title": "Utbildningar i maj och juni"})
    client.post(
        entry_url + "andra/",
        {**data, "title": "Utbildningar i maj och juni", "text": "Tre utbildningar."},
    )

    rows = history_rows(client.get(entry_url + "historik/"))

    author = world["users"]["rep_a"].get_full_name()
    assert [row[1:] for row in rows] == [
        [author, "text"],
        [author, "rubrik"],
        [author, "Skapad"],
    ]


def test_agenda_and_minutes_reach_the_group_page_escaped(world):
    chair = client_for(world, "chair")
    response = chair.post(
        "/samordning/grupper/operativ/moten/nytt/",
        {
            "starts_at": "2024-05-02T09:00",
            "ends_at": "2024-05-02T10:00",
            "place": "Rum 3",
            "agenda": "1. Läget\n2. <script>alert(1)</script>",
        },
    )
    meeting = Meeting.objects.get()
    written = chair.post(
        f"/samordning/grupper/operativ/moten/{meeting.pk}/anteckningar/skriv/",
        {"text": "Gruppen beslutade att boka en utbildning.\n<b>fet</b>"},
    )

    page = client_for(world, "partner").get("/samordning/grupper/operativ/")
    body = page.content.decode()

    assert (response.status_code, written.status_code) == (302, 302)
    assert "1. Läget<br>2. &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    assert "Gruppen beslutade att boka en utbildning.<br>&lt;b&gt;fet" in body
    assert "Rum 3" in body
