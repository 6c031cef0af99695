#!/usr/bin/env bash
# Everything CI checks: system packages, venv, ruff, then the whole suite on
#   1. PostgreSQL+PostGIS and Redis on localhost, when both answer (they do on CI), and
#   2. the embedded defaults (SpatiaLite, filesystem broker), always.
# TEST_BACKENDS="postgis" or "embedded" runs one only; extra arguments go to pytest.
# The browser (tests/e2e, marker e2e) and fuzzing (tests/fuzz, marker fuzz) suites run on the
# PostGIS pass only (they test the web layer, not the database backend); when PostgreSQL is not
# reachable they run on the embedded pass instead, so `make test` always runs them once.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test

PY=.venv/bin/python
PG_URL=${TEST_DATABASE_URL:-postgis://postgres@127.0.0.1:5432/civicportal}
REDIS_TEST_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

echo "== ruff"
.venv/bin/ruff check .

$PY manage.py compilemessages --ignore=.venv -v 0

services_up() {
  $PY - "$PG_URL" "$REDIS_TEST_URL" <<'PY'
import sys
import psycopg2, redis
from urllib.parse import urlsplit
pg = urlsplit(sys.argv[1])
try:
    psycopg2.connect(host=pg.hostname, port=pg.port or 5432, user=pg.username or "postgres",
                     password=pg.password or "", dbname="postgres", connect_timeout=3).close()
    redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
except Exception as exc:
    print(f"   (not available: {exc})".splitlines()[0])
    sys.exit(1)
PY
}

backends=${TEST_BACKENDS:-}
if [ -z "$backends" ]; then
  if services_up; then backends="postgis embedded"; else
    echo "== PostgreSQL or Redis not reachable on localhost: testing the embedded defaults only"
    backends="embedded"
  fi
fi

# The pass that runs the browser and fuzz suites: the first one.
gates_backend=${backends%% *}

status=0
for backend in $backends; do
  only_once=()
  [ "$backend" = "$gates_backend" ] || only_once=(-m "not e2e and not fuzz")
  data_dir="var/test-$backend"
  rm -rf "$data_dir"
  echo "== pytest on $backend"
  if [ "$backend" = "postgis" ]; then
    env DEBUG=1 DATA_DIR="$data_dir" DATABASE_URL="$PG_URL" REDIS_URL="$REDIS_TEST_URL" \
      .venv/bin/pytest "${only_once[@]}" "$@" || status=$?
  else
    env -u DATABASE_URL -u REDIS_URL DEBUG=1 DATA_DIR="$data_dir" .venv/bin/pytest "${only_once[@]}" "$@" || status=$?
  fi
  [ $status -eq 0 ] || break
done
exit $status
