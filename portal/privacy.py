"""The privacy guard: no personnummer or samordningsnummer may be stored.

A candidate is 10 or 12 digits, optionally with '-', '+' or a space before
the last four, that is not part of a longer run of digits. It is refused when
it is a real date (or a samordningsnummer: day + 60) and its last ten digits
pass the Luhn check. Organisation numbers have 20 or more in the month
position, so they are never dates and pass. The number itself is never
logged or echoed back.
"""

import calendar
import logging
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.validators import luhn_valid

logger = logging.getLogger("portal.privacy")

CANDIDATE_RE = re.compile(
    r"(?<![\d])(?P<century>\d{2})?(?P<date>\d{6})[-+ ]?(?P<serial>\d{4})(?![\d])"
)


def _real_date(year_digits: str, month: int, day: int, century: str | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day > 60:
        day -= 60  # samordningsnummer
    centuries = [int(century)] if century else [19, 20, 18]
    for hundred in centuries:
        year = hundred * 100 + int(year_digits)
        if 1 <= day <= calendar.monthrange(year, month)[1]:
            return True
    return False


def is_identity_number(match: re.Match) -> bool:
    century = match.group("century")
    if century and century not in ("18", "19", "20"):
        return False
    date = match.group("date")
    year_digits, month, day = date[:2], int(date[2:4]), int(date[4:6])
    if not _real_date(year_digits, month, day, century):
        return False
    return luhn_valid(date + match.group("serial"))


def contains_identity_number(text: str) -> bool:
    return any(is_identity_number(m) for m in CANDIDATE_RE.finditer(text or ""))


def refuse_identity_numbers(value, *, field_label, user=None):
    """Raise a Swedish ValidationError naming the field; log without the number."""
    if contains_identity_number(str(value or "")):
        logger.warning(
            "pii_refused field=%s user=%s",
            field_label,
            getattr(user, "pk", None),
        )
        raise ValidationError(
            _(
                "Fältet ”%(field)s” innehåller något som ser ut som ett "
                "personnummer eller samordningsnummer. Uppgifter om enskilda "
                "personer får inte föras in i portalen. Ta bort numret och "
                "spara igen."
            ),
            code="identity_number",
            params={"field": field_label},
        )


class PrivacyGuardMixin:
    """For forms: every text field (and file name) is checked on clean.

    Set `guard_user` on the form to have refusals attributed in the log.
    """

    guard_user = None

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(value, str):
                checked = value
            elif hasattr(value, "name") and hasattr(value, "size"):
                checked = value.name
            elif isinstance(value, list | tuple):
                checked = " ".join(
                    getattr(item, "name", "") for item in value if item is not None
                )
            else:
                continue
            try:
                refuse_identity_numbers(
                    checked, field_label=str(field.label or name), user=self.guard_user
                )
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned
