"""Invitations to a working group: the signed link staff send, and the page
where the invited person takes their seat.

There is no open sign-up; this is the only way a new person gets in. The
rules of taking up an invitation:

* A link is valid while its signature is younger than
  `INVITATION_MAX_AGE_DAYS` and the invitation exists (deleting it in the
  admin revokes it) and is not yet accepted. It is accepted once: the
  acceptance claims the row with a conditional update (`accepted_at` from
  empty to now), so a second acceptance, concurrent or later, finds nothing
  to claim.
* No account for the address: the person creates one (name and password)
  and gets the seat.
* An account for the address (compared without regard to case): the page
  asks that person to sign in, and signed in as that account they accept
  with one button. An invitation only adds: it never changes a password or
  a name, and it adds no seat for another municipality or organisation than
  the one the account represents (`seat_unit`).
* A deactivated account gets the page of an invalid link, so the page tells
  nothing about the account's state.
* Posts on the page are rate-limited per client and per invitation
  (`portal.ratelimit`), and each acceptance or refusal is audited.
* Once the mandate is closed (`policies.area_closed`) no invitation is
  mailed and the page answers every link with 403 and the explanation.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.coordination import policies
from municipalities.models import Invitation, Membership
from portal import mail, ratelimit
from portal.accounts import with_submit
from portal.audit import AuditOrigin, audit_event, client_address
from portal.models import AuditEvent
from portal.privacy import PrivacyGuardMixin

# The salt predates the move out of `portal`; changing it would void every
# link already sent.
INVITATION_SALT = "portal.invitation"


class InvitationUsed(Exception):
    """The invitation was accepted (or removed) before this acceptance."""


class InvitationRefused(Exception):
    """The invitation cannot be taken up by this account; `message` says why,
    in words for the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def invitation_token(invitation):
    return signing.dumps({"id": invitation.pk}, salt=INVITATION_SALT)


def account_for(email):
    """The account an invitation's address belongs to, ignoring case."""
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


@task()
def invitation_mail_send(invitation_id, attempt=1):
    """The worker mails an open invitation's link (the admin queues this);
    an invitation accepted or deleted meanwhile gets no mail."""
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at=None).first()
    if invitation is None:
        return "gone"
    if policies.area_closed(fresh=True) is not None:
        return "closed"
    try:
        invitation_send(invitation)
    except mail.MAIL_ERRORS as error:
        if mail.retry_later(
            invitation_mail_send, error, attempt=attempt, args=(invitation_id,)
        ):
            return "retry"
        raise
    return "sent"


def invitation_send(invitation, *, request=None):
    """Email the signed link; the link is the only way in. Pages queue
    `invitation_mail_send` instead of calling this."""
    link = settings.SITE_URL + reverse(
        "invitation-accept", kwargs={"token": invitation_token(invitation)}
    )
    context = {
        "invitation": invitation,
        "link": link,
        "days": settings.INVITATION_MAX_AGE_DAYS,
        "has_account": account_for(invitation.email) is not None,
    }
    message = EmailMultiAlternatives(
        subject=_("Inbjudan till samordningen i FoU Nordväst"),
        body=render_to_string("registration/invitation_email.txt", context),
        to=[invitation.email],
    )
    message.send()
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


def invitation_from_token(token):
    """The open invitation a link names, or None if the link is forged,
    expired or already used, or the invitation was removed."""
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 3600,
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Invitation.objects.select_related("group", "municipality", "organisation")
        .filter(pk=data.get("id"), accepted_at=None)
        .first()
    )


def _unit(obj):
    """The municipality or organisation a user, seat or invitation is for."""
    return obj.municipality or obj.organisation


def account_unit(user):
    """The municipality or organisation the account represents: its own
    field, else the one all its seats (current or ended) agree on; None when
    nothing says."""
    own = _unit(user)
    if own is not None:
        return own
    seats = {
        _unit(seat)
        for seat in user.memberships.select_related("municipality", "organisation")
    }
    if len(seats) > 1:
        raise InvitationRefused(
            _(
                "Ditt konto har platser för flera kommuner eller organisationer, "
                "så det går inte att avgöra vem du företräder. Kontakta "
                "programstaben."
            )
        )
    return next(iter(seats), None)


def seat_unit(invitation, user):
    """The unit the new seat is recorded for: the account's own.

    An account that represents one municipality or organisation never gets
    a seat for another, even when the invitation names another: the seat
    would then claim something untrue about the person, so the invitation
    is refused and staff send a new one or correct the account. An account
    that represents nobody yet takes the invitation's unit.
    """
    own = account_unit(user)
    invited = _unit(invitation)
    if own is not None and own != invited:
        raise InvitationRefused(
            _(
                "Inbjudan gäller en plats för %(invited)s, men ditt konto "
                "företräder %(own)s. En plats registreras alltid för den kommun "
                "eller organisation kontot företräder, så inbjudan kan inte tas "
                "emot med det här kontot. Kontakta programstaben, som kan skicka "
                "en ny inbjudan eller rätta kontots uppgifter."
            )
            % {"invited": invited, "own": own}
        )
    return invited


def _claim(invitation):
    """Mark the invitation accepted, once: the conditional update waits for a
    concurrent acceptance's lock and then finds the row already taken."""
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise InvitationUsed


def _seat_fields(invitation, unit):
    return {
        "municipality": unit if invitation.municipality_id else None,
        "organisation": unit if invitation.organisation_id else None,
        "role": invitation.role,
    }


def _audit_acceptance(invitation, user, *, origin, created=()):
    for action, obj in [
        *((AuditEvent.Action.CREATE, obj) for obj in created),
        (AuditEvent.Action.UPDATE, invitation),
    ]:
        audit_event(
            action=action,
            actor=user,
            object_type=obj._meta.label,
            object_id=obj.pk,
            origin=origin,
        )


@transaction.atomic
def _accept_with_new_account(invitation, form):
    policies.ensure_area_open(fresh=True)
    _claim(invitation)
    user = form.user
    user.first_name = form.cleaned_data["first_name"]
    user.last_name = form.cleaned_data["last_name"]
    form.save()  # sets the password and saves the new user
    seat = Membership.objects.create(
        user=user, group=invitation.group, **_seat_fields(invitation, _unit(user))
    )
    return user, seat


def invitation_accept_new(*, invitation, form, origin=None):
    """Create the account from the valid form and seat it in the group.

    Raises InvitationUsed when the invitation was taken meanwhile, and
    IntegrityError when an account for the address appeared meanwhile.
    """
    user, seat = _accept_with_new_account(invitation, form)
    _audit_acceptance(
        invitation, user, origin=origin or AuditOrigin(), created=[user, seat]
    )
    return user


@transaction.atomic
def _accept_with_account(invitation, user):
    policies.ensure_area_open(fresh=True)
    _claim(invitation)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise InvitationUsed
    unit = seat_unit(invitation, user)
    seat = Membership.objects.filter(user=user, group=invitation.group).first()
    if seat is not None:
        if seat.end_date is not None and seat.end_date < timezone.localdate():
            raise InvitationRefused(
                _(
                    "Du har tidigare haft en plats i %(group)s som har avslutats. "
                    "En avslutad plats öppnas inte igen genom en inbjudan; "
                    "kontakta programstaben."
                )
                % {"group": invitation.group.name}
            )
        return seat, False
    if _unit(user) is None:
        # Filled, never replaced: as for a new account, the invitation says
        # whom a person without a unit represents.
        field = "municipality" if invitation.municipality_id else "organisation"
        setattr(user, field, unit)
        user.save(update_fields=[field])
    seat = Membership.objects.create(
        user=user, group=invitation.group, **_seat_fields(invitation, unit)
    )
    return seat, True


def invitation_accept_existing(*, invitation, user, origin=None):
    """Add the seat to the signed-in account the invitation was sent to.

    Returns (seat, created): an account that already holds a current seat in
    the group keeps it unchanged. Never touches the password or the name.
    Raises InvitationUsed or InvitationRefused (nothing is then saved).
    """
    seat, created = _accept_with_account(invitation, user)
    _audit_acceptance(
        invitation,
        user,
        origin=origin or AuditOrigin(),
        created=[seat] if created else [],
    )
    return seat, created


class AcceptInvitationForm(PrivacyGuardMixin, SetPasswordForm):
    first_name = forms.CharField(label=gettext_lazy("Förnamn"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Efternamn"), max_length=150)
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_submit(self, _("Skapa konto"))


def _origin(request, token):
    return AuditOrigin.of(request, path=request.path.replace(token, "[dold]"))


def _invalid(request):
    return render(request, "registration/invitation_invalid.html", status=404)


def _create_account(request, invitation, token):
    user = get_user_model()(
        email=invitation.email,
        municipality=invitation.municipality,
        organisation=invitation.organisation,
    )
    form = AcceptInvitationForm(user, request.POST or None)
    form.guard_request = request
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_new(
                invitation=invitation, form=form, origin=_origin(request, token)
            )
        except InvitationUsed:
            return _invalid(request)
        except IntegrityError:
            # An account for the address was made meanwhile: sign in to it.
            return redirect(request.path)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("samordning:group", slug=invitation.group.slug)
    return render(
        request,
        "registration/invitation_accept.html",
        {
            "form": form,
            "invitation": invitation,
            "password_help": password_validation.password_validators_help_texts(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _join_with_account(request, invitation, account, token):
    context = {"invitation": invitation}
    posted = request.method == "POST"
    user = request.user
    if not user.is_authenticated:
        context["state"] = "sign_in"
        return render(
            request,
            "registration/invitation_account.html",
            context,
            status=403 if posted else 200,
        )
    if user.pk != account.pk:
        context["state"] = "other_account"
        return render(
            request, "registration/invitation_account.html", context, status=403
        )
    try:
        seat_unit(invitation, user)
        if not posted:
            context["state"] = "join"
            return render(request, "registration/invitation_account.html", context)
        _seat, created = invitation_accept_existing(
            invitation=invitation, user=user, origin=_origin(request, token)
        )
    except InvitationUsed:
        return _invalid(request)
    except InvitationRefused as refusal:
        if posted:
            audit_event(
                action=AuditEvent.Action.DENIED,
                actor=user,
                object_type=invitation._meta.label,
                object_id=invitation.pk,
                origin=_origin(request, token),
            )
        context.update(state="refused", reason=refusal.message)
        return render(
            request, "registration/invitation_account.html", context, status=409
        )
    if created:
        messages.success(
            request,
            _("Du har nu en plats i %(group)s.") % {"group": invitation.group.name},
        )
    else:
        messages.info(
            request,
            _("Du har redan en plats i %(group)s. Inget har ändrats.")
            % {"group": invitation.group.name},
        )
    return redirect("samordning:group", slug=invitation.group.slug)


def _count_post(request, invitation):
    counters = [
        ratelimit.Counter(
            "client",
            client_address(request) or "unknown",
            settings.INVITATION_LIMIT_PER_CLIENT,
        )
    ]
    if invitation is not None:
        counters.append(
            ratelimit.Counter(
                "invitation", invitation.pk, settings.INVITATION_LIMIT_PER_INVITATION
            )
        )
    ratelimit.hit("invitation", *counters)


def accept_invitation(request, token):
    # The same answer for every link, valid or not, once the mandate is closed.
    policies.ensure_area_open()
    invitation = invitation_from_token(token)
    if request.method == "POST":
        try:
            _count_post(request, invitation)
        except ratelimit.RateLimited:
            return render(request, "registration/too_many_attempts.html", status=429)
    if invitation is None:
        return _invalid(request)
    account = account_for(invitation.email)
    if account is None:
        return _create_account(request, invitation, token)
    if not account.is_active:
        return _invalid(request)
    return _join_with_account(request, invitation, account, token)


# Included at the site root without a namespace: sent links and templates
# name it "invitation-accept".
urlpatterns = [
    path("inbjudan/<str:token>/", accept_invitation, name="invitation-accept"),
]
