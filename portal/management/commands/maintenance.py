"""manage.py maintenance: the daily clean-up, run by a systemd timer.

Clears expired sessions and applies the retention periods (`RETENTION_*`,
see `portal.retention`): finished background-task results, sign-in records,
audit rows, newsletter subscriptions never confirmed, the addresses on sent
newsletter deliveries, invitations never accepted, change history and the
admin's log; after the mandate is closed, its attachments and personal data
on the days fixed at closing. A run that removed anything records its counts
(`PurgeRecord`). Safe to run again: a second run finds nothing left to do.
`--dry-run` only counts.

It also queues the day's reporting reminders
(`municipalities.coordination.reminders`, also `manage.py send_reminders`):
the worker sends at most one per user, group and period.
"""

import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from municipalities.coordination import reminders
from portal import retention

logger = logging.getLogger("portal.maintenance")


class Command(BaseCommand):
    help = (
        "Daglig städning: tar bort utgångna sessioner och gallrar enligt "
        "lagringstiderna i RETENTION_*-variablerna. Kan köras flera gånger; "
        "--dry-run räknar bara."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Räkna vad som skulle gallras utan att ändra något.",
        )

    def handle(self, *args, dry_run=False, **options):
        outcomes = retention.run(now=timezone.now(), dry_run=dry_run)
        verb = "skulle gallras" if dry_run else "gallrade"
        width = max(len(outcome.name) for outcome in outcomes)
        for outcome in outcomes:
            if outcome.count is None:
                line = "sparas (lagringstid 0)"
            else:
                line = f"{outcome.count} {verb}"
            self.stdout.write(f"{outcome.name:<{width}}  {line}")
        if not dry_run:
            queued = reminders.queue_reminders()
            self.stdout.write(f"påminnelser om rapportering köade för {queued} grupper")
        logger.info(
            "maintenance%s: %s",
            " (dry run)" if dry_run else "",
            ", ".join(
                f"{outcome.name}={'kept' if outcome.count is None else outcome.count}"
                for outcome in outcomes
            ),
        )
