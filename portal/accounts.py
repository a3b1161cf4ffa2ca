"""Signing in: login, logout, password change and reset.

There is no open sign-up: accounts come from the invitations that staff send
to a working group (`municipalities.coordination.invitations`).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import AuditOrigin, audit_event, client_address
from portal.models import AuditEvent
from portal.password_reset import password_reset_request
from portal.ratelimit import RateLimited


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

    def get_success_url(self):
        """The password is the first step only: on to the second, then to
        `next` or the role's own page (`landing_url`)."""
        target = self.get_redirect_url() or landing_url(self.request.user)
        return f"{reverse('second-step')}?{urlencode({'next': target})}"

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
    """The same answer for every address, known or not: see
    `portal.password_reset`, which counts the request and queues the mail."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def get_form(self, form_class=None):
        return with_submit(super().get_form(form_class), _("Skicka länk"))

    def form_valid(self, form):
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                client=client_address(self.request) or "unknown",
            )
        except RateLimited:
            form.add_error(
                None, _("För många försök just nu. Vänta en stund och försök igen.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_form(self, form_class=None):
        return with_submit(super().get_form(form_class), _("Spara lösenordet"))


class AccountSettingsForm(forms.ModelForm):
    """The settings people choose for themselves: kept small on purpose."""

    class Meta:
        model = get_user_model()
        fields = ["reminders_opt_out"]


@login_required
def account(request):
    """Mitt konto: the account's own settings and the ways to change the
    password and the second step."""
    user = request.user
    # An unticked box sends nothing: an empty POST is still a POST.
    data = request.POST if request.method == "POST" else None
    form = AccountSettingsForm(data, instance=user)
    if request.method == "POST" and form.is_valid():
        user.save(update_fields=["reminders_opt_out"])
        audit_event(
            action=AuditEvent.Action.UPDATE,
            actor=user,
            object_type=user._meta.label,
            object_id=user.pk,
            origin=AuditOrigin.of(request),
        )
        messages.success(request, _("Inställningen är sparad."))
        return redirect("account")
    return render(
        request,
        "registration/account.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("konto/", account, name="account"),
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
