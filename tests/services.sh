#!/usr/bin/env bash
# Make sure the real services the test suite uses are here (CI runs on a clean
# clone): Debian's Chromium for the browser tests and a PostgreSQL server on
# 127.0.0.1:5432. Installs only what is missing; needs root for apt-get.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v chromium >/dev/null 2>&1; then
  echo "services: installing Debian's chromium for the browser tests"
  apt_install chromium || echo "services: could not install chromium (browser tests will say so)"
fi

pg_up() { (echo > /dev/tcp/127.0.0.1/5432) >/dev/null 2>&1; }
if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "services: installing PostgreSQL"
    apt_install postgresql || true
  fi
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "services: starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
fi
if pg_up; then echo "services: PostgreSQL on 127.0.0.1:5432"; else echo "services: PostgreSQL unavailable"; fi
