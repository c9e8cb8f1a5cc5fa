#!/usr/bin/env bash
# Runs Relais on http://127.0.0.1:3000: installs what is missing, builds in
# release mode and serves. Without DATABASE_URL the server runs its own
# PostgreSQL cluster in .relais/ (created on first start, with demo data).
source "$(dirname "$0")/lib.sh"

step "install system packages (if missing)" install_system_packages
step "install PostgreSQL (if missing)" install_postgres
step "install Rust tools (if missing)" install_rust_tools
step "install wasm-opt (if missing)" install_wasm_opt
step "build (release)" build_release
print_times
export LEPTOS_SITE_ROOT="$ROOT/target/site"
exec "$ROOT/target/release/server" "$@"
