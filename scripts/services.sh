#!/usr/bin/env bash
# Starts the services the tests talk to, installing them when missing, on a
# Debian machine without systemd (as root). Idempotent: a service already
# answering is left alone. Adapted from shared/services.sh.
#
#   PostgreSQL  127.0.0.1:5432  user postgres, password postgres (trust works too)
#   Redis       127.0.0.1:6379  no persistence
#   MariaDB     127.0.0.1:3306  root without a password, database test
#   dynalite    127.0.0.1:4567  DynamoDB API in memory (npm package, in $DYN_DIR)
#   gofakes3    127.0.0.1:9878  an S3-protocol server in memory (github.com/johannesboyne/gofakes3, MIT;
#               go install into $S3_BIN), for the file storage's S3 driver
#   chromium    /usr/bin/chromium, for the browser tests (Debian's package)
#   typescript  5.9.3 (npm, in $TS_DIR): tsc for the generated TypeScript client's tests
#
# The tests read BK_TEST_PGSQL (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
# BK_TEST_MYSQL (default mysql://root@127.0.0.1:3306/test) and BK_TEST_DYNAMODB
# (default http://127.0.0.1:4567), BK_TEST_S3 (default http://127.0.0.1:9878).
set -euo pipefail

log() { echo "services: $*"; }

# apt_install WHAT PACKAGE...: installs Debian packages, quietly
apt_install() {
  log "installing $1 (apt-get)"
  shift
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

start_postgres() {
  if command -v pg_isready >/dev/null && pg_up; then
    log "postgresql already up"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install "postgresql" postgresql
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

maria_up() { mariadb-admin -h 127.0.0.1 -P 3306 -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

start_mariadb() {
  if command -v mariadb-admin >/dev/null && maria_up; then
    log "mariadb already up"
    return
  fi
  if ! command -v mariadbd-safe >/dev/null; then
    apt_install "mariadb" mariadb-server
  fi
  # no systemd as PID 1: the init script, else the server's own wrapper
  service mariadb start >/dev/null 2>&1 || (nohup mariadbd-safe --bind-address=127.0.0.1 >/tmp/bkgen-mariadb.log 2>&1 &)
  for _ in $(seq 1 150); do mariadb-admin -uroot --connect-timeout=2 ping >/dev/null 2>&1 && break; sleep 0.2; done
  # Debian's root logs in through the socket only: let the tests in over
  # TCP without a password (a test machine), and give them their database
  mariadb -uroot -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS test; FLUSH PRIVILEGES" 2>/dev/null || true
  maria_up || { log "mariadb did not start; see /tmp/bkgen-mariadb.log"; exit 1; }
  log "mariadb started"
}

DYN_PORT=${DYN_PORT:-4567}
DYN_DIR=${DYN_DIR:-/tmp/bkgen-dynalite}

dyn_up() { curl -s -o /dev/null "http://127.0.0.1:$DYN_PORT/" 2>/dev/null; }

start_dynalite() {
  if dyn_up; then
    log "dynalite already up on :$DYN_PORT"
    return
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install "nodejs and npm" nodejs npm
  fi
  if [ ! -x "$DYN_DIR/node_modules/.bin/dynalite" ]; then
    log "installing dynalite 4.0.0 (npm)"
    npm install --prefix "$DYN_DIR" --no-audit --no-fund --loglevel=error dynalite@4.0.0 >/dev/null
  fi
  # dynalite throws, and exits, when a client aborts a request (a server
  # killed or a request cancelled mid-call): the guard keeps it serving
  cat > "$DYN_DIR/guard.js" <<'JS'
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) return;
  console.error(err);
  process.exit(1);
});
JS
  nohup node --require "$DYN_DIR/guard.js" "$DYN_DIR/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$DYN_PORT" \
    --createTableMs 20 --deleteTableMs 20 --updateTableMs 20 >/tmp/bkgen-dynalite.log 2>&1 &
  for _ in $(seq 1 100); do dyn_up && break; sleep 0.1; done
  dyn_up || { log "dynalite did not start; see /tmp/bkgen-dynalite.log"; exit 1; }
  log "dynalite started on :$DYN_PORT"
}

start_redis() {
  if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "redis already up"
    return
  fi
  if ! command -v redis-server >/dev/null; then
    apt_install "redis" redis-server
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --logfile /tmp/bkgen-redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 ping >/dev/null || { log "redis did not start"; exit 1; }
  log "redis started"
}

S3_PORT=${S3_PORT:-9878}
S3_BIN=${S3_BIN:-/tmp/bkgen-gofakes3}

s3_up() { curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" 2>/dev/null; }

start_s3() {
  if s3_up; then
    log "gofakes3 already up on :$S3_PORT"
    return
  fi
  if [ ! -x "$S3_BIN/gofakes3" ]; then
    log "installing gofakes3 v1.2.0 (go install)"
    GOBIN="$S3_BIN" go install github.com/johannesboyne/gofakes3/cmd/gofakes3@v1.2.0
  fi
  nohup "$S3_BIN/gofakes3" -backend memory -autobucket -host "127.0.0.1:$S3_PORT" >/tmp/bkgen-gofakes3.log 2>&1 &
  for _ in $(seq 1 100); do s3_up && break; sleep 0.1; done
  s3_up || { log "gofakes3 did not start; see /tmp/bkgen-gofakes3.log"; exit 1; }
  log "gofakes3 started on :$S3_PORT"
}

install_chromium() {
  if command -v chromium >/dev/null; then
    log "chromium already installed"
    return
  fi
  apt_install "chromium" chromium
  command -v chromium >/dev/null || { log "chromium did not install"; exit 1; }
  log "chromium installed"
}

TS_DIR=${TS_DIR:-/tmp/bkgen-typescript}

install_typescript() {
  if [ -x "$TS_DIR/node_modules/.bin/tsc" ] && "$TS_DIR/node_modules/.bin/tsc" --version | grep -q '5.9.3'; then
    log "typescript already installed in $TS_DIR"
    return
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install "nodejs and npm" nodejs npm
  fi
  log "installing typescript 5.9.3 (npm)"
  npm install --prefix "$TS_DIR" --no-audit --no-fund --loglevel=error typescript@5.9.3 >/dev/null
  "$TS_DIR/node_modules/.bin/tsc" --version >/dev/null || { log "typescript did not install"; exit 1; }
}

start_postgres
start_mariadb
start_redis
start_dynalite
start_s3
install_chromium
install_typescript
