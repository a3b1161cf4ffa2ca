"""Media on S3-compatible object storage (MEDIA_STORAGE=s3).

Against a real S3 server on 127.0.0.1 (moto's server mode, in a thread):
an image uploaded in the admin lands in the public bucket and is linked from
there; an attachment lands in the private bucket, is refused to anonymous
requests at the bucket and reaches only readers, streamed by the view.
"""

import io
import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from municipalities.models import EntryAttachment, SharingLevel
from portal.settings import object_storage
from programme.models import NewsArticle
from tests.images import png_bytes
from tests.municipalities.conftest import client_for

from .test_settings import run_settings

REGION = "eu-north-1"
# The CSP's img-src as plain strings, printed by a settings child process.
IMG_SRC = "list(map(str, settings.SECURE_CSP['img-src']))"


@pytest.fixture(scope="module")
def s3_endpoint():
    # The server's own request log (werkzeug, INFO) is noise here.
    log = logging.getLogger("werkzeug")
    level = log.level
    log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    log.setLevel(level)


@dataclass
class Buckets:
    endpoint: str
    public: str
    private: str
    client: object

    def anonymous_get(self, bucket, key):
        """Status of a GET without credentials, as anyone on the internet."""
        try:
            with urllib.request.urlopen(  # noqa: S310 (our own loopback server)
                f"{self.endpoint}/{bucket}/{key}", timeout=10
            ) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def stored(self, bucket, key):
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def keys(self, bucket):
        listed = self.client.list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listed.get("Contents", [])]


@pytest.fixture(params=["acls", "bucket-policy"])
def buckets(request, s3_endpoint, settings, monkeypatch, tmp_path):
    """Fresh buckets and settings pointing media at them. Either the objects
    carry ACLs (public-read and private), or ACLs are off and the public
    bucket is readable by its policy, as on AWS with ACLs disabled."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-only")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-only")
    suffix = uuid.uuid4().hex[:12]
    public, private = f"media-{suffix}", f"private-{suffix}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    for name in (public, private):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    object_acls = request.param == "acls"
    if not object_acls:
        client.put_bucket_policy(
            Bucket=public,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{public}/*",
                        }
                    ],
                }
            ),
        )
    media_url, default, private_storage = object_storage(
        bucket=public,
        private_bucket=private,
        endpoint_url=s3_endpoint,
        region=REGION,
        object_acls=object_acls,
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default,
        "private": private_storage,
    }
    settings.MEDIA_URL = media_url
    settings.MEDIA_ROOT = tmp_path / "unused-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "unused-private"
    yield Buckets(s3_endpoint, public, private, client)
    assert not settings.MEDIA_ROOT.exists()
    assert not settings.PRIVATE_MEDIA_ROOT.exists()


def news_form(image):
    return {
        "title": "Nyhet med bild",
        "slug": "nyhet-med-bild",
        "lead": "Ingressen.",
        "body": "Brödtext.",
        "image": image,
        "image_alt": "Deltagare i samtal",
        "status": "published",
        "publish_at_0": "2022-04-29",
        "publish_at_1": "10:00:00",
    }


@pytest.mark.django_db
def test_object_storage_public_image_is_linked_from_the_media_bucket(
    buckets, editor_client, client
):
    response = editor_client.post(
        "/admin/programme/newsarticle/add/",
        news_form(SimpleUploadedFile("bild.png", png_bytes(40, 30, "RGB"))),
    )
    assert response.status_code == 302
    article = NewsArticle.objects.get()
    key = article.image.name
    assert buckets.keys(buckets.public) == [key]
    assert buckets.keys(buckets.private) == []

    page = client.get(article.get_absolute_url()).content.decode()
    url = f"{buckets.endpoint}/{buckets.public}/{key}"
    assert f'src="{url}"' in page
    status, body = buckets.anonymous_get(buckets.public, key)
    assert (status, body) == (200, buckets.stored(buckets.public, key))

    pdf = client.get(f"/nyheter/{article.slug}/pdf/")
    assert pdf.status_code == 200
    assert len(PdfReader(io.BytesIO(pdf.content)).pages[0].images) == 1


def pdf_upload():
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(200, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@pytest.mark.django_db
def test_object_storage_attachment_is_private_and_streamed_to_readers_only(
    buckets, world
):
    content = pdf_upload()
    created = client_for(world, "rep_a").post(
        "/samordning/lagesrapporter/ny/",
        {
            "group": world["group"].pk,
            "focus_area": world["area"].pk,
            "title": "Rapport med bilaga",
            "period_start": "2024-02-01",
            "period_end": "2024-02-29",
            "text": "Två utbildningar genomförda.",
            "sharing_level": SharingLevel.GROUP,
            "release_at": "2024-03-01T09:00",
            "attachments": SimpleUploadedFile("plan.pdf", content),
        },
    )
    assert created.status_code == 302
    attachment = EntryAttachment.objects.get()
    key = attachment.file.name
    assert buckets.keys(buckets.private) == [key]
    assert buckets.keys(buckets.public) == []
    assert buckets.stored(buckets.private, key) == content

    # Nobody reaches the object at the bucket without credentials, and the
    # storage makes no URL for it, signed or not.
    assert buckets.anonymous_get(buckets.private, key) == (403, b"")
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url  # noqa: B018

    url = attachment.get_absolute_url()
    reader = client_for(world, "partner").get(url)
    assert reader.status_code == 200
    assert reader.streaming
    assert "Location" not in reader
    assert reader["Content-Length"] == str(len(content))
    assert reader["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert b"".join(reader.streaming_content) == content

    assert client_for(world, "rep_b").get(url).status_code == 404
    anonymous = client_for(world, "anonymous").get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/logga-in/")


def test_settings_object_storage_from_environment():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "PRIVATE_STORAGE_BUCKET_NAME": "portal-private",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.se/",
            "AWS_S3_REGION_NAME": "sto-1",
        },
        "(settings.MEDIA_URL, settings.STORAGES['default'], "
        f"settings.STORAGES['private'], {IMG_SRC})",
    )

    assert result.returncode == 0, result.stderr
    common = {
        "endpoint_url": "https://s3.example.se",
        "region_name": "sto-1",
        "file_overwrite": False,
        "querystring_auth": False,
        "max_memory_size": 5 * 1024 * 1024,
        "addressing_style": "path",
    }
    assert result.stdout.strip() == repr(
        (
            "https://s3.example.se/portal-media/",
            {
                "BACKEND": "portal.storage_s3.PublicMediaStorage",
                "OPTIONS": {
                    **common,
                    "bucket_name": "portal-media",
                    "default_acl": "public-read",
                },
            },
            {
                "BACKEND": "portal.storage_s3.PrivateMediaStorage",
                "OPTIONS": {
                    **common,
                    "bucket_name": "portal-private",
                    "default_acl": "private",
                },
            },
            ["'self'", "https://s3.example.se"],
        )
    )


def test_settings_object_storage_on_aws_without_acls_behind_a_proxy_path():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "PRIVATE_STORAGE_BUCKET_NAME": "portal-private",
            "AWS_S3_REGION_NAME": "eu-north-1",
            "AWS_S3_OBJECT_ACLS": "false",
        },
        "(settings.MEDIA_URL, settings.STORAGES['default']['OPTIONS']['default_acl'],"
        " settings.STORAGES['private']['OPTIONS']['default_acl'],"
        f" {IMG_SRC})",
    )
    proxied = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "PRIVATE_STORAGE_BUCKET_NAME": "portal-private",
            "MEDIA_URL": "/media/",
        },
        f"(settings.MEDIA_URL, {IMG_SRC})",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            "https://portal-media.s3.eu-north-1.amazonaws.com/",
            None,
            None,
            ["'self'", "https://portal-media.s3.eu-north-1.amazonaws.com"],
        )
    )
    assert proxied.stdout.strip() == repr(("/media/", ["'self'"]))


def test_settings_local_storage_is_the_default():
    result = run_settings(
        {"SECRET_KEY": "x" * 50},
        "(settings.MEDIA_URL, settings.STORAGES['default']['BACKEND'], "
        f"settings.STORAGES['private']['BACKEND'], {IMG_SRC})",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            "/media/",
            "django.core.files.storage.FileSystemStorage",
            "portal.storage.PrivateFileSystemStorage",
            ["'self'"],
        )
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be local or s3."),
        (
            {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "media"},
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "media",
                "PRIVATE_STORAGE_BUCKET_NAME": "media",
            },
            "PRIVATE_STORAGE_BUCKET_NAME must be another bucket",
        ),
        ({"MEDIA_URL": "https://cdn.example.se/media"}, "MEDIA_URL must end with"),
    ],
)
def test_settings_object_storage_refuses_unsafe_configuration(environment, message):
    result = run_settings({"SECRET_KEY": "x" * 50, **environment}, "settings.DEBUG")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
