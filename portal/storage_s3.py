"""Media on S3-compatible object storage (MEDIA_STORAGE=s3).

Named by STORAGES in `portal.settings` only when object storage is chosen,
so boto3 is loaded only then. Public uploads go to the media bucket and are
linked at MEDIA_URL; attachments go to a bucket of their own, are written
private, never get a URL (signed or not) and are read as a stream by the
access-checked download view.
"""

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import File
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PublicMediaStorage(S3Storage):
    """Images, slides and slide previews, linked at MEDIA_URL (the bucket,
    or a CDN or proxy path in front of it)."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(
            self._normalize_name(clean_name(name))
        )


class PrivateMediaStorage(S3Storage):
    """Coordination-area attachments: no URL, read as a stream."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no URL; serve them through a view.")

    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        # The object's body, read as the response is sent: never the whole
        # file in the worker's memory.
        stream = File(answer["Body"], name)
        stream.size = answer["ContentLength"]
        return stream
