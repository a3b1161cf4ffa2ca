"""Uploads are judged by content: through the admin forms editors really use."""

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin
from weasyprint import HTML

from municipalities.models import EntryAttachment, ProgressEntry
from presentations.models import Presentation, Speaker
from programme.models import NewsArticle, Person
from tests import factories
from tests.images import png_bytes


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


# Pixel limits: every form that takes an image, refused by the declared size
# before any pixel is decoded (defaults: 25 million pixels, 10 000 a side).


def person_form(photo):
    return {
        "name": "Vera Lind",
        "role_title": "Projektledare",
        "extent": "",
        "email": "",
        "phone": "",
        "photo": photo,
        "photo_alt": "Vera Lind framför en vägg",
    }


def entry_form(attachment):
    return {
        "title": "Rapport med bild",
        "period_start": "2024-02-01",
        "period_end": "2024-02-29",
        "text": "Texten ska finnas kvar.",
        "sharing_level": "group",
        "release_at": "2024-03-01T09:00",
        "attachments": [attachment],
    }


@dataclass
class ImageForm:
    """One upload form that takes images, as its users reach it."""

    url: str
    data: Callable
    field: str
    kept_field: str
    models: tuple
    client: object = None

    def post(self, image):
        return self.client.post(self.url, self.data(image))

    def form(self, response):
        context = response.context
        return context["adminform"].form if "adminform" in context else context["form"]


IMAGE_FORMS = {
    "news": lambda: ImageForm(
        "/admin/programme/newsarticle/add/", news_form, "image", "lead", (NewsArticle,)
    ),
    "person": lambda: ImageForm(
        "/admin/programme/person/add/", person_form, "photo", "name", (Person,)
    ),
    "speaker": lambda: ImageForm(
        "/admin/presentations/speaker/add/",
        lambda photo: speaker_form(photo, "Talaren i grått"),
        "photo",
        "bio",
        (Speaker,),
    ),
    "entry": lambda: ImageForm(
        "/samordning/lagesrapporter/ny/",
        entry_form,
        "attachments",
        "text",
        (ProgressEntry, EntryAttachment),
    ),
}


@pytest.fixture(params=list(IMAGE_FORMS))
def image_form(request, editor_client, private_media):
    form = IMAGE_FORMS[request.param]()
    if request.param == "entry":
        world = request.getfixturevalue("world")
        client = Client()
        client.force_login(world["users"]["rep_a"])
        data = form.data
        form.data = lambda image: {
            **data(image),
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
        }
        form.client = client
    else:
        form.client = editor_client
    return form


def stored_files(settings):
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return [path for root in roots if root.exists() for path in root.rglob("*.*")]


@functools.cache
def bomb():
    """1.4 MB on disk; decoded, 9000 x 9000 RGBA pixels take 324 MB."""
    return png_bytes(9000, 9000, "RGBA")


@pytest.mark.parametrize(
    ("content", "dimensions"),
    [
        # One column over 25 million pixels: Pillow itself only warns here.
        (lambda: png_bytes(5001, 5000), ""),
        # Few pixels, but a side over 10 000.
        (lambda: png_bytes(10_001, 10), " (10\xa0001 × 10)"),
        # A decompression bomb, far over twice the limit.
        (bomb, ""),
    ],
    ids=["over-pixels", "over-side", "bomb"],
)
def test_image_over_the_pixel_limits_is_refused_in_swedish_and_not_stored(
    image_form, settings, content, dimensions
):
    response = image_form.post(SimpleUploadedFile("stor.png", content()))

    assert response.status_code in (200, 400)
    form = image_form.form(response)
    assert form.errors[image_form.field] == [
        f"Bilden har för många bildpunkter{dimensions}. Den får ha högst "
        "25\xa0000\xa0000 bildpunkter totalt och högst 10\xa0000 på den längsta "
        "sidan. Gör bilden mindre och ladda upp den igen."
    ]
    assert form[image_form.kept_field].value()
    assert [model.objects.count() for model in image_form.models] == [0] * len(
        image_form.models
    )
    assert stored_files(settings) == []


def test_image_largest_allowed_is_accepted(image_form, settings):
    response = image_form.post(SimpleUploadedFile("stor.png", png_bytes(5000, 5000)))

    assert response.status_code == 302
    (stored,) = stored_files(settings)
    with Image.open(stored) as image:
        assert image.size == (5000, 5000)
        assert image.format == "PNG"


def test_image_pixel_limit_follows_the_setting_in_pillow_too(settings):
    from portal.uploads import reencode_image

    settings.IMAGE_MAX_PIXELS = 100

    assert Image.MAX_IMAGE_PIXELS == 100
    assert reencode_image(SimpleUploadedFile("a.png", png_bytes(10, 10))).size
    with translation.override("sv"):
        with pytest.raises(ValidationError) as refused:
            reencode_image(SimpleUploadedFile("b.png", png_bytes(11, 10)))
        messages = refused.value.messages
    assert messages == [
        "Bilden har för många bildpunkter. Den får ha högst 100 bildpunkter "
        "totalt och högst 10\xa0000 på den längsta sidan. Gör bilden mindre "
        "och ladda upp den igen."
    ]


def test_image_png_loses_text_exif_and_profile_but_keeps_transparency():
    from portal.uploads import reencode_image

    image = Image.new("P", (16, 16), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Namn Efternamn")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    buffer = io.BytesIO()
    image.save(
        buffer,
        "PNG",
        pnginfo=info,
        exif=exif,
        transparency=0,
        icc_profile=b"profil" * 20,
    )

    clean = reencode_image(SimpleUploadedFile("bild.png", buffer.getvalue())).read()

    assert b"Namn" not in clean
    assert b"xmpmeta" not in clean
    assert b"Testkamera" not in clean
    with Image.open(io.BytesIO(clean)) as result:
        assert set(result.info) == {"transparency"}
        assert result.getpixel((0, 0)) == 1


def test_no_model_or_form_decodes_images_outside_portal_uploads():
    """Django's ImageField decodes the whole image to read its size before
    any of our checks run: no model may use it. Every file field is one of
    ours or written only by code that checked the file first."""
    from django.apps import apps
    from django.db import models

    from portal.uploads import CleanImageField, PdfField

    checked_elsewhere = {
        # Rendered by the server from the slides (bounded in size).
        "presentations.Presentation.slides_preview",
        # Written only by services.entry_create after check_attachment.
        "municipalities.EntryAttachment.file",
        # The closed mandate's archive zip, written only by archive_build
        # from the portal's own files; never an upload.
        "municipalities.MandateArchive.file",
    }
    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.ImageField), field
            if isinstance(field, models.FileField) and not isinstance(
                field, CleanImageField | PdfField
            ):
                assert f"{model._meta.label}.{field.name}" in checked_elsewhere


def slides_with_page(width, height):
    document = pypdfium2.PdfDocument.new()
    document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (960, 540, (640, 360)),
        # 1 pt by 14 400 pt: at 640 pixels wide this would be 24 GB.
        (1, 14_400, (1, 1280)),
        (14_400, 1, (640, 1)),
    ],
)
def test_slides_preview_is_bounded_whatever_the_page_size(
    editor_client, width, height, expected
):
    session = factories.SessionFactory()
    slides = SimpleUploadedFile("bilder.pdf", slides_with_page(width, height))

    response = editor_client.post(
        "/admin/presentations/presentation/add/", presentation_form(session, slides)
    )

    assert response.status_code == 302
    presentation = Presentation.objects.get()
    with presentation.slides_preview.open("rb") as stored, Image.open(stored) as image:
        assert image.size == expected
