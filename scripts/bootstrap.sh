#!/usr/bin/env bash
# Install what the portal needs on a fresh Debian/Ubuntu machine, then the Python venv.
#   scripts/bootstrap.sh          runtime: GDAL, SpatiaLite, gettext, venv, requirements.txt
#   scripts/bootstrap.sh --test   also requirements-test.txt, and PostGIS for a local PostgreSQL
# Every step is skipped when it is already done, so running it again is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "bootstrap: need root (or sudo) to run: $*" >&2; exit 1; fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "bootstrap: please install these system packages: ${missing[*]}" >&2; exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# GeoDjango needs GDAL/GEOS/PROJ; the embedded database needs SpatiaLite; translations need
# gettext; Debian's own Python is built with loadable SQLite extensions (pyenv's often is not).
apt_install gdal-bin libsqlite3-mod-spatialite gettext python3 python3-venv python3-dev binutils

# Tests check docker-compose.yml with Debian's docker-compose (no engine needed for `config`).
[ $want_test -eq 1 ] && apt_install docker-compose

# Browser tests (tests/e2e): Debian's Chromium, driven by Playwright's Python package (never
# `playwright install`), Japanese fonts for the screenshots, and axe-core from npm (package-lock.json).
if [ $want_test -eq 1 ]; then
  apt_install chromium fonts-noto-cjk
  command -v npm >/dev/null || apt_install nodejs npm  # keep a Node.js that is already there
  lock_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [ ! -f "$lock_stamp" ]; then
    echo "bootstrap: npm ci (axe-core)"
    npm ci --no-audit --no-fund --silent
    touch "$lock_stamp"
  fi
fi

if [ $want_test -eq 1 ] && command -v pg_lsclusters >/dev/null; then
  # A local PostgreSQL is there (as on CI): make sure PostGIS is installed for its version.
  for version in $(pg_lsclusters -h | awk '{print $1}' | sort -u); do
    apt_install "postgresql-${version}-postgis-3"
  done
fi

# Pick an interpreter >= 3.11 whose sqlite3 can load mod_spatialite.
pick_python() {
  local candidates=("${PYTHON:-}" /usr/bin/python3 python3.13 python3.12 python3.11 python3)
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    command -v "$py" >/dev/null || continue
    if "$py" - <<'PY' 2>/dev/null; then echo "$py"; return 0; fi
import sqlite3, sys
assert sys.version_info >= (3, 11)
sqlite3.connect(":memory:").enable_load_extension(True)
PY
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sqlite3; sqlite3.connect(':memory:').enable_load_extension(True)" 2>/dev/null; then
  python=$(pick_python) || { echo "bootstrap: no Python >= 3.11 with SQLite extension loading found" >&2; exit 1; }
  echo "bootstrap: creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi

requirements=requirements.txt
[ $want_test -eq 1 ] && requirements=requirements-test.txt
stamp=".venv/.installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing $requirements"
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
