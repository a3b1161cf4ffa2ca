"""Uploads are judged by content: through the admin forms editors really use."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from weasyprint import HTML

from presentations.models import Presentation
from programme.models import NewsArticle
from tests import factories


def jpeg_with_gps():
    image = Image.new("RGB", (64, 48), "firebrick")
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "Testkamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 25.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (17.0, 50.0, 3.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def real_pdf():
    return HTML(string="<p>Bild 1</p>").write_pdf()


def presentation_form(session, slides):
    return {
        "session": session.pk,
        "title": "Vägen ut",
        "slug": "vagen-ut",
        "summary": "Sammanfattning som ska finnas kvar efter felet.",
        "slides": slides,
        "order": 1,
        "duration_minutes": 20,
        "speaker_links-TOTAL_FORMS": 0,
        "speaker_links-INITIAL_FORMS": 0,
        "speaker_links-MIN_NUM_FORMS": 0,
        "speaker_links-MAX_NUM_FORMS": 1000,
    }


def news_form(image):
    return {
        "title": "Nyhet med bild",
        "slug": "nyhet-med-bild",
        "lead": "Ingressen ska finnas kvar.",
        "body": "Brödtext.",
        "image": image,
        "image_alt": "Deltagare i samtal",
        "status": "draft",
        "publish_at_0": "2022-04-29",
        "publish_at_1": "10:00:00",
    }


@pytest.mark.django_db
def test_slides_html_renamed_pdf_is_refused_and_form_kept(editor_client):
    session = factories.SessionFactory()
    fake = SimpleUploadedFile(
        "bilder.pdf", b"<html><body>Inte en PDF</body></html>", "application/pdf"
    )

    response = editor_client.post(
        "/admin/presentations/presentation/add/", presentation_form(session, fake)
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["slides"] == [
        "Filen är inte en giltig PDF. Ladda upp bilderna som en PDF-fil."
    ]
    assert form["summary"].value() == "Sammanfattning som ska finnas kvar efter felet."
    assert Presentation.objects.count() == 0


@pytest.mark.django_db
def test_slides_with_pdf_header_but_broken_body_is_refused(editor_client):
    session = factories.SessionFactory()
    fake = SimpleUploadedFile("bilder.pdf", b"%PDF-1.7\n<script>x</script>")

    response = editor_client.post(
        "/admin/presentations/presentation/add/", presentation_form(session, fake)
    )

    assert response.status_code == 200
    assert "slides" in response.context["adminform"].form.errors
    assert Presentation.objects.count() == 0


@pytest.mark.django_db
def test_slides_real_pdf_is_accepted_with_server_generated_name(editor_client):
    session = factories.SessionFactory()
    pdf = SimpleUploadedFile("../../Mina bilder.pdf", real_pdf())

    response = editor_client.post(
        "/admin/presentations/presentation/add/", presentation_form(session, pdf)
    )

    assert response.status_code == 302
    presentation = Presentation.objects.get()
    assert presentation.slides.name.startswith("slides/")
    assert presentation.slides.name.endswith(".pdf")
    assert "Mina" not in presentation.slides.name
    assert ".." not in presentation.slides.name


@pytest.mark.django_db
def test_slides_over_50_mb_are_refused(editor_client):
    session = factories.SessionFactory()
    big = SimpleUploadedFile("stor.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024))

    response = editor_client.post(
        "/admin/presentations/presentation/add/", presentation_form(session, big)
    )

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["slides"]
    assert message.startswith("Filen är för stor")


@pytest.mark.django_db
def test_image_oversized_is_refused_and_form_kept(editor_client):
    big = SimpleUploadedFile("bild.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024))

    response = editor_client.post("/admin/programme/newsarticle/add/", news_form(big))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["image"] == [
        "Filen är för stor (10,0\xa0MB). Största tillåtna storlek är 10,0\xa0MB."
    ]
    assert form["lead"].value() == "Ingressen ska finnas kvar."
    assert NewsArticle.objects.count() == 0


@pytest.mark.django_db
def test_image_that_is_not_an_image_is_refused(editor_client):
    svg = SimpleUploadedFile(
        "bild.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    )

    response = editor_client.post("/admin/programme/newsarticle/add/", news_form(svg))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [
        "Filen är inte en bild i formatet JPEG, PNG eller WebP."
    ]


@pytest.mark.django_db
def test_image_accepted_jpeg_loses_exif_gps(editor_client):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = editor_client.post(
        "/admin/programme/newsarticle/add/",
        news_form(SimpleUploadedFile("semester.jpg", original, "image/jpeg")),
    )

    assert response.status_code == 302
    article = NewsArticle.objects.get()
    assert article.image.name.startswith("news/")
    with article.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "exif" not in image.info


@pytest.mark.django_db
def test_image_pixel_flood_is_refused(editor_client):
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")

    response = editor_client.post(
        "/admin/programme/newsarticle/add/",
        news_form(SimpleUploadedFile("flood.png", buffer.getvalue())),
    )

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["image"]
    assert message.startswith("Bilden har för många bildpunkter")


def office_file(*, macro=False, content_types=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted_type"),
    [
        ("plan.docx", office_file(), "wordprocessingml.document"),
        ("tabell.xlsx", office_file(), "spreadsheetml.sheet"),
        ("bilder.pptx", office_file(), "presentationml.presentation"),
        ("rapport.pdf", real_pdf(), "application/pdf"),
        ("karta.png", None, "image/png"),
        ("makro.docx", office_file(macro=True), None),
        ("tom.docx", office_file(content_types=False), None),
        ("inte-zip.docx", b"hej, jag ar text", None),
        ("program.exe", b"MZ\x90\x00", None),
        ("forklarad.pdf", b"MZ\x90\x00 inte en pdf", None),
    ],
)
def test_attachments_are_judged_by_their_content(name, content, accepted_type):
    from django.core.exceptions import ValidationError

    from portal.uploads import check_attachment

    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
        content = buffer.getvalue()
    upload = SimpleUploadedFile(name, content)

    if accepted_type is None:
        with pytest.raises(ValidationError) as refused:
            check_attachment(upload)
        assert name in str(refused.value) or "PDF" in str(refused.value)
    else:
        data, content_type = check_attachment(upload)
        assert accepted_type in content_type
        assert data[:2] in (b"PK", b"%P", b"\x89P")


def test_attachment_names_lose_folders_and_direction_tricks():
    from portal.uploads import safe_filename

    assert safe_filename("C:\\Users\\x\\plan.docx") == "plan.docx"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("faktura\u202egpj.exe") == "fakturagpj.exe"
    assert safe_filename("\x00\x01") == "bilaga"
    assert len(safe_filename("a" * 400 + ".pdf")) == 150


def speaker_form(photo, alt):
    return {
        "name": "Juri Escobar",
        "slug": "juri-escobar",
        "title": "",
        "organisation": "Fryshuset",
        "bio": "Arbetar med avhoppare.",
        "photo": photo,
        "photo_alt": alt,
    }


@pytest.mark.django_db
def test_speaker_photo_needs_alt_text_loses_gps_and_shows_on_the_page(
    editor_client,
):
    from presentations.models import Speaker

    missing_alt = editor_client.post(
        "/admin/presentations/speaker/add/",
        speaker_form(SimpleUploadedFile("juri.jpg", jpeg_with_gps()), ""),
    )
    saved = editor_client.post(
        "/admin/presentations/speaker/add/",
        speaker_form(
            SimpleUploadedFile("juri.jpg", jpeg_with_gps()), "Juri Escobar i grått"
        ),
    )

    assert missing_alt.status_code == 200
    assert "alternativtext" in missing_alt.content.decode()
    assert saved.status_code == 302
    speaker = Speaker.objects.get()
    with speaker.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    presentation = factories.PresentationFactory(session=factories.SessionFactory())
    presentation.speakers.add(speaker)
    page = editor_client.get(f"/talare/{speaker.slug}/").content.decode()
    assert f'src="{speaker.photo.url}" alt="Juri Escobar i grått"' in page
