"""Logs are JSON lines with the request id; the id comes back in the
response and reaches the worker's lines for tasks the request queued."""

import io
import json
import logging

import pytest
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from portal import observability
from portal.observability import JsonFormatter
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the console handler would print: the portal's JSON formatter on
    the root logger, read back one parsed object per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def request_lines(lines):
    return [line for line in lines() if line["logger"] == "portal.request"]


def test_request_logs_one_json_line_with_the_id_it_answers_with(log_lines):
    response = Client().get("/nyheter/?q=hemligt&email=a%40example.se")

    (line,) = request_lines(log_lines)
    assert response["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert (line["method"], line["path"], line["status"]) == ("GET", "/nyheter/", 200)
    assert line["message"] == "GET /nyheter/ 200"
    assert line["time"].endswith("+00:00")
    assert line["duration_ms"] >= 0
    everything = json.dumps(log_lines())
    assert "hemligt" not in everything
    assert "example.se" not in everything


def test_each_request_gets_its_own_id_and_leaves_none_behind(log_lines):
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]

    assert first != second
    assert observability.current_request_id() is None


def test_valid_id_from_the_proxy_is_kept(log_lines):
    response = Client().get(
        "/nyheter/", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    )

    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert request_lines(log_lines)[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    "sent",
    [
        "short",
        "x" * 101,
        'abc"def\nINFO fake line',
        "19900101-1234 <script>",
        "åäö-åäö-åäö",
    ],
)
def test_invalid_id_from_outside_is_replaced(log_lines, sent):
    response = Client().get("/nyheter/", HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32
    assert sent not in json.dumps(log_lines())


def test_secret_tokens_and_identity_numbers_never_reach_the_path(log_lines):
    subscriber = factories.SubscriberFactory()
    client = Client()

    client.get(f"/nyhetsbrev/mina-uppgifter/{subscriber.token}/")
    client.get("/nyheter/19121212-1212/")

    paths = [line["path"] for line in request_lines(log_lines)]
    assert paths == ["/nyhetsbrev/mina-uppgifter/[dold]/", "[dold]"]
    assert subscriber.token not in json.dumps(log_lines())


def test_error_page_lines_carry_the_request_id_and_status(log_lines):
    response = Client().get("/finns-inte/")

    ids = {line["request_id"] for line in log_lines()}
    assert ids == {response["X-Request-ID"]}
    django_line = next(
        line for line in log_lines() if line["logger"] == "django.request"
    )
    assert django_line["status"] == 404
    assert "request" not in django_line


def test_task_queued_in_a_request_logs_under_the_same_id(log_lines):
    user = factories.UserFactory()
    response = Client().post("/konto/aterstall/", {"email": user.email})
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    (row,) = DBTaskResult.objects.all()
    assert row.args_kwargs["request_id"] == request_id

    # The worker's own code path: started signal, the task, finished signal.
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    row.claim(worker.worker_id)
    worker.run_task(row)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    task_lines = [line for line in log_lines() if line["logger"] == "django.tasks"]
    assert [line["message"].rsplit("state=", 1)[1] for line in task_lines] == [
        "RUNNING",
        "SUCCESSFUL",
    ]
    assert {line["request_id"] for line in task_lines} == {request_id}
    assert observability.current_request_id() is None


def test_task_queued_outside_a_request_logs_under_its_own_id(log_lines):
    from portal.password_reset import password_reset_send

    result = password_reset_send.enqueue([])
    row = DBTaskResult.objects.get(id=result.id)
    assert "request_id" not in row.args_kwargs

    observability.task_started(None, row.task_result)
    logging.getLogger("portal.test").info("inside the task")
    observability.task_finished(None, row.task_result)

    (line,) = [line for line in log_lines() if line["logger"] == "portal.test"]
    assert line["request_id"] == str(result.id).replace("-", "")


def test_formatter_writes_one_line_and_leaves_out_unknown_attributes():
    record = logging.LogRecord(
        "portal.test", logging.ERROR, __file__, 1, "two\nlines %s", ("here",), None
    )
    record.request = "<WSGIRequest: GET '/sok/?q=hemligt'>"
    record.email = "a@example.se"
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    text = JsonFormatter().format(record)

    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "two\nlines here"
    assert "ValueError: boom" in entry["exception"]
    assert "hemligt" not in text
    assert "example.se" not in text


def test_sentry_events_keep_no_personal_data():
    token = observability.request_id_var.set("abcdef0123456789")
    try:
        event = observability.sentry_before_send(
            {
                "request": {
                    "url": "https://portal.example.se/sok/?q=hemligt",
                    "method": "POST",
                    "query_string": "q=hemligt",
                    "cookies": {"sessionid": "s"},
                    "data": {"email": "a@example.se"},
                    "headers": {"X-Forwarded-For": "10.0.0.1", "Cookie": "s"},
                    "env": {"REMOTE_ADDR": "10.0.0.1"},
                },
                "user": {"ip_address": "10.0.0.1"},
            },
            {},
        )
    finally:
        observability.request_id_var.reset(token)

    assert event == {
        "request": {"url": "https://portal.example.se/sok/", "method": "POST"},
        "tags": {"request_id": "abcdef0123456789"},
    }


def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()
