"""Storage for files that must never be served directly by the web server.

Attachments in the coordination area have no URL: they are read only by a
view that has checked access (`attachment_download`), which streams them.
`private_storage` is the storage STORAGES["private"] names: a folder outside
MEDIA_ROOT (PRIVATE_MEDIA_ROOT) by default, a bucket of their own with
MEDIA_STORAGE=s3 (`portal.storage_s3.PrivateMediaStorage`).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read from settings on every use."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view.")


class PrivateStorage(LazyObject):
    """STORAGES["private"], looked up on first use (and again when the
    setting changes), so that models and migrations name no backend."""

    def _setup(self):
        self._wrapped = storages["private"]

    def deconstruct(self):
        return ("portal.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty
