"""Render the nginx site from the portal's environment file.

    python3 deploy/nginx/render.py --env-file /etc/portal/portal.env \\
        -o /etc/nginx/sites-available/portal.conf

Reads `portal.conf.template` beside this file and fills each `{{NAME}}`
from a variable of that name, in the environment file (read as systemd
reads an EnvironmentFile) or in the environment, which wins. The portal's
own variables are used where they mean the same (STATIC_ROOT, MEDIA_ROOT,
PRIVATE_MEDIA_ROOT, ALLOWED_HOSTS, HSTS_PRELOAD); the defaults are below,
and README "Deploying" lists every variable. A missing required
value, an unknown placeholder, or a PRIVATE_MEDIA_ROOT that nginx would
serve (inside MEDIA_ROOT or STATIC_ROOT) stops it with a message.

Standard library only: it runs with the system's python3, before any
virtualenv exists. The local stack (`deploy/local/stack.sh`) renders the
same template with its own values.
"""

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "portal.conf.template"
FILE_HEADERS = HERE / "file-headers.conf"
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")

DEFAULTS = {
    "APP_SERVERS": "127.0.0.1:8001",
    "LISTEN_ADDRESS": "*",
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "NGINX_LOG_DIR": "/var/log/nginx",
    "ACME_ROOT": "/var/www/acme",
    "ERROR_PAGES": str(HERE / "errors"),
    "NGINX_CACHE_DIR": "/var/cache/nginx/portal",
}
REQUIRED = ["TLS_CERTIFICATE", "TLS_CERTIFICATE_KEY", "STATIC_ROOT", "MEDIA_ROOT"]


class RenderError(Exception):
    pass


def _inside(path, parent):
    path, parent = Path(path).resolve(), Path(parent).resolve()
    return path == parent or parent in path.parents


def values_from(environ):
    """The template's values, from an environment mapping."""
    values = {**DEFAULTS, **{k: v for k, v in environ.items() if v != ""}}
    missing = [name for name in REQUIRED if not values.get(name)]
    if not values.get("SERVER_NAME"):
        hosts = [h.strip() for h in values.get("ALLOWED_HOSTS", "").split(",")]
        values["SERVER_NAME"] = " ".join(h for h in hosts if h)
    if not values["SERVER_NAME"]:
        missing.append("SERVER_NAME (or ALLOWED_HOSTS)")
    if missing:
        raise RenderError("Missing: " + ", ".join(missing))
    for name in ("STATIC_ROOT", "MEDIA_ROOT", "ERROR_PAGES"):
        values[name] = values[name].rstrip("/")
    private = values.get("PRIVATE_MEDIA_ROOT", "")
    if not private:
        raise RenderError("Missing: PRIVATE_MEDIA_ROOT (so that it is never served)")
    for served in ("MEDIA_ROOT", "STATIC_ROOT"):
        if _inside(private, values[served]) or _inside(values[served], private):
            raise RenderError(
                f"PRIVATE_MEDIA_ROOT ({private}) overlaps {served} "
                f"({values[served]}), which nginx serves."
            )
    servers = [s.strip() for s in values["APP_SERVERS"].split(",") if s.strip()]
    values["APP_SERVER_LINES"] = "\n".join(
        f"    server {server} max_fails=3 fail_timeout=10s;" for server in servers
    )
    port = values["HTTPS_PORT"]
    values["HTTPS_PORT_SUFFIX"] = "" if port == "443" else f":{port}"
    preload = values.get("HSTS_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
    values["HSTS"] = "max-age=31536000; includeSubDomains" + (
        "; preload" if preload else ""
    )
    return values


def fill(text, values):
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if unknown:
        raise RenderError("No value for: " + ", ".join(unknown))
    return PLACEHOLDER.sub(lambda match: values[match[1]], text)


def render(environ):
    values = values_from(environ)
    headers = fill(FILE_HEADERS.read_text(), values)
    values["FILE_HEADERS"] = "\n".join(
        f"        {line}"
        for line in headers.splitlines()
        if line.strip() and not line.startswith("#")
    )
    return fill(TEMPLATE.read_text(), values)


def read_env_file(path):
    """KEY=VALUE lines, as systemd's EnvironmentFile: comments and blank
    lines skipped, one pair of surrounding quotes taken off."""
    values = {}
    for raw in Path(path).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", help="the portal's environment file")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        environ = read_env_file(args.env_file) if args.env_file else {}
        text = render({**environ, **os.environ})
    except RenderError as error:
        sys.exit(f"render.py: {error}")
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
