"""Every third-party module the project imports comes from its locks.

The shared development virtualenv may hold packages installed by hand (polib,
for one, used to fill translations); a fresh machine has only what the locks
install. Code importing a package that is not locked works here and fails
there, so each import is traced to its distribution and looked up in the
lock that installs it: the application's in `requirements.lock`, the tests'
and scripts' in `requirements-dev.lock`. Imports made by name at run time
(INSTALLED_APPS, backends) are covered by `tests/test_fresh_install.py`.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {
    "portal",
    "programme",
    "municipalities",
    "presentations",
    "tests",
    "scripts",
    # The benchmark's bare project (bench/baseline).
    "baseline_site",
    "pages",
}
APPLICATION = ["portal", "programme", "municipalities", "presentations", "manage.py"]
DEVELOPMENT = ["tests", "scripts", "bench"]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: Path) -> set[str]:
    names = re.findall(r"^([A-Za-z0-9][\w.-]*)==", lock.read_text(), re.M)
    return {normalise(name) for name in names}


def imported_modules(root: Path, paths: list[str]) -> dict[str, set[str]]:
    """Top-level names of absolute imports, each with the files importing it,
    function-level imports included."""
    found: dict[str, set[str]] = {}
    for entry in paths:
        path = root / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    found.setdefault(top, set()).add(str(file.relative_to(root)))
    return found


def unlocked_imports(root: Path, paths: list[str], lock: str) -> dict:
    """Third-party modules imported under `paths` whose distribution is not
    in `lock`, with the distributions that provide them here and the files."""
    distributions = packages_distributions()
    in_lock = locked(root / lock)
    missing = {}
    for module, files in sorted(imported_modules(root, paths).items()):
        if module in sys.stdlib_module_names or module in FIRST_PARTY:
            continue
        if module == "__future__":
            continue
        owners = {normalise(dist) for dist in distributions.get(module, [])}
        if not owners & in_lock:
            missing[module] = (sorted(owners) or ["not installed"], sorted(files))
    return missing


@pytest.mark.parametrize(
    ("paths", "lock"),
    [(APPLICATION, "requirements.lock"), (DEVELOPMENT, "requirements-dev.lock")],
)
def test_every_imported_package_is_locked(paths, lock):
    assert unlocked_imports(ROOT, paths, lock) == {}


def test_dependency_check_finds_a_package_installed_by_hand(tmp_path):
    """polib sits in the shared virtualenv (it fills translations) but in no
    lock: code importing it, even inside a function, is caught."""
    (tmp_path / "requirements.lock").write_text("django==6.1.3 \\\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "fill.py").write_text(
        "import os\nfrom django import forms\n\n\ndef fill():\n    import polib\n"
    )

    missing = unlocked_imports(tmp_path, ["app"], "requirements.lock")

    assert list(missing) == ["polib"]
    assert missing["polib"][1] == ["app/fill.py"]
