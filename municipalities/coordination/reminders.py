"""Reminder mail to a group's reporters, sent by the task worker.

`queue_reminders` (run nightly by `manage.py maintenance`, or by hand with
`manage.py send_reminders`) queues one `reminder_send` task per group whose
reminder period is open (`rhythm.reminder_period`). The worker decides who
is reminded when it runs (`rhythm.reminder_recipients`): the reporting seats
of units that have not reported yet, never a user who opted out on
`/konto/`, left the group or was deactivated.

At most one reminder per user, group and period: before sending, the worker
records it in `ReminderSent`, whose unique constraint turns a second claim
(a task queued twice, two workers) into a skip. A mail server that fails for
a reason that may pass gives the claim back and the task is tried again
later (`portal.mail`); a worker that dies between claim and mail leaves that
one reminder unsent rather than sent twice.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.coordination import policies, rhythm
from municipalities.models import ReminderSent, ReportingSchedule
from portal import mail

logger = logging.getLogger(__name__)


def queue_reminders(*, today=None):
    """Queue a reminder task for each group whose reminder period is open
    today; returns how many were queued. Running it again the same day only
    queues tasks that find nobody left to remind."""
    today = today or timezone.localdate()
    if policies.area_closed(fresh=True) is not None:
        # The mandate is closed: nothing can be reported any more.
        return 0
    queued = 0
    for schedule in rhythm.schedules():
        period = rhythm.reminder_period(schedule, today)
        if period is not None:
            reminder_send.enqueue(schedule.group_id, period.token)
            queued += 1
    return queued


def _claim(user, schedule, period):
    """Record the reminder before it is sent; False if it already was."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                user=user, group_id=schedule.group_id, period=period.token
            )
    except IntegrityError:
        return False
    return True


def _message(user, due):
    site = settings.SITE_URL
    context = {
        "user": user,
        "due": due,
        "group": due.group,
        "period": due.period.label,
        "due_on": due.due_on,
        "entry_url": site + reverse("samordning:entry-create"),
        "indicator_url": site + reverse("samordning:indicator-form"),
        "group_url": site + reverse("samordning:group", args=[due.group.slug]),
        "account_url": site + reverse("account"),
        "portal_name": settings.PORTAL_NAME,
    }
    subject = _("Påminnelse: rapporten för %(period)s till %(group)s") % {
        "period": due.period.label,
        "group": due.group.name,
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string("samordning/reminder_email.txt", context),
        to=[user.email],
    )


@task()
def reminder_send(group_id, period_token, attempt=1):
    """Remind the group's reporters of `period_token`, once each. Returns how
    many were mailed."""
    schedule = (
        ReportingSchedule.objects.select_related("group__mandate")
        .filter(group_id=group_id)
        .first()
    )
    if schedule is None:
        return 0
    period, recipients = rhythm.reminder_recipients(schedule, timezone.localdate())
    if period is None or period.token != period_token:
        # The period's turn has passed since the task was queued.
        return 0
    sent = 0
    for user, due in recipients:
        if not _claim(user, schedule, period):
            continue
        try:
            _message(user, due).send()
        except mail.MAIL_ERRORS as error:
            ReminderSent.objects.filter(
                user=user, group_id=group_id, period=period_token
            ).delete()
            if mail.retry_later(
                reminder_send, error, attempt=attempt, args=(group_id, period_token)
            ):
                return sent
            raise
        sent += 1
    logger.info("reminders group=%s period=%s sent=%d", group_id, period_token, sent)
    return sent
