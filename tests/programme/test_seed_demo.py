import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from pypdf import PdfReader

from municipalities.models import Membership, Municipality
from portal.models import User
from portal.uploads import validate_pdf
from presentations.models import Presentation
from programme.models import FocusArea

SNAPSHOT_APPS = ["portal", "programme", "municipalities", "presentations"]


def snapshot():
    """Every row of our apps and every group membership, as comparable data."""
    rows = {}
    for app_label in SNAPSHOT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            rows[model._meta.label] = sorted(
                model.objects.values(), key=lambda row: row["id"]
            )
            for m2m in model._meta.many_to_many:
                through = getattr(model, m2m.name).through
                rows[through._meta.label] = sorted(
                    through.objects.values_list(), key=repr
                )
    rows["groups"] = sorted(Group.objects.values_list("name", "user__email"))
    return rows


def run_seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_twice_leaves_exactly_the_same_rows(settings):
    settings.DEBUG = True
    run_seed()
    first = snapshot()

    output = run_seed()

    assert snapshot() == first
    assert "Nya exempelbilder: 0." in output


@pytest.mark.django_db
def test_seed_demo_creates_the_mandate_content():
    run_seed()

    codes = dict(Municipality.objects.values_list("kommunkod", "name"))
    assert codes == {
        "0114": "Upplands Väsby",
        "0123": "Järfälla",
        "0125": "Ekerö",
        "0139": "Upplands-Bro",
        "0163": "Sollentuna",
        "0183": "Sundbyberg",
        "0184": "Solna",
        "0191": "Sigtuna",
    }
    assert list(FocusArea.objects.values_list("title", flat=True)) == [
        "Förebygga nyrekrytering",
        "Stöd till avhoppare",
    ]
    presentations = Presentation.objects.published().order_by("order")
    assert presentations.count() == 3
    for presentation in presentations:
        assert presentation.slides_are_example
        with presentation.slides.open("rb") as slides:
            validate_pdf(slides)
            text = "".join(page.extract_text() for page in PdfReader(slides).pages)
        assert "Exempelbilder" in text


@pytest.mark.django_db
def test_seed_demo_logins_only_with_debug(settings):
    settings.DEBUG = False
    output = run_seed()

    assert User.objects.count() == 0
    assert "inga demoinloggningar" in output

    settings.DEBUG = True
    output = run_seed()

    editor = User.objects.get(email="redaktor@example.se")
    assert editor.is_staff
    assert editor.groups.filter(name="Redaktör").exists()
    assert editor.check_password("demo-losenord-2022")
    assert (
        Membership.objects.get(
            user__email="kommun@example.se", group__slug="strategisk-arbetsgrupp"
        ).role
        == Membership.Role.CHAIR
    )
    assert (
        Membership.objects.get(user__email="partner@example.se").organisation.slug
        == "polisen-norrort"
    )
    for email in ["redaktor@example.se", "kommun@example.se", "partner@example.se"]:
        assert email in output
