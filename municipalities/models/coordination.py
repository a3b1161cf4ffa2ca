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
from django.core.validators import MaxValueValidator, MinValueValidator
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


class RecordState(models.TextChoices):
    """Where a record stands: utkast → fastställd → låst.

    A draft (utkast) is working material its writers may change. Adopted
    (fastställd) minutes and entries are the group's record: nobody changes
    them in place, a correction is a new, linked version. Locked (låst) is
    final: no change and no correction (staff lock records, and the closing
    of the mandate locks them all). The rules are in
    `municipalities.coordination.policies`, the changes of state in
    `municipalities.coordination.services`.
    """

    DRAFT = "draft", _("Utkast")
    ADOPTED = "adopted", _("Fastställd")
    LOCKED = "locked", _("Låst")


class RecordQuerySet(DoorQuerySet):
    """Minutes and entries: the lifecycle's reads."""

    def drafts(self):
        return self.filter(state=RecordState.DRAFT)

    def unlocked(self):
        """What locking would change (`services.records_lock`)."""
        return self.exclude(state=RecordState.LOCKED)


class Record(models.Model):
    """The lifecycle minutes and entries share: state, who adopted the record
    and when, when it was locked, and the version it corrects.

    No form of the area has these fields and the admin shows them read only:
    they change only through the services. They are editable as far as the
    model goes so that the history's differences name them."""

    state = models.CharField(
        _("status"),
        max_length=10,
        choices=RecordState.choices,
        default=RecordState.DRAFT,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # A version goes only together with its correction (a meeting's deletion
    # takes all its minutes): RESTRICT, where PROTECT would refuse even that.
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("rättelse av"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    adopted_at = BoundedDateTimeField(_("fastställd"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fastställd av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = BoundedDateTimeField(_("låst"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_draft(self):
        return self.state == RecordState.DRAFT

    @property
    def is_record(self):
        """Adopted or locked: a record that may be a public document."""
        return self.state != RecordState.DRAFT


def record_constraints(prefix):
    """The lifecycle's rules the database keeps for each record model."""
    return [
        models.CheckConstraint(
            condition=~Q(state=RecordState.ADOPTED) | Q(adopted_at__isnull=False),
            name=f"{prefix}_adopted_has_time",
        ),
        models.CheckConstraint(
            condition=~Q(state=RecordState.LOCKED) | Q(locked_at__isnull=False),
            name=f"{prefix}_locked_has_time",
        ),
        models.CheckConstraint(
            condition=Q(version=1, supersedes__isnull=True)
            | Q(version__gt=1, supersedes__isnull=False),
            name=f"{prefix}_correction_is_a_later_version",
        ),
    ]


class GroupItemQuerySet(DoorQuerySet):
    """Meetings, decisions and actions."""


class ActionQuerySet(GroupItemQuerySet):
    def with_overdue(self, today):
        """Annotate `overdue`: the due date has passed and the action is not
        done. In the query, so a list marks each row without one more."""
        return self.annotate(
            overdue=models.ExpressionWrapper(
                Q(due_date__lt=today) & ~Q(status=Action.Status.DONE),
                output_field=models.BooleanField(),
            )
        )


class ProgressEntryQuerySet(RecordQuerySet):
    pass


class MinutesQuerySet(RecordQuerySet):
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


class Minutes(Record):
    """One version of a meeting's minutes (minnesanteckningar).

    Version 1 is written after the meeting; once adopted it is the group's
    record, and a correction is version 2, which `supersedes` version 1, and
    so on. The minutes belong to their meeting, so they are seen by exactly
    those who see the meeting, whatever the version.
    """

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("möte"),
        on_delete=models.CASCADE,
        related_name="minutes_versions",
    )
    text = models.TextField(_("minnesanteckningar"), max_length=TEXT_MAX_COORDINATION)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skriven av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords()
    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("minnesanteckningar")
        verbose_name_plural = _("minnesanteckningar")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="minutes_unique_version"
            ),
            # One version at a time is being written.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(state=RecordState.DRAFT),
                name="minutes_one_draft_per_meeting",
            ),
            *record_constraints("minutes"),
        ]

    def __str__(self):
        return _("Minnesanteckningar %(meeting)s, version %(version)s") % {
            "meeting": self.meeting,
            "version": self.version,
        }


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
    objects = ActionQuerySet.as_manager()

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


class ProgressEntry(Record):
    """A status report (lägesrapport): work done, never cases or individuals.

    A record (`Record`): a draft until the group's chair or programme staff
    adopt it; a correction of an adopted entry is a new entry that
    `supersedes` it, seen by exactly those who see the original.
    """

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
            *record_constraints("entry"),
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


class MandateArchive(models.Model):
    """The archive package made when the mandate is closed: a zip in the
    private storage, built by the task worker
    (`municipalities.coordination.archive.archive_build`), fetched only by
    programme staff with the permission, through an access-checked view."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar på att skapas")
        RUNNING = "running", _("Skapas")
        DONE = "done", _("Klart")
        FAILED = "failed", _("Misslyckades")

    mandate = models.ForeignKey(
        "programme.Mandate",
        verbose_name=_("uppdrag"),
        on_delete=models.CASCADE,
        related_name="archives",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("steg"), max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(_("klart i procent"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställt av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("beställt"), default=timezone.now)
    started_at = BoundedDateTimeField(_("påbörjat"), null=True, blank=True)
    finished_at = BoundedDateTimeField(_("avslutat"), null=True, blank=True)
    file = models.FileField(
        _("fil"),
        upload_to=UploadPath("archives"),
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    size = models.PositiveBigIntegerField(_("storlek i byte"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.CharField(_("fel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("arkivpaket")
        verbose_name_plural = _("arkivpaket")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.mandate} ({self.get_status_display()})"

    @property
    def filename(self):
        closed = self.mandate.closed_at or self.created_at
        return f"arkiv-{self.mandate.slug}-{timezone.localtime(closed):%Y-%m-%d}.zip"


class ReportingScheduleQuerySet(DoorQuerySet):
    pass


class ReportingSchedule(models.Model):
    """A working group's reporting rhythm: how often each unit with a
    reporting seat reports (a progress entry, and with `indicators` also a
    municipality's indicator report) and by which day of the following month.

    The periods, what is overdue and who is reminded are read in
    `municipalities.coordination.rhythm`; reminders are sent by
    `municipalities.coordination.reminders`.
    """

    class Frequency(models.TextChoices):
        # The same values as IndicatorReport.PeriodKind: a period is a
        # calendar month or a calendar quarter either way.
        MONTHLY = "month", _("Varje månad")
        QUARTERLY = "quarter", _("Varje kvartal")

    group = models.OneToOneField(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="reporting_schedule",
    )
    frequency = models.CharField(
        _("rapporteringsintervall"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
    )
    due_day = models.PositiveSmallIntegerField(
        _("senast dag i månaden efter perioden"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Till exempel 10: rapporten för maj ska vara inne senast den 10 juni. "
            "Högst 28, så att dagen finns i varje månad."
        ),
    )
    indicators = models.BooleanField(
        _("kommunerna rapporterar även indikatorer"),
        default=False,
        help_text=_(
            "Kryssa i om gruppens kommuner också ska lämna indikatorrapporten "
            "för perioden."
        ),
    )
    updated_at = BoundedDateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords()
    objects = ReportingScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapporteringsschema")
        verbose_name_plural = _("rapporteringsscheman")
        ordering = ["group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28),
                name="reporting_schedule_due_day_in_every_month",
            )
        ]

    def __str__(self):
        return _("%(group)s: %(frequency)s, senast den %(day)s") % {
            "group": self.group,
            "frequency": self.get_frequency_display().lower(),
            "day": self.due_day,
        }


class ReminderSent(models.Model):
    """That a reporting reminder went to a user for a group and period: the
    unique constraint is what keeps it to one per period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    group = models.ForeignKey(
        "municipalities.WorkingGroup",
        verbose_name=_("arbetsgrupp"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The period's token: 2022-05 for a month, 2022-K2 for a quarter.
    period = models.CharField(_("period"), max_length=7)
    sent_at = BoundedDateTimeField(_("skickad"), default=timezone.now)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group", "period"],
                name="reminder_once_per_user_group_period",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.group} {self.period}"
