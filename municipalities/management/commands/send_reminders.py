"""manage.py send_reminders: queue today's reporting reminders.

`manage.py maintenance` runs the same every night (the systemd timer); this
command is for running it by hand. The task worker (`db_worker`) sends the
mail; each user gets at most one reminder per group and period
(`municipalities.coordination.reminders`).
"""

from django.core.management.base import BaseCommand

from municipalities.coordination import reminders


class Command(BaseCommand):
    help = (
        "Köar dagens påminnelser om rapportering till arbetsgruppernas "
        "rapportörer; bakgrundsjobbet (db_worker) skickar dem. Högst en per "
        "person, grupp och period."
    )

    def handle(self, *args, **options):
        queued = reminders.queue_reminders()
        self.stdout.write(f"påminnelser köade för {queued} arbetsgrupper")
