import pytest
from django.core.exceptions import ValidationError

from municipalities.models import Municipality
from portal.validators import luhn_valid, validate_kommunkod, validate_orgnr
from tests import factories


@pytest.mark.parametrize("code", ["0114", "0123", "0191", "2583"])
def test_kommunkod_valid(code):
    validate_kommunkod(code)


@pytest.mark.parametrize("code", ["123", "01234", "01a3", "0000", "2601", "", " 0123"])
def test_kommunkod_invalid_is_refused_with_clear_message(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_kommunkod(code)

    assert "Kommunkoden ska vara fyra siffror" in excinfo.value.messages[0]


@pytest.mark.parametrize("number", ["212000-0019", "2120000100", "212000-0134"])
def test_orgnr_valid(number):
    validate_orgnr(number)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("212000-0018", "fel kontrollsiffra"),
        ("21200-00019", "tio siffror"),
        ("abc", "tio siffror"),
        ("001219-3421", "inte ett organisationsnummer"),
    ],
)
def test_orgnr_invalid_is_refused_with_clear_message(number, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_orgnr(number)

    assert message in excinfo.value.messages[0]


def test_luhn_valid_known_values():
    assert luhn_valid("2120000019")
    assert not luhn_valid("2120000018")


@pytest.mark.django_db
def test_municipality_full_clean_reports_field_errors():
    municipality = Municipality(
        name="Testkommun", slug="testkommun", kommunkod="12", org_number="212000-0018"
    )

    with pytest.raises(ValidationError) as excinfo:
        municipality.full_clean()

    assert set(excinfo.value.message_dict) == {"kommunkod", "org_number"}


@pytest.mark.django_db
def test_municipality_org_number_is_normalised():
    municipality = factories.MunicipalityFactory(org_number="2120000019")

    municipality.refresh_from_db()

    assert municipality.org_number == "212000-0019"
