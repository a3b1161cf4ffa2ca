#!/usr/bin/env bash
# `make prod-smoke`: start the local production stack, run the smoke and
# fault checks (deploy/local/smoke.py; arguments are passed on, e.g.
# --no-faults), and stop the stack, whatever happens. The fault checks stop
# PostgreSQL for a few seconds; it is started again here too, in case the
# script itself was killed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK="$ROOT/deploy/local/stack.sh"
PG="${STACK_PG:-127.0.0.1:5432}"

ensure_postgres() {
  pg_isready -q -h "${PG%:*}" -p "${PG##*:}" && return 0
  echo "[smoke] starting PostgreSQL again"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
}

cleanup() {
  local status=$?
  ensure_postgres || status=1
  "$STACK" down || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$STACK" up
"$ROOT/.venv/bin/python" "$ROOT/deploy/local/smoke.py" "$@"
