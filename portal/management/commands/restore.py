"""manage.py restore <archive>: restore an archive made by manage.py backup
into an empty installation, or with --force over everything (portal/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore
from programme import closure


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia från manage.py backup till en tom "
        "installation (migrerad med samma migreringar, utan innehåll, tomma "
        "mediamappar). Varje fil kontrolleras mot manifestet före och efter; "
        "databasen återställs i en transaktion. Vid fel ändras ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="Sökväg till arkivet.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Återställ även om installationen har innehåll: allt innehåll "
            "i databasen och mediamapparna ersätts med arkivets.",
        )

    def handle(self, *args, archive=None, force=False, verbosity=1, **options):
        if not archive:
            raise CommandError(
                "Ange sökvägen till arkivet, till exempel: "
                "manage.py restore /var/backups/portal/portal-2026-11-30.tar.gz"
            )

        def out(message, level=1):
            if verbosity >= level:
                self.stdout.write(message)

        def warn(message):
            self.stderr.write(message)

        try:
            backup_restore(archive, force=force, out=out, warn=warn)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # The rows came back without signals: whether the mandate is closed
        # is read afresh into the shared cache (`programme.closure`).
        closure.remember()
