"""Smoke and fault checks of the production stack, over HTTPS through nginx.

    deploy/local/stack.sh up
    .venv/bin/python deploy/local/smoke.py              # everything
    .venv/bin/python deploy/local/smoke.py --no-faults  # all but the outage
    .venv/bin/python deploy/local/smoke.py --faults     # only the outage
    deploy/local/stack.sh down

`make prod-smoke` does all of it (and stops the stack whatever happens).

Checks, each reported on its own line, and a closing "N passed, M failed";
the exit status is 1 when any failed:

- http redirects to https; every public page type (PUBLIC_PAGES of
  tests/browser/test_public_pages.py) answers 200 in Swedish, with every
  security header, as do the sign-in pages, the coordination area, the 404
  page, static files, public uploads and nginx's own error pages; public
  pages set no cookie and say `Cache-Control: public`, nginx keeps them
  (X-Cache-Status HIT), apart per language, never for a session cookie;
- nginx: never serves PRIVATE_MEDIA_ROOT, refuses a body over its limit,
  overwrites X-Forwarded-Proto, passes and logs a request id;
- sign-in with both steps (password, then a TOTP code);
- two app servers, one state: an entry created on app server A is read on
  B, with the session signed in through nginx; a rate limit reached on A
  holds on B (shared Redis);
- the task worker sends mail (a password-reset link reaches the mail sink);
- `kill -HUP` of an app server's master under load fails no request;
- --faults: PostgreSQL stopped → 100 requests in a row answer 503 in under
  2 s each with a Swedish page, /readyz says why, /healthz stays 200;
  PostgreSQL started → the first 200 within 5 s, and the worker mails again.
  PostgreSQL is always started again, whatever happens. It stops the
  machine's shared PostgreSQL: other people's tests fail meanwhile, so the
  outage is kept to seconds and runs last.
"""

import argparse
import ast
import concurrent.futures
import contextlib
import datetime
import http.client
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import traceback
import zoneinfo
from pathlib import Path

import requests
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES_FILE = ROOT / "tests/browser/test_public_pages.py"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

# The headers every page and file must carry, and what each must say
# (None: present, any value).
SECURITY_HEADERS = {
    "Content-Security-Policy": None,
    "Strict-Transport-Security": re.compile(r"max-age=31536000; includeSubDomains"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": re.compile(r"camera=\(\).*geolocation=\(\).*microphone=\(\)"),
    "X-Frame-Options": "DENY",
}


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


# --- The stack -------------------------------------------------------------


def read_env_file(path):
    values = {}
    for line in Path(path).read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


class Stack:
    def __init__(self, run_dir):
        self.run = Path(run_dir).resolve()
        stack = read_env_file(self.run / "stack.env")
        self.env = read_env_file(self.run / "portal.env")
        self.https_port = int(stack["STACK_HTTPS_PORT"])
        self.http_port = int(stack["STACK_HTTP_PORT"])
        self.app_ports = [int(port) for port in stack["STACK_APP_PORTS"].split()]
        self.mail_dir = Path(stack["STACK_MAIL_DIR"])
        self.base = f"https://localhost:{self.https_port}"
        self.cert = str(self.run / "tls/cert.pem")
        # One made-up client address per run, so that rate-limit counts of
        # earlier runs (kept in Redis for an hour) do not count here.
        self.client_ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.9"

    def url(self, path):
        return self.base + path

    def get(self, path, session=None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 15)
        return (session or requests).get(self.url(path), verify=self.cert, **kwargs)

    def manage_env(self):
        return {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "portal.settings"}

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.manage_env(),
            check=True,
            capture_output=True,
            text=True,
        )

    def query(self, code):
        """Run Python in the stack's Django and return what it prints last
        (as JSON)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            cwd=ROOT,
            env=self.manage_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def fixtures(self):
        result = subprocess.run(
            [sys.executable, str(ROOT / "deploy/local/smoke_fixtures.py")],
            cwd=ROOT,
            env=self.manage_env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def app_master(self, index):
        name = "abcdefgh"[index]
        return int((self.run / f"app-{name}.pid").read_text())

    def direct(self, index, method, path, *, cookies=None, headers=None, **kwargs):
        """A request straight to app server `index`, as nginx would send it
        (https, the public host, the client's address)."""
        sent = {
            "Host": f"localhost:{self.https_port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"{self.client_ip}, 127.0.0.1",
            "Origin": self.base,
            "Referer": self.url(path),
            **(headers or {}),
        }
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        kwargs.setdefault("allow_redirects", False)
        return requests.request(
            method,
            f"http://127.0.0.1:{self.app_ports[index]}{path}",
            headers=sent,
            timeout=kwargs.pop("timeout", 15),
            **kwargs,
        )


def public_pages():
    """PUBLIC_PAGES from the browser test, read without importing it."""
    tree = ast.parse(PUBLIC_PAGES_FILE.read_text())
    node = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and any(getattr(t, "id", None) == "PUBLIC_PAGES" for t in n.targets)
    )

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return value(node.left) + value(node.right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return value(node.left) * value(node.right)
        raise ValueError(ast.dump(node))

    return [value(element) for element in node.elts]


def csrf_token(response):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    expect(match, f"no CSRF token on {response.url}")
    return match[1]


def matches(value, wanted):
    if isinstance(wanted, re.Pattern):
        return bool(wanted.search(value))
    return wanted is None or value == wanted


def check_headers(response, what):
    problems = []
    for name, wanted in SECURITY_HEADERS.items():
        value = response.headers.get(name)
        if value is None:
            problems.append(f"{name} missing")
        elif not matches(value, wanted):
            problems.append(f"{name}: {value!r}")
    expect(not problems, f"{what}: " + "; ".join(problems))


def swedish(response, what):
    expect('<html lang="sv"' in response.text, f"{what}: not a Swedish page")


# --- The checks --------------------------------------------------------------


class Smoke:
    def __init__(self, stack):
        self.stack = stack
        self.results = []
        self.login = None
        self.session = None
        self.entry_title = None

    def check(self, name, function, *args):
        started = time.monotonic()
        try:
            detail = function(*args)
        except Failed as error:
            self.results.append((name, False))
            print(f"FAIL {name}: {error}", flush=True)
        except Exception as error:
            self.results.append((name, False))
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
            traceback.print_exc()
        else:
            self.results.append((name, True))
            took = time.monotonic() - started
            print(
                f"ok   {name} ({took:.1f} s){': ' + detail if detail else ''}",
                flush=True,
            )

    def setup(self):
        self.stack.manage("seed_demo")
        self.login = self.stack.fixtures()
        # The worker and the app servers start slowly on their first request.
        for index in range(len(self.stack.app_ports)):
            self.stack.direct(index, "GET", "/", timeout=30)

    # Pages and files

    def redirect_to_https(self):
        response = requests.get(
            f"http://localhost:{self.stack.http_port}/nyheter/?a=1",
            allow_redirects=False,
            timeout=10,
        )
        expect(response.status_code == 301, f"http answered {response.status_code}")
        wanted = self.stack.url("/nyheter/?a=1")
        expect(response.headers["Location"] == wanted, response.headers["Location"])

    def every_public_page(self):
        pages = public_pages()
        for path in pages:
            response = self.stack.get(path)
            expect(
                response.status_code == 200, f"{path} answered {response.status_code}"
            )
            swedish(response, path)
            check_headers(response, path)
            expect("Set-Cookie" not in response.headers, f"{path} sets a cookie")
            expect(
                response.headers.get("Cache-Control", "").startswith("public"),
                f"{path}: Cache-Control {response.headers.get('Cache-Control')}",
            )
        return f"{len(pages)} pages"

    def pages_kept_by_nginx(self):
        """An anonymous page is kept by nginx (and by the portal), the other
        language is a page of its own, and a session is never answered from
        the cache."""
        path = "/uppdraget/"
        statuses = [
            self.stack.get(path).headers.get("X-Cache-Status") for _ in range(2)
        ]
        expect(statuses[-1] == "HIT", f"{path} twice: {statuses}")
        english = self.stack.get(path, cookies={"django_language": "en"})
        expect('<html lang="en"' in english.text, "the English page was Swedish")
        session = self.stack.get(path, cookies={"sessionid": "not-a-session"})
        expect(
            session.headers.get("X-Cache-Status") == "BYPASS",
            f"with a session cookie: {session.headers.get('X-Cache-Status')}",
        )
        return f"{path}: {statuses}, English apart, session bypassed"

    def other_page_types(self):
        for path, status in [
            ("/logga-in/", 200),
            ("/konto/aterstall/", 200),
            ("/finns-inte/", 404),
            ("/samordning/", 302),
        ]:
            response = self.stack.get(path)
            expect(response.status_code == status, f"{path}: {response.status_code}")
            check_headers(response, path)
        return "sign-in, reset, 404, redirect"

    def static_and_media_files(self):
        home = self.stack.get("/")
        css = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', home.text)[1]
        response = self.stack.get(css, headers={"Accept-Encoding": "gzip"})
        expect(response.status_code == 200, f"{css}: {response.status_code}")
        check_headers(response, css)
        expect(
            "immutable" in response.headers.get("Cache-Control", ""),
            f"{css}: Cache-Control {response.headers.get('Cache-Control')}",
        )
        expect(response.headers.get("Content-Encoding") == "gzip", f"{css}: no gzip")
        expect(response.headers.get("Server") == "nginx", f"{css}: not from nginx")
        article = self.stack.get("/nyheter/med-bild/")
        image = re.search(r'<img[^>]+src="(/media/[^"]+)"', article.text)[1]
        response = self.stack.get(image)
        expect(response.status_code == 200, f"{image}: {response.status_code}")
        expect(
            response.headers["Content-Type"]
            in {"image/png", "image/jpeg", "image/webp"},
            response.headers["Content-Type"],
        )
        check_headers(response, image)
        expect(
            "sandbox" in response.headers["Content-Security-Policy"],
            f"{image}: CSP without sandbox",
        )
        return f"{css.rsplit('/', 1)[-1]}, {image.rsplit('/', 1)[-1]}"

    def private_media_never_served(self):
        relative = self.login["private_path"]
        for path in [
            f"/private-media/{relative}",
            f"/media/../private-media/{relative}",
            f"/media/%2e%2e/private-media/{relative}",
            f"/static/../../private-media/{relative}",
            f"/media/..%2fprivate-media/{relative}",
        ]:
            response = self.stack.get(path)
            expect(response.status_code != 200, f"{path} answered 200")
            expect(
                self.login["private_secret"] not in response.text,
                f"{path} handed out a private file",
            )

    def body_limit(self):
        context = ssl.create_default_context(cafile=self.stack.cert)
        connection = http.client.HTTPSConnection(
            "localhost", self.stack.https_port, context=context, timeout=10
        )
        connection.putrequest("POST", "/nyhetsbrev/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(111 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        expect(response.status == 413, f"111 MB answered {response.status}")
        expect('lang="sv"' in body, "the 413 page is not Swedish")
        headers = requests.structures.CaseInsensitiveDict(response.getheaders())
        fake = requests.Response()
        fake.headers = headers
        check_headers(fake, "413 page")

    def forwarded_proto_overwritten(self):
        response = self.stack.get(
            "/", headers={"X-Forwarded-Proto": "http", "X-Forwarded-Ssl": "off"}
        )
        expect(response.status_code == 200, f"spoofed headers: {response.status_code}")

    def request_id(self):
        # A page nginx never keeps, so that each request reaches an app server.
        page = "/logga-in/"
        made = self.stack.get(page).headers.get("X-Request-ID", "")
        expect(re.fullmatch(r"[0-9a-f]{32}", made), f"nginx's id: {made!r}")
        ours = f"smoke-{secrets.token_hex(8)}"
        echoed = self.stack.get(page, headers={"X-Request-ID": ours})
        expect(echoed.headers.get("X-Request-ID") == ours, "a client's id not kept")
        bad = self.stack.get(page, headers={"X-Request-ID": "a b;c"})
        expect(bad.headers.get("X-Request-ID") != "a b;c", "a malformed id kept")
        logs = self.stack.run / "logs"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            app_logs = "".join(p.read_text() for p in logs.glob("app-*.log"))
            if f"rid={ours}" in app_logs:
                break
            time.sleep(0.2)
        expect(f"rid={ours}" in app_logs, "the id is not in the app servers' log")
        expect(
            f"rid={ours}" in (logs / "portal.access.log").read_text(),
            "the id is not in nginx's log",
        )

    # Signing in, two app servers

    def totp(self):
        key = bytes.fromhex(self.login["totp_key"])
        return f"{TOTP(key, step=30, digits=6).token():06d}"

    def sign_in(self):
        session = requests.Session()
        page = self.stack.get("/logga-in/", session)
        token = csrf_token(page)
        first = session.post(
            self.stack.url("/logga-in/"),
            data={
                "csrfmiddlewaretoken": token,
                "username": self.login["email"],
                "password": self.login["password"],
            },
            headers={"Referer": self.stack.url("/logga-in/")},
            verify=self.stack.cert,
            allow_redirects=False,
            timeout=15,
        )
        expect(first.status_code == 302, f"password step answered {first.status_code}")
        second_url = first.headers["Location"]
        expect(second_url.startswith("/logga-in/tvastegs/"), second_url)
        halfway = self.stack.get("/samordning/", session)
        expect(
            halfway.status_code == 302 and "/tvastegs/" in halfway.headers["Location"],
            f"after the password alone /samordning/ answered {halfway.status_code}",
        )
        step = self.stack.get(second_url, session)
        expect(step.status_code == 200, f"second step page: {step.status_code}")
        check_headers(step, "second step page")
        done = session.post(
            self.stack.url(second_url),
            data={"csrfmiddlewaretoken": csrf_token(step), "code": self.totp()},
            headers={"Referer": self.stack.url(second_url)},
            verify=self.stack.cert,
            allow_redirects=False,
            timeout=15,
        )
        expect(done.status_code == 302, f"second step answered {done.status_code}")
        dashboard = self.stack.get("/samordning/", session)
        expect(dashboard.status_code == 200, f"/samordning/: {dashboard.status_code}")
        check_headers(dashboard, "/samordning/")
        expect("no-store" in dashboard.headers.get("Cache-Control", ""), "cacheable")
        self.session = session

    def entry_on_a_read_on_b(self):
        expect(self.session, "needs the sign-in")
        cookies = self.session.cookies.get_dict()
        form = self.stack.direct(
            0, "GET", "/samordning/lagesrapporter/ny/", cookies=cookies
        )
        expect(form.status_code == 200, f"entry form on A: {form.status_code}")
        title = f"Röktest {secrets.token_hex(4)}"
        now = datetime.datetime.now(STOCKHOLM)
        created = self.stack.direct(
            0,
            "POST",
            "/samordning/lagesrapporter/ny/",
            cookies=cookies,
            data={
                "csrfmiddlewaretoken": csrf_token(form),
                "group": self.login["group"],
                "focus_area": self.login["focus_area"],
                "title": title,
                "period_start": (now.date() - datetime.timedelta(days=7)).isoformat(),
                "period_end": (now.date() - datetime.timedelta(days=1)).isoformat(),
                "text": "Skapad av röktestet genom appserver A.",
                "sharing_level": "group",
                "release_at": (now - datetime.timedelta(minutes=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            },
        )
        expect(created.status_code == 302, f"entry post on A: {created.status_code}")
        on_b = self.stack.direct(
            1, "GET", "/samordning/lagesrapporter/", cookies=cookies
        )
        expect(on_b.status_code == 200, f"entry list on B: {on_b.status_code}")
        expect(title in on_b.text, f"{title!r} is not on app server B")
        self.entry_title = title
        return title

    def client_address_seen(self):
        """The audit log records the client's address, as nginx passes it:
        127.0.0.1 for the sign-in through nginx, the made-up address for the
        entry posted straight to app server A."""
        expect(self.entry_title, "needs the entry on A")
        rows = self.stack.query(
            "import json; from portal.models import AuditEvent; "
            "print(json.dumps({a: AuditEvent.objects.filter(action=a, "
            f"actor__email={self.login['email']!r}).values_list('ip_address', "
            "flat=True).first() for a in ('sign_in', 'create')}))"
        )
        wanted = {"sign_in": "127.0.0.1", "create": self.stack.client_ip}
        expect(rows == wanted, f"audit addresses {rows}, expected {wanted}")

    def rate_limit_shared(self):
        limit = int(self.stack.env.get("PASSWORD_RESET_LIMIT_PER_EMAIL", 3))
        email = f"rok-{secrets.token_hex(6)}@example.se"

        def ask(index, address):
            form = self.stack.direct(index, "GET", "/konto/aterstall/")
            cookies = form.cookies.get_dict()
            return self.stack.direct(
                index,
                "POST",
                "/konto/aterstall/",
                cookies=cookies,
                data={"csrfmiddlewaretoken": csrf_token(form), "email": address},
            ).status_code

        fresh_on_b = ask(1, f"rok-{secrets.token_hex(6)}@example.se")
        expect(fresh_on_b == 302, f"B refused a fresh address: {fresh_on_b}")
        answers_on_a = [ask(0, email) for _ in range(limit)]
        expect(answers_on_a == [302] * limit, f"A answered {answers_on_a}")
        on_b = ask(1, email)
        expect(on_b == 429, f"after {limit} on A, B answered {on_b}")
        return f"{limit} on A, then 429 on B"

    def worker_sends_mail(self, label="mail"):
        before = set(self.stack.mail_dir.glob("*.eml"))
        session = requests.Session()
        form = self.stack.get("/konto/aterstall/", session)
        answer = session.post(
            self.stack.url("/konto/aterstall/"),
            data={
                "csrfmiddlewaretoken": csrf_token(form),
                "email": self.login["email"],
            },
            headers={"Referer": self.stack.url("/konto/aterstall/")},
            verify=self.stack.cert,
            allow_redirects=False,
            timeout=15,
        )
        expect(
            answer.status_code == 302, f"reset request answered {answer.status_code}"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for path in set(self.stack.mail_dir.glob("*.eml")) - before:
                text = path.read_text(errors="replace")
                if self.login["email"] in text and "/konto/aterstall/" in text:
                    return f"{label} in {time.monotonic() - deadline + 30:.1f} s"
            time.sleep(0.2)
        raise Failed("no password-reset mail reached the mail sink in 30 s")

    # Reload under load

    def hup_under_load(self):
        master = self.stack.app_master(0)
        old_workers = children(master)
        expect(old_workers, "app server A has no workers")
        stop = threading.Event()
        failures, counts = [], {"direct": 0, "nginx": 0}
        lock = threading.Lock()

        def load(kind):
            session = requests.Session()
            paths = ["/", "/nyheter/", "/uppdraget/", "/kommuner/", "/healthz"]
            index = 0
            while not stop.is_set():
                path = paths[index % len(paths)]
                index += 1
                try:
                    if kind == "direct":
                        response = self.stack.direct(0, "GET", path, timeout=20)
                    else:
                        response = self.stack.get(path, session, timeout=20)
                    ok = response.status_code == 200
                    problem = f"{kind} {path}: {response.status_code}"
                except requests.RequestException as error:
                    ok, problem = False, f"{kind} {path}: {type(error).__name__}"
                with lock:
                    counts[kind] += 1
                    if not ok:
                        failures.append(problem)

        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            jobs = [pool.submit(load, kind) for kind in ["direct"] * 4 + ["nginx"] * 2]
            time.sleep(1.5)
            os.kill(master, signal.SIGHUP)
            time.sleep(4)
            stop.set()
            for job in jobs:
                job.result()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and children(master) & old_workers:
            time.sleep(0.2)
        new_workers = children(master)
        expect(not failures, f"{len(failures)} failed: {failures[:5]}")
        expect(new_workers and not new_workers & old_workers, "workers not replaced")
        return f"{counts['direct']} direct + {counts['nginx']} through nginx, 0 failed"

    # The database outage

    def database_outage(self):
        expect(self.session, "needs the sign-in")
        version = pg_version()
        pages = [
            "/",
            "/nyheter/",
            "/nyheter/kick-off-for-uppdraget/",
            "/uppdraget/",
            "/kommuner/jarfalla/",
            "/presentationer/",
            "/sok/?q=avhoppare",
            "/logga-in/",
            "/samordning/",
            "/samordning/lagesrapporter/",
        ]
        session = self.session
        problems = []
        stopped_at = None
        slowest = 0.0
        try:
            pg_ctl(version, "stop")
            stopped_at = time.monotonic()
            problems += self.outage_probes()
            for number in range(100):
                path = pages[number % len(pages)]
                started = time.monotonic()
                try:
                    response = self.stack.get(path, session, timeout=10)
                except requests.RequestException as error:
                    problems.append(f"{path}: {type(error).__name__}")
                    continue
                took = time.monotonic() - started
                slowest = max(slowest, took)
                if response.status_code != 503:
                    problems.append(f"{path}: {response.status_code}")
                elif took >= 2:
                    problems.append(f"{path}: {took:.1f} s")
                elif '<html lang="sv"' not in response.text:
                    problems.append(f"{path}: not a Swedish page")
        finally:
            pg_ctl(version, "start")
        outage = time.monotonic() - stopped_at if stopped_at else 0
        started = time.monotonic()
        first_ok = None
        while time.monotonic() - started < 15:
            try:
                # Signed in: an anonymous page may come from a cache.
                if self.stack.get("/nyheter/", session, timeout=5).status_code == 200:
                    first_ok = time.monotonic() - started
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        if first_ok is None or first_ok > 5:
            problems.append(f"first 200 after the restart: {first_ok} s")
        ready = self.stack.get("/readyz", timeout=5)
        if ready.status_code != 200:
            problems.append(f"/readyz after the outage: {ready.status_code}")
        timings = (
            f"slowest answer {slowest:.2f} s, outage {outage:.1f} s, first 200 "
            f"after {'none' if first_ok is None else f'{first_ok:.2f} s'}"
        )
        expect(not problems, f"{len(problems)} wrong ({timings}): {summary(problems)}")
        return f"100/100 answered 503; {timings}"

    def outage_probes(self):
        """What /healthz and /readyz say while the database is down."""
        problems = []
        health = self.stack.get("/healthz", timeout=5)
        if health.status_code != 200:
            problems.append(f"/healthz: {health.status_code}")
        ready = self.stack.get("/readyz", timeout=5)
        if ready.status_code != 503:
            problems.append(f"/readyz: {ready.status_code}")
        try:
            reasons = json.dumps(ready.json()).lower()
        except ValueError:
            problems.append(f"/readyz is not JSON: {ready.text[:60]!r}")
        else:
            if "database" not in reasons:
                problems.append(f"/readyz does not name the database: {reasons}")
        return problems

    # Running

    def run(self, *, checks, faults):
        self.check("setup: demo content, smoke login", self.setup)
        if checks:
            self.check("http redirects to https", self.redirect_to_https)
            self.check(
                "every public page: 200, Swedish, headers, no cookie, public",
                self.every_public_page,
            )
            self.check("anonymous pages kept by nginx", self.pages_kept_by_nginx)
            self.check("other page types: headers", self.other_page_types)
            self.check(
                "static files and uploads from nginx", self.static_and_media_files
            )
            self.check(
                "PRIVATE_MEDIA_ROOT never served", self.private_media_never_served
            )
            self.check("request body limit: 413, Swedish", self.body_limit)
            self.check(
                "X-Forwarded-Proto overwritten", self.forwarded_proto_overwritten
            )
            self.check("request id passed, returned, logged", self.request_id)
        self.check("sign-in, both steps", self.sign_in)
        if checks:
            self.check("entry made on A is read on B", self.entry_on_a_read_on_b)
            self.check("the client's address reaches the app", self.client_address_seen)
            self.check("rate limit on A holds on B", self.rate_limit_shared)
            self.check("task worker sends mail", self.worker_sends_mail)
            self.check("kill -HUP under load: no failed request", self.hup_under_load)
        if faults:
            self.check("database down: 503 in Swedish, /readyz", self.database_outage)
            self.check(
                "task worker mails again after the outage",
                self.worker_sends_mail,
                "mail after the outage",
            )
        passed = sum(ok for _name, ok in self.results)
        failed = len(self.results) - passed
        print(f"{passed} passed, {failed} failed", flush=True)
        return failed == 0


def summary(problems):
    """'/x: 500' ×40, '/y: 500' ×10 …: the same problem counted once."""
    counts = {}
    for problem in problems:
        counts[problem] = counts.get(problem, 0) + 1
    return "; ".join(
        f"{problem}" + (f" ×{count}" if count > 1 else "")
        for problem, count in counts.items()
    )


def children(pid):
    """The processes whose parent is `pid`."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def pg_version():
    versions = sorted(os.listdir("/etc/postgresql"))
    expect(versions, "no PostgreSQL cluster in /etc/postgresql")
    return versions[-1]


def pg_ctl(version, action):
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--faults", action="store_true", help="only the outage")
    group.add_argument("--no-faults", action="store_true", help="all but the outage")
    parser.add_argument(
        "--run-dir", default=os.environ.get("STACK_DIR", ROOT / ".stack")
    )
    args = parser.parse_args(argv)
    stack = Stack(args.run_dir)
    smoke = Smoke(stack)

    # A stop (Ctrl-C, SIGTERM from make) still runs the finally blocks that
    # start PostgreSQL again.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    ok = smoke.run(checks=not args.faults, faults=not args.no_faults)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
