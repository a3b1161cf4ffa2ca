"""Public newsletter pages: subscribe, confirm, unsubscribe, your data."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from portal import ratelimit
from portal.audit import client_address
from portal.breadcrumbs import breadcrumbs
from portal.freshness import page_freshness, text_date
from portal.privacy import PrivacyGuardMixin
from programme import newsletter
from programme.models import FocusArea, Subscriber

CONSENT_TEXT = gettext_lazy(
    "Jag samtycker till att FoU Nordväst sparar min e-postadress och mina val "
    "för att skicka nyhetsbrevet. Jag kan när som helst avsluta prenumerationen "
    "och få mina uppgifter raderade."
)


class SubscribeForm(PrivacyGuardMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-postadress"), max_length=254)
    topics = forms.ChoiceField(
        label=gettext_lazy("Vad vill du få?"),
        choices=[
            ("all", gettext_lazy("Alla nyheter")),
            ("areas", gettext_lazy("Bara nyheter inom valda fokusområden")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )
    focus_areas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fokusområden"),
        queryset=FocusArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": gettext_lazy("Du behöver samtycka för att prenumerera.")
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("topics") == "areas" and not cleaned.get("focus_areas"):
            self.add_error(
                "focus_areas", _("Välj minst ett fokusområde, eller alla nyheter.")
            )
        return cleaned


# No CSRF token: the form is on every public page (the footer), and a token
# would give each visitor a cookie and keep every page out of shared caches.
# A forged cross-site post can do no more than its author could by posting
# here directly: the request carries no session and acts for no one, and
# it only asks for a confirmation mail (double opt-in: nothing is subscribed
# until the mailbox's owner clicks its link), counted by the limits per
# address and per client (newsletter.check_rate).
@csrf_exempt
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    form.guard_request = request
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                newsletter.subscribe(
                    email=form.cleaned_data["email"],
                    all_news=form.cleaned_data["topics"] == "all",
                    focus_areas=form.cleaned_data["focus_areas"],
                    consent_text=str(CONSENT_TEXT),
                    client_address=client_address(request) or "unknown",
                )
            except ratelimit.RateLimited:
                form.add_error(
                    None,
                    _("För många försök just nu. Vänta en stund och försök igen."),
                )
                status = 429
            else:
                return redirect("newsletter:check-email")
        else:
            status = 400
    return render(
        request,
        "programme/newsletter/subscribe.html",
        {
            "form": form,
            "freshness": page_freshness(
                "newsletter", text_date("programme/newsletter/subscribe.html")
            ),
            "breadcrumbs": breadcrumbs(_("Nyhetsbrev")),
        },
        status=status,
    )


def check_email(request):
    return render(
        request,
        "programme/newsletter/check_email.html",
        {"breadcrumbs": breadcrumbs(_("Nyhetsbrev"))},
    )


def confirm(request, signed):
    subscriber = newsletter.confirm(signed)
    if subscriber is None:
        return render(
            request,
            "programme/newsletter/invalid_link.html",
            {"breadcrumbs": breadcrumbs(_("Nyhetsbrev"))},
            status=404,
        )
    return render(
        request,
        "programme/newsletter/confirmed.html",
        {"subscriber": subscriber, "breadcrumbs": breadcrumbs(_("Nyhetsbrev"))},
    )


# RFC 8058 one-click unsubscribe: mail clients POST without any cookie or
# CSRF token. The secret token in the URL is what authorises the request.
@csrf_exempt
def unsubscribe(request, token):
    subscriber = Subscriber.objects.filter(token=token).first()
    if request.method == "POST":
        if subscriber is not None:
            newsletter.erase(subscriber)
        return render(
            request,
            "programme/newsletter/unsubscribed.html",
            {"breadcrumbs": breadcrumbs(_("Nyhetsbrev"))},
        )
    if subscriber is None:
        raise Http404
    return render(
        request,
        "programme/newsletter/unsubscribe.html",
        {"subscriber": subscriber, "breadcrumbs": breadcrumbs(_("Nyhetsbrev"))},
    )


def manage(request, token):
    subscriber = get_object_or_404(
        Subscriber.objects.prefetch_related("focus_areas"), token=token
    )
    return render(
        request,
        "programme/newsletter/manage.html",
        {"subscriber": subscriber, "breadcrumbs": breadcrumbs(_("Dina uppgifter"))},
    )
