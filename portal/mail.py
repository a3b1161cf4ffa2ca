"""Mail leaves only from the task worker, and a mail server that fails is
tried again later.

No request talks to the mail server: pages queue a task (django.tasks,
`manage.py db_worker`) and answer at once, so a slow or broken mail server
never slows a page or turns it into an error. Every SMTP connection has a
timeout (`EMAIL_TIMEOUT`). When sending fails for a reason that may pass (the
server is unreachable, times out, refuses our login, or answers 4xx "try
later"), the task queues itself again with a growing pause, up to
`MAX_ATTEMPTS`; a permanent refusal (5xx for the recipient or the message)
fails the task. Newsletter deliveries keep their own per-recipient state and
retries (`programme.newsletter.send_batch`) with the same rule.
"""

import datetime
import logging
import smtplib

from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The errors sending can raise: smtplib's own and the socket's (a refused
# connection, a timeout, a name that does not resolve).
MAIL_ERRORS = (smtplib.SMTPException, OSError)
# Failures of the server or our account with it, not of one recipient.
SERVER_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
)


def is_temporary(error):
    """Whether sending again later may succeed."""
    if isinstance(error, SERVER_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, OSError)


def backoff(attempt):
    """The pause before attempt number `attempt + 1`: 2, 4, 8, 16 minutes."""
    return datetime.timedelta(minutes=2**attempt)


def retry_later(task, error, *, attempt, args=(), kwargs=None):
    """Queue `task` again after a pause when `error` may pass and attempts
    remain; True if queued. The caller re-raises otherwise, so the task is
    recorded as failed."""
    if not is_temporary(error) or attempt >= MAX_ATTEMPTS:
        logger.error(
            "mail task %s gave up after attempt %d (%s)",
            task.name,
            attempt,
            type(error).__name__,
        )
        return False
    task.using(run_after=timezone.now() + backoff(attempt)).enqueue(
        *args, **(kwargs or {}), attempt=attempt + 1
    )
    logger.warning(
        "mail task %s failed on attempt %d (%s); queued again",
        task.name,
        attempt,
        type(error).__name__,
    )
    return True
