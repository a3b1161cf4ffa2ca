"""The deployment files say what the portal needs: gunicorn's timeouts above
the PDF limit and no preloading, nginx's headers equal to Django's, a body
limit that fits the largest upload, the private files never served, no
secret from a link in either log, and systemd units that start the same
files. (`make prod-smoke` runs them for real.)"""

import configparser
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from portal import uploads

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
_spec = importlib.util.spec_from_file_location(
    "deploy_nginx_render", DEPLOY / "nginx/render.py"
)
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)

ENV = {
    "ALLOWED_HOSTS": "portal.example.se",
    "TLS_CERTIFICATE": "/etc/ssl/portal.pem",
    "TLS_CERTIFICATE_KEY": "/etc/ssl/portal.key",
    "STATIC_ROOT": "/srv/portal/static",
    "MEDIA_ROOT": "/srv/portal/media",
    "PRIVATE_MEDIA_ROOT": "/srv/portal/private-media",
    "APP_SERVERS": "127.0.0.1:8001,10.0.0.2:8001",
}

# Paths with a secret in them, and how each must be logged.
SECRET_LINKS = {
    "/konto/aterstall/MQ/c3x1a2-0123abcd/": "/konto/aterstall/[dold]",
    "/konto/aterstall/MQ/set-password/?next=/": "/konto/aterstall/[dold]?next=/",
    "/nyhetsbrev/bekrafta/eyJpZCI6MX0:1t:abc/": "/nyhetsbrev/bekrafta/[dold]",
    "/nyhetsbrev/avsluta/Zm9vYmFy/": "/nyhetsbrev/avsluta/[dold]",
    "/nyhetsbrev/mina-uppgifter/Zm9vYmFy/": "/nyhetsbrev/mina-uppgifter/[dold]",
    "/inbjudan/eyJpbnYiOjF9:1t:sig/": "/inbjudan/[dold]",
    "/samordning/grupper/operativ/kalender/tok3n.ics": (
        "/samordning/grupper/operativ/kalender/[dold]"
    ),
}
PLAIN_LINKS = [
    "/konto/aterstall/",
    "/konto/aterstall/skickat/",
    "/konto/aterstall/klart/",
    "/nyhetsbrev/",
    "/samordning/grupper/operativ/",
    "/sok/?q=inbjudan",
]


def rendered(**overrides):
    return render.render({**ENV, **overrides})


def gunicorn_config(**env):
    """gunicorn's own reading of deploy/gunicorn.conf.py."""
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "--print-config",
            "portal.wsgi",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(
        re.match(r"(\w+)\s+= (.*)", line).groups()
        for line in result.stdout.splitlines()
        if re.match(r"\w+\s+= ", line)
    )


def test_gunicorn_outlives_the_pdf_limit_and_does_not_preload():
    default = gunicorn_config()
    slow_pdfs = gunicorn_config(PDF_TIMEOUT_SECONDS="45")

    assert (default["worker_class"], default["preload_app"]) == ("gthread", "False")
    assert int(default["timeout"]) > settings.PDF_TIMEOUT_SECONDS
    assert int(slow_pdfs["timeout"]) > 45
    assert int(default["graceful_timeout"]) >= int(default["timeout"])
    assert int(default["max_requests"]) > 0
    assert int(default["max_requests_jitter"]) > 0
    assert default["accesslog"] == "-"
    assert default["control_socket_disable"] == "True"


def test_gunicorn_binds_where_it_is_told():
    config = gunicorn_config(GUNICORN_BIND="127.0.0.1:8002")

    assert config["bind"] == "['127.0.0.1:8002']"


def gunicorn_redact():
    namespace = {}
    code = (DEPLOY / "gunicorn.conf.py").read_text()
    exec(compile(code, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    return namespace["redact"]


def nginx_redact():
    """nginx's map from $request_uri to the logged URI, in Python's re
    (the patterns use only what PCRE and re share)."""
    block = re.search(
        r"map \$request_uri \$portal_log_uri \{(.*?)\n\}", rendered(), re.S
    )
    rules = re.findall(r'"~(.+)" "\$1\[dold\]\$2";', block[1])

    def apply(uri):
        for rule in rules:
            if match := re.match(rule, uri):
                return f"{match[1]}[dold]{match[2]}"
        return uri

    return rules, apply


@pytest.mark.parametrize(("path", "logged"), SECRET_LINKS.items())
def test_both_logs_leave_out_the_secret_in_a_link(path, logged):
    rules, nginx = nginx_redact()

    assert len(rules) == 4
    assert gunicorn_redact()(f'"GET {path} HTTP/1.1"') == f'"GET {logged} HTTP/1.1"'
    assert nginx(path) == logged


@pytest.mark.parametrize("path", PLAIN_LINKS)
def test_both_logs_keep_paths_without_a_secret(path):
    _rules, nginx = nginx_redact()

    assert gunicorn_redact()(path) == path
    assert nginx(path) == path


def nginx_file_headers():
    text = rendered()
    block = re.search(r"location \^~ /static/ \{(.*?)\n    \}", text, re.S)[1]
    return dict(re.findall(r'add_header ([\w-]+) "([^"]*)" always;', block))


@pytest.mark.django_db
def test_files_served_by_nginx_carry_the_headers_django_sets():
    page = Client().get("/")
    headers = nginx_file_headers()

    for name in [
        "Permissions-Policy",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
    ]:
        assert headers[name] == page.headers[name], name
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_hsts_preload_follows_the_portal_setting():
    headers = render.render({**ENV, "HSTS_PRELOAD": "false"})

    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains"' in headers


def proxy_block():
    """The location that hands requests to the app servers."""
    return re.search(
        r"\n    location / \{\n(\s+proxy_pass .*?)\n    \}", rendered(), re.S
    )[1]


def test_proxied_answers_get_only_the_header_django_does_not_set():
    block = proxy_block()

    assert sorted(re.findall(r"add_header ([\w-]+)", block)) == [
        "Cross-Origin-Resource-Policy",
        "X-Cache-Status",
        "X-Request-ID",
    ]


def test_nginx_keeps_pages_by_the_cookies_django_reads():
    """The cache key has the language cookie, and the session and messages
    cookies pass the cache, under the names Django gives them
    (portal/public_cache.py follows the same rule)."""
    from django.contrib.messages.storage.cookie import CookieStorage

    text = rendered()
    block = proxy_block()
    skip = re.search(r'map "([^"]+)" \$portal_cache_skip', text)[1]

    assert (
        f"$cookie_{settings.LANGUAGE_COOKIE_NAME}"
        in re.search(r'proxy_cache_key "([^"]+)";', block)[1]
    )
    assert skip == f"$cookie_{settings.SESSION_COOKIE_NAME}$cookie_" + (
        CookieStorage.cookie_name
    )
    assert "proxy_cache_bypass $portal_cache_skip;" in block
    assert "proxy_no_cache $portal_cache_skip;" in block
    assert "proxy_cache_path /var/cache/nginx/portal " in text


def test_the_proxy_overwrites_what_a_client_could_forge():
    block = proxy_block()
    headers = dict(re.findall(r"proxy_set_header ([\w-]+) (.+);", block))

    assert headers["X-Forwarded-Proto"] == "$scheme"
    # No $proxy_add_x_forwarded_for: nothing the client sent is kept.
    assert headers["X-Forwarded-For"] == '"$remote_addr, $server_addr"'
    for forged in ["X-Forwarded-Host", "X-Forwarded-Protocol", "X-Forwarded-Ssl"]:
        assert headers[forged] == '""'
    assert headers["X-Request-ID"] == "$portal_request_id"


def test_the_body_limit_fits_the_largest_upload():
    limit = re.search(r"client_max_body_size (\d+)m;", rendered())[1]
    largest = max(
        uploads.MAX_PDF_BYTES, uploads.MAX_ATTACHMENTS * uploads.MAX_ATTACHMENT_BYTES
    )

    assert largest < int(limit) * 1024 * 1024 <= largest + 20 * 1024 * 1024


def test_every_app_server_is_in_the_upstream():
    upstream = re.search(r"upstream portal_app \{(.*?)\}", rendered(), re.S)[1]

    assert re.findall(r"server (\S+) ", upstream) == ["127.0.0.1:8001", "10.0.0.2:8001"]


def test_private_media_has_no_location():
    text = rendered()
    served = re.findall(r"^\s*(?:alias|root) (\S+);", text, re.M)

    assert ENV["PRIVATE_MEDIA_ROOT"] not in " ".join(served)
    assert sorted(served) == sorted(
        [
            "/var/www/acme",
            str(DEPLOY / "nginx/errors") + "/",
            ENV["STATIC_ROOT"] + "/",
            ENV["MEDIA_ROOT"] + "/",
        ]
    )


@pytest.mark.parametrize(
    "private",
    [
        "/srv/portal/media/private",
        "/srv/portal/static/x",
        "/srv/portal",
        "/srv/portal/media",
    ],
)
def test_rendering_refuses_a_private_root_that_nginx_would_serve(private):
    with pytest.raises(render.RenderError, match="overlaps"):
        rendered(PRIVATE_MEDIA_ROOT=private)


@pytest.mark.parametrize(
    "missing", ["TLS_CERTIFICATE", "STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"]
)
def test_rendering_refuses_a_missing_value(missing):
    with pytest.raises(render.RenderError, match=missing):
        rendered(**{missing: ""})


def test_rendering_leaves_no_placeholder():
    assert "{{" not in rendered()


def test_the_https_redirect_keeps_a_port_other_than_443():
    assert "return 301 https://$host$request_uri;" in rendered()
    assert "return 301 https://$host:8443$request_uri;" in rendered(HTTPS_PORT="8443")


def test_nginx_error_pages_exist_in_swedish():
    text = rendered()
    pages = re.findall(r"error_page [\d ]+ /_fel/([\w-]+\.html);", text)

    assert sorted(pages) == ["for-stor.html", "otillganglig.html"]
    for page in pages:
        html = (DEPLOY / "nginx/errors" / page).read_text()
        assert '<html lang="sv">' in html
        assert "style=" not in html
        assert "<script" not in html


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_units_start_the_deployed_files():
    web = unit("portal-web.service")["Service"]
    worker = unit("portal-worker.service")["Service"]
    maintenance = unit("portal-maintenance.service")["Service"]
    timer = unit("portal-maintenance.timer")["Timer"]

    assert web["ExecStart"].endswith("gunicorn -c deploy/gunicorn.conf.py portal.wsgi")
    assert "--preload" not in web["ExecStart"]
    assert web["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    assert worker["ExecStart"].endswith("manage.py db_worker")
    assert maintenance["ExecStart"].endswith("manage.py maintenance")
    assert maintenance["Type"] == "oneshot"
    assert timer["Persistent"] == "true"
    for service in (web, worker, maintenance):
        assert service["EnvironmentFile"] == "/etc/portal/portal.env"
        assert service["User"] == "portal"
        assert service["NoNewPrivileges"] == "yes"
    # The private attachments are writable (uploads), never served by nginx.
    assert "/srv/portal/private-media" in web["ReadWritePaths"].split()


def test_the_environment_file_is_read_as_systemd_reads_it(tmp_path):
    env_file = tmp_path / "portal.env"
    env_file.write_text(
        "# a comment\n"
        "DEFAULT_FROM_EMAIL=FoU Nordväst <noreply@fou-nordvast.se>\n"
        "\n"
        'STATIC_ROOT="/srv/portal/static"\n'
        "MEDIA_ROOT='/srv/portal/media'\n"
        "SITE_URL=https://portal.example.se/?a=b=c\n"
    )

    assert render.read_env_file(env_file) == {
        "DEFAULT_FROM_EMAIL": "FoU Nordväst <noreply@fou-nordvast.se>",
        "STATIC_ROOT": "/srv/portal/static",
        "MEDIA_ROOT": "/srv/portal/media",
        "SITE_URL": "https://portal.example.se/?a=b=c",
    }


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch, capsys):
    env_file = tmp_path / "portal.env"
    env_file.write_text("\n".join(f"{key}={value}" for key, value in ENV.items()))
    for key in ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("APP_SERVERS", "127.0.0.1:9001")

    render.main(["--env-file", str(env_file)])

    upstream = re.search(
        r"upstream portal_app \{(.*?)\}", capsys.readouterr().out, re.S
    )
    assert re.findall(r"server (\S+) ", upstream[1]) == ["127.0.0.1:9001"]
