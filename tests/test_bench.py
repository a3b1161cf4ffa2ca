"""The benchmark's yardstick still stands: the bare project answers.

`make bench` (bench/run.py) times the portal against the bare Django project
in `bench/baseline`; this runs that project's three pages once, in its own
interpreter with its own settings, as gunicorn would. Nothing is timed.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json
import django
django.setup()
from django.test import Client
client = Client()
answers = {}
for path in ["/", "/forrenderad/", "/cachad/"]:
    response = client.get(path)
    answers[path] = [response.status_code, len(response.content)]
print(json.dumps(answers))
"""


def test_bare_project_serves_the_template_the_floor_and_the_cached_page():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "baseline_site.settings"
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT / "bench" / "baseline",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    assert {path: status for path, (status, _size) in answers.items()} == {
        "/": 200,
        "/forrenderad/": 200,
        "/cachad/": 200,
    }
    # The same page each time (only the canonical link's path differs).
    sizes = [size for _status, size in answers.values()]
    assert min(sizes) > 20_000
    assert max(sizes) - min(sizes) < 20
