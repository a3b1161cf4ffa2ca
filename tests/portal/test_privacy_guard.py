"""The privacy guard catches every valid identity number and nothing else."""

import datetime
import logging
import random

import pytest
from personnummer import personnummer

from portal.privacy import contains_identity_number
from portal.validators import luhn_valid


def check_digit(nine: str) -> str:
    for digit in "0123456789":
        if luhn_valid(nine + digit):
            return digit
    raise AssertionError


def random_number(rng, *, coordination=False):
    """A valid personnummer (or samordningsnummer) as (century, yymmdd, nnnc)."""
    start = datetime.date(1900, 1, 1)
    day = start + datetime.timedelta(days=rng.randrange(0, 45000))
    day_field = day.day + (60 if coordination else 0)
    date = f"{day:%y%m}{day_field:02d}"
    serial = f"{rng.randrange(1, 1000):03d}"
    return f"{day:%Y}"[:2], date, serial + check_digit(date + serial)


FORMATS = [
    lambda c, d, s: f"{d}-{s}",
    lambda c, d, s: f"{d}+{s}",
    lambda c, d, s: f"{d}{s}",
    lambda c, d, s: f"{c}{d}-{s}",
    lambda c, d, s: f"{c}{d}{s}",
    lambda c, d, s: f"{d} {s}",
]
SENTENCES = [
    "Personen med nummer {} har kontaktat oss.",
    "{}",
    "Ärende gällande {}, se bilaga.",
    "Uppgift: ({}).",
]


def test_guard_catches_10000_valid_numbers_in_every_format():
    rng = random.Random(20221)
    missed = []
    for index in range(10_000):
        century, date, serial = random_number(rng, coordination=index % 3 == 0)
        text = rng.choice(SENTENCES).format(
            FORMATS[index % len(FORMATS)](century, date, serial)
        )
        if not contains_identity_number(text):
            missed.append(text)
    assert missed == []


def test_guard_agrees_with_the_personnummer_package():
    rng = random.Random(7)
    for index in range(1_000):
        century, date, serial = random_number(rng, coordination=index % 2 == 0)
        number = f"{century}{date}{serial}"
        assert personnummer.valid(number)
        assert contains_identity_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9877",  # wrong check digit
        "811218-9870",
        "810230-1234",  # 30 February
        "811318-9876",  # month 13
        "811292-9871",  # day 92 (> 60 + 31)
        "212000-0142",  # Järfälla-like organisation number
        "212000-0019",  # Upplands Väsby organisation number
        "556036-0793",  # a company organisation number
        "2022-04-29",
        "kl. 10.30-12.00",
        "4111 1111 1111 1111",  # card-like number
        "1234567890123",  # longer run of digits
        "08-123 456 78",
    ],
)
def test_guard_lets_through_non_identity_numbers(text):
    assert not contains_identity_number(text)


def test_guard_catches_number_inside_text():
    assert contains_identity_number("Vi träffade 811218-9876 i går.")
    assert contains_identity_number("samordningsnummer 701063-2391")


def test_entry_form_refuses_number_names_field_keeps_input(
    world, private_media, caplog
):
    from municipalities.models import ProgressEntry
    from tests.samordning.test_permission_matrix import client_for

    client = client_for(world, "rep_a")
    with caplog.at_level(logging.WARNING, logger="portal.privacy"):
        response = client.post(
            "/samordning/lagesrapporter/ny/",
            {
                "group": world["group"].pk,
                "focus_area": world["area"].pk,
                "title": "Rubrik som ska finnas kvar",
                "period_start": "2024-01-01",
                "period_end": "2024-01-31",
                "text": "Vi har haft kontakt med 19811218-9876 om stöd.",
                "sharing_level": "group",
                "release_at": "2024-02-01T09:00",
            },
        )

    assert response.status_code == 400
    form = response.context["form"]
    (message,) = form.errors["text"]
    assert message.startswith("Fältet ”Text” innehåller något som ser ut som")
    assert form["title"].value() == "Rubrik som ska finnas kvar"
    assert not ProgressEntry.objects.exists()
    body = response.content.decode()
    assert "Skriv aldrig uppgifter om enskilda personer" in body
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "pii_refused field=Text" in logged
    assert "9876" not in logged


def test_attachment_file_name_with_number_is_refused(world, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    from municipalities.models import ProgressEntry
    from tests.samordning.test_permission_matrix import client_for

    pdf = HTML(string="<p>x</p>").write_pdf()
    response = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
            "title": "Med bilaga",
            "period_start": "2024-01-01",
            "period_end": "2024-01-31",
            "text": "Text.",
            "sharing_level": "group",
            "release_at": "2024-02-01T09:00",
            "attachments": SimpleUploadedFile("utredning 811218-9876.pdf", pdf),
        },
    )

    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not ProgressEntry.objects.exists()
