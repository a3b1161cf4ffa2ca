"""The privacy guard: no personnummer or samordningsnummer may be stored.

Text is first folded to what a reader sees: every Unicode dash and minus sign
becomes '-', every space character ' ', invisible format characters and
combining marks disappear, and decimal digits of any script become ASCII
digits. Markup and URL escapes are also read as rendered. Then two shapes are
candidates, each standing alone (no digit directly before or after):

* YYMMDD or CCYYMMDD, one separator group, then four digits. The separator
  group is at most three characters: one of '-+./' with an optional space on
  each side, or one or two spaces. Spaces are never removed, so numbers that
  stand next to each other ("08 123 45 67 och 2022 04 29") never join up.
* CCYY-MM-DD (the same '-', '.', '/' or space between the parts) followed by
  '-', '+', '.' or '/' (optionally spaced) and four digits.

A candidate is refused when its date is real (or a samordningsnummer: day +
60) and its last ten digits pass the Luhn check. Organisation numbers have 20
or more in the month position, so they are never dates and pass. A year that
goes on as a date ("2024-01-09 – 2024-02-08"), or a year at most 20 years
after a CCYY-MM-DD date and a dash ("2021-03-15 – 2023"), ends a period and
is not a serial number: the only shapes in which a real number gets through.

The number itself is never logged, audited or echoed back.
"""

import calendar
import functools
import html
import logging
import re
import unicodedata
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.forms import FileField, PasswordInput
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_event
from portal.models import AuditEvent
from portal.validators import luhn_valid

logger = logging.getLogger("portal.privacy")

CENTURIES = ("18", "19", "20")

COMPACT_RE = re.compile(
    r"(?<!\d)(?P<century>\d{2})?(?P<date>\d{6})"
    r"(?P<separator>\x20?[-+./]\x20?|\x20{1,2})?"
    r"(?P<serial>\d{4})(?!\d)"
)
DASHED_RE = re.compile(
    r"(?<!\d)(?P<century>1[89]|20)(?P<year>\d\d)(?P<part>[-./\x20])"
    r"(?P<month>\d\d)(?P=part)(?P<day>\d\d)"
    r"(?P<separator>\x20?[-+./]\x20?)"
    r"(?P<serial>\d{4})(?!\d)"
)
# After a year, a separator and a month: the four digits began another date.
_MONTH_AFTER_RE = re.compile(r"[-./](?:0[1-9]|1[0-2])(?!\d)")
_SPACED_MONTH_AFTER_RE = re.compile(r"[-./\x20](?:0[1-9]|1[0-2])(?!\d)")
# A period written "2021-03-15 – 2023" ends within this many years.
PERIOD_YEARS = 20

# Tags stop at the next '<' so that text full of unclosed '<' stays linear.
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|td|th|tr|table|hr|pre|section)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[^<>]*>")
_SEPARATORS = frozenset("-+./")


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):
        return ""  # invisible: zero-width spaces, joiners, soft hyphen, marks
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd" or char == "\u2212":
        return "-"
    if category == "Zs":
        return " "
    compatible = unicodedata.normalize("NFKC", char)
    return compatible if compatible in _SEPARATORS else char


def normalise(text: str) -> str:
    """Fold dashes, spaces, invisible characters and digits to plain ASCII."""
    if text.isascii():
        return text.replace("\t", " ")
    return "".join(
        char if char.isascii() else _fold_char(char) for char in text
    ).replace("\t", " ")


def _readings(text: str):
    """The text as typed, and as a browser would show it when it is markup."""
    yield text
    if "<" in text or "&" in text:
        shown = html.unescape(_TAG_RE.sub("", _BLOCK_TAG_RE.sub("\n", text)))
        if shown != text:
            yield shown
    if "%" in text:
        yield unquote(text)


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


def _is_identity_number(century: str | None, date: str, serial: str) -> bool:
    if century and century not in CENTURIES:
        return False
    year_digits, month, day = date[:2], int(date[2:4]), int(date[4:6])
    if not _real_date(year_digits, month, day, century):
        return False
    return luhn_valid(date + serial)


def _begins_a_date(text: str, match: re.Match) -> bool:
    """'2024-01-09 – 2024-02-08': the four digits are the next date's year.

    A date written with spaces ("2024 01 09") may go on with a space.
    """
    spaced = match.re is DASHED_RE and match.group("part") == " "
    month_after = _SPACED_MONTH_AFTER_RE if spaced else _MONTH_AFTER_RE
    return match.group("serial")[:2] in CENTURIES and bool(
        month_after.match(text, match.end())
    )


def _reads_as_period(match: re.Match) -> bool:
    """'2021-03-15 – 2023': a date, a dash and a later year."""
    if "-" not in match.group("separator"):
        return False
    start = int(match.group("century") + match.group("year"))
    return start <= int(match.group("serial")) <= start + PERIOD_YEARS


def _folded_contains(text: str) -> bool:
    for match in COMPACT_RE.finditer(text):
        if not _begins_a_date(text, match) and _is_identity_number(
            match.group("century"), match.group("date"), match.group("serial")
        ):
            return True
    for match in DASHED_RE.finditer(text):
        date = match.group("year") + match.group("month") + match.group("day")
        if (
            not _begins_a_date(text, match)
            and not _reads_as_period(match)
            and _is_identity_number(match.group("century"), date, match.group("serial"))
        ):
            return True
    return False


def contains_identity_number(text: str) -> bool:
    return any(
        _folded_contains(normalise(reading)) for reading in _readings(text or "")
    )


def record_refusal(*, field_label, field_name, object_type, user=None, request=None):
    """Log and audit that a field was refused: which field, never its value."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    logger.warning(
        "pii_refused field=%s type=%s user=%s",
        field_label,
        object_type,
        getattr(user, "pk", None),
    )
    if request is not None and contains_identity_number(request.path):
        request = None  # the address itself would store the number
    audit_event(
        action=AuditEvent.Action.PII_REFUSED,
        actor=user,
        object_type=object_type,
        object_id=field_name,
        request=request,
    )


def refuse_identity_numbers(
    value, *, field_label, user=None, request=None, object_type="", field_name=""
):
    """Raise a Swedish ValidationError naming the field.

    The refusal is logged and audited by field and object type, never with
    the value.
    """
    if not contains_identity_number(str(value or "")):
        return
    record_refusal(
        field_label=str(field_label),
        field_name=field_name,
        object_type=object_type,
        user=user,
        request=request,
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


def _checked_text(value) -> str | None:
    """The text a cleaned value would store, or None when it holds no text."""
    if isinstance(value, str):
        return value
    if isinstance(value, File):
        return value.name or ""
    if isinstance(value, list | tuple):
        names = [item.name or "" for item in value if isinstance(item, File)]
        return "\n".join(names) if names else None
    return None


def _uploaded_names(form, name) -> str:
    """The names the browser sent, before any cleaning renamed the files."""
    files = form.files
    key = form.add_prefix(name)
    uploads = files.getlist(key) if hasattr(files, "getlist") else [files.get(key)]
    return "\n".join(upload.name or "" for upload in uploads if upload is not None)


class PrivacyGuardMixin:
    """For forms: every text field (and file name) is checked on clean.

    Set `guard_user` (or `guard_request`, from which the user is taken) on the
    form to have refusals attributed; with a request the audit row also gets
    the path and address. Password fields are hashed, never stored, and are
    not checked; disabled fields cannot be changed by the user.
    """

    guard_user = None
    guard_request = None

    def guard_object_type(self) -> str:
        meta = getattr(self, "_meta", None)
        model = getattr(meta, "model", None)
        return model._meta.label if model is not None else type(self).__name__

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if field.disabled or isinstance(field.widget, PasswordInput):
                continue
            checked = _checked_text(cleaned.get(name))
            if isinstance(field, FileField) and self.files:
                # Separate lines, so two names never read as one number.
                checked = f"{checked or ''}\n{_uploaded_names(self, name)}"
            if checked is None:
                continue
            try:
                refuse_identity_numbers(
                    checked,
                    field_label=str(field.label or name),
                    user=self.guard_user,
                    request=self.guard_request,
                    object_type=self.guard_object_type(),
                    field_name=name,
                )
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned


def guard_form_class(form_class, *, request=None):
    """A subclass of `form_class` that runs the guard and knows the request."""
    bases = (
        (form_class,)
        if issubclass(form_class, PrivacyGuardMixin)
        else (PrivacyGuardMixin, form_class)
    )
    return type(
        form_class.__name__,
        bases,
        {"guard_request": request, "__module__": form_class.__module__},
    )


def guard_formset_class(formset_class, *, request=None):
    return type(
        formset_class.__name__,
        (formset_class,),
        {"form": guard_form_class(formset_class.form, request=request)},
    )


class PrivacyGuardAdminMixin:
    """For ModelAdmin: the change form, list-editable rows and every inline
    pass the guard, and refusals are audited with the request.

    Put it first among the bases. Inlines need nothing of their own: their
    formsets are wrapped here. tests/portal/test_admin_guard.py fails for any
    registered admin that hands out an unguarded form.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return guard_form_class(form, request=request)

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return guard_form_class(form, request=request)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield guard_formset_class(formset, request=request), inline


REDACTED_USERNAME = "[personnummer borttaget]"


def axes_username(request, credentials=None):
    """The username django-axes records and locks on: normalised, and
    without a number.

    Axes stores what was typed in the username field; someone who signs in
    with their personnummer out of habit must not leave it in the database.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if username and contains_identity_number(str(username)):
        return REDACTED_USERNAME
    # One counter per account: addresses are stored in lower case and sign-in
    # ignores case, so the lockout must too (KOMMUN@… is kommun@…).
    return str(username).strip().lower() if username else username
