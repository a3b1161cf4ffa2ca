"""`make bench`: the portal's pages timed beside a bare Django project.

    .venv/bin/python bench/run.py [--rounds 40] [--pdf-rounds 5] [--grow ARGS]

What it does, in `.bench/` (made afresh each run):

1. An SQLite database with the demo content (`migrate`, `seed_demo` with its
   logins), grown by `manage.py grow_demo ARGS` when `--grow` is given, and
   the static files collected.
2. In the portal's own process (`bench/inprocess.py prepare`): the pages to
   measure, a signed-in coordinator's session cookie and every page's query
   count.
3. The bare project (`bench/baseline/`) on gunicorn with the portal's
   gunicorn settings (`deploy/gunicorn.conf.py`: 2 gthread workers, DEBUG
   off): the template page, the same bytes pre-rendered (the floor) and the
   template under `cache_page`.
4. The portal on gunicorn with the same settings, twice: with the anonymous
   page cache off (`PUBLIC_CACHE_SECONDS=0`: every page rendered) and with
   it on (the public pages only; signed-in pages are never cached). A
   portal without that setting renders both times.
5. One request at a time over a kept-alive connection, a new connection per
   round so that both workers serve; each page's median over the rounds.
   Worker memory (VmRSS) is read after the public pages have been served in
   every round.
6. A twenty-page PDF through `portal.pdf.render_pdf` against WeasyPrint
   alone (`bench/inprocess.py pdf`).

It prints Markdown tables to paste into the README. It is no test: nothing
fails on a slow page; a page that does not answer as expected stops it.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "bench" / "baseline"
PYTHON = sys.executable
GUNICORN_CONF = str(ROOT / "deploy" / "gunicorn.conf.py")


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(work: Path, port: int, **extra) -> dict:
    """The portal's environment: production settings on plain http,
    SQLite, the benchmark's folders."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The caller's own settings must not leak in.
        if not key.startswith(("DJANGO_", "GUNICORN_", "PUBLIC_CACHE"))
        and key
        not in {
            "DATABASE_URL",
            "CACHE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SITE_URL",
            "SENTRY_DSN",
            "OIDC_RP_CLIENT_ID",
            "MEDIA_STORAGE",
        }
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="bench-only-insecure-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"sqlite:///{work / 'portal.sqlite3'}",
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", "locmemcache://bench"),
        MEDIA_ROOT=str(work / "media"),
        PRIVATE_MEDIA_ROOT=str(work / "private-media"),
        STATIC_ROOT=str(work / "static"),
    )
    env.update(extra)
    return env


def manage(env, *args, quiet=True):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
        check=False,
    )
    if result.returncode:
        log(result.stdout or "")
        log(result.stderr or "")
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def has_command(env, name):
    return name in manage(env, "help", "--commands").split()


def inprocess(env, *args):
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "inprocess.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        log(result.stderr)
        raise SystemExit(f"bench/inprocess.py {' '.join(args)} failed")
    return json.loads(result.stdout)


class Server:
    """gunicorn with the portal's settings file, stopped on leaving."""

    def __init__(self, name, module, cwd, env, port, work):
        self.name = name
        self.port = port
        logs = work / "logs"
        logs.mkdir(exist_ok=True)
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(logs / f"{name}.access.log"),
            "GUNICORN_ERROR_LOG": str(logs / f"{name}.error.log"),
            "GUNICORN_NAME": f"bench-{name}",
        }
        self.stderr = (logs / f"{name}.stderr.log").open("a")
        self.process = subprocess.Popen(
            # As deploy/systemd/portal-web.service starts it.
            [PYTHON, "-m", "gunicorn", "-c", GUNICORN_CONF, module],
            cwd=cwd,
            env=env,
            stdout=self.stderr,
            stderr=self.stderr,
        )

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited, see .bench/logs/")
            if len(self.workers()) == 2:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=10
                    )
                    connection.request("GET", "/favicon-none")
                    connection.getresponse().read()
                    connection.close()
                    # The other worker may still be importing the application.
                    time.sleep(2)
                    return self
            time.sleep(0.2)
        raise SystemExit(f"{self.name}: gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stderr.close()

    def workers(self):
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def worker_rss_mb(self):
        """VmRSS of each worker, in MB."""
        sizes = []
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes


def measure(server, pages, rounds, cookie=None, warm=2, refusals=None):
    """Median milliseconds per page: each round a new kept-alive connection
    asks for every page once, one request at a time. A page that does not
    answer 200 stops the run, unless `refusals` collects its status (PDFs
    and exports may refuse a large period, as they should)."""
    headers = {"Host": f"127.0.0.1:{server.port}", "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    timings = {path: [] for _name, path in pages}
    for round_number in range(warm + rounds):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        # Untimed: the connection's set-up is no page's cost.
        connection.request("GET", pages[0][1], headers=headers)
        connection.getresponse().read()
        for name, path in pages:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200 and refusals is not None:
                refusals[path] = response.status
            elif response.status != 200:
                raise SystemExit(
                    f"{server.name}: {name} ({path}) answered {response.status}: "
                    f"{body[:300]!r}"
                )
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(
                    "127.0.0.1", server.port, timeout=120
                )
            if round_number >= warm:
                timings[path].append(elapsed * 1000)
        connection.close()
    return {path: statistics.median(values) for path, values in timings.items()}


def machine():
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def fmt(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="rounds per page")
    parser.add_argument(
        "--pdf-rounds", type=int, default=5, help="rounds for PDFs and exports"
    )
    parser.add_argument(
        "--grow",
        metavar="ARGS",
        default=os.environ.get("BENCH_GROW", ""),
        help="grow the demo with `manage.py grow_demo ARGS` (BENCH_GROW)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep .bench/ from the last run (its database and static files)",
    )
    options = parser.parse_args()

    work = ROOT / ".bench"
    portal_port, baseline_port = free_port(), free_port()
    env = portal_env(work, portal_port)
    begun = time.monotonic()

    if not (options.reuse and (work / "portal.sqlite3").exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        log("Preparing the database (migrate, seed_demo) …")
        manage(env, "migrate", "--no-input")
        # With DEBUG the demo has its logins; the coordinator is one of them.
        manage({**env, "DEBUG": "true"}, "seed_demo")
        if options.grow:
            if not has_command(env, "grow_demo"):
                raise SystemExit("--grow: this portal has no grow_demo command")
            log(f"Growing the demo: grow_demo {options.grow} …")
            manage(env, "grow_demo", *shlex.split(options.grow))
        manage(env, "collectstatic", "--no-input")
    elif options.grow:
        log("--reuse: the database is used as it is, --grow is ignored")
    grown = options.grow or "no"

    log("Counting queries in-process …")
    prepared = inprocess({**env, "PUBLIC_CACHE_SECONDS": "0"}, "prepare")
    rows = prepared["pages"]
    for row in rows:
        if row["status"] != 200 and row["group"] in ("public", "internal"):
            raise SystemExit(
                f"{row['name']} ({row['path']}) answered {row['status']} in-process"
            )
    cookie = prepared["session_cookie"]

    def pages(group):
        return [(row["name"], row["path"]) for row in rows if row["group"] == group]

    public = pages("public")

    log("Timing the bare Django project …")
    baseline_env = {
        key: value
        for key, value in env.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    baseline_env["BASELINE_DATABASE"] = str(work / "baseline.sqlite3")
    baseline_pages = [
        ("template", "/"),
        ("pre-rendered", "/forrenderad/"),
        ("cache_page", "/cachad/"),
    ]
    with Server(
        "baseline", "baseline_site.wsgi", BASELINE, baseline_env, baseline_port, work
    ) as server:
        bare = measure(server, baseline_pages, options.rounds * 2)
        # Each worker renders the template page as often as the portal's
        # workers render public pages, so both have warmed up alike.
        measure(server, [("template", "/")], options.rounds, warm=0)
        bare_rss = max(server.worker_rss_mb())
    bare_template, floor, bare_cached = (bare[path] for _name, path in baseline_pages)

    refusals = {}
    log("Timing the portal, anonymous page cache off …")
    uncached_env = {**env, "PUBLIC_CACHE_SECONDS": "0"}
    with Server(
        "portal-uncached", "portal.wsgi", ROOT, uncached_env, portal_port, work
    ) as server:
        uncached = measure(server, public, options.rounds)
        public_rss = max(server.worker_rss_mb())
        uncached.update(measure(server, pages("internal"), options.rounds, cookie))
        for group in ("export", "pdf"):
            uncached.update(
                measure(
                    server,
                    pages(group),
                    options.pdf_rounds,
                    cookie,
                    warm=1,
                    refusals=refusals,
                )
            )
        final_rss = max(server.worker_rss_mb())

    log("Timing the portal, anonymous page cache on …")
    with Server("portal-cached", "portal.wsgi", ROOT, env, portal_port, work) as server:
        cached = measure(server, public, options.rounds)
        cached_rss = max(server.worker_rss_mb())

    log("Twenty-page PDF: the portal's path against WeasyPrint alone …")
    pdf = inprocess(env, "pdf", str(options.pdf_rounds))

    print(
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; SQLite; "
        f"demo data grown: {grown}; median of {options.rounds} rounds "
        f"({options.pdf_rounds} for exports and PDFs), one request at a time; "
        "gunicorn with deploy/gunicorn.conf.py (2 gthread workers), DEBUG off."
    )
    print()
    print("| bare Django project | ms |")
    print("|---|---|")
    print(f"| template page ({bare_template and '~21 KB'}) | {fmt(bare_template)} |")
    print(f"| the same bytes pre-rendered (floor) | {fmt(floor)} |")
    print(f"| the template under `cache_page` | {fmt(bare_cached)} |")
    print()
    print(
        "| page | cached ms | × floor | uncached ms | × bare template | queries | KB |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        path = row["path"]
        hot = cached.get(path)
        cold = uncached.get(path)
        refused = f" (answered {refusals[path]})" if path in refusals else ""
        print(
            f"| {row['name']} | {fmt(hot)} | {fmt(hot and hot / floor, 1)} "
            f"| {fmt(cold)}{refused} | {fmt(cold / bare_template, 1)} "
            f"| {row['queries']} | {row['bytes'] / 1024:.1f} |"
        )
    public_uncached = [uncached[path] for _name, path in public]
    public_cached = [cached[path] for _name, path in public]
    print()
    print("| summary | figure | target |")
    print("|---|---|---|")
    print(
        "| public pages uncached, worst × bare template "
        f"| {max(public_uncached) / bare_template:.2f} "
        f"(median {statistics.median(public_uncached) / bare_template:.2f}) "
        "| ≤ 2 |"
    )
    print(
        "| public pages cached, throughput vs floor (worst) "
        f"| {100 * floor / max(public_cached):.0f} % "
        f"(median {100 * floor / statistics.median(public_cached):.0f} %) "
        "| ≥ 70 % |"
    )
    print(
        f"| worker RSS after every public page type | {public_rss:.0f} MB "
        f"= {public_rss / bare_rss:.2f} × bare ({bare_rss:.0f} MB) | ≤ 1.5 × |"
    )
    print(
        f"| worker RSS, cache on, after the public pages | {cached_rss:.0f} MB "
        f"= {cached_rss / bare_rss:.2f} × bare | |"
    )
    print(
        f"| worker RSS after internal pages, exports and PDFs | {final_rss:.0f} MB | |"
    )
    print(
        f"| twenty-page PDF: portal {pdf['portal_ms']:.0f} ms, WeasyPrint alone "
        f"{pdf['weasyprint_ms']:.0f} ms (pages {pdf['pages'][0]}/{pdf['pages'][1]}) "
        f"| {pdf['portal_ms'] / pdf['weasyprint_ms']:.2f} × | ≤ 1.2 × |"
    )
    log(f"Done in {time.monotonic() - begun:.0f} s.")


if __name__ == "__main__":
    main()
