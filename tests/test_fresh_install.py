"""A fresh machine needs only the lock (scripts/check-fresh-install.sh).

The development virtualenv is shared and may hold packages installed by
hand; this builds a new one from requirements.lock alone and starts the
portal on it: system checks, migrations on a new SQLite database, the demo
content (its slides rendered to PDF), static files, and gunicorn serving
pages.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from presentations.demo import PRESENTATIONS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(600)
def test_fresh_virtualenv_from_the_lock_serves_the_site():
    result = subprocess.run(
        ["scripts/check-fresh-install.sh", sys._base_executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    seeded = f"Demoinnehållet är inläst. Nya exempelbilder: {len(PRESENTATIONS)}."
    assert seeded in lines
    assert "healthz: 200 2 False" in lines
    served = [line for line in lines if line.startswith(("home:", "news:", "session:"))]
    assert [line.split()[0] for line in served] == ["home:", "news:", "session:"]
    assert all(line.split()[1] == "200" and line.endswith("True") for line in served)
