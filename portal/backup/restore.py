"""manage.py restore: verify everything, then replace everything at once."""

import gzip
import hashlib
import json
import shutil
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from portal.backup.create import FORMAT, FORMAT_VERSION, MANIFEST
from portal.backup.files import (
    READ_CHUNK,
    ROOT_PREFIXES,
    STAGING_PREFIX,
    files_text,
    hash_file,
    media_roots,
    root_files,
    rows_text,
)
from portal.backup.tables import (
    MIGRATION_TABLES,
    BackupError,
    backed_up_models,
    database_digests,
    db_param,
    fields_of,
    kind_of,
    quiet,
)
from portal.public_cache import content_changed

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
INSERT_BATCH = 500


def _invalid(reason):
    return BackupError(
        f"Arkivet är skadat eller inte en säkerhetskopia av portalen ({reason}). "
        "Inget har återställts."
    )


def _safe_name(name):
    path = PurePosixPath(name)
    parts = name.split("/")
    return (
        isinstance(name, str)
        and len(parts) >= 2
        and parts[0] in ("db", *ROOT_PREFIXES)
        and not path.is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
        and "\x00" not in name
        and not parts[1].startswith(STAGING_PREFIX)
    )


def _check_manifest(manifest, models_):
    try:
        if manifest.get("format") != FORMAT:
            raise _invalid("manifestet har fel format")
        if manifest.get("version") != FORMAT_VERSION:
            raise BackupError(
                f"Arkivet har formatversion {manifest.get('version')}; den här "
                f"versionen av portalen läser version {FORMAT_VERSION}. Inget har "
                "återställts."
            )
        files = manifest["files"]
        for name, info in files.items():
            if not _safe_name(name):
                raise _invalid(f"otillåtet filnamn {name!r}")
            if not (
                isinstance(info["sha256"], str)
                and len(info["sha256"]) == 64
                and isinstance(info["size"], int)
                and info["size"] >= 0
            ):
                raise _invalid(f"fel uppgifter om {name}")
        for table, info in manifest["tables"].items():
            if info["file"] != f"db/{table}.json" or info["file"] not in files:
                raise _invalid(f"tabellen {table} saknar sin fil")
            if not isinstance(info["rows"], int) or not isinstance(info["sha256"], str):
                raise _invalid(f"fel uppgifter om tabellen {table}")
        migrations = {tuple(item) for item in manifest["migrations"]}
        if not all(
            len(item) == 2 and all(isinstance(part, str) for part in item)
            for item in migrations
        ):
            raise _invalid("fel lista över migreringar")
        db_files = {name for name in files if name.startswith("db/")}
        if db_files != {info["file"] for info in manifest["tables"].values()}:
            raise _invalid("databasfilerna stämmer inte med tabellerna")
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise _invalid("manifestet är ofullständigt") from exc
    _check_migrations(migrations)
    here = {model._meta.db_table for model in models_}
    archived = set(manifest["tables"])
    if here != archived:
        raise BackupError(
            "Arkivets tabeller stämmer inte med den här installationens (saknas "
            f"här: {_few(archived - here)}; saknas i arkivet: "
            f"{_few(here - archived)}). Inget har återställts."
        )


def _few(items):
    items = sorted(f"{item[0]}.{item[1]}" if isinstance(item, tuple) else item
                   for item in items)  # fmt: skip
    if not items:
        return "inga"
    shown = ", ".join(items[:5])
    return shown + (f" och {len(items) - 5} till" if len(items) > 5 else "")


def _check_migrations(archived):
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    apps_here = set(loader.migrated_apps)
    archived = {key for key in archived if key[0] in apps_here}
    applied = {
        key
        for key in MigrationRecorder(connection).applied_migrations()
        if key[0] in apps_here
    }
    unknown = {key for key in archived - applied if key not in loader.disk_migrations}
    if unknown:
        raise BackupError(
            "Arkivet kommer från en nyare version av portalen: migreringarna "
            f"{_few(unknown)} finns inte i den här koden. Uppdatera koden, kör "
            "manage.py migrate och försök igen. Inget har återställts."
        )
    if archived - applied:
        raise BackupError(
            "Databasen saknar migreringar som arkivet har: "
            f"{_few(archived - applied)}. Kör manage.py migrate och försök igen. "
            "Inget har återställts."
        )
    if applied - archived:
        raise BackupError(
            "Arkivet kommer från en äldre version av portalen: det saknar "
            f"migreringarna {_few(applied - archived)}. Återställ det med den "
            "version av portalen som gjorde det och kör sedan manage.py migrate. "
            "Inget har återställts."
        )


def _check_empty(models_, roots):
    found = []
    for model in models_:
        table = model._meta.db_table
        if table not in MIGRATION_TABLES and (count := model._base_manager.count()):
            found.append(f"{table}: {rows_text(count)}")
    for prefix, root in roots.items():
        if count := len(root_files(prefix, root)):
            setting = "MEDIA_ROOT" if prefix == "media" else "PRIVATE_MEDIA_ROOT"
            found.append(f"{setting}: {files_text(count)}")
    if found:
        raise BackupError(
            "Installationen är inte tom (" + _few(found) + "). En återställning "
            "görs till en tom installation: en nymigrerad databas och tomma "
            "mediamappar. Ange --force för att i stället ersätta allt innehåll "
            "med arkivets. Inget har återställts."
        )


def _open_archive(archive):
    if not archive.is_file():
        raise BackupError(f"Arkivet {archive} finns inte.")
    try:
        return tarfile.open(archive, mode="r:*")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _invalid("filen går inte att läsa som tar.gz") from exc


def _read_manifest(tar):
    try:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isreg():
            raise _invalid("manifest.json saknas först i arkivet")
        if first.size > MAX_MANIFEST_BYTES:
            raise _invalid("manifest.json är för stort")
        manifest = json.loads(tar.extractfile(first).read())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _invalid("filen går inte att läsa som tar.gz") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid("manifest.json är inte giltig JSON") from exc
    if not isinstance(manifest, dict):
        raise _invalid("manifest.json är inte ett objekt")
    return manifest


def _extract_verified(tar, manifest, targets, out):
    """Write every member to its staging folder while hashing it; refuse a
    member the manifest does not list, a second copy, a wrong size or hash."""
    expected = manifest["files"]
    seen = set()
    started = time.monotonic()
    try:
        # next(), not iteration: iterating starts again at manifest.json.
        while (member := tar.next()) is not None:
            name = member.name
            if name not in expected or name in seen or not member.isreg():
                raise _invalid(f"oväntad post {name!r}")
            if member.size != expected[name]["size"]:
                raise _invalid(f"{name} har fel storlek")
            prefix, relative = name.split("/", 1)
            destination = targets[prefix] / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            with open(destination, "xb") as stream:
                while chunk := source.read(READ_CHUNK):
                    digest.update(chunk)
                    stream.write(chunk)
            if digest.hexdigest() != expected[name]["sha256"]:
                raise BackupError(
                    f"Kontrollsumman för {name} stämmer inte med manifestet: "
                    "arkivet är skadat eller ändrat. Inget har återställts."
                )
            if prefix != "db" and settings.FILE_UPLOAD_PERMISSIONS is not None:
                destination.chmod(settings.FILE_UPLOAD_PERMISSIONS)
            seen.add(name)
            if time.monotonic() - started > 5:
                out(f"  {len(seen)}/{len(expected)} filer kontrollerade")
                started = time.monotonic()
        # Read to the end of the compressed stream, so its own checksum
        # (gzip's CRC) is checked too.
        while tar.fileobj.read(READ_CHUNK):
            pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _invalid("filen tar slut eller är trasig") from exc
    except FileExistsError as exc:
        raise _invalid(f"{exc.filename} förekommer två gånger") from exc
    missing = set(expected) - seen
    if missing:
        raise _invalid(f"filerna {_few(missing)} saknas i arkivet")
    out(f"Arkivet: alla {len(seen)} filer stämmer med manifestet.")


def _load_rows(models_, manifest, db_folder, out):
    tables = [model._meta.db_table for model in models_]
    existing = set(connection.introspection.table_names())
    flush = tables + [table for table in ("django_session",) if table in existing]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses a table with deferred checks still pending (rows
        # written earlier in an enclosing transaction): run them first.
        connection.check_constraints()
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), flush):
            cursor.execute(sql)
        for model in models_:
            table = model._meta.db_table
            try:
                count = _insert_table(cursor, model, db_folder / f"{table}.json")
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise _invalid(f"raderna i tabellen {table} går inte att läsa") from exc
            out(f"  {table}: {rows_text(count)}", 2)
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)
    try:
        connection.check_constraints()
    except IntegrityError as exc:
        raise BackupError(
            f"Arkivets rader hänger inte ihop ({exc}). Inget har återställts."
        ) from exc


def _insert_table(cursor, model, path):
    """Insert a table's archived rows as they are: no save(), no signals,
    so auto_now fields and history hooks leave them alone."""
    table = model._meta.db_table
    data = json.loads(path.read_bytes())
    by_name = {field.attname: field for field in fields_of(model)}
    names = data["fields"]
    if data["table"] != table or sorted(names) != sorted(by_name):
        raise BackupError(
            f"Tabellen {table} har andra kolumner i arkivet än här. "
            "Inget har återställts."
        )
    fields = [by_name[name] for name in names]
    kinds = [kind_of(field) for field in fields]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names)
        qn(table),
        ", ".join(qn(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = data["rows"]
    for start in range(0, len(rows), INSERT_BATCH):
        cursor.executemany(
            sql,
            [
                [
                    db_param(field, kind, value)
                    for field, kind, value in zip(fields, kinds, row, strict=True)
                ]
                for row in rows[start : start + INSERT_BATCH]
            ],
        )
    return len(rows)


def _verify_rows(manifest):
    tables = manifest["tables"]
    actual = database_digests()
    wrong = [
        table
        for table, info in tables.items()
        if actual[table] != {"rows": info["rows"], "sha256": info["sha256"]}
    ]
    if wrong:
        raise BackupError(
            f"Efter inläsningen stämmer tabellerna {_few(wrong)} inte med "
            "arkivets kontrollsummor. Inget har återställts."
        )


def _swap_in(root, staging, swaps):
    """Move the root's current content aside and the staged files in; each
    step is recorded in `swaps` first, so `_swap_back` can undo a part."""
    aside = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}old-", dir=root))
    swap = {"root": root, "staging": staging, "aside": aside, "out": [], "in": []}
    swaps.append(swap)
    for child in sorted(root.iterdir()):
        if not child.name.startswith(STAGING_PREFIX):
            child.rename(aside / child.name)
            swap["out"].append(child.name)
    for child in sorted(staging.iterdir()):
        child.rename(root / child.name)
        swap["in"].append(child.name)


def _swap_back(swap):
    for name in swap["in"]:
        if (swap["root"] / name).exists():
            (swap["root"] / name).rename(swap["staging"] / name)
    for name in swap["out"]:
        (swap["aside"] / name).rename(swap["root"] / name)
    swap["aside"].rmdir()


def _verify_files(roots, manifest):
    expected = {
        name: info for name, info in manifest["files"].items() if name[:3] != "db/"
    }
    actual = {
        name: hash_file(path)
        for prefix, root in roots.items()
        for name, path in root_files(prefix, root)
    }
    if actual != expected:
        wrong = {
            n
            for n in expected.keys() | actual.keys()
            if expected.get(n) != actual.get(n)
        }
        raise BackupError(
            f"Efter flytten stämmer filerna {_few(wrong)} inte med manifestet. "
            "Inget har återställts."
        )


def backup_restore(archive, *, force=False, out=quiet, warn=quiet):
    """Restore the archive at `archive` into this installation; see the
    module docstring for the guarantees. Returns the manifest."""
    archive = Path(archive).expanduser().absolute()
    roots = media_roots()
    tar = _open_archive(archive)
    staging = {}
    swaps = []
    try:
        with tar:
            manifest = _read_manifest(tar)
            models_ = backed_up_models()
            _check_manifest(manifest, models_)
            out(
                f"Arkivet gjordes {manifest.get('created_at')} på "
                f"{manifest.get('database_vendor')}: {len(manifest['tables'])} "
                f"tabeller, {len(manifest['files'])} filer."
            )
            if not force:
                _check_empty(models_, roots)
            for prefix, root in roots.items():
                root.mkdir(parents=True, exist_ok=True)
                staging[prefix] = Path(
                    tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root)
                )
            staging["db"] = Path(
                tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}db-", dir=roots["private"])
            )
            out("Arkivet: kontrollerar varje fil mot manifestet …")
            _extract_verified(tar, manifest, staging, out)
        rows = sum(info["rows"] for info in manifest["tables"].values())
        out(f"Databasen: ersätter allt innehåll med arkivets {rows} rader …")
        try:
            with transaction.atomic():
                if not force:
                    _check_empty(models_, roots)
                _load_rows(models_, manifest, staging["db"], out)
                out("Databasen: jämför tabellerna med arkivets kontrollsummor …")
                _verify_rows(manifest)
                out("Filer: flyttar filerna på plats …")
                for prefix, root in roots.items():
                    _swap_in(root, staging[prefix], swaps)
                _verify_files(roots, manifest)
        except BaseException:
            for swap in reversed(swaps):
                _swap_back(swap)
            raise
        for swap in swaps:
            shutil.rmtree(swap["aside"], ignore_errors=True)
    except DatabaseError as exc:
        raise BackupError(
            f"Databasen avbröt återställningen ({exc}). Inget har återställts."
        ) from exc
    except OSError as exc:
        raise BackupError(
            f"Filsystemet avbröt återställningen ({exc}). Inget har återställts."
        ) from exc
    finally:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)
    ContentType.objects.clear_cache()
    # The rows went in without signals: no cached public page is true now.
    content_changed()
    for name in manifest.get("missing_files") or []:
        warn(f"VARNING: {name} saknades redan när arkivet gjordes.")
    files = [name for name in manifest["files"] if not name.startswith("db/")]
    out(
        f"Klart: {rows_text(rows)} och {files_text(len(files))} återställda. "
        "Alla inloggningar är avslutade; alla loggar in på nytt."
    )
    return manifest
