"""Every `datetime` attribute in the coordination area is valid HTML: local
time to the second with its offset, or a date (Django's `date:"c"` kept microseconds,
which a history row always has)."""

import re

import pytest
from django.urls import reverse

from tests.municipalities.conftest import client_for

VALID = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?$")


@pytest.mark.django_db
def test_coordination_pages_write_valid_datetime_attributes(world, targets):
    slug = targets["group"].slug
    meeting = targets["meeting"]
    entry = targets["entry"]
    pages = [
        reverse("samordning:group", kwargs={"slug": slug}),
        reverse("samordning:minutes", kwargs={"slug": slug, "pk": meeting.pk}),
        reverse("samordning:entry-detail", kwargs={"pk": entry.pk}),
        reverse("samordning:entry-history", kwargs={"pk": entry.pk}),
    ]
    client = client_for(world, "staff")

    found = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        found[page] = re.findall(r'datetime="([^"]*)"', response.content.decode())

    assert all(found.values()), found
    assert {
        page: [value for value in values if not VALID.match(value)]
        for page, values in found.items()
    } == {page: [] for page in pages}
