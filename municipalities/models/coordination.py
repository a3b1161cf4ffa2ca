"""The coordination area (Samordning): what working groups do and report.

Nothing here may describe an individual in the criminal milieu: progress is
logged as work done. Every progress entry says who may see it (sharing level)
and from when (release time); `ProgressEntry.objects.visible_to(user, now)`
is the only way views read entries (every model here has such a door), and
`municipalities.coordination.policies` holds every rule behind the doors.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models.doors import DoorQuerySet
from portal.fields import (
    TEXT_MAX_COORDINATION,
    BoundedDateField,
    BoundedDateTimeField,
)
from portal.storage import private_storage
from portal.uploads import UploadPath


class SharingLevel(models.TextChoices):
    """Who may see an entry once it is released, from widest to narrowest."""

    OPEN = "open", _("Öppen – får publiceras")
    MANDATE = "mandate", _("Uppdraget – alla inloggade")
    GROUP = "group", _("Arbetsgruppen – gruppens medlemmar")
    OWN = "own", _("Egen kommun – egen kommun eller organisation och programstaben")

    @property
    def short_label(self):
        """The level's name without its explanation: "Öppen", "Egen kommun"."""
        return str(self.label).split(" – ")[0]


class GroupItemQuerySet(DoorQuerySet):
    """Meetings, decisions and actions."""


class ProgressEntryQuerySet(DoorQuerySet):
    pass


class EntryAttachmentQuerySet(DoorQuerySet):
    pass


class Meeting(models.Model):
    group = models.ForeignKey(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    starts_at = BoundedDateTimeField(_("börjar"))
    ends_at = BoundedDateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_link = models.URLField(_("videolänk"), blank=True)
    agenda = models.TextField(
        _("dagordning"), blank=True, max_length=TEXT_MAX_COORDINATION
    )
    minutes = models.TextField(
        _("minnesanteckningar"), blank=True, max_length=TEXT_MAX_COORDINATION
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords()
    objects = GroupItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["group", "starts_at"]),
            # The dashboard's next meetings across every group.
            models.Index(fields=["starts_at"], name="meeting_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.group} {local:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("Mötet måste sluta efter att det har börjat.")}
            )


class Decision(models.Model):
    """A decision taken by a group, and how it is to be followed up."""

    class FollowUp(models.TextChoices):
        INFORMATION = "information", _("Information")
        FURTHER_DECISION = "further_decision", _("Vidare beslut")
        ACTION = "action", _("Åtgärd")

    group = models.ForeignKey(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("möte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decided_on = BoundedDateField(_("beslutsdatum"), default=timezone.localdate)
    text = models.TextField(_("beslut"), max_length=TEXT_MAX_COORDINATION)
    follow_up = models.CharField(
        _("uppföljning"),
        max_length=20,
        choices=FollowUp.choices,
        default=FollowUp.INFORMATION,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)

    history = HistoricalRecords()
    objects = GroupItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-decided_on", "-id"]
        # A group page's latest decisions.
        indexes = [
            models.Index(
                fields=["group", "-decided_on", "-id"], name="decision_group_newest_idx"
            )
        ]

    def __str__(self):
        return self.text[:60]


class Action(models.Model):
    """Something a group has agreed to do: what, who, by when, how it went."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ej påbörjad")
        IN_PROGRESS = "in_progress", _("Pågår")
        DONE = "done", _("Klar")

    group = models.ForeignKey(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("beslut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    what = models.TextField(_("åtgärd"), max_length=TEXT_MAX_COORDINATION)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordination_actions",
    )
    due_date = BoundedDateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    report_back = models.TextField(
        _("återkoppling"), blank=True, max_length=TEXT_MAX_COORDINATION
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords()
    objects = GroupItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["status", "due_date", "id"]
        indexes = [
            # A group page's actions in their order.
            models.Index(
                fields=["group", "status", "due_date", "id"],
                name="action_group_order_idx",
            ),
            # The dashboard's open actions, soonest due first.
            models.Index(fields=["due_date"], name="action_due_idx"),
        ]

    def __str__(self):
        return self.what[:60]


class ProgressEntry(models.Model):
    """A status report (lägesrapport): work done, never cases or individuals."""

    group = models.ForeignKey(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    organisation = models.ForeignKey(
        "municipalities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    focus_area = models.ForeignKey(
        "programme.FocusArea",
        verbose_name=_("fokusområde"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    title = models.CharField(_("rubrik"), max_length=200)
    period_start = BoundedDateField(_("period från"))
    period_end = BoundedDateField(_("period till"))
    text = models.TextField(_("text"), max_length=TEXT_MAX_COORDINATION)
    sharing_level = models.CharField(
        _("delas med"),
        max_length=10,
        choices=SharingLevel.choices,
        default=SharingLevel.GROUP,
    )
    release_at = BoundedDateTimeField(
        _("synlig från"),
        default=timezone.now,
        help_text=_(
            "Före den här tidpunkten ser bara din egen kommun eller "
            "organisation och programstaben rapporten."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("författare"),
        on_delete=models.PROTECT,
        related_name="progress_entries",
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")
        ordering = ["-period_end", "-created_at"]
        indexes = [
            models.Index(fields=["group", "release_at"]),
            models.Index(fields=["municipality", "release_at"]),
            # Newest first: the entry list, the dashboard, the feed, the CSV.
            models.Index(
                fields=["-period_end", "-created_at"], name="entry_newest_idx"
            ),
            # A group page's newest entries.
            models.Index(
                fields=["group", "-period_end", "-created_at"],
                name="entry_group_newest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organisation__isnull=True)
                    | Q(municipality__isnull=True, organisation__isnull=False)
                ),
                name="entry_one_of_municipality_or_organisation",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="entry_period_end_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("samordning:entry-detail", kwargs={"pk": self.pk})

    def clean(self):
        # The check constraint says the same, but only with a query.
        start, end = self.period_start, self.period_end
        if start and end and end < start:
            raise ValidationError(
                {"period_end": _("Periodens slut kan inte vara före dess början.")}
            )

    @property
    def unit(self):
        return self.municipality or self.organisation


class EntryAttachment(models.Model):
    """A file attached to an entry; served only through an access-checked view."""

    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name=_("lägesrapport"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("fil"),
        upload_to=UploadPath("attachments"),
        storage=private_storage,
        max_length=200,
    )
    original_name = models.CharField(_("filnamn"), max_length=150)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek i byte"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = BoundedDateTimeField(_("uppladdad"), auto_now_add=True)

    objects = EntryAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("samordning:attachment", kwargs={"pk": self.pk})


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a member's calendar link for a group; replace to revoke."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "municipalities.WorkingGroup", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = BoundedDateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kalenderlänk")
        verbose_name_plural = _("kalenderlänkar")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"], name="calendar_token_unique_user_group"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.group}"


class Stage(models.TextChoices):
    """Where a municipality stands in the work of a focus area."""

    NOT_STARTED = "not_started", _("Inte påbörjat")
    MAPPING = "mapping", _("Kartläggning")
    PLANNING = "planning", _("Planering")
    IMPLEMENTING = "implementing", _("Genomförande")
    FOLLOW_UP = "follow_up", _("Uppföljning")


# A municipality's stage is not group business: every level but Arbetsgruppen.
STATUS_SHARING_CHOICES = [
    (level.value, level.label) for level in SharingLevel if level != SharingLevel.GROUP
]


class FocusAreaStatusQuerySet(DoorQuerySet):
    def public(self):
        """Only stages shared as Öppen reach the public municipality pages."""
        return self.filter(
            sharing_level=SharingLevel.OPEN, municipality__participates=True
        )


class FocusAreaStatus(models.Model):
    """A municipality's current stage in one focus area, with its history."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
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
        choices=STATUS_SHARING_CHOICES,
        default=SharingLevel.OWN,
        help_text=_(
            "Bara läget som delas som Öppen visas på de publika kommunsidorna."
        ),
    )
    updated_at = BoundedDateTimeField(_("senast uppdaterad"), auto_now=True)
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


class IndicatorReportQuerySet(DoorQuerySet):
    pass


class IndicatorReport(models.Model):
    """Aggregate counts for one municipality and period. Never individuals."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Månad")
        QUARTER = "quarter", _("Kvartal")

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        related_name="indicator_reports",
    )
    period_kind = models.CharField(
        _("periodtyp"), max_length=10, choices=PeriodKind.choices
    )
    period_start = BoundedDateField(
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
    updated_at = BoundedDateTimeField(_("senast uppdaterad"), auto_now=True)
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
        # One period's reports, from every municipality (the tables).
        indexes = [
            models.Index(
                fields=["period_start", "period_kind"], name="indicator_period_idx"
            )
        ]
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
