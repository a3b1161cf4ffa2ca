"""Newsletter subscribers, issues and per-recipient deliveries.

A subscriber is only mailed after confirming (double opt-in). Deliveries are
one row per issue and subscriber (unique), so sending an issue twice cannot
mail anyone twice; the row's status says where each recipient stands.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.fields import (
    TEXT_MAX_DESCRIPTION,
    TEXT_MAX_LEAD,
    BoundedDateTimeField,
)


def new_token():
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def for_articles(self, articles):
        """Confirmed subscribers to all news, or to a focus area of an article."""
        areas = {area.pk for article in articles for area in article.focus_areas.all()}
        return (
            self.confirmed()
            .filter(models.Q(all_news=True) | models.Q(focus_areas__in=areas))
            .distinct()
        )


class Subscriber(models.Model):
    email = models.EmailField(_("e-postadress"), unique=True)
    all_news = models.BooleanField(_("alla nyheter"), default=True)
    focus_areas = models.ManyToManyField(
        "programme.FocusArea",
        verbose_name=_("fokusområden"),
        blank=True,
        related_name="subscribers",
    )
    consent_text = models.TextField(
        _("samtycke som lämnades"), max_length=TEXT_MAX_LEAD
    )
    consented_at = BoundedDateTimeField(_("samtycke lämnat"))
    confirmed_at = BoundedDateTimeField(_("bekräftad"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = BoundedDateTimeField(_("skapad"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("prenumerant")
        verbose_name_plural = _("prenumeranter")
        ordering = ["email"]

    def __str__(self):
        return self.email


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")

    subject = models.CharField(_("ämnesrad"), max_length=150)
    introduction = models.TextField(_("inledning"), max_length=TEXT_MAX_DESCRIPTION)
    articles = models.ManyToManyField(
        "programme.NewsArticle",
        verbose_name=_("nyheter"),
        related_name="newsletter_issues",
        help_text=_("Bara publicerade nyheter kan skickas."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapat av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = BoundedDateTimeField(_("skapat"), auto_now_add=True)
    send_started_at = BoundedDateTimeField(_("utskick startat"), null=True, blank=True)

    class Meta:
        verbose_name = _("nyhetsbrev")
        verbose_name_plural = _("nyhetsbrev")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("nyhetsbrev"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("prenumerant"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
    )
    email = models.EmailField(_("e-postadress"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = BoundedDateTimeField(_("nästa försök"), null=True, blank=True)
    claimed_at = BoundedDateTimeField(_("påbörjat"), null=True, blank=True)
    sent_at = BoundedDateTimeField(_("skickat"), null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("leverans")
        verbose_name_plural = _("leveranser")
        ordering = ["issue", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="delivery_once_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self):
        return f"{self.issue} → {self.email or '–'}"
