"""Uploads are judged by content: through the admin forms editors really use."""

import io

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
