"""Structured logs, the request id, and error reporting.

Every log line is one JSON object (`JsonFormatter`): time in UTC, level,
logger, message and the request id. `RequestLogMiddleware`, first in the
chain, takes a valid `X-Request-ID` from the proxy or makes one, returns it
in the response's `X-Request-ID` header and logs one line per request with
method, path, status and duration. The path never carries the query string,
and secrets in it (the tokens of invitation, newsletter and password-reset
links) and anything that reads as a personnummer are replaced by `[dold]`.

A task queued during a request keeps the request's id (stored beside the
task's arguments in django-tasks-db's row) and the worker logs the task's
lines under it; a task queued elsewhere logs under its own id.

This module is imported by the settings (for `sentry_before_send`): it
imports nothing from Django at module level.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy sends (nginx's $request_id is 32 hex digits, others send
# UUIDs); anything else is replaced, so a client cannot write into the logs.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
# URL arguments that are secrets: invitation, newsletter and reset links.
SECRET_KWARGS = frozenset({"token", "signed", "uidb64"})
HIDDEN = "[dold]"
MAX_PATH_LENGTH = 300
# Probes ask every few seconds; their lines are only kept at DEBUG.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})

request_id_var = contextvars.ContextVar("request_id", default=None)
logger = logging.getLogger("portal.request")


def current_request_id():
    """The id of the request or task being handled in this thread, or None."""
    return request_id_var.get()


def new_request_id():
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with only the fields named here: a record's
    other attributes (Django attaches the whole request to some) never reach
    the log."""

    EXTRA_FIELDS = ("method", "path", "status", "duration_ms")

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(
                record.created, tz=datetime.UTC
            ).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        for field in self.EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        # Django's own request logger names the status `status_code`.
        status_code = getattr(record, "status_code", None)
        if "status" not in entry and isinstance(status_code, int):
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def loggable_path(request):
    """The request's path for a log line: no query string, no secrets."""
    from portal.privacy import contains_identity_number

    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for key in SECRET_KWARGS & set(match.kwargs):
            value = str(match.kwargs[key])
            if value:
                path = path.replace(value, HIDDEN)
    if contains_identity_number(path):
        return HIDDEN
    return path[:MAX_PATH_LENGTH]


class RequestLogMiddleware:
    """Give each request an id, answer with it, and log the request once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = (
            incoming if VALID_REQUEST_ID.fullmatch(incoming) else new_request_id()
        )
        request.request_id = request_id
        # Kept until the response is closed (`request_finished`): Django logs
        # 4xx and 5xx answers after the middleware chain has returned.
        request_id_var.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        path = loggable_path(request)
        method = request.method[:16]
        logger.log(
            logging.DEBUG if request.path in PROBE_PATHS else logging.INFO,
            "%s %s %s",
            method,
            path,
            response.status_code,
            extra={
                "method": method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def forget_request_id(sender, **kwargs):
    """request_finished: the thread's next lines belong to no request."""
    request_id_var.set(None)


# --- Tasks: the id travels with a queued task to the worker -----------------
TASK_REQUEST_ID_KEY = "request_id"


def remember_request_id(sender, instance, raw=False, **kwargs):
    """pre_save of django-tasks-db's row: a task queued while a request (or
    another task) is handled stores that id beside its arguments. The worker
    reads only "args" and "kwargs", so the task's call is unchanged."""
    request_id = request_id_var.get()
    if raw or not instance._state.adding or request_id is None:
        return
    if isinstance(instance.args_kwargs, dict):
        instance.args_kwargs = {
            **instance.args_kwargs,
            TASK_REQUEST_ID_KEY: request_id,
        }


def task_started(sender, task_result, **kwargs):
    """The worker is about to run a task: its log lines carry the id of the
    request that queued it, or the task's own id."""
    db_result = getattr(task_result, "db_result", None)
    stored = getattr(db_result, "args_kwargs", None) or {}
    request_id = stored.get(TASK_REQUEST_ID_KEY) if isinstance(stored, dict) else None
    if not (isinstance(request_id, str) and VALID_REQUEST_ID.fullmatch(request_id)):
        request_id = str(task_result.id).replace("-", "")
    request_id_var.set(request_id)


def task_finished(sender, task_result, **kwargs):
    request_id_var.set(None)


def connect_signals():
    """Called from PortalConfig.ready()."""
    from django.core.signals import request_finished
    from django.db.models.signals import pre_save
    from django.tasks import signals
    from django_tasks_db.models import DBTaskResult

    request_finished.connect(forget_request_id, dispatch_uid="portal-request-id")
    pre_save.connect(
        remember_request_id, sender=DBTaskResult, dispatch_uid="portal-request-id"
    )
    # Before Django's own "Task ... state=RUNNING" line, so that it carries
    # the id too; receivers run in the order they were connected.
    signals.task_started.disconnect(signals.log_task_started)
    signals.task_started.connect(task_started, dispatch_uid="portal-request-id")
    signals.task_started.connect(signals.log_task_started)
    # After Django's "Task ... state=SUCCESSFUL/FAILED" line.
    signals.task_finished.connect(task_finished, dispatch_uid="portal-request-id")


# --- Error reporting (Sentry, only when SENTRY_DSN is set) -----------------
SENTRY_REQUEST_KEYS = ("url", "method")


def sentry_before_send(event, hint):
    """Keep of the request only its method and URL without query string;
    tag the event with the request id so it can be found in the logs."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in SENTRY_REQUEST_KEYS if key in request}
        if isinstance(kept.get("url"), str):
            kept["url"] = kept["url"].split("?", 1)[0]
        event["request"] = kept
    event.pop("user", None)
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
