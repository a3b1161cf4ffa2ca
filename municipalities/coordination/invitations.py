"""Invitations to a working group: the signed link staff send, and the page
where the invited person creates an account and takes their seat.

There is no open sign-up; this is the only way a new person gets in.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Invitation, Membership
from portal.accounts import with_submit
from portal.privacy import PrivacyGuardMixin

# The salt predates the move out of `portal`; changing it would void every
# link already sent.
INVITATION_SALT = "portal.invitation"


def invitation_token(invitation):
    return signing.dumps({"id": invitation.pk}, salt=INVITATION_SALT)


def invitation_send(invitation, *, request=None):
    """Email the signed link; the link is the only way in."""
    link = settings.SITE_URL + reverse(
        "invitation-accept", kwargs={"token": invitation_token(invitation)}
    )
    context = {
        "invitation": invitation,
        "link": link,
        "days": settings.INVITATION_MAX_AGE_DAYS,
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
    expired or already used."""
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 3600,
        )
    except signing.BadSignature:
        return None
    return Invitation.objects.filter(pk=data.get("id"), accepted_at=None).first()


@transaction.atomic
def invitation_accept(*, invitation, form):
    """Save the person's account from the valid form and seat them in the group."""
    user = form.user
    user.first_name = form.cleaned_data["first_name"]
    user.last_name = form.cleaned_data["last_name"]
    form.save()  # sets the password and saves the user
    Membership.objects.update_or_create(
        user=user,
        group=invitation.group,
        defaults={
            "municipality": invitation.municipality,
            "organisation": invitation.organisation,
            "role": invitation.role,
            "end_date": None,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


class AcceptInvitationForm(PrivacyGuardMixin, SetPasswordForm):
    first_name = forms.CharField(label=gettext_lazy("Förnamn"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Efternamn"), max_length=150)
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_submit(self, _("Skapa konto"))


def accept_invitation(request, token):
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    User = get_user_model()
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(
            email=invitation.email,
            municipality=invitation.municipality,
            organisation=invitation.organisation,
        )
    form = AcceptInvitationForm(user, request.POST or None)
    form.guard_request = request
    if request.method == "POST" and form.is_valid():
        user = invitation_accept(invitation=invitation, form=form)
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


# Included at the site root without a namespace: sent links and templates
# name it "invitation-accept".
urlpatterns = [
    path("inbjudan/<str:token>/", accept_invitation, name="invitation-accept"),
]
