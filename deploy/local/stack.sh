#!/usr/bin/env bash
# The production stack on one machine, as the current user, without systemd:
# nginx (TLS, self-signed) in front of two gunicorn app servers, the task
# worker, PostgreSQL and Redis. Same files as production: deploy/gunicorn.conf.py
# and the nginx site rendered from deploy/nginx/portal.conf.template.
#
#   deploy/local/stack.sh up        start everything (migrate, collectstatic first)
#   deploy/local/stack.sh down      stop what `up` started (by its pid files)
#   deploy/local/stack.sh status    what runs, and whether nginx answers
#   deploy/local/stack.sh manage …  manage.py with the stack's environment
#
# Everything lives in the run directory (STACK_DIR, default .stack/): the
# environment file, certificate, rendered nginx files, pid files, logs/,
# static/, media/ and private-media/. Settings, all optional:
#   STACK_DIR          run directory                  (.stack)
#   STACK_HTTPS_PORT   nginx https port               (8443)
#   STACK_HTTP_PORT    nginx http port (redirects)    (8080)
#   STACK_APP_PORTS    the app servers' ports         ("8001 8002")
#   STACK_SMTP_PORT    the mail sink (deploy/local/mailsink.py) (8025)
#   STACK_DB_NAME      PostgreSQL database, created when missing (portal_stack)
#   STACK_PG           host:port of PostgreSQL, user postgres (127.0.0.1:5432)
#   STACK_CACHE_URL    Redis                          (redis://127.0.0.1:6379/3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${STACK_DIR:-$ROOT/.stack}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
HTTPS_PORT="${STACK_HTTPS_PORT:-8443}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
read -r -a APP_PORTS <<<"${STACK_APP_PORTS:-8001 8002}"
SMTP_PORT="${STACK_SMTP_PORT:-8025}"
DB_NAME="${STACK_DB_NAME:-portal_stack}"
PG="${STACK_PG:-127.0.0.1:5432}"
PG_HOST="${PG%:*}"
PG_PORT="${PG##*:}"
CACHE_URL="${STACK_CACHE_URL:-redis://127.0.0.1:6379/3}"
PYTHON="$ROOT/.venv/bin/python"
NGINX_DIR="$RUN/nginx"
LOGS="$RUN/logs"
NAMES=(a b c d e f g h)

say() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

load_env() {
  set -a
  # shellcheck disable=SC1091
  . "$RUN/portal.env"
  set +a
}

manage() { (cd "$ROOT" && load_env && "$PYTHON" manage.py "$@"); }

write_env() {
  [[ -s "$RUN/secret_key" ]] \
    || "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$RUN/secret_key"
  chmod 600 "$RUN/secret_key"
  local origin="https://localhost:$HTTPS_PORT"
  cat >"$RUN/portal.env" <<EOF
# Written by deploy/local/stack.sh; rewritten on every \`up\`.
DEBUG=false
SECRET_KEY=$(cat "$RUN/secret_key")
ALLOWED_HOSTS=localhost,127.0.0.1
SITE_URL=$origin
CSRF_TRUSTED_ORIGINS=$origin
DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/$DB_NAME
CONN_MAX_AGE=60
CACHE_URL=$CACHE_URL
EMAIL_URL=smtp://127.0.0.1:$SMTP_PORT
MEDIA_ROOT=$RUN/media
PRIVATE_MEDIA_ROOT=$RUN/private-media
STATIC_ROOT=$RUN/static
HTTPS=true
PROXY_COUNT=1
LOG_LEVEL=INFO
EOF
  chmod 600 "$RUN/portal.env"
  # What the smoke script needs to find the stack.
  cat >"$RUN/stack.env" <<EOF
STACK_DIR=$RUN
STACK_HTTPS_PORT=$HTTPS_PORT
STACK_HTTP_PORT=$HTTP_PORT
STACK_APP_PORTS=${APP_PORTS[*]}
STACK_PG=$PG
STACK_MAIL_DIR=$RUN/mail
EOF
}

ensure_tools() {
  [[ -x "$PYTHON" ]] || die "no $PYTHON: run \`make run\` or \`make test\` once first"
  if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
    if [[ $EUID -eq 0 ]]; then
      say "installing nginx (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
    else
      die "nginx is missing: sudo apt-get install nginx"
    fi
  fi
  command -v openssl >/dev/null || die "openssl is missing"
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL does not answer on $PG"
  [[ "$(redis-cli -u "$CACHE_URL" ping 2>/dev/null)" == PONG ]] \
    || die "Redis does not answer at $CACHE_URL"
  "$PYTHON" -c 'import redis' 2>/dev/null \
    || die "the Python package redis is missing from .venv (CACHE_URL=redis://…)"
}

NGINX_BIN() { command -v nginx || echo /usr/sbin/nginx; }

ensure_database() {
  if ! psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
    say "creating database $DB_NAME"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$DB_NAME"
  fi
}

ensure_certificate() {
  local cert="$RUN/tls/cert.pem" key="$RUN/tls/key.pem"
  mkdir -p "$RUN/tls"
  if [[ -s "$cert" ]] && openssl x509 -checkend 86400 -noout -in "$cert" >/dev/null; then
    return
  fi
  say "making a self-signed certificate for localhost"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$key" -out "$cert" 2>/dev/null
  chmod 600 "$key"
}

render_nginx() {
  mkdir -p "$NGINX_DIR/tmp" "$LOGS" "$RUN/acme"
  local servers=() port
  for port in "${APP_PORTS[@]}"; do servers+=("127.0.0.1:$port"); done
  (
    load_env
    SERVER_NAME="localhost 127.0.0.1" \
    APP_SERVERS="$(IFS=,; echo "${servers[*]}")" \
    LISTEN_ADDRESS=127.0.0.1 HTTP_PORT="$HTTP_PORT" HTTPS_PORT="$HTTPS_PORT" \
    TLS_CERTIFICATE="$RUN/tls/cert.pem" TLS_CERTIFICATE_KEY="$RUN/tls/key.pem" \
    NGINX_LOG_DIR="$LOGS" ACME_ROOT="$RUN/acme" NGINX_CACHE_DIR="$NGINX_DIR/cache" \
      "$PYTHON" "$ROOT/deploy/nginx/render.py" -o "$NGINX_DIR/portal.conf"
  )
  local user_line=""
  # As root, nginx's workers would otherwise run as nobody.
  [[ $EUID -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
  cat >"$NGINX_DIR/nginx.conf" <<EOF
# Written by deploy/local/stack.sh: nginx's main file for the local stack.
$user_line
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $LOGS/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    include $NGINX_DIR/portal.conf;
}
EOF
  "$(NGINX_BIN)" -t -q -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" \
    || die "nginx refuses the rendered configuration ($NGINX_DIR)"
}

wait_for() {  # wait_for <seconds> <description> <command…>
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  die "$what did not come up in ${seconds}s (see $LOGS)"
}

start_app() {  # start_app <name> <port>
  local name=$1 port=$2
  (
    cd "$ROOT"
    load_env
    export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_PIDFILE="$RUN/app-$name.pid" \
      GUNICORN_NAME="portal-$name"
    # As the systemd unit starts it (python -m gunicorn, see there).
    setsid "$ROOT/.venv/bin/python" -m gunicorn -c deploy/gunicorn.conf.py portal.wsgi \
      >>"$LOGS/app-$name.log" 2>&1 </dev/null &
  )
  wait_for 30 "app server $name (port $port)" port_busy "$port"
  wait_for 5 "app server $name's pid file" test -s "$RUN/app-$name.pid"
}

start_mailsink() {
  (
    setsid "$PYTHON" "$ROOT/deploy/local/mailsink.py" --port "$SMTP_PORT" --dir "$RUN/mail" \
      >>"$LOGS/mailsink.log" 2>&1 </dev/null &
    echo $! >"$RUN/mailsink.pid"
  )
  wait_for 10 "the mail sink (port $SMTP_PORT)" port_busy "$SMTP_PORT"
}

start_worker() {
  # Restarted when it exits, as systemd's Restart=always does in production
  # (a worker whose database went away exits).
  (
    cd "$ROOT"
    load_env
    setsid bash -c '
      trap "kill -TERM \$child 2>/dev/null; wait \$child; exit 0" TERM INT
      while true; do
        "$0" manage.py db_worker --no-startup-delay & child=$!
        wait $child || true
        echo "[stack] worker exited; restarting in 2 s"
        sleep 2
      done' "$PYTHON" >>"$LOGS/worker.log" 2>&1 </dev/null &
    echo $! >"$RUN/worker.pid"
  )
}

https_ok() {
  "$PYTHON" - "https://localhost:$HTTPS_PORT/healthz" "$RUN/tls/cert.pem" <<'PY' 2>/dev/null
import ssl, sys, urllib.request
context = ssl.create_default_context(cafile=sys.argv[2])
urllib.request.urlopen(sys.argv[1], context=context, timeout=3)
PY
}

up() {
  local pidfile
  for pidfile in "$RUN"/*.pid "$NGINX_DIR/nginx.pid"; do
    alive "$pidfile" && die "already running ($pidfile); run \`$0 down\` first"
    rm -f "$pidfile"
  done
  local port
  for port in "$HTTPS_PORT" "$HTTP_PORT" "$SMTP_PORT" "${APP_PORTS[@]}"; do
    port_busy "$port" && die "port $port is already in use"
  done
  ensure_tools
  ensure_database
  ensure_certificate
  write_env
  mkdir -p "$LOGS" "$RUN/media" "$RUN/private-media" "$RUN/static"
  chmod 700 "$RUN/private-media"
  say "migrate, collectstatic, check --deploy"
  manage migrate --no-input -v0
  manage collectstatic --no-input -v0
  manage check --deploy --fail-level WARNING >/dev/null
  render_nginx
  start_mailsink
  local index=0
  for port in "${APP_PORTS[@]}"; do
    start_app "${NAMES[$index]}" "$port"
    index=$((index + 1))
  done
  start_worker
  "$(NGINX_BIN)" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  wait_for 10 "nginx" https_ok
  say "up: https://localhost:$HTTPS_PORT/ (certificate $RUN/tls/cert.pem), logs in $LOGS"
}

stop_pidfile() {  # stop_pidfile <file> <signal> <description>
  local file=$1 signal=$2 what=$3 pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$what ($pid) did not stop in 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

down() {
  # nginx first (no new requests), then the app servers finish theirs.
  stop_pidfile "$NGINX_DIR/nginx.pid" QUIT nginx
  local file
  for file in "$RUN"/app-*.pid; do
    [[ -e "$file" ]] && stop_pidfile "$file" TERM "app server $(basename "$file" .pid)"
  done
  stop_pidfile "$RUN/worker.pid" TERM "task worker"
  stop_pidfile "$RUN/mailsink.pid" TERM "mail sink"
  say "down"
}

status() {
  local file
  for file in "$NGINX_DIR/nginx.pid" "$RUN"/app-*.pid "$RUN/worker.pid" "$RUN/mailsink.pid"; do
    [[ -e "$file" ]] || continue
    if alive "$file"; then
      say "$(basename "$file" .pid): running (pid $(cat "$file"))"
    else
      say "$(basename "$file" .pid): not running (stale pid file)"
    fi
  done
  if https_ok 2>/dev/null; then
    say "https://localhost:$HTTPS_PORT/healthz answers"
  else
    say "https://localhost:$HTTPS_PORT/ does not answer"
    return 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  manage) shift; manage "$@" ;;
  *) echo "usage: $0 up|down|status|manage <command…>" >&2; exit 2 ;;
esac
