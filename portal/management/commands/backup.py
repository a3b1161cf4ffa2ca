"""manage.py backup <archive>: one consistent archive of the database,
MEDIA_ROOT and PRIVATE_MEDIA_ROOT (portal/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia: ett .tar.gz-arkiv med databasen, MEDIA_ROOT "
        "och PRIVATE_MEDIA_ROOT och ett manifest med kontrollsummor. Arkivet "
        "innehåller hemligheter (nycklar för tvåstegsverifiering, "
        "lösenordshashar) och skapas med rättigheterna 0600: förvara det "
        "krypterat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="Sökväg till det nya arkivet, till exempel "
            "/var/backups/portal/portal-2026-11-30.tar.gz. Filen får inte finnas.",
        )

    def handle(self, *args, archive=None, verbosity=1, **options):
        if not archive:
            raise CommandError(
                "Ange sökvägen till det nya arkivet, till exempel: "
                "manage.py backup /var/backups/portal/portal-2026-11-30.tar.gz"
            )

        def out(message, level=1):
            if verbosity >= level:
                self.stdout.write(message)

        def warn(message):
            self.stderr.write(message)

        try:
            backup_create(archive, out=out, warn=warn)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
