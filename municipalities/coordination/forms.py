"""Forms of the coordination area. Every text field passes the privacy guard."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.coordination import policies
from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Minutes,
    Municipality,
    Organisation,
    ProgressEntry,
    ReportingSchedule,
    WorkingGroup,
)
from portal.fields import BoundedDateFormField
from portal.privacy import PrivacyGuardMixin
from portal.uploads import MAX_ATTACHMENTS, check_attachment, safe_filename

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


def writable_groups(user):
    """The groups the user may write in: the choice mirrors the rule."""
    groups = WorkingGroup.objects.visible_to(user)
    if policies.is_coordinator(user):
        return groups
    return groups.of_member(user, writing=True)


class GuardedModelForm(PrivacyGuardMixin, forms.ModelForm):
    submit_label = _("Spara")

    def __init__(self, *args, user=None, request=None, **kwargs):
        self.guard_user = user
        self.guard_request = request  # refusals are audited with path and IP
        super().__init__(*args, **kwargs)
        # The fields' layout only: the form tag, CSRF token and button are
        # the form shell's (portal/partials.html#form_shell).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


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

    # A correction is shared as the version it corrects (services).
    VERSION_FIXED = ["group", "sharing_level", "release_at"]

    def __init__(self, *args, user, version_of=None, **kwargs):
        """`version_of`: the adopted entry a correction corrects (a new one,
        or the draft correction being changed)."""
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.version_of = version_of
        self.fields["release_at"].input_formats = [DATETIME_FORMAT]
        self.fields["release_at"].help_text = _(
            "Svensk tid. Före den här tidpunkten ser bara din egen kommun eller "
            "organisation och programstaben rapporten."
        )
        self.fields["group"].queryset = writable_groups(user)
        if version_of is not None:
            if self.instance.pk is None:
                for name in ("focus_area", "title", "period_start", "period_end"):
                    self.initial[name] = getattr(version_of, name)
                self.initial["text"] = version_of.text
            for name in self.VERSION_FIXED:
                self.initial[name] = getattr(version_of, name)
                self.fields[name].disabled = True
            self.fields["sharing_level"].help_text = _(
                "En rättelse delas med samma personer som originalet."
            )
        if policies.is_coordinator(user) and version_of is None:
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
        if "municipality" in self.fields:
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

    def _get_validation_exclusions(self):
        """The group and the focus area are not checked again by the model.

        Their fields have read the chosen rows from their own querysets (the
        groups narrowed to those the user writes in), so the model's check
        that the rows exist would only read them a second time. An entry has
        no uniqueness to check them in either."""
        return super()._get_validation_exclusions() | {"group", "focus_area"}

    def clean(self):
        # The period's order is the model's rule (ProgressEntry.clean).
        cleaned = super().clean()
        # Both of the model's check constraints are checked here in Python
        # (the period by ProgressEntry.clean, the unit below or by the
        # service), and the database holds them too: asking the database to
        # evaluate them for the form would cost three queries per save.
        self._validate_constraints = False
        if "municipality" in self.fields:
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
        # The minutes are records of their own (MinutesForm), with versions.
        fields = ["starts_at", "ends_at", "place", "video_link", "agenda"]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
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


class MinutesForm(GuardedModelForm):
    """The text of one version of a meeting's minutes."""

    class Meta:
        model = Minutes
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}


class ReportingScheduleForm(GuardedModelForm):
    class Meta:
        model = ReportingSchedule
        fields = ["frequency", "due_day", "indicators"]
        widgets = {"due_day": forms.NumberInput(attrs={"min": 1, "max": 28})}


class DecisionForm(GuardedModelForm):
    class Meta:
        model = Decision
        fields = ["meeting", "decided_on", "text", "follow_up"]
        widgets = {"decided_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(group=group)


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

        self.fields["decision"].queryset = Decision.objects.filter(group=group)
        # Current members only: former members and deactivated users are
        # no longer choices (Membership.objects.active leaves them out).
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active().filter(group=group).values("user_id"),
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
    submit_label = _("Skapa rapporten (PDF)")

    start = BoundedDateFormField(label=_("Från"), widget=DateInput())
    end = BoundedDateFormField(label=_("Till"), widget=DateInput())
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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatum kan inte vara före startdatum."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", _("En rapport kan omfatta högst tre år."))
        return cleaned


class PeriodChoiceField(forms.ChoiceField):
    """A choice among every reported period; the list shows one year's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokens = set()

    def valid_value(self, value):
        return value in self.tokens


class IndicatorPeriodForm(forms.Form):
    """One reported month or quarter; never a free range of dates.

    Tables for two overlapping ranges would give their difference away
    (October = September-October less September), so only whole, fixed
    periods that someone has reported for can be chosen.

    The list shows the periods of one year, the chosen period's (else the
    newest's), and `years` links to each year's newest period: a portal with
    reports for a hundred years lists sixteen periods, not two thousand.
    """

    period = PeriodChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period.token: period for period in periods}
        asked = self.data.get("period") if self.is_bound else None
        current = (
            self.periods.get(asked)
            or self.periods.get(self.initial.get("period"))
            or (periods[0] if periods else None)
        )
        self.year = current.start.year if current else None
        self.years = {}
        for period in periods:  # newest first: each year's first is its newest
            self.years.setdefault(period.start.year, period.token)
        shown = [p for p in periods if p.start.year == self.year]
        groups = [
            (_("Månader"), [(p.token, p.label) for p in shown if not p.is_quarter]),
            (_("Kvartal"), [(p.token, p.label) for p in shown if p.is_quarter]),
        ]
        field = self.fields["period"]
        field.choices = [(label, choices) for label, choices in groups if choices]
        field.tokens = set(self.periods)
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
