"""Backups that restore (`manage.py backup`, `manage.py restore`).

The drill fills every table and both media folders, backs up, wipes, restores
and compares what the database and the folders hold, read independently of
the backup code: raw SQL over every table, SHA-256 over every file. The other
tests try to make a restore go half-way or take something it must refuse.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from axes.models import (
    AccessAttempt,
    AccessAttemptExpiration,
    AccessFailureLog,
    AccessLog,
)
from django.conf import settings as django_settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import JSONField, Value
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import (
    WebAuthnAttestation,
    WebAuthnCredential,
    WebAuthnUserHandle,
)
from django_tasks_db.models import DBTaskResult
from PIL import Image
from weasyprint import HTML

from municipalities.coordination.services import entry_delete
from municipalities.models import EntryAttachment
from portal import backup
from portal.backup import create as backup_create_module
from portal.models import AuditEvent, User
from portal.password_reset import password_reset_send
from programme.models import NewsArticle
from tests import factories
from tests.test_factories import all_factories

# Tests whose point is a real transaction (the drill, a snapshot against a
# concurrent writer, a rollback) commit for real; refusals that come before
# any write run in the test's own transaction, and the ones that must come
# before the database is touched at all have no database.
committing = pytest.mark.django_db(transaction=True)
in_a_transaction = pytest.mark.django_db

# Written out here, so that leaving one more table out of the archive has to
# change this test too.
NOT_BACKED_UP = {"django_session", "django_migrations"}


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings


@pytest.fixture
def archive_dir(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def fill_every_table():
    """Rows in every table and a file of every kind."""
    for model_factory in all_factories().values():
        model_factory()
    user = factories.UserFactory(first_name="Åsa")
    news = factories.NewsArticleFactory(image=ContentFile(png(), name="bild.png"))
    factories.PersonFactory(photo=ContentFile(png(), name="person.png"))
    factories.SpeakerFactory(photo=ContentFile(png(), name="talare.png"))
    slides = HTML(string="<p>Bild 1</p>").write_pdf()
    presentation = factories.PresentationFactory(
        slides=ContentFile(slides, name="bilder.pdf")
    )
    factories.EntryAttachmentFactory()
    area = factories.FocusAreaFactory()
    municipality = factories.MunicipalityFactory()
    news.focus_areas.add(area)
    news.municipalities.add(municipality)
    news.related_sessions.add(presentation.session)
    presentation.focus_areas.add(area)
    factories.MandateFactory().staff.add(factories.PersonFactory())
    factories.SubscriberFactory().focus_areas.add(area)
    factories.NewsletterIssueFactory().articles.add(news)
    group = factories.WorkingGroupFactory()
    group.municipalities.add(municipality)
    group.organisations.add(factories.OrganisationFactory())
    restored_group = Group.objects.create(name="Återställningsgruppen")
    user.groups.add(restored_group)
    # Its own group permission: the migrations' rows are gone when an earlier
    # transactional test flushed the database.
    restored_group.permissions.add(Permission.objects.get(codename="view_user"))
    user.user_permissions.add(Permission.objects.get(codename="coordinate"))
    # The second step: its secrets are in the archive.
    factories.TOTPDeviceFactory(user=user)
    StaticDevice.objects.create(user=user, name="koder").token_set.create(
        token="k7m2p9x4"
    )
    credential = WebAuthnCredential.objects.create(
        user=user,
        name="Säkerhetsnyckel",
        credential_id=b"\x00\xffnyckel",
        public_key=b"\xa5\x01\x02",
        transports=["usb", "nfc"],
    )
    WebAuthnAttestation.objects.create(
        credential=credential, fmt="none", data=b"\x00\x01", client_data_json=b"{}"
    )
    WebAuthnUserHandle.objects.create(user=user)
    # Sign-in records (django-axes) and the admin's log.
    attempt = AccessAttempt.objects.create(
        username=user.email,
        ip_address="10.0.0.1",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/logga-in/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now()
    )
    AccessLog.objects.create(
        username=user.email, ip_address="::1", user_agent="pytest", path_info="/"
    )
    AccessFailureLog.objects.create(
        username=user.email, ip_address="10.0.0.2", user_agent="pytest", path_info="/"
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(NewsArticle),
        object_id=str(news.pk),
        object_repr=str(news),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Titel"]}}]',
    )
    # Background tasks: one waiting, one done whose result is JSON null
    # (which is not SQL NULL).
    password_reset_send.enqueue([user.pk])
    done = password_reset_send.enqueue([user.pk])
    DBTaskResult.objects.filter(id=done.id).update(
        status="SUCCESSFUL",
        finished_at=timezone.now(),
        return_value=Value(None, JSONField()),
    )
    SessionStore().create()


def raw_tables():
    """Row count and SHA-256 of every table's rows, read with raw SQL in
    primary-key order, without the backup code."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in NOT_BACKED_UP:
                continue
            key = connection.introspection.get_primary_key_columns(cursor, table)
            order = ", ".join(quote(column) for column in key)
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def files_of(settings):
    """SHA-256 of every file under both media roots, by path."""
    result = {}
    for label in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        root = Path(getattr(settings, label))
        for path in sorted(root.rglob("*")):
            if path.is_file():
                relative = f"{label}/{path.relative_to(root).as_posix()}"
                result[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def leftovers(settings):
    """Working folders or partial files a refused restore or backup left."""
    found = []
    for label in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        root = Path(getattr(settings, label))
        if root.is_dir():
            found += [p.name for p in root.iterdir() if p.name.startswith(".")]
    return found


def wipe(settings):
    # PostgreSQL truncates no table with deferred checks pending, which rows
    # written earlier in the test's transaction leave.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


def content_rows():
    """Rows outside what `migrate` writes by itself."""
    return {
        table: count
        for table, (count, _digest) in raw_tables().items()
        if count and table not in backup.tables.MIGRATION_TABLES
    }


def run_backup(path):
    out = io.StringIO()
    call_command("backup", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_restore(path, *args):
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_archive(path):
    """[(name, bytes)] of an archive's members, in order."""
    with tarfile.open(path) as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def rewrite(source, target, change):
    """Copy an archive, letting `change(manifest, members)` alter it."""
    members = dict(read_archive(source))
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    write_archive(
        target,
        [("manifest.json", json.dumps(manifest).encode()), *members.items()],
    )


def small_site(settings):
    """A user, a news image and an attachment: enough for the refusals."""
    factories.UserFactory(email="kvar@example.se")
    factories.NewsArticleFactory(image=ContentFile(png(), name="bild.png"))
    factories.EntryAttachmentFactory()


# --- The drill -----------------------------------------------------------------


@committing
def test_restore_drill_gives_back_every_row_and_every_file(roots, archive_dir):
    fill_every_table()
    before_users = list(User.objects.values_list("pk", flat=True))
    before_events = list(AuditEvent.objects.values_list("pk", flat=True))
    before = raw_tables()
    empty = sorted(table for table, (count, _digest) in before.items() if not count)
    assert empty == [], "the drill must put rows in every table"
    files_before = files_of(roots)
    kinds = {name.split("/")[1] for name in files_before}
    assert kinds == {
        "news",
        "people",
        "speakers",
        "slides",
        "slide-previews",
        "attachments",
        "archives",  # the closed mandate's archive package
    }
    archive = archive_dir / "portal.tar.gz"

    run_backup(archive)
    wipe(roots)
    assert content_rows() == {}
    assert files_of(roots) == {}
    output = run_restore(archive)

    assert raw_tables() == before
    assert files_of(roots) == files_before
    assert leftovers(roots) == []
    assert "Klart" in output
    # A backup of the restored site is the same archive, table for table.
    again = archive_dir / "igen.tar.gz"
    run_backup(again)
    first, second = (
        json.loads(dict(read_archive(a))["manifest.json"]) for a in (archive, again)
    )
    assert second["tables"] == first["tables"]
    assert second["files"] == first["files"]
    # The sequences follow the restored ids: new rows get new ones.
    assert factories.UserFactory().pk > max(before_users)
    assert factories.AuditEventFactory().pk > max(before_events)


@committing
def test_restore_empties_sessions_and_keeps_them_out_of_the_archive(roots, archive_dir):
    small_site(roots)
    SessionStore().create()
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)
    names = {name for name, _data in read_archive(archive)}

    run_restore(archive, "--force")

    assert "db/django_session.json" not in names
    assert "db/django_migrations.json" not in names
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone() == (0,)


@in_a_transaction
def test_archive_is_readable_by_its_owner_only_and_lists_every_file(roots, archive_dir):
    small_site(roots)
    archive = archive_dir / "portal.tar.gz"

    run_backup(archive)

    assert archive.stat().st_mode & 0o777 == 0o600
    members = read_archive(archive)
    assert members[0][0] == "manifest.json"
    manifest = json.loads(members[0][1])
    assert manifest["files"] == {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members[1:]
    }
    assert manifest["tables"]["portal_user"]["rows"] == User.objects.count()
    assert manifest["missing_files"] == []
    assert sorted(os.listdir(archive_dir)) == ["portal.tar.gz"]


# --- Backup refusals and consistency -----------------------------------------------


def test_backup_refuses_to_overwrite_an_archive(roots, archive_dir):
    archive = archive_dir / "portal.tar.gz"
    archive.write_bytes(b"en tidigare kopia")

    with pytest.raises(CommandError, match="finns redan; arkivet skrivs inte över"):
        run_backup(archive)

    assert archive.read_bytes() == b"en tidigare kopia"


@pytest.mark.parametrize("setting", ["MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"])
def test_backup_refuses_an_archive_inside_a_media_folder(roots, setting):
    folder = Path(getattr(roots, setting)) / "kopior"
    folder.mkdir(parents=True)

    with pytest.raises(CommandError, match="Arkivet får inte ligga i"):
        run_backup(folder / "portal.tar.gz")

    assert list(folder.iterdir()) == []


def test_backup_refuses_media_folders_inside_each_other(roots, archive_dir):
    roots.PRIVATE_MEDIA_ROOT = Path(roots.MEDIA_ROOT) / "privat"

    with pytest.raises(CommandError, match="får inte vara samma mapp"):
        run_backup(archive_dir / "portal.tar.gz")
    with pytest.raises(CommandError, match="får inte vara samma mapp"):
        run_restore(archive_dir / "portal.tar.gz")


@in_a_transaction
def test_backup_leaves_out_links_that_lead_out_of_the_media_folders(
    roots, archive_dir, tmp_path
):
    secret = tmp_path / "hemlig.txt"
    secret.write_text("utanför mediamapparna")
    Path(roots.MEDIA_ROOT).mkdir(parents=True)
    (Path(roots.MEDIA_ROOT) / "lank.txt").symlink_to(secret)
    (Path(roots.MEDIA_ROOT) / "mapp").symlink_to(tmp_path)
    archive = archive_dir / "portal.tar.gz"
    errors = io.StringIO()

    call_command("backup", str(archive), stdout=io.StringIO(), stderr=errors)

    names = [name for name, _data in read_archive(archive)]
    assert not [name for name in names if name.startswith("media/")]
    assert "lank.txt" in errors.getvalue()
    assert "mapp" in errors.getvalue()


def test_backup_refuses_a_missing_folder_and_a_missing_path(roots, tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        run_backup(tmp_path / "saknas" / "portal.tar.gz")
    with pytest.raises(CommandError, match="Ange sökvägen"):
        call_command("backup", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Ange sökvägen"):
        call_command("restore", stdout=io.StringIO())


@committing
def test_rows_written_during_the_backup_are_not_in_it_and_do_not_wait(
    roots, archive_dir, monkeypatch
):
    """The archive is one snapshot: a write that commits while tables are
    being read shows in none of them, and the writer is not held up."""
    small_site(roots)
    articles, events = NewsArticle.objects.count(), AuditEvent.objects.count()
    written = []
    real_table_rows = backup_create_module.table_rows

    def write_elsewhere():
        try:
            factories.NewsArticleFactory(title="Skriven under kopieringen")
            factories.AuditEventFactory()
            written.append(True)
        finally:
            connection.close()

    def table_rows_with_a_writer(model):
        if not written:
            writer = threading.Thread(target=write_elsewhere)
            writer.start()
            writer.join(timeout=30)
            assert written, "the writer was blocked or failed"
        return real_table_rows(model)

    monkeypatch.setattr(backup_create_module, "table_rows", table_rows_with_a_writer)
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)

    manifest = json.loads(read_archive(archive)[0][1])
    assert NewsArticle.objects.count() == articles + 1
    assert manifest["tables"]["programme_newsarticle"]["rows"] == articles
    assert manifest["tables"]["portal_auditevent"]["rows"] == events


@committing
def test_backup_takes_a_new_snapshot_when_a_file_it_names_is_deleted(
    roots, archive_dir, monkeypatch
):
    attachment = factories.EntryAttachmentFactory()
    entry = attachment.entry
    real_hash_roots = backup_create_module._hash_roots
    calls = []

    def delete_then_hash(*args):
        if not calls:
            entry_delete(actor=entry.author, entry=entry)
        calls.append(True)
        return real_hash_roots(*args)

    monkeypatch.setattr(backup_create_module, "_hash_roots", delete_then_hash)
    archive = archive_dir / "portal.tar.gz"
    output = run_backup(archive)

    manifest = json.loads(read_archive(archive)[0][1])
    assert len(calls) == 2
    assert "tar en ny ögonblicksbild" in output
    assert manifest["tables"]["municipalities_entryattachment"]["rows"] == 0
    assert manifest["missing_files"] == []


@in_a_transaction
def test_a_file_missing_before_the_backup_is_reported_and_restored_as_missing(
    roots, archive_dir
):
    attachment = factories.EntryAttachmentFactory()
    Path(attachment.file.path).unlink()
    archive = archive_dir / "portal.tar.gz"
    errors = io.StringIO()

    call_command("backup", str(archive), stdout=io.StringIO(), stderr=errors)
    wipe(roots)
    run_restore(archive)

    name = f"private/{attachment.file.name}"
    assert f"VARNING: {name} saknas" in errors.getvalue()
    assert json.loads(read_archive(archive)[0][1])["missing_files"] == [name]
    assert EntryAttachment.objects.get().file.name == attachment.file.name
    assert files_of(roots) == {}


# --- Restore refusals: nothing half-restored -------------------------------------


@pytest.fixture
def archive_and_empty_site(roots, archive_dir):
    """An archive of a small site, and the site wiped."""
    small_site(roots)
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)
    wipe(roots)
    return archive


def assert_nothing_restored(settings):
    assert content_rows() == {}
    assert files_of(settings) == {}
    assert leftovers(settings) == []


def test_restore_refuses_a_missing_archive(roots, tmp_path):
    with pytest.raises(CommandError, match=r"Arkivet .* finns inte"):
        run_restore(tmp_path / "saknas.tar.gz")


@in_a_transaction
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"inte ett arkiv" * 100, id="not-an-archive"),
        pytest.param(lambda data: data[: len(data) // 2], id="cut-in-half"),
        pytest.param(
            lambda data: data[:-40] + bytes(b ^ 0xFF for b in data[-40:-8]) + data[-8:],
            id="flipped-bytes-at-the-end",
        ),
        pytest.param(
            lambda data: (
                data[:400] + bytes(b ^ 0xFF for b in data[400:432]) + data[432:]
            ),
            id="flipped-bytes-in-the-middle",
        ),
        pytest.param(lambda data: gzip.compress(b"{}"), id="gzip-without-tar"),
    ],
)
def test_restore_refuses_a_corrupt_archive(archive_and_empty_site, roots, damage):
    archive = archive_and_empty_site
    archive.write_bytes(damage(archive.read_bytes()))

    with pytest.raises(CommandError, match="Inget har återställts"):
        run_restore(archive)

    assert_nothing_restored(roots)


@in_a_transaction
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m, files: m.pop("tables"), id="manifest-without-tables"),
        pytest.param(lambda m, files: m.update(format="annat"), id="other-format"),
        pytest.param(
            lambda m, files: files.pop(next(n for n in files if n[:6] == "media/")),
            id="file-missing",
        ),
        pytest.param(
            lambda m, files: files.update({"media/extra.txt": b"oanmald"}),
            id="file-not-in-manifest",
        ),
    ],
)
def test_restore_refuses_an_archive_that_does_not_match_its_manifest(
    archive_and_empty_site, roots, archive_dir, change
):
    broken = archive_dir / "broken.tar.gz"
    rewrite(archive_and_empty_site, broken, change)

    with pytest.raises(CommandError, match="Arkivet är skadat"):
        run_restore(broken)

    assert_nothing_restored(roots)


@in_a_transaction
def test_restore_refuses_an_archive_without_a_manifest_first(
    archive_and_empty_site, roots, archive_dir
):
    members = read_archive(archive_and_empty_site)
    broken = archive_dir / "broken.tar.gz"
    write_archive(broken, [*members[1:], members[0]])

    with pytest.raises(CommandError, match=r"manifest\.json saknas först"):
        run_restore(broken)

    assert_nothing_restored(roots)


@in_a_transaction
def test_restore_refuses_a_tampered_file_and_restores_nothing(
    archive_and_empty_site, roots, archive_dir
):
    def swap_attachment_bytes(manifest, files):
        name = next(n for n in files if n.startswith("private/"))
        files[name] = files[name][::-1]  # same size, other content

    tampered = archive_dir / "tampered.tar.gz"
    rewrite(archive_and_empty_site, tampered, swap_attachment_bytes)

    with pytest.raises(CommandError, match="Kontrollsumman för private/attachments/"):
        run_restore(tampered)

    assert_nothing_restored(roots)


@committing
def test_restore_checks_the_rows_it_loaded_and_rolls_back_on_a_difference(
    archive_and_empty_site, roots, archive_dir
):
    """Rows changed in the archive with the file's hash fixed up to match:
    the loaded tables differ from the manifest's checksums, so the whole
    restore is rolled back, files included."""

    def rename_the_user(manifest, files):
        data = json.loads(files["db/portal_user.json"])
        email = data["fields"].index("email")
        data["rows"][0][email] = "inkraktare@example.se"
        files["db/portal_user.json"] = json.dumps(data).encode()
        manifest["files"]["db/portal_user.json"] = {
            "sha256": hashlib.sha256(files["db/portal_user.json"]).hexdigest(),
            "size": len(files["db/portal_user.json"]),
        }

    tampered = archive_dir / "tampered.tar.gz"
    rewrite(archive_and_empty_site, tampered, rename_the_user)

    with pytest.raises(CommandError, match="tabellerna portal_user inte med"):
        run_restore(tampered)

    assert_nothing_restored(roots)


@in_a_transaction
@pytest.mark.parametrize(
    "name",
    ["media/../../utanfor.txt", "/var/utanfor.txt", "media/.restore-x/a.txt", "a.txt"],
)
def test_restore_refuses_a_file_name_that_leads_elsewhere(
    archive_and_empty_site, roots, archive_dir, tmp_path, name
):
    def add_file(manifest, files):
        files[name] = b"utanfor"
        manifest["files"][name] = {
            "sha256": hashlib.sha256(b"utanfor").hexdigest(),
            "size": 7,
        }

    broken = archive_dir / "broken.tar.gz"
    rewrite(archive_and_empty_site, broken, add_file)

    with pytest.raises(CommandError, match="otillåtet filnamn"):
        run_restore(broken)

    assert_nothing_restored(roots)
    assert not (tmp_path / "utanfor.txt").exists()


@in_a_transaction
def test_restore_refuses_a_database_that_is_not_migrated(archive_and_empty_site, roots):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE axes_accesslog")

    with pytest.raises(CommandError, match="Databasen är inte migrerad"):
        run_restore(archive_and_empty_site)

    assert_nothing_restored(roots)


@in_a_transaction
def test_restore_refuses_an_archive_from_a_newer_version(
    archive_and_empty_site, roots, archive_dir
):
    def add_future_migration(manifest, files):
        manifest["migrations"].append(["portal", "9999_fran_framtiden"])

    newer = archive_dir / "newer.tar.gz"
    rewrite(archive_and_empty_site, newer, add_future_migration)

    with pytest.raises(CommandError, match="nyare version av portalen") as refused:
        run_restore(newer)

    assert "portal.9999_fran_framtiden" in str(refused.value)
    assert_nothing_restored(roots)


@in_a_transaction
def test_restore_refuses_an_archive_from_an_older_version(
    archive_and_empty_site, roots, archive_dir
):
    def drop_last_portal_migration(manifest, files):
        last = max(m for m in manifest["migrations"] if m[0] == "portal")
        manifest["migrations"].remove(last)

    older = archive_dir / "older.tar.gz"
    rewrite(archive_and_empty_site, older, drop_last_portal_migration)

    with pytest.raises(CommandError, match="äldre version av portalen"):
        run_restore(older)

    assert_nothing_restored(roots)


@in_a_transaction
def test_restore_refuses_a_target_with_rows(archive_and_empty_site, roots):
    factories.UserFactory(email="finns@example.se")

    with pytest.raises(CommandError, match="Installationen är inte tom") as refused:
        run_restore(archive_and_empty_site)

    assert "portal_user: 1 rad" in str(refused.value)
    assert "--force" in str(refused.value)
    assert list(User.objects.values_list("email", flat=True)) == ["finns@example.se"]
    assert files_of(roots) == {}
    assert leftovers(roots) == []


@in_a_transaction
def test_restore_refuses_a_target_with_files(archive_and_empty_site, roots):
    Path(roots.MEDIA_ROOT).mkdir(parents=True)
    (Path(roots.MEDIA_ROOT) / "kvar.txt").write_bytes(b"kvar")

    with pytest.raises(CommandError, match="MEDIA_ROOT: 1 fil"):
        run_restore(archive_and_empty_site)

    assert files_of(roots) == {
        "MEDIA_ROOT/kvar.txt": hashlib.sha256(b"kvar").hexdigest()
    }
    assert content_rows() == {}


@committing
def test_restore_with_force_replaces_every_row_and_file(roots, archive_dir):
    small_site(roots)
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)
    before, files_before = raw_tables(), files_of(roots)
    factories.UserFactory(email="senare@example.se")
    factories.SpeakerFactory(photo=ContentFile(png(), name="senare.png"))

    run_restore(archive, "--force")

    assert raw_tables() == before
    assert files_of(roots) == files_before
    assert leftovers(roots) == []


@in_a_transaction
def test_restore_with_force_keeps_everything_when_the_archive_is_refused(
    roots, archive_dir
):
    small_site(roots)
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)

    def swap_image_bytes(manifest, files):
        name = next(n for n in files if n.startswith("media/news/"))
        files[name] = files[name][::-1]

    tampered = archive_dir / "tampered.tar.gz"
    rewrite(archive, tampered, swap_image_bytes)
    factories.UserFactory(email="senare@example.se")
    before, files_before = raw_tables(), files_of(roots)

    with pytest.raises(CommandError, match="Kontrollsumman"):
        run_restore(tampered, "--force")

    assert raw_tables() == before
    assert files_of(roots) == files_before
    assert leftovers(roots) == []


@committing
def test_restore_puts_every_file_back_when_the_last_step_fails(
    roots, archive_dir, monkeypatch
):
    """A failure after the files were moved (here: the final file check)
    moves them back and rolls the database back."""
    small_site(roots)
    archive = archive_dir / "portal.tar.gz"
    run_backup(archive)
    factories.UserFactory(email="senare@example.se")
    before, files_before = raw_tables(), files_of(roots)

    def fail(*args):
        raise backup.BackupError("Filerna stämmer inte (test).")

    monkeypatch.setattr(backup.restore, "_verify_files", fail)
    with pytest.raises(CommandError, match="Filerna stämmer inte"):
        run_restore(archive, "--force")

    assert raw_tables() == before
    assert files_of(roots) == files_before
    assert leftovers(roots) == []


def test_restore_exits_non_zero_with_a_swedish_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "saknas.tar.gz")],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "finns inte" in result.stderr
