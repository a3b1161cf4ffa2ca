"""Sessions (kick-off, seminars...), their speakers and presentations."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import (
    TEXT_MAX_DESCRIPTION,
    TEXT_MAX_PUBLISHED,
    BoundedDateTimeField,
)
from portal.fulltext import search_document, search_index
from portal.richtext import render_markup
from portal.uploads import CleanImageField, PdfField, UploadPath


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now=None):
        """Published sessions not yet over, the soonest over first (so a
        session under way leads), read in order from an index however many
        sessions there are."""
        return (
            self.published()
            .filter(ends_at__gte=now or timezone.now())
            .order_by("ends_at", "pk")
        )

    def next_end(self, now):
        """When `upcoming(now)` next changes by itself: the earliest end, at
        or after `now`, of a published session (None: none). The page cache
        keeps no page past it."""
        return (
            self.published()
            .filter(ends_at__gte=now)
            .aggregate(next=models.Min("ends_at"))["next"]
        )


class Session(models.Model):
    class Kind(models.TextChoices):
        KICK_OFF = "kickoff", _("Kick-off")
        SEMINAR = "seminar", _("Seminarium")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Konferens")

    mandate = models.ForeignKey(
        "programme.Mandate",
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=120, unique=True)
    starts_at = BoundedDateTimeField(_("börjar"))
    ends_at = BoundedDateTimeField(_("slutar"))
    venue = models.CharField(_("plats"), max_length=200, blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    description = models.TextField(
        _("beskrivning"), blank=True, max_length=TEXT_MAX_PUBLISHED
    )
    description_html = models.TextField(editable=False, blank=True)
    published = models.BooleanField(
        _("publicerad"),
        default=False,
        help_text=_(
            "Bara publicerade sessioner och deras presentationer syns för besökare."
        ),
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)
    search_vector = search_document(title="A", description="C", venue="C")

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessioner")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["published", "-starts_at"]),
            # Upcoming sessions: those not yet over.
            models.Index(fields=["published", "ends_at"], name="session_upcoming_idx"),
            search_index("session"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_markup(self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("presentations:session", kwargs={"slug": self.slug})

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("Sessionen måste sluta efter att den har börjat.")}
            )


class SpeakerQuerySet(models.QuerySet):
    def public(self):
        """A speaker is public only through a published presentation.

        A correlated EXISTS: looking one speaker up reads that speaker's
        presentations, not every published presentation's speakers."""
        return self.filter(
            Exists(Presentation.objects.published().filter(speakers=OuterRef("pk")))
        )


class Speaker(models.Model):
    name = models.CharField(_("namn"), max_length=120)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=120, unique=True)
    title = models.CharField(
        _("titel"), max_length=150, blank=True, help_text=_("Till exempel Polis.")
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    bio = models.TextField(
        _("presentation av talaren"), blank=True, max_length=TEXT_MAX_DESCRIPTION
    )
    photo = CleanImageField(
        _("foto"), upload_to=UploadPath("speakers"), blank=True, max_length=200
    )
    photo_alt = models.CharField(
        _("alternativtext för foto"), max_length=200, blank=True
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)
    search_vector = search_document(name="A", title="B", organisation="B", bio="C")

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("talare")
        verbose_name_plural = _("talare")
        ordering = ["name"]
        indexes = [search_index("speaker")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("presentations:speaker", kwargs={"slug": self.slug})

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": _("Skriv en alternativtext när du laddar upp ett foto.")}
            )


# The slide preview's size in pixels: the width, and a cap on the height.
PREVIEW_WIDTH = 640
PREVIEW_MAX_HEIGHT = 1280


class PresentationQuerySet(models.QuerySet):
    def published(self):
        """Visible to the public: the presentation and its session are published."""
        return self.filter(published=True, session__published=True)


class Presentation(models.Model):
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="presentations",
    )
    speakers = models.ManyToManyField(
        Speaker,
        verbose_name=_("talare"),
        through="PresentationSpeaker",
        related_name="presentations",
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnamn i adressen"), max_length=120)
    summary = models.TextField(
        _("sammanfattning"),
        max_length=TEXT_MAX_PUBLISHED,
        help_text=_(
            "Texten är alternativet till bilderna: återge det viktigaste "
            "innehållet så att den som inte kan se bilderna får samma "
            "information."
        ),
    )
    slides = PdfField(
        _("bilder (PDF)"),
        upload_to=UploadPath("slides"),
        blank=True,
        max_length=200,
        help_text=_("En PDF-fil på högst 50 MB."),
    )
    slides_size = models.PositiveBigIntegerField(
        _("storlek på bilderna i byte"), null=True, blank=True, editable=False
    )
    slides_preview = models.FileField(
        _("förhandsbild av första bilden"),
        upload_to=UploadPath("slide-previews"),
        blank=True,
        editable=False,
        max_length=200,
    )
    slides_are_example = models.BooleanField(
        _("exempelbilder"),
        default=False,
        help_text=_("Markera om bilderna är exempel och inte talarens egna."),
    )
    video_url = models.URLField(
        _("videoadress"),
        blank=True,
        help_text=_("Länk till inspelningen. Den laddas först när besökaren klickar."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("längd i minuter"), null=True, blank=True
    )
    focus_areas = models.ManyToManyField(
        "programme.FocusArea",
        verbose_name=_("fokusområden"),
        blank=True,
        related_name="presentations",
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    published = models.BooleanField(_("publicerad"), default=False)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)
    search_vector = search_document(title="A", summary="B")

    objects = PresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentationer")
        ordering = ["session", "order", "title"]
        indexes = [search_index("presentation")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "slug"], name="presentation_unique_slug"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_slides", None)
        current = self.slides.name if self.slides else ""
        if current != (str(loaded) if loaded else "") or (
            current and not self.slides_preview
        ):
            self.refresh_slides_preview()
        super().save(*args, **kwargs)
        self._loaded_slides = self.slides.name if self.slides else None

    def get_absolute_url(self):
        return reverse(
            "presentations:presentation",
            kwargs={"session": self.session.slug, "slug": self.slug},
        )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_slides = instance.__dict__.get("slides")
        return instance

    def is_public(self) -> bool:
        return self.published and self.session.published

    def refresh_slides_preview(self):
        """Render the first slide to PNG once, so pages never touch the PDF
        (nor import pypdfium2: only saving slides does)."""
        import pypdfium2

        if self.slides_preview:
            self.slides_preview.delete(save=False)
        if not self.slides:
            self.slides_size = None
            return
        if self.slides._committed:
            with self.slides.open("rb") as stored:
                data = stored.read()
        else:
            # A fresh upload: leave it open, the storage still has to save it.
            self.slides.seek(0)
            data = self.slides.read()
            self.slides.seek(0)
        self.slides_size = len(data)
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[0]
            width, height = page.get_size()
            # 640 pixels wide, but never taller than 1280: a page declared
            # 1 pt wide and 14 400 pt tall would otherwise become a bitmap of
            # 640 x 9 216 000 pixels (24 GB).
            scale = min(
                PREVIEW_WIDTH / max(width, 1), PREVIEW_MAX_HEIGHT / max(height, 1)
            )
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG", optimize=True)
        self.slides_preview.save(
            "preview.png", ContentFile(buffer.getvalue()), save=False
        )

    is_public.boolean = True
    is_public.short_description = _("Synlig för besökare")


class PresentationSpeaker(models.Model):
    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="speaker_links"
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("talare"),
        on_delete=models.PROTECT,
        related_name="presentation_links",
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("talare i presentation")
        verbose_name_plural = _("talare i presentation")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "speaker"],
                name="presentation_speaker_unique",
            )
        ]

    def __str__(self):
        return str(self.speaker)
