import pytest

from municipalities.models import Stage
from tests import factories


@pytest.fixture
def setup(db):
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate, title="Stöd till avhoppare")
    shown = factories.MunicipalityFactory(name="Järfälla", slug="jarfalla")
    hidden = factories.MunicipalityFactory(name="Solna", slug="solna")
    factories.FocusAreaStatusFactory(
        municipality=shown,
        focus_area=area,
        stage=Stage.IMPLEMENTING,
        sharing_level="open",
    )
    factories.FocusAreaStatusFactory(
        municipality=hidden,
        focus_area=area,
        stage=Stage.FOLLOW_UP,
        comment="internmarkor",
        sharing_level="own",
    )
    factories.MunicipalityFactory(
        name="Deltar ej", slug="deltar-ej", participates=False
    )
    return {"area": area, "shown": shown, "hidden": hidden}


def test_municipality_list_shows_only_public_stages(client, setup):
    response = client.get("/kommuner/")

    body = response.content.decode()
    rows = {
        municipality.name: [s.get_stage_display() if s else None for s in statuses]
        for municipality, statuses in response.context["rows"]
    }
    assert rows == {"Järfälla": ["Genomförande"], "Solna": [None]}
    assert "Uppföljning" not in body
    assert "Deltar ej" not in body


def test_municipality_detail_hides_non_public_comment(client, setup):
    response = client.get("/kommuner/solna/")

    assert response.status_code == 200
    assert "internmarkor" not in response.content.decode()
    assert "Inte redovisat" in response.content.decode()


def test_non_participating_municipality_is_404(client, setup):
    assert client.get("/kommuner/deltar-ej/").status_code == 404


def test_working_group_page_lists_members_without_people(client, setup):
    group = factories.WorkingGroupFactory(name="Operativ grupp", slug="operativ")
    group.municipalities.add(setup["shown"])
    organisation = factories.OrganisationFactory(name="Fryshuset")
    group.organisations.add(organisation)
    factories.MembershipFactory(
        group=group, municipality=setup["shown"], user__email="person@example.se"
    )

    body = client.get("/arbetsgrupper/operativ/").content.decode()

    assert "Järfälla" in body
    assert "Fryshuset" in body
    assert "person@example.se" not in body
