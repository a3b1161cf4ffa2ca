"""manage.py backup: one read snapshot of the database, then the files."""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from portal.backup.files import (
    files_text,
    hash_file,
    media_roots,
    referenced_files,
    root_files,
    rows_text,
    size_text,
)
from portal.backup.tables import (
    EXCLUDED_TABLES,
    BackupError,
    backed_up_models,
    quiet,
    table_digest,
    table_rows,
)

FORMAT = "fou-nordvast-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SNAPSHOT_ATTEMPTS = 3


class _FileChanged(Exception):
    """A file changed or vanished while the archive was written."""


@contextmanager
def _read_snapshot():
    """One transaction in which every read sees the same committed state."""
    connection.ensure_connection()
    outer = connection.in_atomic_block
    sqlite_mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite" and not outer:
        # BEGIN DEFERRED starts a read transaction; the portal's IMMEDIATE
        # would hold the write lock and stop every writer for the duration.
        connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
            yield
    finally:
        if connection.vendor == "sqlite":
            connection.transaction_mode = sqlite_mode


def _snapshot(work, roots, out):
    """Write every table to `work/db/` from one snapshot; return the
    manifest's tables, the db files, the applied migrations and the files
    the rows name."""
    (work / "db").mkdir()
    tables, db_files, referenced = {}, {}, set()
    with _read_snapshot():
        migrations = sorted(MigrationRecorder(connection).applied_migrations())
        models_ = backed_up_models()
        out(
            f"Databasen ({connection.vendor}): läser {len(models_)} tabeller "
            "i en och samma transaktion …"
        )
        for model in models_:
            table = model._meta.db_table
            names, rows = table_rows(model)
            referenced |= referenced_files(model, names, rows, roots)
            name = f"db/{table}.json"
            payload = {
                "model": model._meta.label_lower,
                "table": table,
                "fields": names,
                "rows": rows,
            }
            data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            (work / name).write_bytes(data.encode())
            db_files[name] = hash_file(work / name)
            tables[table] = {
                "model": model._meta.label_lower,
                "rows": len(rows),
                "sha256": table_digest(names, rows),
                "file": name,
            }
            out(f"  {table}: {rows_text(len(rows))}", 2)
    out(f"Databasen: {rows_text(sum(t['rows'] for t in tables.values()))}.")
    return tables, db_files, [list(key) for key in migrations], referenced


def _hash_roots(roots, out, warn):
    files, paths = {}, {}
    listing = [
        item
        for prefix, root in roots.items()
        for item in root_files(prefix, root, warn)
    ]
    out(f"Filer: beräknar kontrollsummor för {len(listing)} filer …")
    started = time.monotonic()
    for done, (name, path) in enumerate(listing, start=1):
        try:
            files[name] = hash_file(path)
        except FileNotFoundError:
            continue
        paths[name] = path
        if time.monotonic() - started > 5:
            out(f"  {done}/{len(listing)} filer")
            started = time.monotonic()
    total = sum(info["size"] for info in files.values())
    out(f"Filer: {files_text(len(files))}, {size_text(total)}.")
    return files, paths


class _HashingReader:
    """Hands a source file to tarfile while hashing it; a read error or a
    short read (the file shrank) is a changed file, not a broken archive."""

    def __init__(self, stream, name):
        self.stream = stream
        self.name = name
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        try:
            data = self.stream.read(size)
        except OSError as exc:
            raise _FileChanged(self.name) from exc
        if size is not None and size > 0 and len(data) < size:
            raise _FileChanged(self.name)
        self.digest.update(data)
        return data


def _tar_info(name, size, mtime):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = mtime
    return info


def _write_archive(archive, manifest, sources, out):
    """Write the archive next to its final name, then rename it into place;
    the file is created with mode 0600 and never exists half-written."""
    mtime = int(time.time())
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    handle, partial = tempfile.mkstemp(
        dir=archive.parent, prefix=f".{archive.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(
                fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT
            ) as tar:
                tar.addfile(
                    _tar_info(MANIFEST, len(manifest_bytes), mtime),
                    io.BytesIO(manifest_bytes),
                )
                names = list(manifest["files"])
                started = time.monotonic()
                for done, name in enumerate(names, start=1):
                    expected = manifest["files"][name]
                    try:
                        stream = open(sources[name], "rb")  # noqa: SIM115
                    except FileNotFoundError as exc:
                        raise _FileChanged(name) from exc
                    with stream:
                        if os.fstat(stream.fileno()).st_size != expected["size"]:
                            raise _FileChanged(name)
                        reader = _HashingReader(stream, name)
                        tar.addfile(_tar_info(name, expected["size"], mtime), reader)
                    if reader.digest.hexdigest() != expected["sha256"]:
                        raise _FileChanged(name)
                    if time.monotonic() - started > 5:
                        out(f"  skriver arkivet: {done}/{len(names)} filer")
                        started = time.monotonic()
            raw.flush()
            os.fsync(raw.fileno())
        if archive.exists():
            raise BackupError(f"{archive} finns redan; arkivet skrivs inte över.")
        os.replace(partial, archive)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _check_archive_path(archive, roots):
    if archive.exists():
        raise BackupError(f"{archive} finns redan; arkivet skrivs inte över.")
    if not archive.parent.is_dir():
        raise BackupError(f"Mappen {archive.parent} finns inte.")
    for root in roots.values():
        if archive.resolve().is_relative_to(root.resolve()):
            raise BackupError(
                f"Arkivet får inte ligga i {root}: det innehåller hemligheter "
                "och skulle komma med i nästa säkerhetskopia."
            )


def backup_create(archive, *, out=quiet, warn=quiet):
    """Write the archive at `archive` (a new file, mode 0600); return its
    manifest. `out(message, level)` reports progress, `warn(message)`
    problems that do not stop the backup."""
    archive = Path(archive).expanduser().absolute()
    roots = media_roots()
    _check_archive_path(archive, roots)
    out(f"Säkerhetskopierar till {archive}")
    for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(
            dir=archive.parent, prefix=f".{archive.name}."
        ) as work:
            work = Path(work)
            tables, db_files, migrations, referenced = _snapshot(work, roots, out)
            files, paths = _hash_roots(roots, out, warn)
            missing = sorted(referenced - files.keys())
            if missing and attempt < SNAPSHOT_ATTEMPTS:
                out(
                    f"{len(missing)} filer som databasen hänvisar till försvann "
                    "under säkerhetskopieringen; tar en ny ögonblicksbild."
                )
                continue
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "site_url": settings.SITE_URL,
                "database_vendor": connection.vendor,
                "django_version": django.get_version(),
                "migrations": migrations,
                "excluded_tables": EXCLUDED_TABLES,
                "tables": tables,
                "files": db_files | files,
                "missing_files": missing,
            }
            sources = {name: work / name for name in db_files} | paths
            try:
                _write_archive(archive, manifest, sources, out)
            except _FileChanged as exc:
                if attempt == SNAPSHOT_ATTEMPTS:
                    raise BackupError(
                        f"Filen {exc} ändrades medan arkivet skrevs, "
                        f"{SNAPSHOT_ATTEMPTS} gånger i rad. Försök igen."
                    ) from exc
                out(f"Filen {exc} ändrades medan arkivet skrevs; börjar om.")
                continue
            for name in missing:
                warn(
                    f"VARNING: {name} saknas, fast databasen hänvisar till den. "
                    "Arkivet återställer samma läge."
                )
            archive_hash = hash_file(archive)
            out(
                f"Klart: {archive} ({size_text(archive_hash['size'])}, "
                f"{len(tables)} tabeller, {files_text(len(files))}). "
                f"SHA-256 för arkivet: {archive_hash['sha256']}"
            )
            return manifest
    raise AssertionError("unreachable")  # pragma: no cover
