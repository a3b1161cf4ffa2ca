"""scripts/system-packages.sh: what `make run`, `make test` and CI install.

Run against stand-ins for dpkg-query, apt-get and id on a PATH of their
own, so each case decides what is installed and who runs it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages.sh"
PDF = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
LIBRARIES = PDF.split()
COMMANDS = {
    "chromium": "chromium",
    "gettext": "msgfmt",
    "npm": "npm",
    "default-jre-headless": "java",
}


@pytest.fixture
def machine(tmp_path):
    """A PATH with stand-ins for id, dpkg-query and apt-get. A library is
    installed when named in the file `installed`, a command when it is on
    PATH; the stand-in apt-get records its calls and installs both."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    installed = tmp_path / "installed"
    installed.touch()

    def tool(name, body):
        path = bin_dir / name
        path.write_text("#!/bin/bash\n" + body)
        path.chmod(0o755)

    tool("id", 'echo "$FAKE_UID"\n')
    tool(
        "dpkg-query",
        f'while read -r p; do [[ $p == "${{@: -1}}" ]] && '
        f"{{ echo installed; exit 0; }}; done < {installed}; exit 1\n",
    )
    commands = " ".join(f"[{p}]={c}" for p, c in COMMANDS.items())
    tool(
        "apt-get",
        f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {log}\n'
        f"declare -A commands=({commands})\n"
        "[[ $1 == install && -z $FAKE_APT_BROKEN ]] || exit 0\n"
        'for p in "$@"; do\n'
        "  [[ $p == -* ]] && continue\n"
        f'  if [[ -n ${{commands[$p]:-}} ]]; then printf "#!/bin/bash\\n" > '
        f"{bin_dir}/${{commands[$p]}}; /bin/chmod +x {bin_dir}/${{commands[$p]}};\n"
        f'  else echo "$p" >> {installed}; fi\n'
        "done\n",
    )

    class Machine:
        def run(self, mode, *, present=(), uid=1000, apt_broken=False):
            for package in present:
                if package in COMMANDS:
                    tool(COMMANDS[package], "exit 0\n")
                else:
                    with installed.open("a") as file:
                        file.write(package + "\n")
            env = {
                "PATH": str(bin_dir),
                "FAKE_UID": str(uid),
                "FAKE_APT_BROKEN": "1" if apt_broken else "",
            }
            return subprocess.run(
                [shutil.which("bash"), str(SCRIPT), mode],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )

        @property
        def apt_calls(self):
            return log.read_text().splitlines() if log.exists() else []

    return Machine()


ALL_TEST = [*LIBRARIES, "chromium", "gettext", "npm", "default-jre-headless"]


def test_test_mode_with_everything_installed_does_nothing(machine):
    result = machine.run("test", present=ALL_TEST)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.apt_calls == []


def test_test_mode_not_root_names_the_exact_apt_line_and_fails(machine):
    present = [p for p in ALL_TEST if p not in ("chromium", "libharfbuzz-subset0")]

    result = machine.run("test", present=present)

    assert result.returncode == 1
    assert (
        "  apt-get install -y --no-install-recommends libharfbuzz-subset0 chromium\n"
    ) in result.stderr
    assert machine.apt_calls == []


def test_test_mode_as_root_installs_what_is_missing_non_interactively(machine):
    result = machine.run("test", present=["libpango-1.0-0", "gettext"], uid=0)

    assert result.returncode == 0, result.stderr
    assert machine.apt_calls == [
        "DEBIAN_FRONTEND=noninteractive update -qq",
        "DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends "
        "libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium npm "
        "default-jre-headless",
    ]
    # Installed now: a second run does nothing.
    assert machine.run("test", uid=0).returncode == 0
    assert len(machine.apt_calls) == 2


def test_test_mode_fails_when_apt_get_did_not_install(machine):
    result = machine.run("test", present=ALL_TEST[1:], uid=0, apt_broken=True)

    assert result.returncode == 1
    assert "still missing after apt-get install: libpango-1.0-0" in result.stderr


def test_ci_mode_also_needs_the_postgresql_client_nginx_and_redis(machine):
    result = machine.run("ci", present=ALL_TEST)

    assert result.returncode == 1
    assert (
        "  apt-get install -y --no-install-recommends postgresql-client nginx "
        "redis-server\n"
    ) in result.stderr


def test_run_mode_needs_nothing_and_only_warns_about_pdfs(machine):
    result = machine.run("run")

    assert result.returncode == 0
    assert "PDFs answer 503 until these Debian packages are installed" in (
        result.stderr
    )
    assert f"  apt-get install -y --no-install-recommends {PDF}\n" in result.stderr
    assert machine.apt_calls == []


def test_run_mode_as_root_installs_the_pdf_libraries(machine):
    result = machine.run("run", uid=0)

    assert result.returncode == 0, result.stderr
    assert machine.apt_calls[-1].endswith(f"--no-install-recommends {PDF}")


def test_unknown_mode_is_refused(machine):
    result = machine.run("deploy")

    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_make_and_ci_use_the_script():
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()

    assert "scripts/system-packages.sh run" in makefile
    assert "scripts/system-packages.sh test" in makefile
    assert "scripts/system-packages.sh ci" in ci
    commands = [
        line
        for line in (makefile + ci).splitlines()
        if not line.lstrip().startswith("#")
    ]
    assert not [line for line in commands if "apt-get" in line]
    assert os.access(SCRIPT, os.X_OK)
