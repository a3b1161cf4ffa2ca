"""Every date and date-time the portal takes is bounded to 1900-2100.

A year-1 release time used to break every page that read it (SQLite: 500 on
save; PostgreSQL: stored as year 0 in UTC, then 500 for every reader). The
tests here find the date fields themselves (model fields, the project's
forms, every registered admin and its inlines), so a field added later is
covered without anyone remembering to add it.
"""

import datetime
import sys

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from municipalities.coordination import forms as coordination_forms
from municipalities.models import (
    Action,
    Decision,
    IndicatorReport,
    Meeting,
    ProgressEntry,
)
from portal.admin import HiddenSecretsAdmin
from portal.admin_utils import BoundedChangeList
from portal.fields import (
    BoundedDateField,
    BoundedDateFormField,
    BoundedDateTimeField,
    BoundedDateTimeFormField,
    BoundedSplitDateTimeFormField,
)
from presentations.models import Session
from programme.models import Mandate, Milestone, NewsArticle
from tests import factories
from tests.municipalities.conftest import client_for
from tests.test_factories import all_factories, project_models

OUR_APPS = ("portal", "programme", "municipalities", "presentations")
BAD_DATES = ["0001-01-01", "9999-12-31"]


def out_of_range(min_value=datetime.date(1900, 1, 1), max_value=None):
    max_value = max_value or datetime.date(2100, 12, 31)
    return (
        f"Ange ett datum från {min_value:%Y-%m-%d} till och med {max_value:%Y-%m-%d}."
    )


OUT_OF_RANGE = out_of_range()


# --- The fields themselves ------------------------------------------------


def unbounded_date_fields(model_list):
    return sorted(
        f"{model._meta.label}.{field.name}"
        for model in model_list
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField)
        and not isinstance(field, BoundedDateField | BoundedDateTimeField)
    )


def test_every_model_date_field_is_bounded():
    # Historical models (simple_history) copy these same fields.
    assert unbounded_date_fields(project_models()) == []


def test_the_model_check_finds_a_plain_date_field():
    from django.contrib.sessions.models import Session as DjangoSession

    assert unbounded_date_fields([DjangoSession]) == ["sessions.Session.expire_date"]


def editable_text_fields_without_limit(model_list):
    return sorted(
        f"{model._meta.label}.{field.name}"
        for model in model_list
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField | models.CharField)
        and field.editable
        and not field.max_length
    )


def test_every_free_text_field_has_a_maximum_length():
    assert editable_text_fields_without_limit(project_models()) == []


def test_the_text_check_finds_an_unlimited_text_field():
    from django.contrib.admin.models import LogEntry

    assert "admin.LogEntry.change_message" in editable_text_fields_without_limit(
        [LogEntry]
    )


@pytest.mark.parametrize(
    "value",
    ["1899-12-31T23:59", "2101-01-01T00:00", "0001-01-01T00:00", "9999-12-31T23:59"],
)
@pytest.mark.parametrize("zone", ["Europe/Stockholm", "Pacific/Kiritimati", "UTC"])
def test_datetime_form_field_refuses_outside_the_range_in_any_zone(value, zone):
    field = BoundedDateTimeFormField()

    with timezone.override(zone), pytest.raises(ValidationError) as refused:
        field.clean(value)

    assert refused.value.messages == [OUT_OF_RANGE]


@pytest.mark.parametrize(
    "value",
    [
        "1900-01-01T00:00",
        "2100-12-31T23:59",
        "1900-01-01T00:00+14:00",
        "2100-12-31T23:59-12:00",
    ],
)
@pytest.mark.parametrize("zone", ["Europe/Stockholm", "Pacific/Kiritimati", "UTC"])
def test_datetime_form_field_takes_the_edges_and_converts_them(value, zone):
    with timezone.override(zone):
        result = BoundedDateTimeFormField().clean(value)

    assert timezone.is_aware(result)
    # The value survives the conversions every page makes.
    assert result.astimezone(datetime.UTC).year in (1899, 1900, 2100, 2101)
    assert timezone.localtime(result).year in (1899, 1900, 2100, 2101)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("1899-12-31", True),
        ("1900-01-01", False),
        ("2100-12-31", False),
        ("2101-01-01", True),
        ("0001-01-01", True),
    ],
)
def test_date_form_field_edges(value, refused):
    field = BoundedDateFormField()

    if refused:
        with pytest.raises(ValidationError) as error:
            field.clean(value)
        assert error.value.messages == [OUT_OF_RANGE]
    else:
        assert field.clean(value) == datetime.date.fromisoformat(value)


def test_date_inputs_tell_the_browser_the_range():
    date = str(coordination_forms.ReportForm()["start"])
    local = str(coordination_forms.MeetingForm()["starts_at"])

    assert 'min="1900-01-01"' in date
    assert 'max="2100-12-31"' in date
    assert 'min="1900-01-01T00:00"' in local
    assert 'max="2100-12-31T23:59"' in local


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (ProgressEntry, "release_at", datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)),
        (
            ProgressEntry,
            "period_end",
            datetime.date(9999, 12, 31),
        ),
        (Meeting, "starts_at", datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC)),
        (
            NewsArticle,
            "publish_at",
            datetime.datetime(1899, 12, 31, tzinfo=datetime.UTC),
        ),
        (Milestone, "due_date", datetime.date(1, 1, 1)),
        (IndicatorReport, "period_start", datetime.date(9999, 10, 1)),
        (Session, "ends_at", datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC)),
    ],
)
def test_full_clean_refuses_a_value_set_in_code(db, model, field, value):
    instance = model(**{field: value})

    with pytest.raises(ValidationError) as refused:
        instance.full_clean()

    assert refused.value.message_dict[field] == [OUT_OF_RANGE]


def test_mandate_must_start_early_enough_to_end_inside_the_range(db):
    late = Mandate(start_date=datetime.date(2091, 1, 1), length_months=120)

    with pytest.raises(ValidationError) as refused:
        late.full_clean()

    assert refused.value.message_dict["start_date"] == [
        out_of_range(max_value=datetime.date(2090, 12, 31))
    ]
    latest = Mandate(start_date=datetime.date(2090, 12, 31), length_months=120)
    assert latest.compute_end_date() <= datetime.date(2100, 12, 31)


# --- The project's own forms -----------------------------------------------


def project_form_classes():
    """Every form class defined at module level in the project's apps."""
    from django.urls import get_resolver

    # Forms live beside their views: load every view module first, or the
    # answer would depend on which tests happened to run before.
    get_resolver().url_patterns  # noqa: B018
    found, stack = set(), [forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            module = sys.modules.get(sub.__module__)
            if (
                sub.__module__.startswith(OUR_APPS)
                and getattr(module, sub.__name__, None) is sub
            ):
                found.add(sub)
    return found


def date_fields(form_fields):
    return {
        name: field
        for name, field in form_fields.items()
        if isinstance(
            field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField
        )
    }


def bounds_of(field):
    """The (min, max) a form field enforces; fails for an unbounded field."""
    if isinstance(field, BoundedSplitDateTimeFormField):
        field = field.fields[0]
    assert isinstance(field, BoundedDateFormField | BoundedDateTimeFormField), field
    return field.min_value, field.max_value


def entry_case(world):
    return (
        "rep_a",
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
            "title": "Rubrik som ska finnas kvar",
            "period_start": "2024-01-01",
            "period_end": "2024-01-31",
            "text": "Läget är stabilt.",
            "sharing_level": "group",
            "release_at": "2024-02-01T09:00",
        },
        "title",
    )


def meeting_case(world):
    return (
        "chair",
        "/samordning/grupper/operativ/moten/nytt/",
        {
            "starts_at": "2024-05-02T10:00",
            "ends_at": "2024-05-02T11:00",
            "place": "Rum som ska finnas kvar",
            "agenda": "Dagordning.",
        },
        "place",
    )


def decision_case(world):
    return (
        "rep_a",
        "/samordning/grupper/operativ/beslut/nytt/",
        {
            "decided_on": "2024-05-02",
            "text": "Beslut som ska finnas kvar",
            "follow_up": "information",
        },
        "text",
    )


def action_case(world):
    return (
        "rep_a",
        "/samordning/grupper/operativ/atgarder/ny/",
        {
            "what": "Åtgärd som ska finnas kvar",
            "due_date": "2024-06-01",
            "status": "open",
            "report_back": "",
        },
        "what",
    )


def indicator_case(world):
    values = dict.fromkeys(IndicatorReport.INDICATORS, "3")
    values["cases_with_intervention"] = "1"
    return (
        "rep_a",
        "/samordning/indikatorer/rapportera/",
        {"period_kind": "month", "period_start": "2024-01-01", **values},
        "inquiries",
    )


def report_case(world):
    return (
        "staff",
        "/samordning/rapport/",
        {"start": "2024-01-01", "end": "2024-03-31"},
        None,
    )


# Form class -> (role, url, a valid submission, a field whose input must be
# kept). GET forms are marked by the report's URL.
FORM_CASES = {
    coordination_forms.ProgressEntryForm: entry_case,
    coordination_forms.MeetingForm: meeting_case,
    coordination_forms.DecisionForm: decision_case,
    coordination_forms.ActionForm: action_case,
    coordination_forms.IndicatorForm: indicator_case,
    coordination_forms.ReportForm: report_case,
}
GET_FORMS = {coordination_forms.ReportForm}


def project_forms_with_dates():
    return {
        form_class: date_fields(form_class.base_fields)
        for form_class in project_form_classes()
        if date_fields(form_class.base_fields)
    }


def test_every_project_form_with_a_date_has_a_case():
    found = project_forms_with_dates()

    assert set(found) == set(FORM_CASES)
    # The discovery is not empty by accident.
    assert set(found[coordination_forms.ProgressEntryForm]) == {
        "period_start",
        "period_end",
        "release_at",
    }


def stored_counts():
    return {
        model: model.objects.count()
        for model in (ProgressEntry, Meeting, Decision, Action, IndicatorReport)
    }


def test_every_date_in_every_project_form_refuses_year_1_and_9999(world, private_media):
    failures = []
    for form_class, fields in project_forms_with_dates().items():
        role, url, valid, kept = FORM_CASES[form_class](world)
        client = client_for(world, role)
        send = client.get if form_class in GET_FORMS else client.post
        for name, field in fields.items():
            low, high = bounds_of(field)
            for bad in BAD_DATES:
                data = dict(valid)
                data[name] = (
                    f"{bad}T10:00" if isinstance(field, forms.DateTimeField) else bad
                )
                before = stored_counts()
                response = send(url, data)
                form = response.context["form"] if response.context else None
                errors = form.errors.get(name) if form is not None else None
                problem = None
                if response.status_code != 400:
                    problem = f"answered {response.status_code}"
                elif list(errors or []) != [out_of_range(low, high)]:
                    problem = f"errors {errors!r}"
                elif kept and form[kept].value() != valid[kept]:
                    problem = f"lost {kept}"
                elif stored_counts() != before:
                    problem = "stored something"
                elif out_of_range(low, high) not in response.content.decode():
                    problem = "message not shown"
                if problem:
                    failures.append((form_class.__name__, name, bad, problem))
    assert failures == []


def test_the_form_cases_are_valid_as_given(world, private_media):
    """The refusals above come from the date alone."""
    for form_class in FORM_CASES:
        role, url, valid, _kept = FORM_CASES[form_class](world)
        client = client_for(world, role)
        if form_class in GET_FORMS:
            response = client.get(url, valid)
            assert response.status_code == 200, form_class
            assert response["Content-Type"] == "application/pdf"
        else:
            response = client.post(url, valid)
            assert response.status_code == 302, (
                form_class,
                response.context and response.context["form"].errors,
            )


# --- Every admin form ------------------------------------------------------


def admin_date_inputs(model_admin, request, obj):
    """[(inline prefix or None, field name, form field)] for every editable
    date field of the admin's form and of its inlines."""
    found = []
    form = model_admin.get_form(request, obj, change=obj is not None)
    for name, field in date_fields(form.base_fields).items():
        found.append((None, name, field))
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        for name, field in date_fields(formset.form.base_fields).items():
            found.append((prefix, name, field))
    return found


def posted_names(prefix, name, field):
    full = f"{prefix}-0-{name}" if prefix else name
    if isinstance(field, forms.SplitDateTimeField):
        return {f"{full}_0": None, f"{full}_1": "10:00:00"}
    return {full: None}


def form_data(html, form_id):
    """What a browser would post from the admin's form, untouched."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id)
    data = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or "__prefix__" in name:
            continue
        if element.name == "textarea":
            data[name] = element.text
        elif element.name == "select":
            chosen = [
                o.get("value", o.text)
                for o in element.find_all("option")
                if o.has_attr("selected")
            ]
            if element.has_attr("multiple"):
                data[name] = chosen
            else:
                options = element.find_all("option")
                data[name] = (
                    chosen[0]
                    if chosen
                    else (options[0].get("value", "") if options else "")
                )
        else:
            kind = element.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    data.setdefault(name, []).append(element.get("value", "on"))
                continue
            data[name] = element.get("value", "")
    return data


def admin_field_errors(response, prefix, name):
    if prefix is None:
        return response.context["adminform"].form.errors.get(name)
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.forms[0].errors.get(name)
    return f"no inline {prefix}"


def test_every_admin_date_field_refuses_year_1_and_9999(
    admin_client, admin_user, rf, private_media
):
    request = rf.get("/admin/")
    request.user = admin_user
    model_factories = all_factories()
    failures, checked = [], []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        views = []
        if model_admin.has_add_permission(request):
            views.append((None, f"/admin/{opts.app_label}/{opts.model_name}/add/"))
        if model in model_factories:
            obj = model_factories[model]()
            if model_admin.has_change_permission(request, obj):
                views.append(
                    (obj, f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
                )
        for obj, url in views:
            inputs = admin_date_inputs(model_admin, request, obj)
            if not inputs:
                continue
            page = admin_client.get(url)
            assert page.status_code == 200, url
            base = form_data(page.content.decode(), f"{opts.model_name}_form")
            for prefix, name, field in inputs:
                low, high = bounds_of(field)
                for bad in BAD_DATES:
                    data = dict(base)
                    if prefix is not None:
                        total = f"{prefix}-TOTAL_FORMS"
                        data[total] = str(max(int(data.get(total, 0)), 1))
                    for posted, value in posted_names(prefix, name, field).items():
                        data[posted] = value or bad
                    before = model.objects.count()
                    response = admin_client.post(url, data)
                    where = (opts.label, url.rsplit("/", 2)[-2], prefix, name, bad)
                    checked.append(where)
                    if response.status_code != 200:
                        failures.append((*where, response.status_code))
                    elif list(admin_field_errors(response, prefix, name) or []) != [
                        out_of_range(low, high)
                    ]:
                        errors = admin_field_errors(response, prefix, name)
                        failures.append((*where, errors))
                    elif model.objects.count() != before:
                        failures.append((*where, "stored"))
    assert failures == []
    # The walk reached the forms this issue was found in, inlines included.
    reached = {(label, prefix, name) for label, _view, prefix, name, _bad in checked}
    assert {
        ("municipalities.ProgressEntry", None, "release_at"),
        ("municipalities.Meeting", None, "starts_at"),
        ("programme.NewsArticle", None, "publish_at"),
        ("programme.Mandate", "milestones", "due_date"),
        ("portal.User", None, "date_joined"),
        ("presentations.Session", None, "starts_at"),
    } <= reached


def test_every_admin_with_a_date_hierarchy_bounds_it(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    unbounded = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
        and not issubclass(model_admin.get_changelist(request), BoundedChangeList)
    ]

    assert unbounded == []


@pytest.mark.parametrize(
    "query",
    [
        "{f}__year=1",
        "{f}__year=0",
        "{f}__year=9999",
        "{f}__year=2100&{f}__month=12&{f}__day=31x",
        "{f}__year=99999999999999999999",
        "{f}__year=2024&{f}__month=13",
        "{f}__year=2024&{f}__month=2&{f}__day=30",
        "{f}__year=%D9%A2%D9%A0%D9%A2%D9%A4",  # Arabic-Indic digits
    ],
)
def test_date_hierarchy_outside_the_range_goes_back_to_the_list(admin_client, query):
    factories.ProgressEntryFactory()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.date_hierarchy:
            continue
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"

        response = admin_client.get(
            url + "?" + query.format(f=model_admin.date_hierarchy)
        )

        assert response.status_code == 302, url
        assert response["Location"] == url + "?e=1"


def test_date_hierarchy_inside_the_range_filters(admin_client):
    factories.ProgressEntryFactory(
        release_at=datetime.datetime(2100, 12, 31, 22, tzinfo=datetime.UTC)
    )
    url = "/admin/municipalities/progressentry/"

    for query in ("release_at__year=2100", "release_at__year=1900&release_at__month=1"):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert (
        admin_client.get(f"{url}?release_at__year=2100").context["cl"].result_count == 1
    )


# --- The pages a year-1 date used to break ---------------------------------


def post_entry(client, world, *, release_at, period, title):
    return client.post(
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
            "title": title,
            "period_start": period[0],
            "period_end": period[1],
            "text": "Läget är stabilt.",
            "sharing_level": "open",
            "release_at": release_at,
        },
    )


def post_meeting(client, *, starts_at, ends_at):
    return client.post(
        "/samordning/grupper/operativ/moten/nytt/",
        {"starts_at": starts_at, "ends_at": ends_at, "place": "Rum 3"},
    )


def post_news(client, *, publish_at, title, slug):
    return client.post(
        "/admin/programme/newsarticle/add/",
        {
            "title": title,
            "slug": slug,
            "lead": "En ingress.",
            "body": "Första stycket.",
            "image_alt": "",
            "status": "published",
            "publish_at_0": publish_at[0],
            "publish_at_1": publish_at[1],
        },
    )


def post_session(client, mandate, *, starts_at, ends_at, title, slug):
    return client.post(
        "/admin/presentations/session/add/",
        {
            "mandate": mandate.pk,
            "kind": "seminar",
            "title": title,
            "slug": slug,
            "starts_at_0": starts_at[0],
            "starts_at_1": starts_at[1],
            "ends_at_0": ends_at[0],
            "ends_at_1": ends_at[1],
            "venue": "",
            "address": "",
            "description": "",
            "published": "on",
            "presentations-TOTAL_FORMS": "0",
            "presentations-INITIAL_FORMS": "0",
            "presentations-MIN_NUM_FORMS": "0",
            "presentations-MAX_NUM_FORMS": "1000",
        },
    )


def test_pages_answer_after_year_1_attempts_and_values_at_the_edges(
    world, private_media, admin_client
):
    member = client_for(world, "rep_a")
    chair = client_for(world, "chair")
    mandate = world["group"].mandate

    # Outside the range: each refused, nothing stored.
    refused = [
        post_entry(
            member,
            world,
            release_at="0001-01-01T00:00",
            period=("2024-01-01", "2024-01-31"),
            title="År ett",
        ),
        post_entry(
            member,
            world,
            release_at="2024-01-01T00:00",
            period=("0001-01-01", "9999-12-31"),
            title="År ett",
        ),
        post_meeting(chair, starts_at="0001-01-01T00:00", ends_at="0001-01-01T01:00"),
        post_meeting(chair, starts_at="9999-12-31T22:00", ends_at="9999-12-31T23:59"),
    ]
    refused_admin = [
        post_news(
            admin_client, publish_at=("0001-01-01", "00:00:00"), title="x", slug="x"
        ),
        post_session(
            admin_client,
            mandate,
            starts_at=("0001-01-01", "00:00:00"),
            ends_at=("0001-01-01", "01:00:00"),
            title="x",
            slug="x",
        ),
    ]
    assert [r.status_code for r in refused] == [400] * 4
    assert [r.status_code for r in refused_admin] == [200] * 2
    assert not ProgressEntry.objects.exists()
    assert not Meeting.objects.exists()
    assert not NewsArticle.objects.exists()
    assert not Session.objects.exists()

    # At the edges: stored, and every page still reads them.
    stored = [
        post_entry(
            member,
            world,
            release_at="1900-01-01T00:00",
            period=("1900-01-01", "1900-01-31"),
            title="Kantrapport nittonhundra",
        ),
        post_entry(
            member,
            world,
            release_at="2100-12-31T23:59",
            period=("2100-12-01", "2100-12-31"),
            title="Kantrapport tjugoetthundra",
        ),
        post_meeting(chair, starts_at="1900-01-01T00:00", ends_at="1900-01-01T01:00"),
        post_meeting(chair, starts_at="2100-12-31T22:00", ends_at="2100-12-31T23:59"),
        post_news(
            admin_client,
            publish_at=("1900-01-01", "00:00:00"),
            title="Kantnyhet nittonhundra",
            slug="kantnyhet",
        ),
        post_session(
            admin_client,
            mandate,
            starts_at=("2100-12-31", "22:00:00"),
            ends_at=("2100-12-31", "23:59:00"),
            title="Kantsession",
            slug="kantsession",
        ),
        post_session(
            admin_client,
            mandate,
            starts_at=("1900-01-01", "00:00:00"),
            ends_at=("1900-01-01", "01:00:00"),
            title="Tidig session",
            slug="tidig",
        ),
    ]
    assert [r.status_code for r in stored] == [302] * 7
    token = factories.CalendarTokenFactory(
        user=world["users"]["rep_a"], group=world["group"]
    ).token

    internal = [
        "/samordning/",
        "/samordning/lagesrapporter/",
        "/samordning/lagesrapporter/?q=Kantrapport",
        "/samordning/lagesrapporter/flode/",
        "/samordning/export/lagesrapporter.csv",
        "/samordning/rapport/",
        "/samordning/rapport/?start=1900-01-01&end=1900-12-31",
        "/samordning/rapport/?start=2100-01-01&end=2100-12-31",
        "/samordning/grupper/operativ/",
        f"/samordning/grupper/operativ/kalender/{token}.ics",
    ]
    public = [
        "/",
        "/nyheter/",
        "/nyheter/feed/",
        "/nyheter/kantnyhet/",
        "/sok/?q=Kantnyhet",
        "/sok/?q=Kantsession",
        "/sitemap.xml",
        "/sitemap-nyheter.xml",
        "/presentationer/",
        "/presentationer/kommande.ics",
        "/presentationer/kantsession/kalender.ics",
        "/presentationer/tidig/kalender.ics",
    ]
    changelists = [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, HiddenSecretsAdmin)
    ]
    answers = {url: member.get(url) for url in internal}
    answers |= {url: client_for(world, "anonymous").get(url) for url in public}
    answers |= {url: admin_client.get(url) for url in changelists}
    answers["/admin/municipalities/progressentry/?release_at__year=1900"] = (
        admin_client.get("/admin/municipalities/progressentry/?release_at__year=1900")
    )

    assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(
        answers, 200
    )
    # The pages did read the values at the edges.
    listed = answers["/samordning/lagesrapporter/"].content.decode()
    assert "Kantrapport nittonhundra" in listed
    assert "Kantrapport tjugoetthundra" in listed
    csv = b"".join(
        answers["/samordning/export/lagesrapporter.csv"].streaming_content
    ).decode()
    assert "1900-01-01 00:00" in csv
    assert "2100-12-31 23:59" in csv
    assert "Kantnyhet nittonhundra" in answers["/nyheter/feed/"].content.decode()
    assert "/nyheter/kantnyhet/" in answers["/sitemap-nyheter.xml"].content.decode()
    ics = answers[f"/samordning/grupper/operativ/kalender/{token}.ics"]
    assert ics.content.decode().count("BEGIN:VEVENT") == 2
    assert "Kantsession" in answers["/"].content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "refused"),
    [("0001-01-01", True), ("9999-12-31", True), ("2024-05-01 00:00:00+00:00", False)],
)
def test_date_list_filter_ranges_outside_the_portal_range_are_refused(
    client, value, refused
):
    """`?attempt_time__gte=0001-01-01` on the lockout list made a naive
    datetime before every time zone's epoch (found by the fuzz test)."""
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/axes/accessattempt/", {"attempt_time__gte": value})

    if refused:
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")
    else:
        assert response.status_code == 200
