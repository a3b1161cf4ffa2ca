"""Dates and date-times bounded to a sane range, for models and forms alike.

A year-1 or year-9999 value is a valid Python date but not a usable one: in
Stockholm time year 1 carries the pre-1879 local mean time offset and turns
into year 0 in UTC, which Python cannot represent, so saving it fails on
SQLite and reading it back fails on PostgreSQL, on every page that shows it.

Every date and date-time field of the project's models is a
`BoundedDateField` or `BoundedDateTimeField` (tests/portal/test_date_bounds.py
fails for a plain one). Their form fields refuse a value outside the range
with a Swedish message while it is still a naive wall-clock value, before any
time zone is attached or converted; ModelForms and the admin pick them up
through `formfield()`, and the model fields' validators refuse the same
values in `full_clean()`, for values set in code. Forms that are not model
forms use `BoundedDateFormField` directly.

The free-text limits below are the `max_length` of every TextField.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Free text: the most characters a field takes; its form field refuses more
# (Django's Swedish message), so one pasted document cannot make every report
# and export of its period slow.
TEXT_MAX_LEAD = 1_000  # a news lead: one or two sentences
TEXT_MAX_DESCRIPTION = 10_000  # descriptions, summaries, purposes, bios
TEXT_MAX_COORDINATION = 20_000  # entries, meetings, decisions, actions
TEXT_MAX_PUBLISHED = 50_000  # news bodies, the mandate, sessions, presentations

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)

OUT_OF_RANGE = _("Ange ett datum från %(min)s till och med %(max)s.")


@deconstructible
class DateBoundsValidator:
    """Refuse a date, or a date-time by its own wall-clock date, outside
    [min_value, max_value]. Never converts between time zones: the wall-clock
    date of any representable date-time is at most a day from its UTC date,
    so a value that passes can always be converted afterwards."""

    code = "date_out_of_range"

    def __init__(self, min_value=DATE_MIN, max_value=DATE_MAX):
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not self.min_value <= day <= self.max_value:
            raise ValidationError(
                OUT_OF_RANGE,
                code=self.code,
                params={
                    "min": self.min_value.isoformat(),
                    "max": self.max_value.isoformat(),
                },
            )

    def __eq__(self, other):
        return (
            isinstance(other, DateBoundsValidator)
            and self.min_value == other.min_value
            and self.max_value == other.max_value
        )


class _BoundedFormFieldMixin:
    def __init__(self, *, min_value=DATE_MIN, max_value=DATE_MAX, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        self.bounds = DateBoundsValidator(min_value, max_value)
        super().__init__(**kwargs)
        self.validators.append(self.bounds)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        input_type = getattr(widget, "input_type", None)
        if input_type == "date":
            attrs.update(min=self.min_value.isoformat(), max=self.max_value.isoformat())
        elif input_type == "datetime-local":
            attrs.update(
                min=f"{self.min_value.isoformat()}T00:00",
                max=f"{self.max_value.isoformat()}T23:59",
            )
        return attrs


class BoundedDateFormField(_BoundedFormFieldMixin, forms.DateField):
    def to_python(self, value):
        result = super().to_python(value)
        self.bounds(result)
        return result


class BoundedDateTimeFormField(_BoundedFormFieldMixin, forms.DateTimeField):
    def to_python(self, value):
        # Django's own to_python, with the bounds checked on the naive
        # wall-clock value before the current time zone is attached.
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):  # a datetime is a date too
            self.bounds(value)
            return super().to_python(value)
        try:
            result = parse_datetime(value.strip())
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if not result:
            result = BaseTemporalField.to_python(self, value)
        self.bounds(result)
        return super().to_python(result)


class BoundedSplitDateTimeFormField(forms.SplitDateTimeField):
    """The admin's date-and-time pair: the date half is bounded, so nothing
    outside the range is ever combined into an aware date-time."""

    def __init__(self, *, min_value=DATE_MIN, max_value=DATE_MAX, **kwargs):
        super().__init__(**kwargs)
        plain = self.fields[0]
        date_field = BoundedDateFormField(
            min_value=min_value,
            max_value=max_value,
            input_formats=plain.input_formats,
            error_messages=plain.error_messages,
            localize=plain.localize,
            required=plain.required,
            disabled=plain.disabled,
        )
        self.fields = (date_field, self.fields[1])


# The form field Django would choose -> its bounded counterpart.
_BOUNDED_FORM_FIELDS = {
    forms.DateField: BoundedDateFormField,
    forms.DateTimeField: BoundedDateTimeFormField,
    forms.SplitDateTimeField: BoundedSplitDateTimeFormField,
}


class _BoundedModelFieldMixin:
    default_form_class = None  # set by each field class

    def __init__(self, *args, min_value=DATE_MIN, max_value=DATE_MAX, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.min_value != DATE_MIN:
            kwargs["min_value"] = self.min_value
        if self.max_value != DATE_MAX:
            kwargs["max_value"] = self.max_value
        return name, path, args, kwargs

    @cached_property
    def validators(self):
        return [
            *super().validators,
            DateBoundsValidator(self.min_value, self.max_value),
        ]

    def formfield(self, **kwargs):
        chosen = kwargs.get("form_class", self.default_form_class)
        bounded = _BOUNDED_FORM_FIELDS.get(chosen)
        if bounded is not None:
            kwargs = {
                **kwargs,
                "form_class": bounded,
                "min_value": self.min_value,
                "max_value": self.max_value,
            }
        return super().formfield(**kwargs)


class BoundedDateField(_BoundedModelFieldMixin, models.DateField):
    default_form_class = forms.DateField


class BoundedDateTimeField(_BoundedModelFieldMixin, models.DateTimeField):
    default_form_class = forms.DateTimeField
