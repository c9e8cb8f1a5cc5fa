# Shared by run.sh and test.sh: timed steps and the installs Relais needs on
# a fresh machine of this kind. Every install is skipped when already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TERM_COLOR=never
export PATH="$ROOT/.tools/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"

STEP_TIMES=()
step() { # step "name" command...
  local name="$1"; shift
  local t0=$SECONDS
  echo "==> $name"
  CURRENT_STEP="$name"; CURRENT_T0=$t0
  "$@"
  CURRENT_STEP=""
  local dt=$((SECONDS - t0))
  STEP_TIMES+=("$(printf '%5ss  %-52s disk free after: %s' "$dt" "$name" "$(disk_free)")")
  echo "    ($name: ${dt}s)"
}
# Free space where the builds write (a CI run once ran out of it).
disk_free() { df -h --output=avail "$ROOT" 2>/dev/null | tail -n1 | tr -d ' ' || echo "?"; }
print_times() {
  echo "==> step times"
  printf '%s\n' "${STEP_TIMES[@]}"
  if [ -n "${CURRENT_STEP:-}" ]; then
    printf '%5ss  %s (failed)\n' "$((SECONDS - CURRENT_T0))" "$CURRENT_STEP"
  fi
  echo "    disk free now: $(disk_free); target/: $(du -sh "$ROOT/target" 2>/dev/null | cut -f1)"
}

apt_install() { # apt_install pkg... — only the missing ones
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

# What a minimal Debian with only Rust and Node lacks for the builds and the
# scripts: a C toolchain and perl (crates with C parts; cargo-leptos builds
# OpenSSL from source), pkg-config and OpenSSL headers, curl (health
# checks), iproute2 (`ss`, the port checks), openssl (the test cluster's
# certificate), CA certificates.
install_system_packages() {
  apt_install build-essential pkg-config libssl-dev perl curl iproute2 openssl ca-certificates
  # The SMTP server the mailer tests talk to (`server/tests/smtp_sink.py`).
  apt_install python3-aiosmtpd
}

# The S3-compatible server the documents tests store files in (moto, from
# PyPI, in a venv of its own under .tools/moto; Debian's python3 and its
# venv module). Exports RELAIS_TEST_MOTO, the server's path, which the
# tests start on a free loopback port.
MOTO_VERSION="5.2.5"
install_moto() {
  apt_install python3-venv
  local venv="$ROOT/.tools/moto"
  if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  export RELAIS_TEST_MOTO="$venv/bin/moto_server"
}

install_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
}

# Runs a cargo command with the release profile's whole-program LTO off and
# 16 codegen units: the same program, built in a fraction of the time on two
# cores (for the build tools installed here).
without_lto() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 "$@"
}

install_rust_tools() {
  rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  command -v clippy-driver >/dev/null || rustup component add clippy
  # Machines of this kind come with it; from crates.io otherwise.
  cargo nextest --version >/dev/null 2>&1 || without_lto cargo install cargo-nextest --locked
  if ! cargo leptos --version 2>/dev/null | grep -q '0.3.10'; then
    # 0.3.11+ needs a newer rustc; no_downloads: never fetch tools from the web.
    # Its own release profile is whole-program LTO in one codegen unit: most
    # of a 15-26 min install on two cores, for a build driver whose speed
    # nobody notices.
    without_lto cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
  fi
  local wb
  wb="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
    # Not --locked: its lock file pins a crate the registry no longer serves.
    without_lto cargo install wasm-bindgen-cli --version "$wb"
  fi
}

install_wasm_opt() {
  # Binaryen from npm, never Debian's (its wasm-opt 108 breaks hydration).
  if [ ! -x "$ROOT/.tools/npm/node_modules/.bin/wasm-opt" ]; then
    mkdir -p "$ROOT/.tools/npm"
    npm install --prefix "$ROOT/.tools/npm" --no-audit --no-fund --silent binaryen@132
  fi
}

# Runs a cargo command whose workspace crates are compiled by clippy-driver
# (`cargo clippy` does the same for `cargo check`): clippy's lints, denied,
# and then the code itself. The tests' build is also clippy's, so the
# dependencies are compiled once rather than also checked for clippy alone
# (5 of a CI run's minutes). Everything built for the tests and the browser
# tests' server goes through here, with the same settings, so one build
# serves both.
with_clippy() {
  local driver
  # Never an empty wrapper: cargo would then build without any lint.
  driver="$(command -v clippy-driver)" || { echo "clippy-driver not found (rustup component add clippy)" >&2; return 1; }
  RUSTC_WORKSPACE_WRAPPER="$driver" \
    CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" "$@"
}

build_release() {
  cargo leptos build --release --precompress --split
}

# The build the browser tests run. The browser gets the front end exactly as
# served (release: the `wasm-release` profile, wasm-opt, precompressed). The
# server is the debug one the Rust tests have just built: what it answers
# does not depend on its optimisation, and its release build (17 of a fresh
# build's 27 min, the `app` crate at opt-level 3) was most of a CI run. The
# hash file cargo-leptos leaves next to the release binary goes next to the
# debug one, which serves the hashed file names from it.
build_for_e2e() {
  build_front_end
  build_e2e_server
}
build_front_end() { cargo leptos build --release --precompress --split --frontend-only; }
build_e2e_server() {
  with_clippy cargo build -p server --bin server
  cp "$ROOT/target/release/hash.txt" "$ROOT/target/debug/hash.txt"
}
