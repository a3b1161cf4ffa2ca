import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_no_stylesheet_uses_data_urls_the_csp_would_block():
    offenders = [
        str(path.relative_to(STATIC))
        for path in STATIC.rglob("*.css")
        if re.search(r"url\(\s*[\"']?data:", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
