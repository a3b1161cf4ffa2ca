"""Municipalities, partner organisations, the working groups they form, and
the memberships and invitations that seat people in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models.doors import DoorQuerySet
from portal.fields import (
    TEXT_MAX_DESCRIPTION,
    BoundedDateField,
    BoundedDateTimeField,
)
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
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

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
    description = models.TextField(
        _("beskrivning"), blank=True, max_length=TEXT_MAX_DESCRIPTION
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingGroupQuerySet(DoorQuerySet):
    def of_member(self, user, *, today=None, writing=False):
        """The groups `user` holds a current seat in (with `writing`: a seat
        that may write). The one definition of "my groups"."""
        seats = Membership.objects.active(today).filter(user=user)
        if writing:
            seats = seats.filter(
                Q(municipality__isnull=False) | Q(partner_can_write=True)
            )
        return self.filter(pk__in=seats.values("group_id"))


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
    purpose = models.TextField(_("syfte"), max_length=TEXT_MAX_DESCRIPTION)
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
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

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


class MembershipQuerySet(DoorQuerySet):
    def active(self, today=None):
        """Seats held today by users who may still sign in."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, user__is_active=True).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )


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
    start_date = BoundedDateField(_("från"), default=timezone.localdate)
    end_date = BoundedDateField(_("till och med"), null=True, blank=True)
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


class Invitation(models.Model):
    """Staff invite a person to a working group; a signed link lets them in."""

    email = models.EmailField(_("e-postadress"))
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(
        _("roll"),
        max_length=10,
        choices=Membership.Role.choices,
        default=Membership.Role.MEMBER,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inbjuden av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    sent_at = BoundedDateTimeField(_("skickad"), null=True, blank=True)
    accepted_at = BoundedDateTimeField(_("accepterad"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organisation__isnull=True)
                    | Q(municipality__isnull=True, organisation__isnull=False)
                ),
                name="invitation_one_of_municipality_or_organisation",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.group}"

    def clean(self):
        if bool(self.municipality_id) == bool(self.organisation_id):
            raise ValidationError(
                _("Ange antingen en kommun eller en organisation, inte båda.")
            )
