#!/bin/sh
# manage.py on a server: as the portal user, with exactly the environment the
# services get (systemd reads /etc/portal/portal.env for it too).
#   /srv/portal/app/deploy/manage.sh migrate
#   /srv/portal/app/deploy/manage.sh createsuperuser
#   /srv/portal/app/deploy/manage.sh maintenance --dry-run
# PORTAL_APP and PORTAL_ENV_FILE point elsewhere when the layout differs.
set -eu
APP="${PORTAL_APP:-/srv/portal/app}"
ENV_FILE="${PORTAL_ENV_FILE:-/etc/portal/portal.env}"
if [ -t 0 ] && [ -t 1 ]; then io=--pty; else io=--pipe; fi
exec systemd-run --quiet --wait --collect "$io" \
  --uid=portal --gid=portal --working-directory="$APP" \
  -p EnvironmentFile="$ENV_FILE" \
  "$APP/.venv/bin/python" manage.py "$@"
