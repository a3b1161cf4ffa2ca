"""Backing services that fail on purpose: a database the portal cannot
reach, a TCP relay to PostgreSQL that can be cut and restored, a mail server
that accepts connections and never answers."""

import contextlib
import copy
import socket
import threading

from django.db import connection, connections

from portal.postgresql import base as portal_postgresql

# Nothing listens on port 1 of the loopback address: connecting is refused.
CLOSED_PORT = 1


@contextlib.contextmanager
def default_database(**overrides):
    """For the block, the default alias is a fresh connection made with the
    overridden settings (the test's own connection, in its transaction, is
    put back afterwards)."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    settings_dict.update(overrides)
    replacement = original.__class__(settings_dict, alias="default")
    connections["default"] = replacement
    try:
        yield replacement
    finally:
        replacement.close()
        connections["default"] = original


def unreachable_database():
    """The default database, unreachable: PostgreSQL on a closed port, or an
    SQLite file in a folder that does not exist (opening it fails)."""
    if connection.vendor == "postgresql":
        return default_database(HOST="127.0.0.1", PORT=str(CLOSED_PORT))
    return default_database(NAME="/nonexistent-folder/portal.sqlite3")


def forget_database_failures():
    portal_postgresql.reset()


class TcpRelay:
    """Relays a loopback port to another, like a network path to the
    database: `cut()` drops every connection and refuses new ones,
    `restore()` listens again on the same port."""

    def __init__(self, target_port, host="127.0.0.1"):
        self.host = host
        self.target_port = target_port
        self.port = None
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()

    def restore(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port or 0))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self._lock:
            sockets, self._sockets = self._sockets, []
            listener, self._listener = self._listener, None
        for sock in [listener, *sockets]:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection((self.host, self.target_port), 5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pipe, args=(source, target), daemon=True
                ).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def silent_server():
    """A loopback port that accepts connections and never says a word (a
    hung mail or database server). Yields the port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
