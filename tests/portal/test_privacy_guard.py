"""The privacy guard catches every valid identity number and nothing else."""

import datetime
import logging
import random
import unicodedata

import pytest
import time_machine
from django.test import Client
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from personnummer import personnummer

from portal.models import AuditEvent
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
    from tests.municipalities.conftest import client_for

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
    from tests.municipalities.conftest import client_for

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


# --- Separators, invisible characters and other digits ----------------------

NUMBER = "811218-9876"  # valid; 811218-9877 is the same with a wrong check digit
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SEPARATOR_VARIANTS = {
    "en dash": "\u2013",
    "no-break space": "\u00a0",
    "narrow no-break space": "\u202f",
    "figure space": "\u2007",
    "non-breaking hyphen": "\u2011",
    "minus sign": "\u2212",
    "em dash": "\u2014",
    "hyphen": "\u2010",
    "figure dash": "\u2012",
    "horizontal bar": "\u2015",
    "small hyphen-minus": "\ufe63",
    "full-width hyphen-minus": "\uff0d",
    "two-em dash": "\u2e3a",
    "dot": ".",
    "slash": "/",
    "full-width slash": "\uff0f",
    "plus": "+",
    "tab": "\t",
    "spaced hyphen": " - ",
    "spaced en dash with no-break spaces": "\u00a0\u2013\u00a0",
    "spaced minus sign": " \u2212 ",
}


@pytest.mark.parametrize(
    "separator", SEPARATOR_VARIANTS.values(), ids=list(SEPARATOR_VARIANTS)
)
@pytest.mark.parametrize("check_digit", ["6", "7"], ids=["valid", "wrong-check"])
def test_guard_folds_every_separator(separator, check_digit):
    text = f"Gäller 811218{separator}987{check_digit} enligt samtal."

    assert contains_identity_number(text) is (check_digit == "6")


@pytest.mark.parametrize("char", ZERO_WIDTH, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("position", range(1, len(NUMBER)))
def test_guard_ignores_zero_width_characters_anywhere_in_the_number(char, position):
    text = NUMBER[:position] + char + NUMBER[position:]

    assert contains_identity_number(f"Nummer {text}.")
    assert not contains_identity_number(f"Nummer {text[:-1]}7.")


@pytest.mark.parametrize(
    "text",
    [
        "１９８１１２１８－９８７６",  # full-width digits and hyphen
        "٨١١٢١٨-٩٨٧٦",  # Arabic-Indic digits
        "８1121８–98７6",  # mixed
        "1981-12-18-9876",
        "1981\u201312\u201318\u20139876",
        "1981\u201112\u201118\u20119876",
        "1981.12.18.9876",
        "1981/12/18/9876",
        "1981 12 18-9876",
        "1981-12-18 \u2013 9876",
        "1981-12-18+9876",
        "19811218-9876",
        "19811218\u20139876",
        "19811218 - 9876",
        "19811218\u00a09876",
        "198112189876",
        "1970-10-63-2391",  # samordningsnummer, day + 60
        "１９８１-１２-１８-９８７６",
        "<b>811218</b>-9876",
        "<p>Nummer 8112<em>18</em>&ndash;9876</p>",
        "811218&#8209;9876",
        "81&#49;218-9876",
        "8112&shy;18-9876",
        "https://example.se/811218%E2%80%939876",
        "3300-811218-9876",  # a personal account number is the identity number
        "811218-9876/701063-2391",
        "811218-9876-01",  # only a year may go on as a date
        "Ärende 811218-9876/12",
    ],
)
def test_guard_catches_written_forms(text):
    assert contains_identity_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "212000-0142",
        "556016-0680",
        "556016\u20130680",
        "Org.nr 556016 0680",
        "08-123 456 78",
        "070-123 45 67",
        "+46 70 123 45 67",
        "070\u2011123\u00a045\u00a067",
        "2022-04-29",
        "2022-04-29 10:00",
        "Möte 2022-04-29 1005",  # 2204291005 would pass the Luhn check
        "2024-01-09 \u2013 2024-02-08",  # 2401092024 would pass the Luhn check
        "2024-01-09\u20132024-02-08",
        "240109-20240208",
        "240109 \u2013 2024-02-08",  # 2401092024 would pass the Luhn check
        "Verksam 1995-03-01 \u2013 2024-02-08",  # 9503012024 would pass
        "Verksam 1995 03 01 \u2013 2024 02 08",
        "Perioden 2022-05-15 \u2013 2024",  # 2205152024 would pass the Luhn check
        "1 234 567 kr",
        "1\u202f234\u202f567 kr",
        "12 345,50",
        "123 45 Stockholm",
        "Kommunkoder 0114, 0115, 0117, 0120, 0123",
        "0114 0115 0117 0120",
        "ISBN 978-91-7343-121-2",
        "9789173431212",
        "x1981121898761y",  # 13 digits
        "81121898761",  # 11 digits
        "811218-98761",
        "1811218-9876",
        "Ring 81 12 18 98 76",  # spaces are never removed
        "tel 08 123 45 67 och 2022 04 29",
        "<td>811218</td><td>9876</td>",  # separate cells on screen
        "<p>811218</p><p>9876</p>",
        "kl. 10.30\u201312.00",
    ],
)
def test_guard_lets_through_hard_negatives(text):
    assert not contains_identity_number(text)


def test_hard_negatives_would_be_refused_by_a_naive_reading():
    """The negatives above are only hard if their digits pass the checks."""
    for digits in [
        "2204291005",
        "2401092024",
        "2205152024",
        "9503012024",
        "8112189876",
    ]:
        assert luhn_valid(digits), digits


# --- Property tests ---------------------------------------------------------

ALL_CHARS = [chr(code) for code in range(0x110000)]
DASHES = [c for c in ALL_CHARS if unicodedata.category(c) == "Pd"] + ["\u2212"]
SPACES = [c for c in ALL_CHARS if unicodedata.category(c) == "Zs"] + ["\t"]
SYMBOLS = [*DASHES, ".", "/", "+", "\uff0e", "\uff0f", "\uff0b", "\u2024"]
DIGIT_ZEROS = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x1D7CE]
INVISIBLE = [*ZERO_WIDTH, "\u200e", "\u2061"]
BOUNDARIES = [" ", "\u00a0", "(", ")", ",", "\n", ": ", "”"]
WORDS = st.text(alphabet=st.characters(categories=["L", "P", "Zs"]), max_size=25)

spaced_symbols = st.tuples(
    st.sampled_from(["", *SPACES]),
    st.sampled_from(SYMBOLS),
    st.sampled_from(["", *SPACES]),
).map("".join)


def other_digits(draw, text):
    """Write each ASCII digit in a randomly chosen decimal script."""
    return "".join(
        chr(draw(st.sampled_from(DIGIT_ZEROS)) + int(c)) if c.isdigit() else c
        for c in text
    )


@st.composite
def identity_numbers(draw):
    day = draw(st.dates(datetime.date(1890, 1, 1), datetime.date(2025, 12, 31)))
    coordination = draw(st.booleans())
    date = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}"
    serial = f"{draw(st.integers(0, 999)):03d}"
    serial += check_digit(date + serial)
    assume(personnummer.valid(f"{day:%Y}"[:2] + date + serial))
    return day, date, serial


@st.composite
def written_identity_numbers(draw):
    day, date, serial = draw(identity_numbers())
    century = f"{day:%Y}"[:2]
    shape = draw(st.sampled_from(["short", "long", "dashed"]))
    if shape == "dashed":
        part = draw(st.sampled_from([*DASHES, ".", "/", *SPACES]))
        separator = draw(spaced_symbols)
        # The one documented gap: a dash and a year just after the date's
        # own year reads as a period ("2021-03-15 – 2023").
        year = int(century + date[:2])
        assume(not (year <= int(serial) <= year + 20 and separator.strip() in DASHES))
        number = (
            f"{century}{date[:2]}{part}{date[2:4]}{part}{date[4:]}{separator}{serial}"
        )
    else:
        separator = draw(
            st.one_of(st.just(""), st.sampled_from(SPACES), spaced_symbols)
        )
        number = (century if shape == "long" else "") + date + separator + serial
    number = other_digits(draw, number) if draw(st.booleans()) else number
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(number)))
        number = number[:at] + draw(st.sampled_from(INVISIBLE)) + number[at:]
    return number


@settings(max_examples=500, deadline=None)
@given(
    before=WORDS,
    number=written_identity_numbers(),
    after=WORDS,
    left=st.sampled_from(BOUNDARIES),
    right=st.sampled_from(BOUNDARIES),
)
def test_property_valid_numbers_in_text_are_always_refused(
    before, number, after, left, right
):
    assert contains_identity_number(before + left + number + right + after)


def digits(draw, count):
    return "".join(str(draw(st.integers(0, 9))) for _ in range(count))


@st.composite
def organisation_numbers(draw):
    first = draw(st.sampled_from("2356789")) + digits(draw, 1)
    group = f"{draw(st.integers(20, 99)):02d}"
    nine = first + group + digits(draw, 5)
    ten = nine + check_digit(nine)
    separator = draw(st.one_of(st.just(""), st.sampled_from(SPACES), spaced_symbols))
    prefix = draw(st.sampled_from(["", "16"]))
    return prefix + ten[:6] + separator + ten[6:]


@st.composite
def phone_numbers(draw):
    space = draw(st.sampled_from([" ", "\u00a0", "\u202f", "\u2007"]))
    dash = draw(st.sampled_from(["-", "\u2013", "\u2011", " - "]))
    area = draw(st.sampled_from(["8", "7" + digits(draw, 1), "31", "40", "171"]))
    style = draw(st.sampled_from(["national", "international", "stockholm"]))
    if style == "international":
        groups = ["+46", area, digits(draw, 3), digits(draw, 2), digits(draw, 2)]
        return space.join(groups)
    if style == "stockholm":
        groups = [digits(draw, 3), digits(draw, 3), digits(draw, 2)]
        return "08" + dash + space.join(groups)
    groups = [digits(draw, 3), digits(draw, 2), digits(draw, 2)]
    return "0" + area + dash + space.join(groups)


@st.composite
def dates(draw):
    day = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)))
    part = draw(st.sampled_from(["-", "\u2011", "\u2013", ".", "/", " ", "\u00a0"]))
    written = f"{day:%Y}{part}{day:%m}{part}{day:%d}"
    kind = draw(st.sampled_from(["date", "time", "range", "period", "swedish"]))
    dash = draw(
        st.sampled_from(["-", "\u2013", "\u2014", " - ", " \u2013 ", "\u00a0\u2013 "])
    )
    if kind == "time":
        return (
            f"{written} {draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        )
    if kind == "range":
        end = draw(st.dates(day, datetime.date(2099, 12, 31)))
        return f"{written}{dash}{end:%Y}{part}{end:%m}{part}{end:%d}"
    if kind == "period":
        return f"{written}{dash}{day.year + draw(st.integers(0, 20))}"
    if kind == "swedish":
        return f"den {day.day}/{day.month} {day.year}"
    return written


@st.composite
def amounts(draw):
    space = draw(st.sampled_from([" ", "\u00a0", "\u202f"]))
    value = f"{draw(st.integers(0, 10**12)):,}".replace(",", space)
    if draw(st.booleans()):
        value += f",{draw(st.integers(0, 99)):02d}"
    return value + draw(st.sampled_from(["", " kr", " SEK"]))


@st.composite
def codes(draw):
    """Postal codes, kommunkod lists, ISBN and long runs of digits."""
    kind = draw(st.sampled_from(["postal", "kommun", "isbn", "run"]))
    if kind == "postal":
        return f"{digits(draw, 3)} {digits(draw, 2)} Ort"
    if kind == "kommun":
        count = draw(st.integers(1, 8))
        join = draw(st.sampled_from([", ", " ", "\n"]))
        return join.join(
            f"{draw(st.integers(1, 25)):02d}{digits(draw, 2)}" for _ in range(count)
        )
    if kind == "isbn":
        return (
            "978-91-" + digits(draw, 4) + "-" + digits(draw, 3) + "-" + digits(draw, 1)
        )
    # A valid number inside a longer run of digits is not a number of its own.
    _, date, serial = draw(identity_numbers())
    length = draw(st.sampled_from([11, 13, 14, 16, 20]))
    left = draw(st.integers(0, length - 10))
    return digits(draw, left) + date + serial + digits(draw, length - 10 - left)


NEGATIVES = st.one_of(
    organisation_numbers(), phone_numbers(), dates(), amounts(), codes()
)


@settings(max_examples=500, deadline=None)
@given(item=NEGATIVES, before=WORDS, after=WORDS)
def test_property_other_numbers_are_never_refused(item, before, after):
    assert not contains_identity_number(f"{before} {item} {after}")


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(NEGATIVES, min_size=2, max_size=5),
    joins=st.lists(st.sampled_from([*SPACES, ", ", " och ", "\n", "; "]), min_size=4),
)
def test_property_numbers_side_by_side_never_join_up(items, joins):
    text = items[0]
    for item, join in zip(items[1:], joins, strict=False):
        text += join + item
    assert not contains_identity_number(text)


# --- Forms outside the coordination area, and the audit ----------------------

NUMBER_RUNS = {"811218", "9876", "8112189876", "19811218", "198112189876"}


def assert_no_number_in(texts):
    for text in texts:
        for run in NUMBER_RUNS:
            assert run not in text, (run, text)


def audit_columns(event):
    return [str(getattr(event, f.attname)) for f in AuditEvent._meta.fields]


@pytest.fixture
def invitation_path(world, mailoutbox):
    from municipalities.coordination.invitations import invitation_send
    from municipalities.models import Invitation

    invitation = Invitation.objects.create(
        email="ny@example.se", group=world["group"], municipality=world["town_b"]
    )
    invitation_send(invitation)
    (message,) = mailoutbox
    link = next(line for line in message.body.splitlines() if "/inbjudan/" in line)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_invitation_names_with_a_number_are_refused_and_audited(
    invitation_path, field, caplog
):
    from portal.models import User

    data = {
        "first_name": "Ny",
        "last_name": "Person",
        "new_password1": "ett-bra-losenord-2024",
        "new_password2": "ett-bra-losenord-2024",
    }
    data[field] = "Ny 19811218\u20139876"
    with (
        time_machine.travel(datetime.datetime(2024, 5, 2, 10, tzinfo=datetime.UTC)),
        caplog.at_level(logging.DEBUG),
    ):
        response = Client().post(invitation_path, data, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 400
    form = response.context["form"]
    label = {"first_name": "Förnamn", "last_name": "Efternamn"}[field]
    assert form.errors[field] == [
        f"Fältet ”{label}” innehåller något som ser ut som ett personnummer "
        "eller samordningsnummer. Uppgifter om enskilda personer får inte "
        "föras in i portalen. Ta bort numret och spara igen."
    ]
    other = "last_name" if field == "first_name" else "first_name"
    assert form[other].value() == data[other]
    assert not User.objects.filter(email="ny@example.se").exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_email) == ("pii_refused", None, "")
    assert (event.object_type, event.object_id) == ("AcceptInvitationForm", field)
    assert (event.path, event.ip_address) == (invitation_path, "10.1.2.3")
    assert_no_number_in(audit_columns(event))
    assert_no_number_in(r.getMessage() for r in caplog.records)


def test_invitation_password_is_not_checked(invitation_path):
    password = "hemligt-811218-9876"  # hashed, never stored as typed

    response = Client().post(
        invitation_path,
        {
            "first_name": "Ny",
            "last_name": "Person",
            "new_password1": password,
            "new_password2": password,
        },
    )

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="pii_refused").exists()


@pytest.mark.django_db
def test_newsletter_address_with_a_number_is_refused(caplog):
    from django.core.cache import cache

    from programme.models import Subscriber

    cache.clear()
    with caplog.at_level(logging.DEBUG):
        response = Client().post(
            "/nyhetsbrev/",
            {"email": "811218-9876@example.se", "topics": "all", "consent": "on"},
            REMOTE_ADDR="10.0.0.9",
        )

    assert response.status_code == 400
    (message,) = response.context["form"].errors["email"]
    assert message.startswith("Fältet ”E-postadress” innehåller något som ser ut")
    assert not Subscriber.objects.exists()
    event = AuditEvent.objects.get()
    assert (event.object_type, event.object_id, event.actor) == (
        "SubscribeForm",
        "email",
        None,
    )
    assert (event.path, event.ip_address) == ("/nyhetsbrev/", "10.0.0.9")
    assert_no_number_in(audit_columns(event))
    assert_no_number_in(r.getMessage() for r in caplog.records)


def test_entry_refusal_is_audited_with_the_author_and_no_number(
    world, private_media, caplog
):
    from tests.municipalities.conftest import client_for

    with (
        time_machine.travel(datetime.datetime(2024, 5, 2, 10, tzinfo=datetime.UTC)),
        caplog.at_level(logging.DEBUG),
    ):
        response = client_for(world, "rep_a").post(
            "/samordning/lagesrapporter/ny/",
            {
                "group": world["group"].pk,
                "focus_area": world["area"].pk,
                "title": "Rubrik",
                "period_start": "2024-01-01",
                "period_end": "2024-01-31",
                "text": "Kontakt med 1981\u201112\u201118\u20119876.",
                "sharing_level": "group",
                "release_at": "2024-02-01T09:00",
            },
        )

    assert response.status_code == 400
    event = AuditEvent.objects.get(action="pii_refused")
    assert event.actor == world["users"]["rep_a"]
    assert event.actor_email == "rep_a@example.se"
    assert (event.object_type, event.object_id) == (
        "municipalities.ProgressEntry",
        "text",
    )
    # The coordination forms are built without the request.
    assert (event.path, event.ip_address) == (
        "/samordning/lagesrapporter/ny/",
        "127.0.0.1",
    )
    assert_no_number_in(audit_columns(event))
    assert_no_number_in(r.getMessage() for r in caplog.records)
    assert_no_number_in(str(r.args) for r in caplog.records)


@pytest.mark.django_db
def test_failed_login_with_a_number_is_recorded_without_it(caplog):
    from axes.models import AccessAttempt, AccessFailureLog

    with caplog.at_level(logging.DEBUG):
        response = Client().post(
            "/logga-in/",
            {"username": "19811218-9876@example.se", "password": "fel"},
            REMOTE_ADDR="10.0.0.7",
        )

    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "[personnummer borttaget]"
    for row in [attempt, *AccessFailureLog.objects.all()]:
        assert_no_number_in(str(getattr(row, f.attname)) for f in row._meta.fields)
    assert_no_number_in(r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_failed_login_keeps_an_ordinary_username():
    from axes.models import AccessAttempt

    Client().post(
        "/logga-in/",
        {"username": "anna@example.se", "password": "fel"},
        REMOTE_ADDR="10.0.0.7",
    )

    assert AccessAttempt.objects.get().username == "anna@example.se"
