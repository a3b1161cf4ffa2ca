"""Every admin form refuses identity numbers, and no admin can forget to."""

import datetime
import io
import logging

import pytest
import time_machine
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from municipalities.models import FocusAreaStatus, Meeting, ProgressEntry
from portal.models import AuditEvent, User
from portal.privacy import PrivacyGuardMixin
from presentations.models import Presentation, Session, Speaker
from programme.models import NewsArticle
from tests import factories

NOW = datetime.datetime(2024, 5, 2, 10, tzinfo=datetime.UTC)
NUMBER = "19811218\u20139876"
NUMBER_RUNS = {"811218", "9876", "8112189876", "19811218", "198112189876"}


def refusal(label):
    return (
        f"Fältet ”{label}” innehåller något som ser ut som ett personnummer "
        "eller samordningsnummer. Uppgifter om enskilda personer får inte "
        "föras in i portalen. Ta bort numret och spara igen."
    )


def unguarded_forms(model_admin, request):
    """Where a form with editable fields would be handed out without the guard."""
    obj = model_admin.model()  # an unsaved object: UserAdmin's change form
    forms = {
        "add": model_admin.get_form(request, None, change=False),
        "change": model_admin.get_form(request, obj, change=True),
    }
    if model_admin.list_editable:
        forms["list"] = model_admin.get_changelist_form(request)
    for candidate in (None, obj):
        for formset, inline in model_admin.get_formsets_with_inlines(
            request, candidate
        ):
            forms[f"inline {type(inline).__name__}"] = formset.form
    return sorted(
        where
        for where, form in forms.items()
        if any(not field.disabled for field in form.base_fields.values())
        and not (issubclass(form, PrivacyGuardMixin) and form.guard_request is request)
    )


@pytest.fixture
def superuser_request(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    return request


def test_every_registered_admin_hands_out_guarded_forms(superuser_request):
    missing = {
        model._meta.label: where
        for model, model_admin in admin.site._registry.items()
        if (where := unguarded_forms(model_admin, superuser_request))
    }

    assert missing == {}


def test_registry_check_finds_an_admin_without_the_guard(superuser_request):
    class PlainPresentationInline(admin.StackedInline):
        model = Presentation

    class PlainSessionAdmin(admin.ModelAdmin):
        inlines = [PlainPresentationInline]

    plain = PlainSessionAdmin(Session, admin.site)

    assert unguarded_forms(plain, superuser_request) == [
        "add",
        "change",
        "inline PlainPresentationInline",
    ]


def test_registry_covers_the_admins_of_every_app(superuser_request):
    """The completeness test is only as good as the registry it walks."""
    labels = {model._meta.label for model in admin.site._registry}

    assert {
        "auth.Group",
        "portal.User",
        "municipalities.Invitation",
        "programme.NewsArticle",
        "programme.Mandate",
        "municipalities.FocusAreaStatus",
        "municipalities.ProgressEntry",
        "municipalities.Meeting",
        "municipalities.Decision",
        "municipalities.Action",
        "presentations.Session",
        "presentations.Speaker",
    } <= labels


# --- Through the real admin -------------------------------------------------


def news_case():
    data = {
        "title": "Rubrik som ska finnas kvar",
        "slug": "rubrik",
        "lead": "En ingress.",
        "body": "Första stycket.",
        "image_alt": "",
        "status": "draft",
        "publish_at_0": "2024-05-02",
        "publish_at_1": "10:00:00",
    }
    return "/admin/programme/newsarticle/add/", data


def status_case():
    data = {
        "municipality": factories.MunicipalityFactory().pk,
        "focus_area": factories.FocusAreaFactory().pk,
        "stage": "mapping",
        "comment": "Kort kommentar.",
        "sharing_level": "open",
    }
    return "/admin/municipalities/focusareastatus/add/", data


def entry_case():
    author = factories.UserFactory()
    data = {
        "group": factories.WorkingGroupFactory().pk,
        "municipality": factories.MunicipalityFactory().pk,
        "focus_area": factories.FocusAreaFactory().pk,
        "title": "Rubrik som ska finnas kvar",
        "period_start": "2024-01-01",
        "period_end": "2024-01-31",
        "text": "Läget är stabilt.",
        "sharing_level": "group",
        "release_at_0": "2024-02-01",
        "release_at_1": "09:00:00",
        "author": author.pk,
    }
    return "/admin/municipalities/progressentry/add/", data


def meeting_case():
    data = {
        "group": factories.WorkingGroupFactory().pk,
        "starts_at_0": "2024-05-02",
        "starts_at_1": "10:00:00",
        "ends_at_0": "2024-05-02",
        "ends_at_1": "11:00:00",
        "place": "Rum 3",
        "video_link": "",
        "agenda": "Dagordning.",
        "created_by": factories.UserFactory().pk,
    }
    return "/admin/municipalities/meeting/add/", data


def speaker_case():
    data = {
        "name": "Talare som ska finnas kvar",
        "slug": "talare",
        "title": "Polis",
        "organisation": "Polisen",
        "bio": "Arbetar med förebyggande frågor.",
        "photo_alt": "",
    }
    return "/admin/presentations/speaker/add/", data


ADD_CASES = {
    "news body": (news_case, NewsArticle, "body", "Brödtext", "title"),
    "news lead": (news_case, NewsArticle, "lead", "Ingress", "title"),
    "news title": (news_case, NewsArticle, "title", "Rubrik", "lead"),
    "status comment": (status_case, FocusAreaStatus, "comment", "Kommentar", "stage"),
    "entry text": (entry_case, ProgressEntry, "text", "Text", "title"),
    "meeting agenda": (meeting_case, Meeting, "agenda", "Dagordning", "place"),
    "meeting link": (meeting_case, Meeting, "video_link", "Videolänk", "place"),
    "speaker bio": (
        speaker_case,
        Speaker,
        "bio",
        "Presentation av talaren",
        "name",
    ),
}


@pytest.mark.parametrize("case", ADD_CASES.values(), ids=list(ADD_CASES))
def test_admin_add_form_refuses_a_number_and_keeps_the_input(
    admin_client, admin_user, db, case, caplog
):
    build, model, field, label, kept = case
    url, data = build()
    if field == "video_link":
        data[field] = f"https://möte.example.se/rum/{NUMBER}"
    else:
        data[field] = f"Gäller {NUMBER} enligt samtal."

    with time_machine.travel(NOW), caplog.at_level(logging.DEBUG):
        response = admin_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {field: [refusal(label)]}
    assert form[kept].value() == data[kept]
    body = response.content.decode()
    assert refusal(label) in body
    assert "Var god rätta felet nedan." in body
    assert not model.objects.exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_email) == (
        "pii_refused",
        admin_user,
        admin_user.email,
    )
    assert (event.object_type, event.object_id) == (model._meta.label, field)
    assert (event.path, event.ip_address) == (url, "127.0.0.1")
    stored = [str(getattr(event, f.attname)) for f in AuditEvent._meta.fields]
    logged = [r.getMessage() for r in caplog.records]
    for run in NUMBER_RUNS:
        assert not [text for text in stored + logged if run in text], run


@pytest.mark.parametrize("case", ADD_CASES.values(), ids=list(ADD_CASES))
def test_admin_add_form_saves_the_same_input_without_the_number(admin_client, db, case):
    """The refusal above is the only thing wrong with the posted data."""
    build, model, *_ = case
    url, data = build()

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert model.objects.count() == 1
    assert not AuditEvent.objects.filter(action="pii_refused").exists()


def test_admin_change_form_refuses_and_keeps_the_saved_text(admin_client):
    article = factories.NewsArticleFactory(body="Sparad text.")
    url = f"/admin/programme/newsarticle/{article.pk}/change/"
    data = {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": "<p>Kontakt med <strong>811218</strong>&ndash;9876.</p>",
        "image_alt": "",
        "status": "published",
        "publish_at_0": "2024-05-02",
        "publish_at_1": "10:00:00",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"body": [refusal("Brödtext")]}
    article.refresh_from_db()
    assert article.body == "Sparad text."


def test_admin_inline_refuses_a_number(admin_client, admin_user):
    mandate = factories.MandateFactory()
    prefix = "presentations"
    data = {
        "mandate": mandate.pk,
        "kind": "seminar",
        "title": "Session som ska finnas kvar",
        "slug": "session",
        "starts_at_0": "2024-05-02",
        "starts_at_1": "10:00:00",
        "ends_at_0": "2024-05-02",
        "ends_at_1": "12:00:00",
        "venue": "",
        "address": "",
        "description": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-order": "1",
        f"{prefix}-0-title": "Presentation",
        f"{prefix}-0-slug": "presentation",
        f"{prefix}-0-summary": "Om samordningsnummer 701063\u00a02391.",
        f"{prefix}-0-video_url": "",
        f"{prefix}-0-duration_minutes": "",
    }

    response = admin_client.post("/admin/presentations/session/add/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {}
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.errors == [{"summary": [refusal("Sammanfattning")]}]
    assert inline.formset.forms[0]["title"].value() == "Presentation"
    assert not Session.objects.exists()
    event = AuditEvent.objects.get()
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "presentations.Presentation",
        "summary",
    )


def png_named(name):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_admin_refuses_a_number_in_an_uploaded_file_name(admin_client, db):
    url, data = speaker_case()
    data["photo"] = png_named("talare 811218-9876.png")
    data["photo_alt"] = "Porträtt"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"photo": [refusal("Foto")]}
    assert not Speaker.objects.exists()


def test_admin_user_names_are_guarded(admin_client):
    user = factories.UserFactory(first_name="Anna", last_name="Berg")
    data = {
        "email": user.email,
        "first_name": "Anna",
        "last_name": "Berg 811218-9876",
        "is_active": "on",
        "date_joined_0": "2024-05-02",
        "date_joined_1": "10:00:00",
    }

    response = admin_client.post(f"/admin/portal/user/{user.pk}/change/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "last_name": [refusal("Efternamn")]
    }
    user.refresh_from_db()
    assert user.last_name == "Berg"


def test_admin_group_name_is_guarded(admin_client):
    response = admin_client.post(
        "/admin/auth/group/add/", {"name": "Ärende 811218-9876", "permissions": []}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": [refusal("Namn")]}


def test_admin_password_fields_are_not_checked(admin_client):
    password = "losenord-811218-9876-langt"

    response = admin_client.post(
        "/admin/portal/user/add/",
        {
            "email": "ny@example.se",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="ny@example.se").check_password(password)
