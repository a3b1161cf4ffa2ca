"""Every PDF the portal makes is tagged for screen readers (PDF/UA-1): a
structure tree, /MarkInfo /Marked, the document's language and its title
(shown by the viewer instead of the file name). The archive package's final
report is PDF/A-3a as well. Read back with pypdf, per kind of PDF."""

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from municipalities.coordination import archive, services
from municipalities.models import MandateArchive
from presentations.demo import Slide, slides_pdf
from tests import factories
from tests.municipalities.conftest import PAST, client_for, make_entry

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def structure_types(node, found=None, depth=0):
    """The structure types (/S) in the tree under `node`."""
    found = set() if found is None else found
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if depth > 40:
        return found
    if isinstance(node, ArrayObject):
        for kid in node:
            structure_types(kid, found, depth + 1)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            structure_types(node["/K"], found, depth + 1)
    return found


def xmp_parts(reader):
    """{"pdfa": part, "pdfa_conformance": …, "pdfua": part} from the XMP."""
    parts = {}
    for description in reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
        RDF, "Description"
    ):
        for namespace, attribute, name in [
            (PDFAID, "part", "pdfa"),
            (PDFAID, "conformance", "pdfa_conformance"),
            (PDFUAID, "part", "pdfua"),
        ]:
            if description.hasAttributeNS(namespace, attribute):
                parts[name] = description.getAttributeNS(namespace, attribute)
    return parts


def accessibility(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    return {
        "marked": bool(root["/MarkInfo"]["/Marked"]),
        "tree": structure_types(root["/StructTreeRoot"]),
        "lang": str(root["/Lang"]),
        "title": reader.metadata.title,
        "display_title": bool(root["/ViewerPreferences"]["/DisplayDocTitle"]),
        "xmp": xmp_parts(reader),
    }


def assert_tagged(pdf, *, title, structure):
    found = accessibility(pdf)
    assert found["marked"]
    assert structure <= found["tree"], found["tree"]
    assert found["lang"] == "sv"
    assert found["title"] == title
    assert found["display_title"]
    return found


@pytest.mark.django_db
def test_news_article_pdf_is_tagged(client):
    factories.MandateFactory()
    article = factories.NewsArticleFactory(title="Kick-off för uppdraget")

    response = client.get(f"/nyheter/{article.slug}/pdf/")

    assert response.status_code == 200
    found = assert_tagged(
        response.content, title="Kick-off för uppdraget", structure={"/H1", "/P"}
    )
    assert found["xmp"].get("pdfua") == "1"
    assert "pdfa" not in found["xmp"]


def test_progress_report_pdf_is_tagged(world, private_media):
    make_entry(world, level="group", release_at=PAST, title="Rapport i PDF")
    factories.IndicatorReportFactory(municipality=world["town_a"])

    response = client_for(world, "rep_a").get(
        "/samordning/rapport/?start=2022-01-01&end=2024-12-31"
    )

    assert response.status_code == 200
    assert_tagged(
        response.content,
        title="Lägesrapport 2022-01-01–2024-12-31",
        structure={"/H1", "/H2", "/Table", "/P"},
    )


def test_demo_slides_are_tagged(db):
    pdf = slides_pdf("Exempelbilder", [Slide("Vägen ut", ["Första punkten"])])

    assert_tagged(pdf, title="Exempelbilder", structure={"/H1", "/L"})


def test_archive_final_report_is_pdf_a_and_tagged(world, private_media):
    make_entry(world, level="own", release_at=PAST, title="I arkivet")
    services.mandate_close(
        actor=world["users"]["superuser"], mandate=world["group"].mandate
    )
    package = MandateArchive.objects.get()

    pdf = archive.final_report(package, world["users"]["superuser"])

    found = assert_tagged(
        pdf,
        title=f"Slutrapport: {world['group'].mandate.title}",
        structure={"/H1", "/H2", "/P"},
    )
    assert found["xmp"] == {"pdfa": "3", "pdfa_conformance": "A", "pdfua": "1"}
    reader = PdfReader(io.BytesIO(pdf))
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
