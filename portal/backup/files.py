"""The files of an archive: everything under MEDIA_ROOT and
PRIVATE_MEDIA_ROOT, named `media/…` and `private/…`."""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.db import models

from portal.backup.tables import BackupError, fields_of, quiet

ROOT_PREFIXES = ("media", "private")
# Working folders inside the media roots (mode 0700, so the web server cannot
# read them); a backup skips them and a restore removes its own.
STAGING_PREFIX = ".restore-"
READ_CHUNK = 1024 * 1024


def media_roots():
    roots = {
        "media": Path(settings.MEDIA_ROOT).absolute(),
        "private": Path(settings.PRIVATE_MEDIA_ROOT).absolute(),
    }
    media, private = (root.resolve() for root in roots.values())
    if (
        media == private
        or media.is_relative_to(private)
        or private.is_relative_to(media)
    ):
        raise BackupError(
            "MEDIA_ROOT och PRIVATE_MEDIA_ROOT får inte vara samma mapp eller "
            "ligga i varandra."
        )
    return roots


def root_files(prefix, root, warn=quiet):
    """(archive name, path) of every regular file under a root, sorted;
    symbolic links and the restore's working folders are left out."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if not d.startswith(STAGING_PREFIX)]
        for name in dirnames:
            if (here / name).is_symlink():
                warn(f"Hoppar över den symboliska länken {here / name}.")
        for name in filenames:
            path = here / name
            if path.is_symlink() or not path.is_file():
                warn(f"Hoppar över {path}: inte en vanlig fil.")
                continue
            relative = path.relative_to(root).as_posix()
            try:
                relative.encode("utf-8")
            except UnicodeEncodeError:
                warn(f"Hoppar över {path}: namnet är inte giltig UTF-8.")
                continue
            found.append((f"{prefix}/{relative}", path))
    return sorted(found)


def hash_file(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def file_prefix(field, roots):
    location = Path(field.storage.location).resolve()
    for prefix, root in roots.items():
        if location == root.resolve():
            return prefix
    raise BackupError(
        f"Filfältet {field.model._meta.label}.{field.name} sparar i {location}, "
        "som varken är MEDIA_ROOT eller PRIVATE_MEDIA_ROOT."
    )


def referenced_files(model, names, rows, roots):
    found = set()
    for field in fields_of(model):
        if not isinstance(field, models.FileField):
            continue
        prefix = file_prefix(field, roots)
        index = names.index(field.attname)
        found.update(f"{prefix}/{row[index]}" for row in rows if row[index])
    return found


def rows_text(count):
    return f"{count} rad" if count == 1 else f"{count} rader"


def files_text(count):
    return f"{count} fil" if count == 1 else f"{count} filer"


def size_text(count):
    return f"{count / (1024 * 1024):.1f} MB"
