"""Run the test provider: `python -m tests.oidc_provider.serve CONFIG.json`.

The configuration names the SQLite file, the one client (id, secret,
redirect URI) and the accounts with their passwords and claims. The
provider makes a fresh RS256 key, migrates, creates the client and the
accounts, prints `PORT <n>` once it listens on 127.0.0.1 and serves until
it is terminated.
"""

import json
import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


def private_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def main(config_path):
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_TEST_PROVIDER_DB"] = config["db"]
    os.environ["OIDC_TEST_PROVIDER_KEY"] = private_key_pem()
    os.environ["OIDC_TEST_PROVIDER_CLAIMS"] = json.dumps(
        {account["username"]: account["claims"] for account in config["accounts"]}
    )

    import django

    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="Portalen",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for account in config["accounts"]:
        User.objects.create_user(account["username"], password=account["password"])

    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )
    print(f"PORT {server.server_port}", flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
