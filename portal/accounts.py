"""Signing in: login, logout, password change and reset.

There is no open sign-up: accounts come from the invitations that staff send
to a working group (`municipalities.coordination.invitations`).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


def sso_provider_name():
    """The name on the single sign-on button, or None while SSO is off
    (`portal.sso`)."""
    if not settings.SSO_ENABLED:
        return None
    return settings.OIDC_PROVIDER_NAME or _("kommunens inloggning")


def landing_url(user):
    """Each role lands where it works: participants in the coordination
    area, the news editor in the admin, anyone else on the home page."""
    from municipalities.coordination import policies

    if policies.can_enter_area(user):
        return reverse("samordning:dashboard")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("home")


class LoginView(views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.next_page:
            return super().get_default_redirect_url()
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_provider_name"] = sso_provider_name()
        return context


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
]
