"""Backups that restore: one archive of the database and both media roots.

`manage.py backup <archive>` calls `backup_create`, `manage.py restore
<archive>` calls `backup_restore`. The archive is a `.tar.gz` that holds, in
this order:

- `manifest.json`: the format, the applied migrations, per table the row
  count and a content checksum, and the SHA-256 and size of every other file
  in the archive;
- `db/<table>.json`: every row of every table, ordered by primary key, with
  values in a database-neutral form (an archive made on PostgreSQL restores
  into SQLite and back);
- `media/…` and `private/…`: every file under `MEDIA_ROOT` and
  `PRIVATE_MEDIA_ROOT`.

Consistency: the rows come from one read snapshot (PostgreSQL: REPEATABLE
READ, READ ONLY; SQLite: one read transaction, which in WAL mode lets writers
go on). The files are read after it. An upload is on disk before its row
commits and is never changed in place, so every file a snapshot row names is
there, unless it was deleted after the snapshot (an entry deleted, slides
replaced): then the backup takes a new snapshot. A file uploaded after the
snapshot may be in the archive without a row; it does no harm.

A restore goes into an empty installation (migrated, no content) or, with
`force`, replaces all content. It verifies every file against the manifest
before touching anything, replaces all rows in one transaction, checks the
restored tables against the manifest's checksums inside that transaction,
moves the files into place and checks them again before it commits; any
failure leaves the database and the media folders as they were.
"""

from portal.backup.create import backup_create
from portal.backup.restore import backup_restore
from portal.backup.tables import EXCLUDED_TABLES, BackupError

__all__ = ["EXCLUDED_TABLES", "BackupError", "backup_create", "backup_restore"]
