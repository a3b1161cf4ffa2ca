"""The mandate (uppdraget), its focus areas and milestones, its people, and news."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import (
    TEXT_MAX_DESCRIPTION,
    TEXT_MAX_LEAD,
    TEXT_MAX_PUBLISHED,
    BoundedDateField,
    BoundedDateTimeField,
)
from portal.fulltext import search_document, search_index
from portal.richtext import render_markup
from portal.uploads import CleanImageField, UploadPath


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the last day of a short month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


class Person(models.Model):
    """Programme staff and contact people, as presented to the public."""

    class Extent(models.TextChoices):
        FULL_TIME = "heltid", _("Heltid")
        PART_TIME = "deltid", _("Deltid")

    name = models.CharField(_("namn"), max_length=120)
    role_title = models.CharField(
        _("roll"), max_length=120, help_text=_("Till exempel Projektledare.")
    )
    extent = models.CharField(
        _("omfattning"), max_length=10, choices=Extent.choices, blank=True
    )
    extent_percent = models.PositiveSmallIntegerField(
        _("omfattning i procent"),
        null=True,
        blank=True,
        help_text=_("Valfritt, till exempel 50 för halvtid."),
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    photo = CleanImageField(
        _("foto"), upload_to=UploadPath("people"), blank=True, max_length=200
    )
    photo_alt = models.CharField(
        _("alternativtext för foto"),
        max_length=200,
        blank=True,
        help_text=_("Beskriv bilden för den som inte ser den."),
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extent_percent__isnull=True) | Q(extent_percent__lte=100),
                name="person_extent_percent_max_100",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.role_title})"

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": _("Skriv en alternativtext när du laddar upp ett foto.")}
            )


class Mandate(models.Model):
    """A time-boxed assignment given to FoU Nordväst by its owner municipalities."""

    organisation = models.CharField(
        _("organisation"), max_length=120, default="FoU Nordväst"
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), unique=True, max_length=80)
    # The longest mandate (120 months) must still end inside the date range.
    start_date = BoundedDateField(
        _("startdatum"), max_value=datetime.date(2090, 12, 31)
    )
    length_months = models.PositiveSmallIntegerField(
        _("längd i månader"),
        default=12,
        help_text=_(
            "Slutdatum räknas fram: dagen före samma datum så här många "
            "månader efter start."
        ),
    )
    end_date = BoundedDateField(_("slutdatum"), editable=False)
    description = models.TextField(_("beskrivning"), max_length=TEXT_MAX_PUBLISHED)
    description_html = models.TextField(editable=False, blank=True)
    contact_person = models.ForeignKey(
        Person,
        verbose_name=_("kontaktperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_mandates",
    )
    staff = models.ManyToManyField(
        Person, verbose_name=_("medarbetare"), blank=True, related_name="mandates"
    )
    # Set once, by the closing procedure (`services.mandate_close`), never in
    # a form: a closed mandate makes the coordination area read-only.
    closed_at = BoundedDateTimeField(
        _("avslutat"), null=True, blank=True, editable=False
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("avslutat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The days the scheduled purge (`portal.retention`) deletes the
    # coordination area's attachments and personal data, fixed at closing
    # from MANDATE_RETENTION_DAYS_*; None keeps them for good.
    attachments_delete_on = BoundedDateField(
        _("bilagor gallras"), null=True, blank=True, editable=False
    )
    personal_data_delete_on = BoundedDateField(
        _("personuppgifter gallras"), null=True, blank=True, editable=False
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        ordering = ["-start_date"]
        permissions = [
            (
                "close_mandate",
                _("Får avsluta uppdraget och hämta dess arkivpaket"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_months__gte=1) & Q(length_months__lte=120),
                name="mandate_length_1_to_120_months",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.end_date = self.compute_end_date()
        self.description_html = render_markup(self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "end_date",
                "description_html",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("programme:mandate")

    def compute_end_date(self) -> datetime.date:
        return add_months(self.start_date, self.length_months) - datetime.timedelta(
            days=1
        )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def month_number(self, today: datetime.date) -> int | None:
        """Which month of the mandate `today` falls in, or None outside it."""
        if today < self.start_date or today > self.end_date:
            return None
        months = (today.year - self.start_date.year) * 12 + (
            today.month - self.start_date.month
        )
        if today.day < self.start_date.day:
            months -= 1
        return min(months + 1, self.length_months)


class FocusArea(models.Model):
    mandate = models.ForeignKey(
        Mandate,
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="focus_areas",
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=80, unique=True)
    summary = models.TextField(_("sammanfattning"), max_length=TEXT_MAX_DESCRIPTION)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("fokusområde")
        verbose_name_plural = _("fokusområden")
        ordering = ["mandate", "order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme:focus-area", kwargs={"slug": self.slug})


class MilestoneQuerySet(models.QuerySet):
    def with_state(self, today=None):
        """Annotate `state`: "done", "late" (due and not done) or "upcoming",
        the one definition every page and report shows."""
        today = today or timezone.localdate()
        return self.annotate(
            state=models.Case(
                models.When(done_date__isnull=False, then=models.Value("done")),
                models.When(due_date__lt=today, then=models.Value("late")),
                default=models.Value("upcoming"),
                output_field=models.CharField(),
            )
        )


class Milestone(models.Model):
    mandate = models.ForeignKey(
        Mandate,
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("fokusområde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )
    title = models.CharField(_("titel"), max_length=200)
    due_date = BoundedDateField(_("klart senast"))
    done_date = BoundedDateField(_("klart datum"), null=True, blank=True)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milstolpe")
        verbose_name_plural = _("milstolpar")
        ordering = ["due_date", "title"]
        indexes = [models.Index(fields=["mandate", "due_date"])]

    def __str__(self):
        return self.title


class NewsArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: published, and its publishing time reached."""
        now = now or timezone.now()
        return self.filter(status=NewsArticle.Status.PUBLISHED, publish_at__lte=now)

    def next_publication(self, now):
        """When `published()` next changes by itself: the earliest publishing
        time after `now` of an article set to published (None: none is
        scheduled). The page cache keeps no page past it."""
        return self.filter(
            status=NewsArticle.Status.PUBLISHED, publish_at__gt=now
        ).aggregate(next=models.Min("publish_at"))["next"]


class NewsArticle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publicerad")

    title = models.CharField(_("rubrik"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=120, unique=True)
    lead = models.TextField(
        _("ingress"),
        max_length=TEXT_MAX_LEAD,
        help_text=_("En eller två meningar som sammanfattar nyheten."),
    )
    body = models.TextField(
        _("brödtext"),
        max_length=TEXT_MAX_PUBLISHED,
        help_text=_(
            "Stycken skiljs åt med en tom rad. Enkel HTML som <strong>, "
            "<a> och listor är tillåten; allt annat tas bort."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    image = CleanImageField(
        _("bild"), upload_to=UploadPath("news"), blank=True, max_length=200
    )
    image_alt = models.CharField(
        _("alternativtext för bild"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = BoundedDateTimeField(
        _("publiceras"),
        default=timezone.now,
        help_text=_(
            "En publicerad nyhet syns för besökare först från den här "
            "tidpunkten. Utkast syns aldrig."
        ),
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("senast uppdaterad"), auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("författare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_articles",
    )
    contact_person = models.ForeignKey(
        Person,
        verbose_name=_("kontaktperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_articles",
    )
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("fokusområden"), blank=True, related_name="news"
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        verbose_name=_("kommuner"),
        blank=True,
        related_name="news",
    )
    related_sessions = models.ManyToManyField(
        "presentations.Session",
        verbose_name=_("relaterade sessioner"),
        blank=True,
        related_name="news",
    )
    search_vector = search_document(title="A", lead="B", body="C")

    objects = NewsArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("nyhet")
        verbose_name_plural = _("nyheter")
        ordering = ["-publish_at"]
        indexes = [
            models.Index(fields=["status", "-publish_at"]),
            search_index("news"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markup(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"slug": self.slug})

    def is_published(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.publish_at <= now

    is_published.boolean = True
    is_published.short_description = _("Synlig för besökare")

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Skriv en alternativtext när nyheten har en bild.")}
            )
