#!/usr/bin/env bash
# A fresh machine needs only the lock: build a new virtualenv from
# requirements.lock alone (nothing from the shared development virtualenv,
# nothing installed by hand), then run the system checks, migrate a new
# SQLite database, load the demo content (its example slides are rendered to
# PDF), collect static files and serve pages with gunicorn, as production
# does. Run by tests/test_fresh_install.py; usage:
#   scripts/check-fresh-install.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."

python=${1:-python3.13}
work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$python" -m venv "$work/venv"
venv="$work/venv/bin"
"$venv/python" -m pip install --quiet --disable-pip-version-check \
  --require-hashes --no-deps -r requirements.lock
"$venv/python" -m pip check --disable-pip-version-check

# Production-like settings; nothing inherited that could point elsewhere.
port=$("$venv/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run=(env -i "PATH=$venv:/usr/bin:/bin" "HOME=$work" LANG=C.UTF-8
  PYTHONDONTWRITEBYTECODE=1
  SECRET_KEY=fresh-install-check-only DEBUG=false HTTPS=false
  ALLOWED_HOSTS=127.0.0.1 "SITE_URL=http://127.0.0.1:$port"
  "DATABASE_URL=sqlite:///$work/db.sqlite3"
  "MEDIA_ROOT=$work/media" "PRIVATE_MEDIA_ROOT=$work/private-media"
  "STATIC_ROOT=$work/static")

"${run[@]}" "$venv/python" manage.py check --fail-level WARNING
"${run[@]}" "$venv/python" manage.py migrate --no-input --verbosity 0
"${run[@]}" "$venv/python" manage.py seed_demo
"${run[@]}" "$venv/python" manage.py collectstatic --no-input --verbosity 0
"${run[@]}" "$venv/gunicorn" portal.wsgi --bind "127.0.0.1:$port" --workers 1 \
  --threads 2 --log-level warning &
server=$!

fetch() {
  "$venv/python" - "$1" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    body = response.read().decode()
    print(response.status, len(body), "FoU Nordväst" in body)
EOF
}
for _ in $(seq 1 50); do
  if fetch "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
echo "healthz: $(fetch "http://127.0.0.1:$port/healthz")"
echo "home: $(fetch "http://127.0.0.1:$port/")"
echo "news: $(fetch "http://127.0.0.1:$port/nyheter/")"
echo "session: $(fetch "http://127.0.0.1:$port/presentationer/kick-off-2022/")"
