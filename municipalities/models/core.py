"""Municipalities, partner organisations and the working groups they form."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.validators import normalise_orgnr, validate_kommunkod, validate_orgnr


class MunicipalityQuerySet(models.QuerySet):
    def participating(self):
        return self.filter(participates=True)


class Municipality(models.Model):
    """One of the owner municipalities (ägarkommuner) of FoU Nordväst."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    official_name = models.CharField(
        _("officiellt namn"),
        max_length=120,
        blank=True,
        help_text=_("Till exempel Sundbybergs stad."),
    )
    slug = models.SlugField(_("kortnamn i adressen"), max_length=80, unique=True)
    kommunkod = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        validators=[validate_kommunkod],
        help_text=_("Fyra siffror enligt SCB, till exempel 0123."),
    )
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_orgnr],
        help_text=_("Valfritt. Tio siffror, till exempel 212000-0142."),
    )
    seat = models.CharField(_("centralort"), max_length=100, blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    participates = models.BooleanField(
        _("deltar i uppdraget"),
        default=True,
        help_text=_("Avmarkera för en ägarkommun som inte deltar i uppdraget."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kommunkod__regex=r"^[0-9]{4}$"),
                name="municipality_kommunkod_four_digits",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.org_number:
            self.org_number = normalise_orgnr(self.org_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("municipalities:detail", kwargs={"slug": self.slug})


class Organisation(models.Model):
    """A partner that is not a municipality: police, county board, NGO, R&D unit."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Polisen")
        COUNTY_BOARD = "county_board", _("Länsstyrelsen")
        NGO = "ngo", _("Idéburen organisation")
        RND_UNIT = "rnd_unit", _("FoU-enhet")
        OTHER = "other", _("Annan")

    name = models.CharField(_("namn"), max_length=150, unique=True)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=80, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("webbplats"), blank=True)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingGroupQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        from municipalities import policies

        return policies.visible_groups(self, user, now)


class WorkingGroup(models.Model):
    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("Strategisk arbetsgrupp")
        OPERATIONAL = "operational", _("Operativ arbetsgrupp")

    mandate = models.ForeignKey(
        "programme.Mandate",
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="working_groups",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=150)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=80, unique=True)
    purpose = models.TextField(_("syfte"))
    meeting_cadence = models.CharField(
        _("mötesfrekvens"),
        max_length=120,
        blank=True,
        help_text=_("Till exempel En gång i månaden."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("kommuner"),
        blank=True,
        related_name="working_groups",
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisationer"),
        blank=True,
        related_name="working_groups",
    )

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("arbetsgrupp")
        verbose_name_plural = _("arbetsgrupper")
        ordering = ["kind", "name"]
        permissions = [
            (
                "coordinate",
                _("Får se och hantera allt i samordningen (programledningen)"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "name"], name="working_group_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:group-detail", kwargs={"slug": self.slug})


class MembershipQuerySet(models.QuerySet):
    def active(self, today=None):
        """Seats held today by users who may still sign in."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, user__is_active=True).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )

    def visible_to(self, user, now=None):
        from municipalities import policies

        return policies.visible_memberships(self, user, now)


class Membership(models.Model):
    """A person's seat in a working group, on behalf of a municipality or partner."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        SECRETARY = "secretary", _("Sekreterare")
        MEMBER = "member", _("Ledamot")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(
        _("roll"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    start_date = models.DateField(_("från"), default=timezone.localdate)
    end_date = models.DateField(_("till och med"), null=True, blank=True)
    partner_can_write = models.BooleanField(
        _("samverkansparten får skriva"),
        default=False,
        help_text=_(
            "Samverkansparter (polis, länsstyrelse, organisationer) kan bara läsa "
            "i gruppen om inte detta är ikryssat. Kommunrepresentanter får alltid "
            "skriva i sina grupper."
        ),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["group", "role", "user"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organisation__isnull=True)
                    | Q(municipality__isnull=True, organisation__isnull=False)
                ),
                name="membership_one_of_municipality_or_organisation",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["user", "group"], name="membership_unique_user_group"
            ),
            models.CheckConstraint(
                condition=Q(partner_can_write=False) | Q(organisation__isnull=False),
                name="membership_write_flag_only_for_partners",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.group} ({self.get_role_display()})"

    def clean(self):
        if bool(self.municipality_id) == bool(self.organisation_id):
            raise ValidationError(
                _("Ange antingen en kommun eller en organisation, inte båda.")
            )
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("Slutdatum kan inte vara före startdatum.")}
            )
        if self.partner_can_write and not self.organisation_id:
            raise ValidationError(
                {
                    "partner_can_write": _(
                        "Skrivrätten gäller bara samverkansparter; "
                        "kommunrepresentanter får alltid skriva."
                    )
                }
            )

    @property
    def can_write(self):
        """Representatives write in their groups; partners only when granted."""
        return self.municipality_id is not None or self.partner_can_write


class Stage(models.TextChoices):
    """Where a municipality stands in the work of a focus area."""

    NOT_STARTED = "not_started", _("Inte påbörjat")
    MAPPING = "mapping", _("Kartläggning")
    PLANNING = "planning", _("Planering")
    IMPLEMENTING = "implementing", _("Genomförande")
    FOLLOW_UP = "follow_up", _("Uppföljning")


class FocusAreaStatusQuerySet(models.QuerySet):
    def public(self):
        """Only stages shared as Öppen reach the public municipality pages."""
        from municipalities.models.coordination import SharingLevel

        return self.filter(
            sharing_level=SharingLevel.OPEN, municipality__participates=True
        )

    def visible_to(self, user, now=None):
        from municipalities import policies

        return policies.visible_statuses(self, user, now)


class FocusAreaStatus(models.Model):
    """A municipality's current stage in one focus area, with its history."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        related_name="statuses",
    )
    focus_area = models.ForeignKey(
        "programme.FocusArea",
        verbose_name=_("fokusområde"),
        on_delete=models.CASCADE,
        related_name="statuses",
    )
    stage = models.CharField(
        _("skede"), max_length=20, choices=Stage.choices, default=Stage.NOT_STARTED
    )
    comment = models.CharField(
        _("kommentar"),
        max_length=300,
        blank=True,
        help_text=_("En kort mening om läget. Skriv aldrig om enskilda personer."),
    )
    sharing_level = models.CharField(
        _("delas med"),
        max_length=10,
        choices=[
            ("open", _("Öppen – visas på webbplatsen")),
            ("mandate", _("Uppdraget – alla inloggade")),
            ("own", _("Egen kommun – egen kommun och programstaben")),
        ],
        default="own",
        help_text=_(
            "Bara läget som delas som Öppen visas på de publika kommunsidorna."
        ),
    )
    updated_at = models.DateTimeField(_("senast uppdaterad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppdaterad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = FocusAreaStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("läge per fokusområde")
        verbose_name_plural = _("läge per fokusområde")
        ordering = ["municipality", "focus_area"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "focus_area"],
                name="focus_area_status_unique",
            )
        ]

    def __str__(self):
        return f"{self.municipality}: {self.focus_area} – {self.get_stage_display()}"

    def is_stale(self, today, days):
        return (today - timezone.localtime(self.updated_at).date()).days > days


class IndicatorReportQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        from municipalities import policies

        return policies.visible_indicator_reports(self, user, now)


class IndicatorReport(models.Model):
    """Aggregate counts for one municipality and period. Never individuals."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Månad")
        QUARTER = "quarter", _("Kvartal")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        related_name="indicator_reports",
    )
    period_kind = models.CharField(
        _("periodtyp"), max_length=10, choices=PeriodKind.choices
    )
    period_start = models.DateField(
        _("periodens första dag"),
        help_text=_("Den första dagen i månaden eller kvartalet."),
    )
    inquiries = models.PositiveIntegerField(_("förfrågningar om avhopp"))
    cases_opened = models.PositiveIntegerField(_("inledda avhopparärenden"))
    cases_with_intervention = models.PositiveIntegerField(
        _("ärenden som ledde till insats")
    )
    prevention_activities = models.PositiveIntegerField(_("förebyggande aktiviteter"))
    people_reached = models.PositiveIntegerField(
        _("personer som nåtts av förebyggande aktiviteter")
    )
    updated_at = models.DateTimeField(_("senast uppdaterad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppdaterad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = IndicatorReportQuerySet.as_manager()

    INDICATORS = [
        "inquiries",
        "cases_opened",
        "cases_with_intervention",
        "prevention_activities",
        "people_reached",
    ]

    class Meta:
        verbose_name = _("indikatorrapport")
        verbose_name_plural = _("indikatorrapporter")
        ordering = ["-period_start", "municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_kind", "period_start"],
                name="indicator_report_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(cases_with_intervention__lte=F("cases_opened")),
                name="indicator_interventions_within_cases",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.period_start:%Y-%m} ({self.period_kind})"

    def clean(self):
        if self.period_start and (
            self.period_start.day != 1
            or (
                self.period_kind == self.PeriodKind.QUARTER
                and self.period_start.month not in (1, 4, 7, 10)
            )
        ):
            raise ValidationError(
                {
                    "period_start": _(
                        "Ange periodens första dag: den första i "
                        "månaden, eller för kvartal 1 januari, 1 "
                        "april, 1 juli eller 1 oktober."
                    )
                }
            )
        if (
            self.cases_with_intervention is not None
            and self.cases_opened is not None
            and self.cases_with_intervention > self.cases_opened
        ):
            raise ValidationError(
                {
                    "cases_with_intervention": _(
                        "Antalet ärenden med insats kan inte "
                        "vara större än antalet inledda "
                        "ärenden."
                    )
                }
            )
