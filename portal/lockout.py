"""Sign-in lockout: django-axes with a second, wider limit per client address.

Axes locks one account from one address after `LOGIN_FAILURE_LIMIT` failures
(keyed on the normalised email and the address, `portal.privacy.axes_username`).
That alone lets one address try a password against many accounts. Axes has a
single failure limit, compared with the largest count of all its lockout
parameter combinations (`AxesDatabaseHandler.get_failures`, `is_locked`), so
it cannot lock a pair after 5 failures and a whole address only after 20.
This handler keeps axes' own records and adds the address-wide count: once
`LOGIN_CLIENT_FAILURE_LIMIT` failures from one address, whatever the
accounts, fall within the cool-off, every sign-in from that address is
refused until the cool-off has passed. The records live in the database, so
every app server sees the same counts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_failures(request) -> int:
    """Failed sign-ins from the request's address within the cool-off."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The account-and-address count, raised to the lockout limit when the
        whole address is over its own limit. Axes compares this one number
        with the limit both before a sign-in and after a failure."""
        failures = super().get_failures(request, credentials)
        if client_failures(request) >= settings.LOGIN_CLIENT_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures
