"""Signing in: login, logout, password change and reset, invitations.

There is no open sign-up: accounts come from invitations that staff send.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation, views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Membership
from portal.models import Invitation, User
from portal.privacy import PrivacyGuardMixin

INVITATION_SALT = "portal.invitation"


def with_submit(form, label):
    form.helper = FormHelper()
    form.helper.add_input(Submit("submit", label))
    return form


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("E-postadress"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy(
            "E-postadressen eller lösenordet är fel. Försök igen."
        ),
        "inactive": gettext_lazy("Kontot är inte aktivt."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_submit(self, _("Logga in"))


class LoginView(views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Each role lands where it works: participants in the coordination
        area, the news editor in the admin, anyone else on the home page."""
        from municipalities.coordination import policies

        if self.next_page:
            return super().get_default_redirect_url()
        user = self.request.user
        if policies.can_enter_area(user):
            return reverse("samordning:dashboard")
        if user.is_staff:
            return reverse("admin:index")
        return reverse("home")


class PasswordChangeView(views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def get_form(self, form_class=None):
        return with_submit(super().get_form(form_class), _("Byt lösenord"))


class PasswordResetView(views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_form(self, form_class=None):
        return with_submit(super().get_form(form_class), _("Skicka länk"))


class PasswordResetConfirmView(views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_form(self, form_class=None):
        return with_submit(super().get_form(form_class), _("Spara lösenordet"))


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


class AcceptInvitationForm(PrivacyGuardMixin, SetPasswordForm):
    first_name = forms.CharField(label=gettext_lazy("Förnamn"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Efternamn"), max_length=150)
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_submit(self, _("Skapa konto"))


def _invitation_from(token):
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 3600,
        )
    except signing.BadSignature:
        return None
    return Invitation.objects.filter(pk=data.get("id"), accepted_at=None).first()


def accept_invitation(request, token):
    invitation = _invitation_from(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
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
        with transaction.atomic():
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


urlpatterns = [
    path("logga-in/", LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("konto/losenord/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "konto/losenord/klart/",
        views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("konto/aterstall/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/aterstall/skickat/",
        views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "konto/aterstall/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/aterstall/klart/",
        views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("inbjudan/<str:token>/", accept_invitation, name="invitation-accept"),
]
