"""The door every coordination model's manager has: `visible_to(user, now)`.

The rule behind each door lives in `municipalities.coordination.policies`,
which installs it when the app is ready (`policies.install_doors`). The
models never import the policies, so the two cannot import each other; a
door whose rule was never installed refuses instead of showing everything.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DoorQuerySet(models.QuerySet):
    rule = None  # installed: a function (queryset, user, now) -> queryset

    def visible_to(self, user, now=None):
        rule = type(self).rule
        if rule is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has no visibility rule installed."
            )
        return rule(self, user, now)
