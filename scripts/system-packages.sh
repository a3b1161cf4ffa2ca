#!/usr/bin/env bash
# The Debian packages `make run`, `make test` and CI need, in one place.
#
#   scripts/system-packages.sh run    serving: nothing is required; PDFs need
#                                     Pango, HarfBuzz-Subset and a font (without
#                                     them the site serves and PDFs answer 503)
#   scripts/system-packages.sh test   the test suite: the PDF libraries, Chromium
#                                     for the browser tests, gettext, npm (axe-core,
#                                     vnu-jar) and Java (the Nu HTML Checker)
#   scripts/system-packages.sh ci     test, plus the PostgreSQL client tools, and
#                                     nginx and Redis for the production stack
#
# As root, missing packages are installed with apt-get, non-interactively.
# Otherwise the exact apt-get line is printed and the script fails when a
# required package is missing (it only warns for `run`).
set -euo pipefail

# A package is present when its command is on PATH ("package:command") or,
# for a library, when dpkg has it installed ("package").
pdf=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
# Without HarfBuzz-Subset WeasyPrint warns, and the suite turns warnings into
# errors; without a font WeasyPrint has nothing to draw text with.
test_packages=("${pdf[@]}" chromium:chromium gettext:msgfmt npm:npm
  default-jre-headless:java)

mode=${1:-}
case $mode in
  run) required=() recommended=("${pdf[@]}") ;;
  test) required=("${test_packages[@]}") recommended=() ;;
  ci)
    required=("${test_packages[@]}" postgresql-client:pg_isready nginx
      redis-server:redis-server)
    recommended=()
    ;;
  *)
    echo "usage: $0 run|test|ci" >&2
    exit 2
    ;;
esac

have() {
  local package=${1%%:*} command=${1#*:}
  if [[ $1 == *:* ]]; then
    command -v "$command" >/dev/null 2>&1
  else
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null) == installed ]]
  fi
}

missing_of() {
  local spec
  for spec in "$@"; do
    have "$spec" || printf '%s\n' "${spec%%:*}"
  done
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: not a Debian system; install the equivalents of these" \
    "Debian packages yourself: ${required[*]%%:*} ${recommended[*]%%:*}" >&2
  exit 0
fi

mapfile -t missing_required < <(missing_of "${required[@]}")
mapfile -t missing_recommended < <(missing_of "${recommended[@]}")
missing=("${missing_required[@]}" "${missing_recommended[@]}")
((${#missing[@]})) || exit 0

if [[ $(id -u) == 0 ]]; then
  echo "system-packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  mapfile -t still < <(missing_of "${required[@]}" "${recommended[@]}")
  if ((${#still[@]})); then
    echo "system-packages: still missing after apt-get install: ${still[*]}" >&2
    exit 1
  fi
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if ((${#missing_required[@]})); then
  {
    echo "system-packages: \`make $mode\` needs Debian packages that are missing:" \
      "${missing_required[*]}"
    echo "Install them as root (or run make as root, which installs them):"
    echo "  $line"
  } >&2
  exit 1
fi
{
  echo "system-packages: PDFs answer 503 until these Debian packages are" \
    "installed: ${missing_recommended[*]}"
  echo "Install them as root:"
  echo "  $line"
} >&2
