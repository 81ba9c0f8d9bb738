#!/usr/bin/env bash
# Starts the services the tests talk to, installing them when missing, on a
# Debian machine without systemd (as root). Idempotent: a service already
# answering is left alone. Adapted from shared/services.sh.
#
#   PostgreSQL  127.0.0.1:5432  user postgres, password postgres (trust works too)
#
# The tests read BK_TEST_PGSQL (default postgres://postgres:postgres@127.0.0.1:5432/postgres).
set -euo pipefail

log() { echo "services: $*"; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

start_postgres() {
  if command -v pg_isready >/dev/null && pg_up; then
    log "postgresql already up"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing postgresql (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$ver" main >/dev/null
  fi
  # --skip-systemctl-redirect: there is no systemd as PID 1 here
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
  for _ in $(seq 1 100); do pg_up && break; sleep 0.2; done
  pg_up || { log "postgresql did not start"; exit 1; }
  runuser -u postgres -- psql -qtAc "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null
  log "postgresql $ver started"
}

start_postgres
