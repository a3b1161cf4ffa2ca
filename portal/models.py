"""Accounts: the portal's own user model, signing in with an email address."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedDateTimeField


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def _create_user(self, username, email, password, **extra_fields):
        user = self._create_user_object(username, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person who signs in: programme staff, representatives and partners."""

    username = None
    email = models.EmailField(_("e-postadress"), unique=True)
    # Django's own date fields, bounded like every other date in the portal.
    last_login = BoundedDateTimeField(_("senaste inloggning"), blank=True, null=True)
    date_joined = BoundedDateTimeField(_("registreringsdatum"), default=timezone.now)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("För kommunrepresentanter: kommunen personen företräder."),
    )
    organisation = models.ForeignKey(
        "municipalities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("För samverkansparter: organisationen personen företräder."),
    )
    reminders_opt_out = models.BooleanField(
        _("inga påminnelser om rapportering"),
        default=False,
        help_text=_(
            "Ingen e-post när arbetsgruppens rapport för perioden ännu inte är inne."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["email"]
        permissions = [
            ("reset_second_factor", _("Får återställa tvåstegsverifiering")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True)
                | models.Q(organisation__isnull=True),
                name="user_not_both_municipality_and_organisation",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        if self.municipality_id and self.organisation_id:
            raise ValidationError(
                _("Ange antingen en kommun eller en organisation, inte båda.")
            )

    def save(self, *args, **kwargs):
        self.email = type(self).objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def prune(self, *, before):
        """Delete these rows where recorded before `before`, and return how
        many: the retention period (`RETENTION_AUDIT_DAYS`, `portal.retention`)
        is the only exception to append-only."""
        deleted, _by_model = models.QuerySet.delete(self.filter(at__lt=before))
        return deleted


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Append-only.

    Holds identifiers only, never content, so the log itself needs no
    protection beyond that of the user table.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Visning")
        EXPORT = "export", _("Export")
        DOWNLOAD = "download", _("Nedladdning")
        CREATE = "create", _("Skapande")
        UPDATE = "update", _("Ändring")
        DELETE = "delete", _("Borttagning")
        DENIED = "denied", _("Nekad åtkomst")
        PII_REFUSED = "pii_refused", _("Stoppad personuppgift")
        SIGN_IN = "sign_in", _("Inloggning")
        MFA_RECOVERY = "mfa_recovery", _("Inloggning med reservkod")
        MFA_ENROLLED = "mfa_enrolled", _("Ny tvåstegsverifiering")
        MFA_RESET = "mfa_reset", _("Återställd tvåstegsverifiering")
        ADOPT = "adopt", _("Fastställande")
        LOCK = "lock", _("Låsning")

    at = BoundedDateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("användare"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_email = models.CharField(_("användarens e-post"), max_length=254)
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objekttyp"), max_length=100)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    path = models.CharField(_("adress"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningslogg")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_email} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class PurgeRecord(models.Model):
    """That the retention run (`manage.py maintenance`, `portal.retention`)
    deleted or blanked something: when, and how many of each kind. Never
    what: no ids, names or addresses. Kept for good, as the record of the
    gallring."""

    ran_at = BoundedDateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    counts = models.JSONField(_("antal per slag"), default=dict)

    class Meta:
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringslogg")
        ordering = ["-ran_at", "-id"]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} ({sum(self.counts.values())})"
