import datetime
import io
from base64 import b32decode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from municipalities.models import Membership, Municipality
from portal.demo import DEMO_PASSWORD, load_demo
from portal.models import User
from portal.uploads import validate_pdf
from presentations.demo import PRESENTATIONS
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


# email: (groups, is_staff, is_superuser, municipality, organisation)
DEMO_USERS = {
    "admin@example.se": ([], True, True, None, None),
    "programledning@example.se": (["Programledning"], True, False, None, None),
    "redaktor@example.se": (["Redaktör"], True, False, None, None),
    "kommun@example.se": ([], False, False, "Järfälla", None),
    "partner@example.se": ([], False, False, None, "polisen-norrort"),
    "lansstyrelsen@example.se": ([], False, False, None, "lansstyrelsen-stockholm"),
    "tidigare@example.se": ([], False, False, "Sollentuna", None),
}
# (email, group slug): (role, partner_can_write, end_date)
DEMO_SEATS = {
    ("kommun@example.se", "operativ-arbetsgrupp"): ("member", False, None),
    ("kommun@example.se", "strategisk-arbetsgrupp"): ("chair", False, None),
    ("partner@example.se", "operativ-arbetsgrupp"): ("member", False, None),
    ("lansstyrelsen@example.se", "strategisk-arbetsgrupp"): ("member", True, None),
    ("tidigare@example.se", "operativ-arbetsgrupp"): (
        "member",
        False,
        datetime.date(2022, 12, 31),
    ),
}


@pytest.mark.django_db
def test_seed_demo_creates_one_login_per_role(settings):
    settings.DEBUG = True
    output = run_seed()

    users = {
        user.email: (
            sorted(group.name for group in user.groups.all()),
            user.is_staff,
            user.is_superuser,
            user.municipality and user.municipality.name,
            user.organisation and user.organisation.slug,
        )
        for user in User.objects.select_related("municipality", "organisation")
    }
    assert users == DEMO_USERS
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())
    assert all(user.is_active for user in User.objects.all())
    seats = {
        (seat.user.email, seat.group.slug): (
            seat.role,
            seat.partner_can_write,
            seat.end_date,
        )
        for seat in Membership.objects.select_related("user", "group")
    }
    assert seats == DEMO_SEATS
    lines = output.splitlines()
    for email in DEMO_USERS:
        assert sum(email in line for line in lines) == 1


@pytest.mark.django_db
def test_seed_demo_programme_lead_uses_the_migrations_group(settings):
    """The group made by migration 0008 carries the coordinate permission;
    seed_demo adds the login to it rather than making a bare one."""
    settings.DEBUG = True
    run_seed()

    lead = User.objects.get(email="programledning@example.se")

    assert Group.objects.filter(name="Programledning").count() == 1
    assert lead.has_perm("municipalities.coordinate")
    assert lead.has_perm("municipalities.view_progressentry")
    assert not lead.has_perm("municipalities.add_progressentry")


STRATEGIC = "/samordning/grupper/strategisk-arbetsgrupp/"
OPERATIONAL = "/samordning/grupper/operativ-arbetsgrupp/"
# (email, url): status. Each role's headline rule, and what the README's
# table of demo logins promises, through the real URLs.
HEADLINE_RULES = {
    ("admin@example.se", "/admin/municipalities/progressentry/add/"): 200,
    ("programledning@example.se", "/samordning/"): 200,
    ("programledning@example.se", "/samordning/jamforelse/"): 200,
    ("programledning@example.se", "/admin/municipalities/progressentry/"): 200,
    ("programledning@example.se", "/admin/municipalities/progressentry/add/"): 403,
    ("redaktor@example.se", "/samordning/"): 403,
    ("redaktor@example.se", "/admin/programme/newsarticle/"): 200,
    ("redaktor@example.se", "/admin/municipalities/progressentry/"): 403,
    ("kommun@example.se", "/samordning/lagesrapporter/ny/"): 200,
    ("kommun@example.se", "/samordning/jamforelse/"): 200,
    ("kommun@example.se", STRATEGIC + "moten/nytt/"): 200,
    ("kommun@example.se", OPERATIONAL + "moten/nytt/"): 403,
    ("kommun@example.se", "/admin/"): 302,
    ("partner@example.se", OPERATIONAL): 200,
    ("partner@example.se", STRATEGIC): 404,
    ("partner@example.se", "/samordning/lagesrapporter/ny/"): 403,
    ("partner@example.se", "/samordning/jamforelse/"): 403,
    ("lansstyrelsen@example.se", STRATEGIC): 200,
    ("lansstyrelsen@example.se", OPERATIONAL): 404,
    ("lansstyrelsen@example.se", "/samordning/lagesrapporter/ny/"): 200,
    ("lansstyrelsen@example.se", "/samordning/jamforelse/"): 200,
    ("tidigare@example.se", "/samordning/"): 403,
}


@pytest.mark.django_db
def test_seed_demo_logins_each_get_their_roles_answers(private_media):
    load_demo(with_logins=True)
    users = {user.email: user for user in User.objects.all()}

    answers = {}
    for email, url in HEADLINE_RULES:
        client = Client()
        client.force_login(users[email])
        answers[email, url] = client.get(url).status_code

    assert answers == HEADLINE_RULES


@pytest.mark.django_db
def test_demo_logins_get_the_printed_authenticator_key_only_with_debug(settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.demo import DEMO_TOTP_SECRET
    from tests.factories import totp_code

    settings.DEBUG = False
    output = run_seed()
    assert TOTPDevice.objects.count() == 0
    assert DEMO_TOTP_SECRET not in output

    settings.DEBUG = True
    output = run_seed()
    run_seed()  # idempotent: still one device per login

    assert DEMO_TOTP_SECRET in output
    devices = TOTPDevice.objects.select_related("user")
    assert sorted(device.user.email for device in devices) == sorted(DEMO_USERS)
    # The printed secret is the key the device checks codes against.
    device = devices.get(user__email="kommun@example.se")
    assert b32decode(DEMO_TOTP_SECRET + "=" * (-len(DEMO_TOTP_SECRET) % 8)) == (
        device.bin_key
    )
    client = Client()
    first = client.post(
        "/logga-in/",
        {"username": "kommun@example.se", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.8.8.8",
    )
    second = client.post(first.url, {"code": totp_code(device)})
    assert second.status_code == 302
    assert client.get("/samordning/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_without_pango_loads_everything_but_the_slides(
    pdf_child_without_pango,
):
    output = run_seed()

    assert "Nya exempelbilder: 0." in output
    assert (
        f"{len(PRESENTATIONS)} presentationer fick inga exempelbilder: "
        "PDF-filer kan inte skapas"
    ) in output
    assert Presentation.objects.count() == len(PRESENTATIONS)
    assert not Presentation.objects.exclude(slides="").exists()


@pytest.mark.django_db
def test_seed_demo_fills_the_mandates_twelve_months(private_media):
    """What every page needs to show what it is for: stages shared openly and
    not, monthly counts with small ones, meetings with agendas and minutes,
    decisions, overdue actions, entries at every sharing level, and news
    beyond the kick-off; none of it names a person."""
    from municipalities.models import (
        Action,
        Decision,
        FocusAreaStatus,
        IndicatorReport,
        Meeting,
        Minutes,
        ProgressEntry,
        SharingLevel,
    )
    from portal.privacy import contains_identity_number
    from programme.models import Mandate, NewsArticle

    load_demo(with_logins=True)
    mandate = Mandate.objects.get()
    months = {
        datetime.date(2022 + (3 + n) // 12, (3 + n) % 12 + 1, 1) for n in range(12)
    }

    open_towns = set(
        FocusAreaStatus.objects.public().values_list("municipality__name", flat=True)
    )
    assert len(open_towns) >= 3
    assert FocusAreaStatus.objects.exclude(sharing_level="open").exists()
    reports = IndicatorReport.objects.all()
    assert {r.period_start for r in reports} == months
    assert {r.period_kind for r in reports} == {"month"}
    assert reports.values("municipality").distinct().count() >= 6
    assert any(0 < r.inquiries < 5 for r in reports)
    meetings = Meeting.objects.all()
    assert meetings.values("group").distinct().count() == 2
    assert all(
        m.agenda and m.minutes_versions.filter(state="adopted").exists()
        for m in meetings
    )
    assert all(
        mandate.start_date <= m.starts_at.date() <= mandate.end_date for m in meetings
    )
    assert Decision.objects.filter(meeting__isnull=False).count() >= 5
    overdue = Action.objects.exclude(status=Action.Status.DONE).filter(
        due_date__lt=mandate.end_date
    )
    assert overdue.count() >= 2
    assert set(ProgressEntry.objects.values_list("sharing_level", flat=True)) == set(
        SharingLevel.values
    )
    news = NewsArticle.objects.published()
    assert news.count() >= 5
    assert len({article.publish_at.month for article in news}) >= 5
    texts = [
        *(m.agenda for m in meetings),
        *Minutes.objects.values_list("text", flat=True),
        *Decision.objects.values_list("text", flat=True),
        *(a.what + a.report_back for a in Action.objects.all()),
        *(e.title + e.text for e in ProgressEntry.objects.all()),
        *FocusAreaStatus.objects.values_list("comment", flat=True),
    ]
    assert [text for text in texts if contains_identity_number(text)] == []


@pytest.mark.django_db
def test_demo_representative_sees_a_populated_coordination_area(private_media):
    load_demo(with_logins=True)
    client = Client()
    client.force_login(User.objects.get(email="kommun@example.se"))

    dashboard = client.get("/samordning/").context
    group = client.get(STRATEGIC).content.decode()
    comparison = client.get("/samordning/jamforelse/").context

    assert len(dashboard["entries"]) >= 5
    assert len(dashboard["open_actions"]) >= 2
    assert all(item["status"] for item in dashboard["my_statuses"])
    assert not any(item["stale"] for item in dashboard["my_statuses"])
    assert "Slutrapporten" in group
    # The comparison opens on the mandate's last month, with figures.
    assert comparison["period"].token == "2023-03"
    assert any(cell != "0" for _m, cells in comparison["table"].rows for cell in cells)
