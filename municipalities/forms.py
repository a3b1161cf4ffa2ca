"""Forms of the coordination area. Every text field passes the privacy guard."""

import io
import zipfile
from pathlib import PurePath

import puremagic
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    ProgressEntry,
    WorkingGroup,
)
from portal.privacy import PrivacyGuardMixin
from portal.uploads import reencode_image, validate_pdf

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 5
_OOXML = "application/vnd.openxmlformats-officedocument."
OFFICE_TYPES = {
    ".docx": _OOXML + "wordprocessingml.document",
    ".xlsx": _OOXML + "spreadsheetml.sheet",
    ".pptx": _OOXML + "presentationml.presentation",
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def safe_filename(name: str) -> str:
    """The file's own name without folders or control characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(
        char for char in base if char.isprintable() and char not in "\u202e\u202d"
    )
    return cleaned.strip()[:150] or "bilaga"


def check_attachment(upload):
    """Return (content, content_type) for an allowed file or raise."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("”%(name)s” är för stor. Största tillåtna storlek är %(limit)s."),
            params={
                "name": safe_filename(upload.name),
                "limit": filesizeformat(MAX_ATTACHMENT_BYTES),
            },
        )
    suffix = PurePath(upload.name).suffix.lower()
    refused = ValidationError(
        _(
            "”%(name)s” kan inte bifogas. Tillåtna filer är PDF, Word, Excel, "
            "PowerPoint (docx, xlsx, pptx) och bilder (JPEG, PNG, WebP)."
        ),
        params={"name": safe_filename(upload.name)},
    )
    if suffix == ".pdf":
        validate_pdf(upload)
        upload.seek(0)
        return upload.read(), "application/pdf"
    if suffix in IMAGE_SUFFIXES:
        clean = reencode_image(upload)
        return clean.read(), clean.content_type
    if suffix in OFFICE_TYPES:
        upload.seek(0)
        data = upload.read()
        try:
            kind = puremagic.from_string(data, mime=True)
        except puremagic.PureError as exc:
            raise refused from exc
        if "zip" not in kind and "openxmlformats" not in kind:
            raise refused
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                total = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise refused from exc
        if "[Content_Types].xml" not in names or total > 10 * MAX_ATTACHMENT_BYTES:
            raise refused
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationError(
                _("”%(name)s” innehåller makron och kan inte bifogas."),
                params={"name": safe_filename(upload.name)},
            )
        return data, OFFICE_TYPES[suffix]
    raise refused


class GuardedModelForm(PrivacyGuardMixin, forms.ModelForm):
    submit_label = _("Spara")

    def __init__(self, *args, user=None, **kwargs):
        self.guard_user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class ProgressEntryForm(GuardedModelForm):
    attachments = MultipleFileField(
        label=_("Bilagor"),
        required=False,
        help_text=_(
            "Högst fem filer: PDF, Word, Excel, PowerPoint eller bilder, "
            "högst 20 MB per fil. Filnamnen får inte innehålla "
            "personuppgifter."
        ),
    )

    class Meta:
        model = ProgressEntry
        fields = [
            "group",
            "focus_area",
            "title",
            "period_start",
            "period_end",
            "text",
            "sharing_level",
            "release_at",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "release_at": LocalDateTimeInput(),
            "text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.fields["release_at"].input_formats = [DATETIME_FORMAT]
        self.fields["release_at"].help_text = _(
            "Svensk tid. Före den här tidpunkten ser bara din egen kommun eller "
            "organisation och programstaben rapporten."
        )
        groups = WorkingGroup.objects.all()
        if not user.is_staff:
            groups = groups.filter(
                pk__in=Membership.objects.active().filter(user=user).values("group_id")
            )
        self.fields["group"].queryset = groups
        if user.is_staff:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Kommun"),
                queryset=Municipality.objects.all(),
                required=False,
                initial=self.instance.municipality_id,
            )
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"),
                queryset=Organisation.objects.all(),
                required=False,
                initial=self.instance.organisation_id,
                help_text=_("Programstaben väljer kommun eller organisation."),
            )
        if self.instance.pk is None and "release_at" not in self.initial:
            self.initial["release_at"] = timezone.localtime().replace(
                second=0, microsecond=0
            )
        layout = [
            HTML(
                '<p class="alert alert-warning" id="no-individuals">'
                + str(
                    _(
                        "Skriv aldrig uppgifter om enskilda personer: inga namn, "
                        "personnummer eller detaljer som kan peka ut någon. "
                        "Redovisa arbete som gjorts och sammanräknade antal."
                    )
                )
                + "</p>"
            ),
            "group",
        ]
        if user.is_staff:
            layout += ["municipality", "organisation"]
        layout += [
            "focus_area",
            "title",
            "period_start",
            "period_end",
            Field("text", aria_describedby="no-individuals"),
            "sharing_level",
            "release_at",
        ]
        if self.instance.pk is None:
            layout.append("attachments")
        else:
            del self.fields["attachments"]
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", _("Periodens slut kan inte vara före dess början.")
            )
        if self.user.is_staff:
            municipality = cleaned.get("municipality")
            organisation = cleaned.get("organisation")
            if bool(municipality) == bool(organisation):
                self.add_error(
                    "municipality",
                    _("Välj antingen en kommun eller en organisation."),
                )
        files = cleaned.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            self.add_error(
                "attachments",
                _("Högst %(max)d bilagor per rapport.") % {"max": MAX_ATTACHMENTS},
            )
        checked = []
        for upload in files:
            try:
                content, content_type = check_attachment(upload)
            except ValidationError as error:
                self.add_error("attachments", error)
                continue
            checked.append((safe_filename(upload.name), content, content_type))
        cleaned["checked_attachments"] = checked
        return cleaned


class MeetingForm(GuardedModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "place", "video_link", "agenda", "minutes"]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT]
            self.fields[name].help_text = _("Svensk tid.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("Mötet måste sluta efter att det har börjat."))
        return cleaned


class DecisionForm(GuardedModelForm):
    class Meta:
        model = Decision
        fields = ["meeting", "decided_on", "text", "follow_up"]
        widgets = {"decided_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = group.meetings.all()


class ActionForm(GuardedModelForm):
    class Meta:
        model = Action
        fields = ["what", "decision", "owner", "due_date", "status", "report_back"]
        widgets = {
            "due_date": DateInput(),
            "what": forms.Textarea(attrs={"rows": 3}),
            "report_back": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.models import User

        self.fields["decision"].queryset = group.decisions.all()
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=Membership.objects.active().filter(group=group).values("user_id")
        )


class StatusForm(GuardedModelForm):
    class Meta:
        model = FocusAreaStatus
        fields = ["stage", "comment", "sharing_level"]


class IndicatorForm(GuardedModelForm):
    """Whole, non-negative numbers only; Django refuses decimals and text."""

    class Meta:
        model = IndicatorReport
        fields = ["period_kind", "period_start", *IndicatorReport.INDICATORS]
        widgets = {"period_start": DateInput()}

    def __init__(self, *args, user, municipality_choices=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in IndicatorReport.INDICATORS:
            field = self.fields[name]
            field.min_value = 0
            field.widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})
            field.error_messages["invalid"] = _("Ange ett heltal, 0 eller större.")
            field.error_messages["min_value"] = _("Ange ett heltal, 0 eller större.")
        if municipality_choices is not None:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Kommun"), queryset=municipality_choices
            )
            self.order_fields(["municipality"])


class ReportForm(forms.Form):
    start = forms.DateField(label=_("Från"), widget=DateInput())
    end = forms.DateField(label=_("Till"), widget=DateInput())
    focus_area = forms.ModelChoiceField(
        label=_("Fokusområde"),
        queryset=None,
        required=False,
        empty_label=_("Alla fokusområden"),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner"),
        queryset=Municipality.objects.participating(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj inga för att ta med alla kommuner."),
    )

    def __init__(self, *args, **kwargs):
        from programme.models import FocusArea

        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.all()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("submit", _("Skapa rapporten (PDF)")))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatum kan inte vara före startdatum."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", _("En rapport kan omfatta högst tre år."))
        return cleaned


class IndicatorPeriodForm(forms.Form):
    """One reported month or quarter; never a free range of dates.

    Tables for two overlapping ranges would give their difference away
    (October = September-October less September), so only whole, fixed
    periods that someone has reported for can be chosen.
    """

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period.token: period for period in periods}
        groups = [
            (_("Månader"), [(p.token, p.label) for p in periods if not p.is_quarter]),
            (_("Kvartal"), [(p.token, p.label) for p in periods if p.is_quarter]),
        ]
        field = self.fields["period"]
        field.choices = [(label, choices) for label, choices in groups if choices]
        # The default message repeats what was sent; this one never does.
        field.error_messages["invalid_choice"] = _(
            "Välj en av de rapporterade perioderna i listan."
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("submit", _("Visa")))

    def clean_period(self):
        """The chosen Period, or None when none was asked for."""
        return self.periods.get(self.cleaned_data["period"])
