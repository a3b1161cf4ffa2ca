"""The pictures of progress say what their tables say, to whom the tables
may say it, and never draw a suppressed count."""

import datetime
import re

import pytest
from django.test import Client
from lxml import etree, html

from municipalities.models import FocusAreaStatus, IndicatorReport, SharingLevel
from portal.demo import load_demo
from portal.models import User
from tests import factories
from tests.municipalities.conftest import client_for

SVG = re.compile(r'<svg class="(stage-chart|indicator-panel)".*?</svg>', re.S)


def svgs(body, kind="stage-chart"):
    """Every chart of `kind` on the page, parsed as the XML it must be."""
    return [
        etree.fromstring(match[0]) for match in SVG.finditer(body) if match[1] == kind
    ]


def chart_facts(svg):
    """{row label: stage label} as drawn, and the chart's title and desc."""
    facts = {}
    for row in svg.iterfind("g[@class='stage-chart__row']"):
        name = row.find("text[@class='stage-chart__name']").text
        stage = [
            t for t in row.iterfind("text") if "stage-chart__stage" in t.get("class")
        ]
        facts[name] = stage[0].text
    return facts


def accessible_name_parts(svg):
    """The texts aria-labelledby points at: the title and the desc."""
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    by_id = {element.get("id"): element for element in svg.iter()}
    assert [by_id[i].tag for i in ids] == ["title", "desc"]
    return [by_id[i].text for i in ids]


def table_facts(body, caption):
    """{row header: [cell texts]} of the table with `caption`."""
    tree = html.fromstring(body)
    (table,) = [
        t for t in tree.iter("table") if t.findtext("caption").strip() == caption
    ]
    return {
        row.find("th").text_content().strip(): [
            cell.text_content().strip() for cell in row.findall("td")
        ]
        for row in table.find("tbody").findall("tr")
    }


@pytest.fixture
def demo(db):
    load_demo(with_logins=True)


def test_municipality_list_draws_the_tables_stages(client, demo):
    body = client.get("/kommuner/").content.decode()

    table = table_facts(body, "Skede per kommun och fokusområde")
    charts = svgs(body)
    assert len(charts) == 2
    for column, svg in enumerate(charts):
        title, desc = accessible_name_parts(svg)
        area = ["Förebygga nyrekrytering", "Stöd till avhoppare"][column]
        assert title == f"Skede per kommun: {area}"
        assert "Tabellen intill visar samma uppgifter." in desc
        assert chart_facts(svg) == {
            name: cells[column] for name, cells in table.items()
        }
    # At least three municipalities share their stage openly in the demo.
    reported = [name for name, cells in table.items() if cells[0] != "Inte redovisat"]
    assert len(reported) >= 3
    assert len(table) == 8


def test_public_charts_show_only_open_stages(client, demo):
    """Solna shares its stage with the mandate only, Sigtuna with itself:
    neither reaches a public picture, whatever page draws it."""
    solna = FocusAreaStatus.objects.filter(municipality__slug="solna")
    assert set(solna.values_list("sharing_level", flat=True)) == {"mandate"}
    FocusAreaStatus.objects.filter(municipality__slug="sigtuna").update(
        stage="follow_up", comment="dold kommentar"
    )

    for path in ["/kommuner/", "/uppdraget/forebygga-nyrekrytering/"]:
        body = client.get(path).content.decode()
        for svg in svgs(body):
            facts = chart_facts(svg)
            assert facts["Solna"] == "Inte redovisat", path
            assert facts["Sigtuna"] == "Inte redovisat", path
    body = client.get("/kommuner/sigtuna/").content.decode()
    (svg,) = svgs(body)
    assert set(chart_facts(svg).values()) == {"Inte redovisat"}
    assert "dold kommentar" not in body
    (stage_list,) = html.fromstring(body).find_class("stage-list")
    assert "Uppföljning" not in stage_list.text_content()


def test_focus_area_chart_matches_its_table(client, demo):
    body = client.get("/uppdraget/stod-till-avhoppare/").content.decode()

    table = table_facts(body, "Var kommunerna står inom Stöd till avhoppare")
    (svg,) = svgs(body)
    title, _desc = accessible_name_parts(svg)
    assert title == "Skede per kommun: Stöd till avhoppare"
    assert chart_facts(svg) == {name: cells[0] for name, cells in table.items()}
    assert chart_facts(svg)["Järfälla"] == "Uppföljning"


def test_municipality_chart_matches_its_list(client, demo):
    body = client.get("/kommuner/jarfalla/").content.decode()

    (svg,) = svgs(body)
    tree = html.fromstring(body)
    (stage_list,) = tree.find_class("stage-list")
    listed = {
        dt.text_content().strip(): dd.text_content().strip().split(" – ")[0]
        for dt, dd in zip(stage_list.iter("dt"), stage_list.iter("dd"), strict=True)
    }
    assert (
        chart_facts(svg)
        == listed
        == {
            "Förebygga nyrekrytering": "Genomförande",
            "Stöd till avhoppare": "Uppföljning",
        }
    )
    assert accessible_name_parts(svg)[0] == "Skede per fokusområde: Järfälla"


def test_dashboard_chart_draws_what_the_reader_may_see(demo):
    """Inside, the picture follows the statuses' door: Järfälla's
    representative sees Solna's (shared with the mandate) but not Sigtuna's
    (its own)."""
    client = Client()
    client.force_login(User.objects.get(email="kommun@example.se"))

    body = client.get("/samordning/").content.decode()

    table = table_facts(body, "Skede per kommun och fokusområde")
    charts = svgs(body)
    assert len(charts) == 2
    for column, svg in enumerate(charts):
        accessible_name_parts(svg)
        assert chart_facts(svg) == {
            name: cells[column] for name, cells in table.items()
        }
    assert table["Solna"] == ["Planering", "Kartläggning"]
    assert table["Sigtuna"] == ["Inte redovisat", "Inte redovisat"]
    assert table["Ekerö"] == ["Inte redovisat", "Inte redovisat"]


def test_stage_chart_escapes_names(client, db):
    area = factories.FocusAreaFactory(title="<b>Område</b> & co")
    town = factories.MunicipalityFactory(name="<script>Kommun</script>")
    factories.FocusAreaStatusFactory(
        municipality=town, focus_area=area, sharing_level=SharingLevel.OPEN
    )

    body = client.get("/kommuner/").content.decode()

    (svg,) = svgs(body)
    assert "<script>" not in body.split("<main", 1)[1]
    assert chart_facts(svg) == {"<script>Kommun</script>": "Inte påbörjat"}
    assert accessible_name_parts(svg)[0] == "Skede per kommun: <b>Område</b> & co"


# --- indicators over time --------------------------------------------------


def report(municipality, month, **values):
    counts = dict.fromkeys(IndicatorReport.INDICATORS, 0)
    counts.update(values)
    return IndicatorReport.objects.create(
        municipality=municipality,
        period_kind="month",
        period_start=month,
        **counts,
    )


@pytest.fixture
def series(world):
    """Kommun B has 3 inquiries in May 2022 (a small count) and 9 in June."""
    may, june = datetime.date(2022, 5, 1), datetime.date(2022, 6, 1)
    town_c = factories.MunicipalityFactory(name="Kommun C2")
    report(world["town_a"], may, inquiries=12)
    report(world["town_b"], may, inquiries=3)
    report(town_c, may, inquiries=7)
    report(world["town_a"], june, inquiries=8)
    report(world["town_b"], june, inquiries=9)
    report(town_c, june, inquiries=6)
    return world


def panel_of(body, name):
    (panel,) = [
        svg
        for svg in svgs(body, "indicator-panel")
        if svg.findtext("text[@class='indicator-panel__name']") == name
    ]
    return panel


def panel_text(panel):
    return " ".join(panel.itertext())


def test_small_multiples_never_draw_a_suppressed_count(series):
    """Kommun A's representative reads B's May as "färre än 5": no bar, no
    number, the same marker whatever the count."""
    body = client_for(series, "rep_a").get("/samordning/indikatorer/").content.decode()

    panel = panel_of(body, "Kommun B")
    title, desc = accessible_name_parts(panel)
    assert title == "Kommun B: förfrågningar om avhopp"
    assert "maj 2022: färre än 5" in desc
    assert "jun 2022: 9" in desc
    bars = panel.findall("rect[@class='indicator-panel__bar']")
    markers = panel.findall("circle[@class='indicator-panel__small']")
    assert [bar.findtext("title") for bar in bars] == ["jun 2022: 9"]
    assert [marker.findtext("title") for marker in markers] == ["maj 2022: färre än 5"]
    assert "3" not in re.findall(r"\d+", panel_text(panel).replace("2022", ""))
    # The same count in another table draws the very same marker.
    IndicatorReport.objects.filter(
        municipality=series["town_b"], period_start=datetime.date(2022, 5, 1)
    ).update(inquiries=1)
    again = client_for(series, "rep_a").get("/samordning/indikatorer/")
    assert etree.tostring(panel_of(again.content.decode(), "Kommun B")) == (
        etree.tostring(panel)
    )


def test_small_multiples_show_exact_counts_to_whom_the_tables_do(series):
    body = client_for(series, "staff").get("/samordning/indikatorer/").content.decode()

    panel = panel_of(body, "Kommun B")
    bars = panel.findall("rect[@class='indicator-panel__bar']")
    assert [bar.findtext("title") for bar in bars] == [
        "maj 2022: 3",
        "jun 2022: 9",
    ]
    # The tallest shown count sets the shared scale: 12 rounds up to 25.
    assert panel.findall("text[@class='indicator-panel__scale']")[0].text == "25"
    heights = [int(bar.get("height")) for bar in bars]
    assert heights[0] < heights[1]


def test_small_multiples_table_says_what_the_panels_draw(series):
    body = client_for(series, "rep_a").get("/samordning/indikatorer/").content.decode()

    table = table_facts(body, "förfrågningar om avhopp per kommun och månad")
    for name, cells in table.items():
        panel = panel_of(body, name)
        _title, desc = accessible_name_parts(panel)
        months = dict(
            part.split(": ") for part in desc[len("Per månad: ") : -1].split("; ")
        )
        assert list(months.values()) == cells, name


def test_small_multiples_follow_the_chosen_indicator(series):
    client = client_for(series, "staff")

    chosen = client.get("/samordning/indikatorer/?indikator=cases_opened")
    unknown = client.get("/samordning/indikatorer/?indikator=<nej>")

    assert chosen.context["multiples"].indicator == "cases_opened"
    assert unknown.status_code == 200
    assert unknown.context["multiples"].indicator == "inquiries"


GEOMETRY = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"}


def test_chart_geometry_is_plain_numbers_in_swedish_pages(series):
    """Swedish formats 36.5 as "36,5", which SVG reads as no number at all:
    every marker then falls on the panel's edge."""
    body = client_for(series, "rep_a").get("/samordning/indikatorer/").content.decode()
    body += client_for(series, "rep_a").get("/samordning/").content.decode()

    charts = svgs(body, "indicator-panel") + svgs(body)
    values = [
        value
        for svg in charts
        for element in svg.iter()
        for name, value in element.attrib.items()
        if name in GEOMETRY
    ]
    assert values
    assert [value for value in values if not re.fullmatch(r"\d+", value)] == []
    panel = panel_of(body, "Kommun B")
    (marker,) = panel.findall("circle[@class='indicator-panel__small']")
    (bar,) = panel.findall("rect[@class='indicator-panel__bar']")
    # May's marker sits left of June's bar, inside the plot.
    assert 28 < int(marker.get("cx")) < int(bar.get("x"))
