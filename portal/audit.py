"""Recording what happens to non-public information.

`audit_record` writes in autocommit, outside any transaction the caller
opens later, so an event survives when the rest of the request fails. Call it
before rendering a read, and after the transaction of a write has committed.

Services never see the request: a view hands them an `AuditOrigin` (where the
write came from) and the acting user, and they call `audit_event` once their
transaction is over.
"""

import logging
from dataclasses import dataclass

from portal.models import AuditEvent

logger = logging.getLogger("portal.audit")


def client_address(request):
    """The client address as axes/ipware sees it (proxy-aware when configured)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


@dataclass(frozen=True)
class AuditOrigin:
    """Where a write came from: the path asked for and the client's address.

    Built by the view (`AuditOrigin.of(request)`); a management command or a
    test passes none, and the audit row then has no path or address.
    """

    path: str = ""
    ip: str | None = None

    @classmethod
    def of(cls, request, *, path=None):
        """`path` replaces a request path that holds a secret."""
        return cls(
            path=(request.path if path is None else path)[:300],
            ip=client_address(request),
        )


def audit_record(
    request, action, obj=None, *, object_type="", object_id="", actor=None, path=None
):
    """`actor` stands in for the signed-in user where a token authenticates
    (the calendar link); `path` replaces a request path that holds a secret."""
    user = actor or (request.user if request.user.is_authenticated else None)
    if obj is not None:
        object_type = obj._meta.label
        object_id = str(obj.pk)
    event = AuditEvent.objects.create(
        actor=user,
        actor_email=user.email if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        path=(request.path if path is None else path)[:300],
        ip_address=client_address(request),
    )
    logger.info(
        "audit action=%s type=%s id=%s actor=%s",
        action,
        object_type,
        object_id,
        user.pk if user else None,
    )
    return event


def audit_event(
    *,
    action,
    actor=None,
    object_type="",
    object_id="",
    origin=None,
    request=None,
):
    """Write one audit row where there may be no request (forms, services).

    `origin` says where the event came from; without it (and without a
    request to take it from) the row has no path or address. `actor`
    defaults to the request's user; anonymous users are recorded as no
    actor. Only identifiers go in: callers never pass content.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    if origin is None:
        origin = AuditOrigin.of(request) if request is not None else AuditOrigin()
    event = AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:40],
        path=origin.path[:300],
        ip_address=origin.ip,
    )
    logger.info(
        "audit action=%s type=%s id=%s actor=%s",
        action,
        object_type,
        object_id,
        actor.pk if actor else None,
    )
    return event
