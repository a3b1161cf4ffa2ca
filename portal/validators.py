"""Validators for Swedish identifiers used by more than one app."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_valid(digits: str) -> bool:
    """The modulus-10 check used by organisationsnummer and personnummer."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


KOMMUNKOD_RE = re.compile(r"^(0[1-9]|1\d|2[0-5])\d\d$")
ORGNR_RE = re.compile(r"^(\d{6})-?(\d{4})$")


def validate_kommunkod(value: str) -> None:
    if not KOMMUNKOD_RE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Kommunkoden ska vara fyra siffror: länskoden (01–25) följd av "
                "två siffror, till exempel 0123 för Järfälla."
            ),
            code="invalid_kommunkod",
        )


def normalise_orgnr(value: str) -> str:
    match = ORGNR_RE.fullmatch((value or "").strip())
    if not match:
        return value
    return f"{match.group(1)}-{match.group(2)}"


def validate_orgnr(value: str) -> None:
    match = ORGNR_RE.fullmatch((value or "").strip())
    if not match:
        raise ValidationError(
            _(
                "Organisationsnumret ska skrivas som tio siffror, till exempel "
                "212000-0142."
            ),
            code="invalid_orgnr_format",
        )
    digits = match.group(1) + match.group(2)
    if int(digits[2:4]) < 20:
        raise ValidationError(
            _(
                "Det här är inte ett organisationsnummer: siffra tre och fyra ska "
                "tillsammans vara minst 20."
            ),
            code="invalid_orgnr_group",
        )
    if not luhn_valid(digits):
        raise ValidationError(
            _(
                "Organisationsnumret har fel kontrollsiffra. Kontrollera att det "
                "är rätt skrivet."
            ),
            code="invalid_orgnr_checksum",
        )
