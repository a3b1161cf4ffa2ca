"""No input answers 500: arbitrary text, control characters, odd Unicode and
raw bytes in every GET parameter the views read, in the tokens in paths, and
in every field of every form, as anonymous and as each signed-in role.

Answers such as 400 (RejectControlCharactersMiddleware, form errors), 403,
404 and 302 are all fine; the test client raises on any exception a view
lets through, so a 500 fails the example Hypothesis found.

The GET parameters are discovered in the views' source, and the forms and
the admin's filters from the pages themselves, so a parameter or form added
later is fuzzed, or makes `test_every_get_parameter_a_view_reads_is_fuzzed`
fail until it is.
"""

import pathlib
import re
from urllib.parse import parse_qsl, quote, quote_from_bytes, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from municipalities.coordination.invitations import invitation_token
from portal.admin_utils import _UsableKeysMixin
from tests import factories
from tests.municipalities import conftest as coordination
from tests.municipalities.conftest import ROLES, client_for
from tests.portal.test_date_bounds import form_data, project_form_classes

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUR_APPS = ("portal", "programme", "municipalities", "presentations")

targets = coordination.targets  # the fixture, for the fuzz world

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

ODD = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "1900-01-01",
    "2100-12-31",
    "2022-K4",
    "9999-K4",
    "0000-00",
    "operativ",
    "../../etc/passwd",
    "%00",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "\u202e\u2066",  # bidirectional overrides
    "\ufeff\u200b\u00ad",  # BOM, zero-width space, soft hyphen
    "\U0001d7d8\U0001d7d9",  # mathematical digits
    "\u0662\u0660\u0662\u0664",  # Arabic-Indic 2024
    "e\u0301" * 50,  # combining marks
    "\U0001f600" * 20,
    "x" * 5000,
    "\x00",
    "\x01\x1f\x7f",
    "\r\n\t",
]
# Mostly text the middleware lets through, so the views see it; control
# characters often enough to prove they are refused everywhere.
TEXT = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=60),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=60),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)


def assert_no_server_error(response, where):
    # --hypothesis-show-statistics shows how often each answer came.
    event(f"answered {response.status_code}")
    assert response.status_code < 500, where


# --- What the views read ----------------------------------------------------

# (path, the GET parameters it reads). The paths are formatted with the
# fixture objects; a role that may not open a page gets its 403 or 302.
GET_TARGETS = [
    ("/", []),
    ("/sok/", ["q", "sida"]),
    ("/nyheter/", ["fokusomrade", "kommun", "sida"]),
    ("/nyheter/feed/", []),
    ("/presentationer/", ["sida"]),
    ("/logga-in/", ["next"]),
    ("/logga-in/tvastegs/", ["next"]),
    ("/konto/tvastegs/", ["next"]),
    # Single sign-on's answer (404 while SSO is not configured).
    ("/logga-in/sso/svar/", ["code", "state", "error"]),
    ("/samordning/", []),
    ("/samordning/lagesrapporter/", ["q", "grupp", "sida"]),
    ("/samordning/lagesrapporter/flode/", []),
    ("/samordning/rapport/", ["start", "end", "focus_area", "municipalities"]),
    ("/samordning/indikatorer/", ["period", "indikator"]),
    ("/samordning/jamforelse/", ["period"]),
    ("/samordning/export/lagesrapporter.csv", []),
    ("/samordning/export/indikatorer.csv", []),
    (
        "/admin/autocomplete/",
        ["term", "app_label", "model_name", "field_name", "page"],
    ),
]
# Secrets and slugs in paths; {} is the fuzzed segment.
PATH_TARGETS = [
    "/nyhetsbrev/avsluta/{}/",
    "/nyhetsbrev/mina-uppgifter/{}/",
    "/nyhetsbrev/bekrafta/{}/",
    "/samordning/grupper/operativ/kalender/{}.ics",
    "/samordning/grupper/{}/",
    "/inbjudan/{}/",
    "/konto/aterstall/{}/{}/",
    "/nyheter/{}/",
    "/nyheter/{}/pdf/",
    "/presentationer/{}/kalender.ics",
    "/kommuner/{}/",
    "/talare/{}/",
    "/samordning/lage/{}/{}/",
]

GET_READS = [
    re.compile(r"request\.GET(?:\.get|\.getlist)?[\(\[]\s*[\"'](\w+)[\"']"),
    re.compile(r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.GET"),
]
GET_FORM = re.compile(r"(\w+Form)\(\s*\n?\s*request\.GET")


def get_parameters_in_source():
    """Every GET parameter the project's views read, by name or by a form."""
    forms_by_name = {form.__name__: form for form in project_form_classes()}
    found = set()
    for app in OUR_APPS:
        for source in (ROOT / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text()
            for pattern in GET_READS:
                found |= {(source.name, name) for name in pattern.findall(text)}
            for form_name in GET_FORM.findall(text):
                found |= {
                    (source.name, name) for name in forms_by_name[form_name].base_fields
                }
    return found


def open_admin_models():
    """Every admin but the second-factor devices', closed to all."""
    from portal.admin import HiddenSecretsAdmin

    return [
        model
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, HiddenSecretsAdmin)
    ]


def test_every_get_parameter_a_view_reads_is_fuzzed():
    found = get_parameters_in_source()
    fuzzed = {name for _path, names in GET_TARGETS for name in names}

    assert {name for _source, name in found} - fuzzed == set()
    # The discovery reads the source it should (not empty by accident).
    assert {
        ("views.py", "q"),
        ("entries.py", "grupp"),
        ("pagination.py", "sida"),
        ("indicators.py", "period"),
        ("reports.py", "start"),
        ("views.py", "fokusomrade"),
    } <= found


# --- The world the fuzz runs in ------------------------------------------


@pytest.fixture
def fuzz_world(world, targets, private_media, admin_user):
    """Something behind every page, and a client per role, made once."""
    article = factories.NewsArticleFactory(status="published", slug="nyhet")
    article.focus_areas.add(world["area"])
    session = factories.SessionFactory(published=True, slug="session")
    factories.PresentationFactory(session=session, published=True)
    factories.SubscriberFactory()
    invitation = factories.InvitationFactory(
        group=world["group"], municipality=world["town_b"]
    )
    clients = {role: client_for(world, role) for role in ROLES}
    clients["admin"] = Client()
    clients["admin"].force_login(admin_user)
    yield {
        "world": world,
        "targets": targets,
        "clients": clients,
        "invitation": f"/inbjudan/{invitation_token(invitation)}/",
    }
    cache.clear()  # the newsletter's and the login's throttles


# --- GET parameters -----------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_fuzzed_get_parameters_never_answer_500(fuzz_world, data):
    role = data.draw(st.sampled_from([*ROLES, "admin"]), label="role")
    path, names = data.draw(st.sampled_from(GET_TARGETS), label="target")
    params = {
        name: data.draw(TEXT, label=name)
        for name in names
        if data.draw(st.booleans(), label=f"send {name}")
    }
    params |= data.draw(
        st.dictionaries(st.sampled_from(["sida", "page", "x"]), TEXT, max_size=1),
        label="extra",
    )

    response = fuzz_world["clients"][role].get(path, params)

    assert_no_server_error(response, (role, path, params))


@FUZZ
@given(data=st.data())
def test_fuzzed_raw_query_bytes_never_answer_500(fuzz_world, data):
    role = data.draw(st.sampled_from(["anonymous", "rep_a", "admin"]), label="role")
    path, names = data.draw(
        st.sampled_from([t for t in GET_TARGETS if t[1]]), label="target"
    )
    name = data.draw(st.sampled_from(names), label="name")
    raw = data.draw(st.binary(max_size=40), label="bytes")

    response = fuzz_world["clients"][role].get(f"{path}?{name}={quote_from_bytes(raw)}")

    assert_no_server_error(response, (role, path, name, raw))


@FUZZ
@given(data=st.data())
def test_fuzzed_path_segments_never_answer_500(fuzz_world, data):
    role = data.draw(st.sampled_from([*ROLES, "admin"]), label="role")
    template = data.draw(st.sampled_from(PATH_TARGETS), label="path")
    segments = [
        quote(data.draw(TEXT.filter(bool), label="segment"), safe="")
        for _ in range(template.count("{}"))
    ]
    path = template.format(*segments)

    response = fuzz_world["clients"][role].get(path)

    assert_no_server_error(response, (role, path))


# --- The admin's lists ------------------------------------------------------


def changelist_parameters(client, url):
    """The query parameters the list's own links use: filters, date
    hierarchy, ordering, pagination and search."""
    response = client.get(url)
    assert response.status_code == 200, url
    names = {"q", "p", "o", "e", "_popup", "_to_field", "all"}
    soup = BeautifulSoup(response.content, "html.parser")
    for link in soup.find_all("a", href=True):
        if link["href"].startswith("?"):
            names |= {key for key, _value in parse_qsl(urlsplit(link["href"]).query)}
    return sorted(names)


@FUZZ
@given(data=st.data())
def test_fuzzed_admin_list_parameters_never_answer_500(fuzz_world, data):
    client = fuzz_world["clients"]["admin"]
    model = data.draw(st.sampled_from(open_admin_models()), label="model")
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    known = fuzz_world.setdefault("changelists", {})
    if url not in known:
        known[url] = changelist_parameters(client, url)
    names = known[url]
    params = data.draw(
        st.dictionaries(st.sampled_from(names), TEXT, min_size=1, max_size=3),
        label="params",
    )

    response = client.get(url, params)

    assert_no_server_error(response, (url, params))


# --- Every form ----------------------------------------------------------------


def form_pages(fuzz_world):
    """(url, the roles that may open it) for every page with a form."""
    targets = fuzz_world["targets"]
    group = targets["group"].slug
    status = targets["status"]
    pages = [
        ("/nyhetsbrev/", ["anonymous"]),
        ("/logga-in/", ["anonymous"]),
        ("/konto/aterstall/", ["anonymous"]),
        (fuzz_world["invitation"], ["anonymous"]),
        ("/konto/losenord/", ["rep_a"]),
        ("/samordning/lagesrapporter/ny/", ["rep_a", "superuser"]),
        (f"/samordning/lagesrapporter/{targets['entry'].pk}/andra/", ["rep_a"]),
        (f"/samordning/grupper/{group}/moten/nytt/", ["chair"]),
        (
            f"/samordning/grupper/{group}/moten/{targets['meeting'].pk}/andra/",
            ["chair"],
        ),
        (f"/samordning/grupper/{group}/beslut/nytt/", ["rep_a"]),
        (
            f"/samordning/grupper/{group}/beslut/{targets['decision'].pk}/andra/",
            ["rep_a"],
        ),
        (f"/samordning/grupper/{group}/atgarder/ny/", ["rep_a"]),
        (
            f"/samordning/grupper/{group}/atgarder/{targets['action'].pk}/andra/",
            ["rep_a"],
        ),
        (
            f"/samordning/lage/{status.municipality.slug}/{status.focus_area.slug}/",
            ["rep_a"],
        ),
        ("/samordning/indikatorer/rapportera/", ["rep_a", "superuser"]),
        ("/konto/", ["rep_a"]),
        (
            f"/samordning/lagesrapporter/{targets['adopted_entry'].pk}/rattelse/",
            ["rep_a"],
        ),
        (
            f"/samordning/grupper/{group}/moten/{targets['meeting'].pk}/anteckningar/skriv/",
            ["chair"],
        ),
        (
            f"/samordning/grupper/{group}/moten/{targets['recorded_meeting'].pk}"
            "/anteckningar/rattelse/",
            ["chair"],
        ),
        (f"/samordning/grupper/{group}/rapportering/", ["chair"]),
    ]
    for model in open_admin_models():
        opts = model._meta
        pages.append((f"/admin/{opts.app_label}/{opts.model_name}/add/", ["admin"]))
    return pages


def page_form_data(html, url):
    """What the page's own form posts untouched (not the header's forms,
    which post elsewhere), or None when it has none."""
    soup = BeautifulSoup(html, "html.parser")
    candidates = [
        form
        for form in soup.find_all("form", method=re.compile("post", re.I))
        if form.get("action", "") in ("", url)
    ]
    if not candidates:
        return None
    for number, form in enumerate(candidates):
        form["id"] = form.get("id") or f"fuzzed-form-{number}"
    datas = [form_data(str(soup), form["id"]) for form in candidates]
    data = max(datas, key=len)
    data.pop("csrfmiddlewaretoken", None)
    return data


def post_forms(fuzz_world):
    """url -> (the data its form posts untouched, its field names, a role
    that may use it); found once per test from the rendered pages."""
    if "forms" not in fuzz_world:
        found = {}
        for url, roles in form_pages(fuzz_world):
            for role in roles:
                response = fuzz_world["clients"][role].get(url)
                if response.status_code != 200:
                    continue
                data = page_form_data(response.content, url)
                if data is not None:
                    found[url] = (data, sorted(data) or ["x"], role)
                    break
        # The language switch in every page's header.
        found["/i18n/setlang/"] = (
            {"language": "en", "next": "/"},
            ["language", "next"],
            "anonymous",
        )
        fuzz_world["forms"] = found
    return fuzz_world["forms"]


def test_every_form_page_is_found(fuzz_world):
    found = post_forms(fuzz_world)

    missing = [url for url, _roles in form_pages(fuzz_world) if url not in found]
    # The admin adds nothing for the audit log and django-axes's lists.
    assert all("/admin/" in url for url in missing), missing
    assert "title" in found["/samordning/lagesrapporter/ny/"][0]
    assert "publish_at_0" in found["/admin/programme/newsarticle/add/"][0]


@FUZZ
@given(data=st.data())
def test_fuzzed_form_fields_never_answer_500(fuzz_world, data):
    forms = post_forms(fuzz_world)
    url = data.draw(st.sampled_from(sorted(forms)), label="url")
    base, names, owner = forms[url]
    # Mostly someone who may use the form, so the fields reach the view.
    role = data.draw(
        st.one_of(st.just(owner), st.just(owner), st.sampled_from([*ROLES, "admin"])),
        label="role",
    )
    changes = data.draw(
        st.dictionaries(st.sampled_from(names), TEXT, min_size=1, max_size=4),
        label="changes",
    )

    response = fuzz_world["clients"][role].post(url, {**base, **changes})

    assert_no_server_error(response, (role, url, changes))


# --- What the fuzz found ----------------------------------------------------
# Each was a 500 before its fix; kept as plain examples.


def lookup_widgets(model_admin, request):
    """Every autocomplete widget in the admin's forms and inlines."""
    found = []
    form_classes = [model_admin.get_form(request, None)]
    form_classes += [
        formset.form
        for formset, _inline in model_admin.get_formsets_with_inlines(request, None)
    ]
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, AutocompleteMixin):
                found.append((form_class.__name__, name, widget))
    return found


def test_every_admin_autocomplete_rerenders_a_refused_key(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    widgets = [
        (model._meta.label, *found)
        for model, model_admin in admin.site._registry.items()
        for found in lookup_widgets(model_admin, request)
    ]
    unsafe = [
        where for *where, widget in widgets if not isinstance(widget, _UsableKeysMixin)
    ]

    assert unsafe == []
    # The walk finds the widgets it should, inlines included.
    assert {
        ("municipalities.Membership", "user"),
        ("municipalities.WorkingGroup", "user"),  # the membership inline
        ("programme.Mandate", "focus_area"),  # the milestone inline
        ("programme.NewsletterIssue", "articles"),
    } <= {(label, name) for label, _form, name, _widget in widgets}


@pytest.mark.parametrize("value", ["abc", " ", "99999999999999999999", "1.5"])
def test_admin_autocomplete_with_a_malformed_key_shows_the_form(admin_client, value):
    response = admin_client.post(
        "/admin/municipalities/membership/add/",
        {"user": value, "group": value, "role": "member", "start_date": "2024-01-01"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["user"] == [
        "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga "
        "alternativ."
    ]


HUGE = "99999999999999999999"


@pytest.mark.django_db
def test_newsletter_with_a_focus_area_key_beyond_any_integer_is_a_form_error():
    factories.FocusAreaFactory()

    response = Client().post(
        "/nyhetsbrev/",
        {
            "email": "ny@example.se",
            "topics": "areas",
            "focus_areas": [HUGE],
            "consent": "on",
        },
    )

    assert response.status_code == 400
    refused = f"Välj ett giltigt alternativ. {HUGE} finns inte bland tillgängliga"
    assert f"{refused} alternativ." in response.context["form"].errors["focus_areas"]
    cache.clear()


def test_report_with_a_municipality_key_beyond_any_integer_is_a_form_error(world):
    response = client_for(world, "staff").get(
        "/samordning/rapport/",
        {"start": "2024-01-01", "end": "2024-03-31", "municipalities": HUGE},
    )

    assert response.status_code == 400
    assert "municipalities" in response.context["form"].errors


def test_admin_group_with_a_permission_key_beyond_any_integer(admin_client):
    response = admin_client.post(
        "/admin/auth/group/add/", {"name": "Grupp", "permissions": [HUGE]}
    )

    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_in_lookup_leaves_out_keys_beyond_the_column():
    from programme.models import FocusArea

    area = factories.FocusAreaFactory()

    assert list(FocusArea.objects.filter(pk__in=[int(HUGE), area.pk])) == [area]
    assert list(FocusArea.objects.filter(pk__in=[int(HUGE), -int(HUGE)])) == []
