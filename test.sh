#!/usr/bin/env bash
# Runs every Manzil test: checks formatting and lints, makes sure PostgreSQL and Redis answer
# (starting them when they do not) and an S3-compatible server for the object-storage test, then
# runs the whole suite on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"

export MANZIL_TEST_DATABASE_URL="${MANZIL_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export MANZIL_TEST_S3_ENDPOINT="${MANZIL_TEST_S3_ENDPOINT:-http://127.0.0.1:9767}"

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  echo "test.sh: starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  echo "test.sh: PostgreSQL did not start" >&2; exit 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  echo "test.sh: starting Redis"
  if ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return; sleep 1; done
  echo "test.sh: Redis did not start" >&2; exit 1
}

# An S3-compatible HTTP API for the object-storage tests: moto's server (a Python package).
ensure_s3() {
  if curl -sf -o /dev/null "$MANZIL_TEST_S3_ENDPOINT/"; then return; fi
  echo "test.sh: starting an S3-compatible server (moto) at $MANZIL_TEST_S3_ENDPOINT"
  python3 -c 'import moto.server, flask' 2>/dev/null || python3 -m pip install -q 'moto[server]'
  local port="${MANZIL_TEST_S3_ENDPOINT##*:}"
  nohup python3 -m moto.server -H 127.0.0.1 -p "$port" >/tmp/manzil-moto.log 2>&1 &
  for _ in $(seq 1 30); do curl -sf -o /dev/null "$MANZIL_TEST_S3_ENDPOINT/" && return; sleep 1; done
  echo "test.sh: the S3-compatible server did not start (see /tmp/manzil-moto.log)" >&2; exit 1
}

# The official socket.io-client (npm) the real-time tests drive: crates/server/tests/socket.
ensure_socket_client() {
  if [ -d crates/server/tests/socket/node_modules/socket.io-client ]; then return; fi
  echo "test.sh: installing the Socket.IO test client (npm ci)"
  (cd crates/server/tests/socket && npm ci --no-audit --no-fund --loglevel=error)
}

# The pinned third-party browser files of the web UI (crates/ui/assets/package-lock.json): a test
# compares the committed copies in crates/ui/assets/vendor with them.
ensure_ui_packages() {
  if [ -d crates/ui/assets/node_modules/htmx.org ]; then return; fi
  echo "test.sh: installing the web UI's pinned browser packages (npm ci)"
  (cd crates/ui/assets && npm ci --no-audit --no-fund --loglevel=error)
}

# Headless Chromium and chromedriver from Debian for the browser tests (tests/http/browser.rs).
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return; fi
  echo "test.sh: installing chromium and chromium-driver (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
}

# A real SMTP server for the e-mail tests: aiosmtpd (crates/server/tests/smtp/capture.py).
ensure_smtpd() {
  python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
}

ensure_nextest() {
  command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
}

ensure_postgres
ensure_redis
ensure_s3
ensure_socket_client
ensure_ui_packages
ensure_chromium
ensure_smtpd
ensure_nextest

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo nextest run --workspace --locked --no-fail-fast
