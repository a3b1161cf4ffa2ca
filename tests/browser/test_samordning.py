"""The coordination area in Chromium: axe-core and CSP on its main pages."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_PASSWORD, load_demo
from tests.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    load_demo(with_logins=True)


def test_login_page_passes_axe(visit, demo):
    visit("/logga-in/")


def test_login_error_state_passes_axe(visit, page, demo):
    visit("/logga-in/")
    page.fill("input[name=username]", "kommun@example.se")
    page.fill("input[name=password]", "fel-losenord-igen")
    page.click("input[type=submit]")

    assert "E-postadressen eller lösenordet är fel" in page.content()
    from tests.browser.conftest import run_axe

    assert run_axe(page) == []


def test_group_page_and_entry_form_with_errors_pass_axe(visit, page, login, demo):
    from portal.models import User

    login(User.objects.get(email="kommun@example.se"), DEMO_PASSWORD)
    assert page.url.endswith("/samordning/")
    visit("/samordning/")
    visit("/samordning/grupper/operativ-arbetsgrupp/")
    visit("/samordning/lagesrapporter/")
    visit("/samordning/lagesrapporter/ny/")

    page.select_option("#id_group", label="Operativ arbetsgrupp")
    page.select_option("#id_focus_area", label="Stöd till avhoppare")
    page.fill("#id_title", "Utbildningsdag")
    page.fill("#id_period_start", "2022-05-01")
    page.fill("#id_period_end", "2022-05-31")
    page.fill("#id_text", "Vi träffade 811218-9876 under dagen.")
    page.click("input[type=submit]")

    assert page.locator("#id_title").input_value() == "Utbildningsdag"
    assert page.get_by_text("ser ut som ett personnummer").count() == 1
    from tests.browser.conftest import run_axe

    assert run_axe(page) == []
    assert page.evaluate("window.__cspViolations") == []


def test_entry_can_be_created_without_javascript(nojs_context, portal_server, demo):
    page = nojs_context.new_page()
    page.goto(portal_server + "/logga-in/")
    page.fill("input[name=username]", "kommun@example.se")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit]")
    # The second step with the demo login's authenticator app, no JavaScript.
    device = TOTPDevice.objects.get(user__email="kommun@example.se", name="demo")
    page.fill("input[name=code]", totp_code(device))
    page.click("input[type=submit]")
    assert page.url == portal_server + "/samordning/"
    page.goto(portal_server + "/samordning/lagesrapporter/ny/")

    page.select_option("#id_group", label="Operativ arbetsgrupp")
    page.select_option("#id_focus_area", label="Stöd till avhoppare")
    page.fill("#id_title", "Samverkansmöte med skolan")
    page.fill("#id_period_start", "2022-05-01")
    page.fill("#id_period_end", "2022-05-31")
    page.fill("#id_text", "Tre samverkansmöten hölls under månaden.")
    page.click("input[type=submit]")

    assert page.locator("h1").inner_text() == "Samverkansmöte med skolan"


def test_reporting_pages_pass_axe(visit, page, login, demo):
    import datetime

    from municipalities.models import IndicatorReport, Municipality
    from portal.models import User

    # October 2022 as this test needs it, over what the demo reported.
    for index, town in enumerate(Municipality.objects.all()):
        IndicatorReport.objects.update_or_create(
            municipality=town,
            period_kind="month",
            period_start=datetime.date(2022, 10, 1),
            defaults={
                "inquiries": index,
                "cases_opened": index,
                "cases_with_intervention": 0,
                "prevention_activities": 3,
                "people_reached": 40,
            },
        )
    login(User.objects.get(email="kommun@example.se"), DEMO_PASSWORD)

    visit("/samordning/")
    visit("/samordning/lage/")
    visit("/samordning/lage/jarfalla/stod-till-avhoppare/")
    visit("/samordning/indikatorer/")
    visit("/samordning/indikatorer/?period=2022-10&indikator=cases_opened")
    visit("/samordning/jamforelse/?start=2022-01-01&end=2022-12-31")
    visit("/samordning/rapport/")
    visit("/samordning/indikatorer/rapportera/")

    page.fill("#id_period_start", "2022-10-01")
    for name, value in [
        ("inquiries", "1.5"),
        ("cases_opened", "2"),
        ("cases_with_intervention", "1"),
        ("prevention_activities", "1"),
        ("people_reached", "10"),
    ]:
        page.fill(f"#id_{name}", value)
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.click("input[type=submit]")

    assert page.get_by_text("Ange ett heltal, 0 eller större.").count() == 1
    from tests.browser.conftest import run_axe

    assert run_axe(page) == []


def test_records_and_reporting_pages_pass_axe(visit, page, login, demo):
    """Adopted and corrected minutes and entries, the history of versions,
    the reporting schedule's flags, overdue actions and the account page."""
    import datetime

    from municipalities.coordination import services
    from municipalities.models import WorkingGroup
    from portal.models import User
    from tests import factories

    chair = User.objects.get(email="kommun@example.se")
    group = WorkingGroup.objects.get(slug="strategisk-arbetsgrupp")
    services.reporting_schedule_save(
        actor=chair, group=group, frequency="month", due_day=10, indicators=True
    )
    meeting = factories.MeetingFactory(group=group)
    minutes = services.minutes_save(
        actor=chair, meeting=meeting, text="Läget gicks igenom."
    )
    services.record_adopt(actor=chair, record=minutes)
    services.minutes_correct(actor=chair, minutes=minutes, text="Rättat stycke.")
    entry = factories.ProgressEntryFactory(
        group=group, author=chair, focus_area=group.mandate.focus_areas.first()
    )
    services.record_adopt(actor=chair, record=entry)
    factories.ActionFactory(group=group, due_date=datetime.date(2022, 6, 1))
    login(chair, DEMO_PASSWORD)

    visit("/samordning/")
    visit("/samordning/grupper/strategisk-arbetsgrupp/")
    assert page.get_by_text("Försenad").count() >= 1
    visit(
        f"/samordning/grupper/strategisk-arbetsgrupp/moten/{meeting.pk}/anteckningar/"
    )
    assert page.get_by_text("kan bli allmänna handlingar").count() == 1
    visit(
        f"/samordning/grupper/strategisk-arbetsgrupp/moten/{meeting.pk}/anteckningar/skriv/"
    )
    visit("/samordning/grupper/strategisk-arbetsgrupp/rapportering/")
    visit(entry.get_absolute_url())
    visit(entry.get_absolute_url() + "rattelse/")
    visit(entry.get_absolute_url() + "historik/")
    visit(entry.get_absolute_url() + "andra/", status=403)
    visit("/samordning/jamforelse/")
    visit("/konto/")
