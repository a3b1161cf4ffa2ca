"""Gunicorn settings for the portal, in production and in the local stack.

    gunicorn -c deploy/gunicorn.conf.py portal.wsgi

The systemd unit (`deploy/systemd/portal-web.service`) and the local stack
(`deploy/local/stack.sh`) both start it this way; what differs between them
is set with the GUNICORN_* variables below, everything else is fixed here.

- Threaded workers (gthread): most time is spent waiting on PostgreSQL and
  Redis; a PDF is rendered in a child process, so a thread waits for it too.
- The worker timeout is above `PDF_TIMEOUT_SECONDS`: the PDF child is
  killed at that time and the reader gets the Swedish 503 page, instead of
  gunicorn killing the whole worker with every request in it.
- No preloading: each worker starts its own PDF fork server on its first
  PDF (`portal/pdf.py`); a fork server started in the master before the fork
  would be shared by every worker, and the application's threads and
  connections must not exist before the fork.
- `max_requests` with jitter recycles workers one at a time, so memory that
  a worker keeps after a large upload or image is given back.
- `kill -HUP <master>` (or `systemctl reload portal-web`) starts new
  workers and lets the old ones finish their requests: no request fails.
"""

import os
import re

from gunicorn.glogging import Logger


def _env_int(name, default):
    return int(os.environ.get(name, default))


# 127.0.0.1 only: nginx on the same machine is the one client. Several
# addresses (another port, a Unix socket) may be given comma-separated.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001").split(",")

worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", 2)
threads = _env_int("GUNICORN_THREADS", 4)

_pdf_timeout = float(os.environ.get("PDF_TIMEOUT_SECONDS", 20))
# A request never runs longer than the PDF limit plus the page around it.
timeout = max(_env_int("GUNICORN_TIMEOUT", 30), int(_pdf_timeout) + 10)
# On reload or stop, a worker has this long to finish what it serves.
graceful_timeout = timeout
# nginx keeps connections to the app servers open (upstream keepalive);
# they must outlive nginx's own idle time towards us.
keepalive = 75

max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10)

preload_app = False

# The heartbeat file in memory: a worker never blocks on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx, on this machine, may say the request came over https.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (the journal under systemd, a file in the local
# stack). The access log carries nginx's request id, so a line in nginx's
# log, gunicorn's and Django's can be matched.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s "%(a)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Links that carry a secret (password reset, newsletter and invitation links,
# calendar subscriptions) are logged without it, as the audit log does and as
# nginx's log does (`$portal_log_uri` in deploy/nginx/portal.conf.template).
SECRET_IN_PATH = re.compile(
    r"(/konto/aterstall/(?!skickat/|klart/)"
    r"|/nyhetsbrev/(?:bekrafta|avsluta|mina-uppgifter)/"
    r"|/inbjudan/"
    r"|/samordning/grupper/[^/?\s]+/kalender/)"
    r"[^?\s]+"
)


def redact(text):
    return SECRET_IN_PATH.sub(r"\1[dold]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger

pidfile = os.environ.get("GUNICORN_PIDFILE") or None
proc_name = os.environ.get("GUNICORN_NAME", "portal")

# Gunicorn's control socket is one per user by default; two app servers on
# one machine would share it. Reloads and stops go through signals.
control_socket_disable = True
