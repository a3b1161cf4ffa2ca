import pytest
from django.core.files.base import ContentFile
from weasyprint import HTML

from tests import factories


@pytest.fixture
def presentation(db):
    presentation = factories.PresentationFactory(slug="vagen-ut")
    pdf = HTML(string="<h1>Bild ett</h1>").write_pdf()
    presentation.slides.save("x.pdf", ContentFile(pdf), save=True)
    return presentation


def test_slides_download_is_attachment_with_size_on_page(client, presentation):
    session_page = client.get(presentation.session.get_absolute_url())
    download = client.get(presentation.get_absolute_url() + "bilder.pdf")

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="vagen-ut.pdf"'
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-")
    assert presentation.slides_size == len(content)
    assert "PDF, " in session_page.content.decode()


def test_slides_preview_generated_once_and_replaced_with_new_slides(presentation):
    first_preview = presentation.slides_preview.name
    assert first_preview.startswith("slide-previews/")
    presentation.title = "Ny titel"
    presentation.save()
    assert presentation.slides_preview.name == first_preview

    pdf = HTML(string="<h1>Nya bilder</h1>").write_pdf()
    presentation.slides.save("y.pdf", ContentFile(pdf), save=True)

    assert presentation.slides_preview.name != first_preview
    assert not presentation.slides_preview.storage.exists(first_preview)


def test_speaker_without_public_presentation_is_404(client, db):
    speaker = factories.SpeakerFactory()
    hidden = factories.PresentationFactory(published=False)
    hidden.speakers.add(speaker)

    assert client.get(speaker.get_absolute_url()).status_code == 404


def test_session_page_has_event_json_ld(client, presentation):
    body = client.get(presentation.session.get_absolute_url()).content.decode()

    assert '<script type="application/ld+json">' in body
    assert '"@type": "Event"' in body
