"""manage.py grow_demo: grow the demo content to a realistic or large size."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.growth import MAX_ROWS, SIZES, GrowthError, grow, remove


class Command(BaseCommand):
    help = (
        "Fyller på demoinnehållet (kör seed_demo först) med genererat "
        "exempelinnehåll, märkt [Exempeldata], tills varje tabell har så många "
        "rader som anges: nyheter, sessioner, presentationer, talare, "
        "lägesrapporter, möten, beslut, åtgärder, indikatorrapporter och "
        "lägeshistorik. Det som redan finns räknas med, så en ny körning med "
        "samma storlek lägger inte till något. --remove tar bort allt genererat."
    )

    def add_arguments(self, parser):
        size = parser.add_mutually_exclusive_group()
        size.add_argument(
            "--size",
            choices=sorted(SIZES),
            help="realistic: 1 000 rader per tabell; large: 100 000.",
        )
        size.add_argument(
            "--rows",
            type=int,
            help=f"Antal rader per tabell (1 till {MAX_ROWS}).",
        )
        size.add_argument(
            "--remove",
            action="store_true",
            help="Ta bort allt genererat innehåll och de genererade författarna.",
        )
        parser.add_argument(
            "--without-debug",
            action="store_true",
            help="Kör även när DEBUG är av (till exempel för mätningar). "
            "Aldrig mot en databas i drift.",
        )

    def handle(self, *args, size=None, rows=None, **options):
        if not settings.DEBUG and not options["without_debug"]:
            raise CommandError(
                "grow_demo fyller databasen med påhittat innehåll och körs bara i "
                "utveckling (DEBUG=true). Ange --without-debug om du ändå vill "
                "köra det, aldrig mot en databas i drift."
            )
        if options["remove"]:
            remove(report=self.stdout.write)
            return
        if size is None and rows is None:
            raise CommandError("Ange --size realistic, --size large eller --rows N.")
        target = SIZES[size] if size else rows
        if not 1 <= target <= MAX_ROWS:
            raise CommandError(f"--rows ska vara ett tal från 1 till {MAX_ROWS}.")
        try:
            grow(target, report=self.stdout.write)
        except GrowthError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Klart: upp till {target} rader per tabell.")
        )
