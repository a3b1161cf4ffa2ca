"""What an image upload costs a worker in memory, measured in a real process.

Each case runs `portal.uploads.reencode_image` (the check every image upload
goes through) in a fresh interpreter with the portal's settings and reports
that process's peak resident set size. The bounds are for the default limits
(IMAGE_MAX_PIXELS = 25 million): Django and Pillow loaded take about 70 MB,
the largest allowed image decoded as RGBA 100 MB more.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.images import png_bytes

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

# The peak is read from /proc/self/status (VmHWM), which belongs to this
# program alone. ru_maxrss would not do: Linux carries it across exec, so a
# child of a large pytest process would report its parent's size.
CHILD = """
import sys
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from portal.uploads import reencode_image
data = open(sys.argv[1], "rb").read()
try:
    reencode_image(SimpleUploadedFile("bild.png", data))
    outcome = "accepted"
except ValidationError as error:
    outcome = error.code
del data
with open("/proc/self/status") as status:
    peak_kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(outcome, peak_kb)
"""


def peak_while_checking(path):
    """(outcome, peak RSS in bytes) of a worker-like process checking a file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"IMAGE_MAX_PIXELS", "IMAGE_MAX_SIDE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome, peak_kb = result.stdout.split()
    return outcome, int(peak_kb) * 1024


@pytest.mark.parametrize(
    ("width", "height", "outcome", "bound"),
    [
        # The largest allowed image, in the mode with most bytes per pixel.
        (5000, 5000, "accepted", 300 * MB),
        # Over the limit but under twice it: Pillow only warns there.
        (6000, 6000, "too_many_pixels", 150 * MB),
        # A bomb: 1.4 MB on disk, 324 MB decoded.
        (9000, 9000, "too_many_pixels", 150 * MB),
    ],
)
def test_image_check_peak_memory_stays_bounded(tmp_path, width, height, outcome, bound):
    path = tmp_path / "bild.png"
    path.write_bytes(png_bytes(width, height, "RGBA"))

    result, peak = peak_while_checking(path)

    assert result == outcome
    assert peak < bound, f"peak RSS {peak / MB:.0f} MB"
