#!/usr/bin/env bash
# Set up and start the portal on its embedded defaults (or on whatever the environment says).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}

$PY manage.py compilemessages --ignore=.venv -v 0
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo

mkdir -p var/log
.venv/bin/celery -A civicportal worker --beat --loglevel=info --concurrency=2 -Q emergency,celery \
  --schedule=var/celerybeat-schedule >var/log/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

cat <<MSG

  civicportal is starting.
    Portal:        $SITE_URL/
    Admin:         $SITE_URL/admin/
    API docs:      $SITE_URL/api/docs/
    Health:        $SITE_URL/healthz
    Worker log:    var/log/worker.log
  Sign in with the demo logins listed above. Press Ctrl+C to stop.

MSG
$PY manage.py runserver "$HOST:$PORT"
