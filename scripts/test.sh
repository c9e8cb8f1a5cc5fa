#!/usr/bin/env bash
# Runs every test: installs what is missing, then formatting, clippy (the
# browser feature set; the server's is linted as the tests are built), the
# Rust tests against a real PostgreSQL, and the Playwright suite in Chromium
# against the front end as served and the tests' debug server.
source "$(dirname "$0")/lib.sh"

TEST_PG_PORT="${TEST_PG_PORT:-54339}"
E2E_PG_PORT="${E2E_PG_PORT:-54349}"
E2E_ADDR="${E2E_ADDR:-127.0.0.1:3300}"
E2E_SMTP_PORT="${E2E_SMTP_PORT:-2526}"
# A second instance on the first one's database, and a proxy before both.
E2E_ADDR_B="${E2E_ADDR_B:-127.0.0.1:3301}"
E2E_PROXY_ADDR="${E2E_PROXY_ADDR:-127.0.0.1:3302}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# PostgreSQL runs as `postgres` when we are root: its data directories must
# sit where that user can reach. target/ if it can, a private /tmp folder if not.
mkdir -p "$ROOT/target"
STATE_DIR="$ROOT/target"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ROOT/target" 2>/dev/null; then
  STATE_DIR="$(mktemp -d /tmp/relais-test.XXXXXX)"
  chmod 755 "$STATE_DIR"
fi

install_browser_tools() {
  apt_install chromium
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

start_test_pg() {
  local dir="$STATE_DIR/test-pg"
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  if [ ! -f "$dir/PG_VERSION" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # TLS as a managed database serves it: a certificate for localhost /
  # 127.0.0.1 signed by a CA of our own (the Rust tests connect with
  # sslmode=require, and verify-full against that CA; plain connections
  # still work).
  if [ ! -f "$dir/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Relais test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 3650 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    chmod 600 "$dir/server.key"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir/server.key" "$dir/server.crt"
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1 ||
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-p $TEST_PG_PORT -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$TEST_PG_PORT/postgres"
  export RELAIS_TEST_PG_CA="$dir/ca.crt"
}
stop_test_pg() {
  [ -n "$PG_BIN" ] && as_pg "$PG_BIN/pg_ctl" -D "$STATE_DIR/test-pg" -m fast -w stop >/dev/null 2>&1 || true
}

SERVER_PID=""
SERVER_B_PID=""
PROXY_PID=""
SINK_PID=""
stop_server() {
  # The proxy and the second instance first: the first one owns the cluster.
  local pid
  for pid in "$PROXY_PID" "$SERVER_B_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    fi
  done
  PROXY_PID=""; SERVER_B_PID=""
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  # The server stops its cluster on the way out; if it could not, stop it
  # here, so that nothing is left listening.
  if [ -f "$STATE_DIR/e2e-data/pgdata/postmaster.pid" ] && [ -n "$PG_BIN" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$STATE_DIR/e2e-data/pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
  SINK_PID=""
}
cleanup() { stop_front_end; stop_server; stop_test_pg; print_times; }
trap cleanup EXIT

fmt_check() { cargo fmt --all -- --check; }
clippy_hydrate() { cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings; }
# Clippy for the server side is this build (`with_clippy`): the library,
# binaries and tests of app and server, linted as they are compiled. No
# doc-tests: there are none, and looking for them expands the app crate
# once more. cargo-nextest runs each test in a process of its own, so that
# a test that hangs is killed and named (.config/nextest.toml) instead of
# holding the run.
rust_tests() {
  start_test_pg
  install_moto
  with_clippy cargo nextest run -p app --features ssr --lib --bins --tests
  with_clippy cargo nextest run -p server --lib --bins --tests
}

# Waits until http://$1/healthz answers, while process $2 lives; on failure
# prints log $3.
await_health() {
  for _ in $(seq 1 120); do
    curl -fsS "http://$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.5
  done
  curl -fsS "http://$1/healthz" >/dev/null 2>&1 || { cat "$3"; return 1; }
}

# What both e2e instances share: the front end, the demo password, a
# reminder run every 2 seconds, the SMTP sink and quiet logs. (Not
# RELAIS_TRUST_PROXY: the tests also reach each instance directly, where a
# client's own X-Forwarded-For must not count.)
e2e_server_env() {
  export LEPTOS_SITE_ROOT="$ROOT/target/site" RELAIS_DEMO_PASSWORD="relais-e2e-2026" RELAIS_REMINDER_SECS=2 \
    RUST_LOG="info,sqlx=warn,tower_http=warn" RELAIS_SMTP_URL="smtp://127.0.0.1:$E2E_SMTP_PORT" \
    RELAIS_MAIL_FROM="Relais <relais@relais.test>"
}

e2e() {
  local port
  for port in "${E2E_ADDR##*:}" "${E2E_ADDR_B##*:}" "${E2E_PROXY_ADDR##*:}"; do
    if ss -ltnH "sport = :$port" | grep -q .; then
      echo "port $port is taken: stop whatever listens there first" >&2; return 1
    fi
  done
  rm -rf "$STATE_DIR/e2e-data" "$STATE_DIR/e2e-mail"
  mkdir -p "$STATE_DIR/e2e-data"
  # The mail the server sends goes to a real SMTP server on loopback, which
  # writes each message to e2e-mail/ for the tests to read.
  /usr/bin/python3 server/tests/smtp_sink.py "$E2E_SMTP_PORT" "$STATE_DIR/e2e-mail" >/dev/null &
  SINK_PID=$!
  (
    e2e_server_env
    export LEPTOS_SITE_ADDR="$E2E_ADDR" RELAIS_DATA_DIR="$STATE_DIR/e2e-data" RELAIS_PG_PORT="$E2E_PG_PORT"
    unset DATABASE_URL
    exec "$ROOT/target/debug/server" >"$ROOT/target/e2e-server.log" 2>&1
  ) &
  SERVER_PID=$!
  await_health "$E2E_ADDR" "$SERVER_PID" "$ROOT/target/e2e-server.log" || return 1
  # Several instances, one database: a second one on the first one's
  # cluster (its migrations are applied and its demo data is in by now, so
  # this one finds nothing to do), with the same mail and reminder settings,
  # and a round-robin proxy before both (instances.spec.ts).
  (
    e2e_server_env
    export LEPTOS_SITE_ADDR="$E2E_ADDR_B"
    export DATABASE_URL="postgres://postgres:$(cat "$STATE_DIR/e2e-data/pg-password")@127.0.0.1:$E2E_PG_PORT/relais"
    exec "$ROOT/target/debug/server" >"$ROOT/target/e2e-server-b.log" 2>&1
  ) &
  SERVER_B_PID=$!
  node end2end/proxy.mjs "$E2E_PROXY_ADDR" "$E2E_ADDR" "$E2E_ADDR_B" >"$ROOT/target/e2e-proxy.log" 2>&1 &
  PROXY_PID=$!
  await_health "$E2E_ADDR_B" "$SERVER_B_PID" "$ROOT/target/e2e-server-b.log" || return 1
  await_health "$E2E_PROXY_ADDR" "$PROXY_PID" "$ROOT/target/e2e-proxy.log" || return 1
  if ! (cd end2end && BASE_URL="http://$E2E_ADDR" E2E_MAIL_DIR="$STATE_DIR/e2e-mail" \
    E2E_INSTANCE_A="http://$E2E_ADDR" E2E_INSTANCE_B="http://$E2E_ADDR_B" E2E_PROXY_URL="http://$E2E_PROXY_ADDR" \
    npx playwright test); then
    # What the failing pages showed, and what the server said: all a CI
    # log can tell about a failure nobody can reproduce at will.
    find end2end/test-results -name error-context.md -exec sh -c 'echo "--- $1"; head -c 6000 "$1"' _ {} \;
    local log
    for log in e2e-server e2e-server-b; do
      echo "--- $log.log (warnings and errors)"
      grep -aE "WARN|ERROR|panicked" "$ROOT/target/$log.log" | grep -av "suspicious activity" | tail -n 30 || true
    done
    stop_server
    node end2end/summary.mjs end2end/results.json
    return 1
  fi
  stop_server
  node end2end/summary.mjs end2end/results.json
}

# The benchmark as a regression guard (seconds): every scenario on a small
# generated data set, each within ten times its app p50 in
# server/bench-baseline.json (written by the same debug build with
# `--write-baseline`). A broken statement or a tenfold slowdown fails here;
# the README's numbers come from the full data set.
bench_guard() {
  start_test_pg
  local db=relais_bench_ci
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$TEST_PG_PORT" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  local url="postgres://postgres@127.0.0.1:$TEST_PG_PORT/$db"
  DATABASE_URL="$url" "$ROOT/target/debug/server" generate --persons 12000 --companies 1000 --deals 2000 --seed 42 |
    tail -n 1
  DATABASE_URL="$url" RUST_LOG=warn "$ROOT/target/debug/server" bench --iterations 30 --warmup 5 \
    --baseline server/bench-baseline.json 2>&1 | grep -v "^running: "
}

step "install system packages (if missing)" install_system_packages
step "install PostgreSQL (if missing)" install_postgres
step "install Rust tools (if missing)" install_rust_tools
step "install wasm-opt (if missing)" install_wasm_opt
step "install Chromium and Playwright (if missing)" install_browser_tools
step "cargo fmt --check" fmt_check
# The front end is built beside the next steps, from the start: cargo-leptos
# builds it in a target folder of its own (target/front), so nothing waits
# for a lock, and its longest part — the app crate's wasm, one codegen unit
# and whole-program LTO, on one core for minutes — leaves the other core to
# clippy and the tests' build.
FRONT_PID=""
start_front_end() {
  (build_front_end >"$ROOT/target/front-end.log" 2>&1) &
  FRONT_PID=$!
}
await_front_end() {
  local rc=0
  wait "$FRONT_PID" || rc=$?
  FRONT_PID=""
  grep -aE "Finished|error|warning: unused" "$ROOT/target/front-end.log" || true
  if [ "$rc" -ne 0 ]; then tail -n 80 "$ROOT/target/front-end.log"; fi
  return "$rc"
}
stop_front_end() {
  [ -n "$FRONT_PID" ] || return 0
  pkill -TERM -f "leptos build --release --precompress --split --frontend-only" 2>/dev/null || true
  kill "$FRONT_PID" 2>/dev/null || true
}

mkdir -p "$ROOT/target"
step "front end as served: started beside the next steps" start_front_end
step "clippy (hydrate, wasm32)" clippy_hydrate
step "clippy (ssr) and Rust tests (real PostgreSQL)" rust_tests
step "front end as served (the rest of its build)" await_front_end
step "debug server for the browser tests" build_e2e_server
step "benchmark on a small data set (regression guard)" bench_guard
step "Playwright (Chromium)" e2e
