"""Two representatives reading at the same time never see each other's entries.

Production runs threaded workers (gunicorn gthread), so one Python object can
serve several requests at once. These tests put two users' requests side by
side: once deterministically, by running B's whole request at each point where
A's request talks to the database, and once for real, with two threads
against Django's threaded live server.
"""

import datetime
import http.client
import socketserver
import threading
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory

from municipalities.coordination.views.feed import EntryFeed
from municipalities.models import ProgressEntry, SharingLevel
from tests.municipalities.conftest import PAST

FEED = "/samordning/lagesrapporter/flode/"
REQUESTS_PER_USER = 100  # 20 rounds of each page, side by side.


def _entry(world, *, author, group, level, title):
    user = world["users"][author]
    return ProgressEntry.objects.create(
        group=world[group],
        municipality=user.municipality,
        focus_area=world["area"],
        title=title,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 1, 31),
        text="Gemensamt arbete under perioden.",
        sharing_level=level,
        release_at=PAST,
        author=user,
    )


def _markers(world):
    """One private ("Egen kommun") entry for each of A and B, and one shared
    entry from each; returns the private markers by user key."""
    private = {}
    for author, group in (("rep_a", "group"), ("rep_b", "other_group")):
        private[author] = f"privat{uuid.uuid4().hex}"
        _entry(
            world,
            author=author,
            group=group,
            level=SharingLevel.OWN,
            title=f"Rapport {private[author]}",
        )
        _entry(
            world,
            author=author,
            group=group,
            level=SharingLevel.OPEN,
            title=f"Rapport delad{uuid.uuid4().hex}",
        )
    return private


def _problems(body, *, own, other):
    found = []
    if other in body:
        found.append("another municipality's private entry")
    if own not in body:
        found.append("its own private entry missing")
    return found


def _feed_with_interleaving(feed, first, second, *, at_query):
    """Call `feed` for `first`; when its `at_query`-th query runs, run the whole
    request for `second` through the same instance, as a thread switch would.
    Returns both bodies and whether the interleaving point was reached."""
    factory = RequestFactory()
    queries = 0
    bodies = {}

    def interleave(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        if queries == at_query:
            request = factory.get(FEED)
            request.user = second
            bodies["second"] = feed(request).content.decode()
        return execute(sql, params, many, context)

    request = factory.get(FEED)
    request.user = first
    with connection.execute_wrapper(interleave):
        bodies["first"] = feed(request).content.decode()
    return bodies, queries >= at_query


def test_entry_feed_instance_interleaved_requests_stay_apart(world):
    private = _markers(world)
    feed = EntryFeed()  # One instance for both, as a URL pattern would hold it.
    for first, second in (("rep_a", "rep_b"), ("rep_b", "rep_a")):
        at_query = 1
        while True:
            bodies, reached = _feed_with_interleaving(
                feed,
                world["users"][first],
                world["users"][second],
                at_query=at_query,
            )
            if not reached:
                break
            for user, body in ((first, bodies["first"]), (second, bodies["second"])):
                other = second if user == first else first
                assert not _problems(body, own=private[user], other=private[other]), (
                    first,
                    second,
                    at_query,
                    user,
                )
            at_query += 1
        assert at_query > 1, "the feed made no query to interleave at"


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={key}"


def _read(address, path, cookie):
    """GET `path` on a fresh connection, as a browser tab might."""
    link = http.client.HTTPConnection(*address, timeout=30)
    try:
        link.request("GET", path, headers={"Cookie": cookie})
        response = link.getresponse()
        return response.status, response.read().decode()
    finally:
        link.close()


def test_threaded_server_keeps_private_entries_apart(live_server, world):
    # Django's live server is a ThreadedWSGIServer: one thread per connection,
    # as under gunicorn's gthread workers.
    assert issubclass(live_server.thread.server_class, socketserver.ThreadingMixIn)
    server = urlsplit(live_server.url)
    address = (server.hostname, server.port)
    private = _markers(world)
    paths = [
        FEED,
        "/samordning/lagesrapporter/",
        "/samordning/lagesrapporter/?q=Rapport",
        "/samordning/",
        "/samordning/export/lagesrapporter.csv",
    ]
    users = {
        key: (_session_cookie(world["users"][key]), private[key], private[other])
        for key, other in (("rep_a", "rep_b"), ("rep_b", "rep_a"))
    }
    # Both users ask for the same page at the same moment, round after round.
    in_step = threading.Barrier(len(users), timeout=30)
    answered = []
    failures = []

    def read_many(key):
        cookie, own, other = users[key]
        for number in range(REQUESTS_PER_USER):
            path = paths[number % len(paths)]
            try:
                in_step.wait()
                status, body = _read(address, path, cookie)
            except Exception as error:  # Reported with the other failures.
                failures.append((key, path, [repr(error)]))
                in_step.abort()
                return
            answered.append(key)
            problems = [f"status {status}"] if status != 200 else []
            problems += _problems(body, own=own, other=other)
            if problems:
                failures.append((key, path, problems))

    threads = [
        threading.Thread(target=read_many, args=(key,), daemon=True) for key in users
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began

    assert not failures, (
        f"{len(failures)} of {len(answered)} responses wrong in {elapsed:.1f} s, "
        f"e.g. {failures[:5]}"
    )
    assert len(answered) == len(users) * REQUESTS_PER_USER
