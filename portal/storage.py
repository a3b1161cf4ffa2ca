"""Storage for files that must never be served directly by the web server.

Attachments in the coordination area live outside MEDIA_ROOT and have no
URL: they are read only by a view that has checked access.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
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

    def deconstruct(self):
        return ("portal.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()
