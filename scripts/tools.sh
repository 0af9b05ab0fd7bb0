# Sourced by scripts/run, scripts/test and bench/run: installs, only when
# missing, every tool the build and the tests need, so a machine with only
# Rust on it can build, serve and test baocao. Versions are pinned where the
# build depends on them (see ../shared/BUILDING.md for why).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BINARYEN_VERSION="132.0.0"

log() { printf '\033[1;34m[baocao]\033[0m %s\n' "$*" >&2; }

ensure_rust_tools() {
  local have
  have="$(rustup component list --installed 2>/dev/null || true)"
  for c in clippy rustfmt; do
    if ! grep -q "^$c" <<<"$have"; then
      log "adding the $c component"
      rustup component add "$c"
    fi
  done
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# build_site debug|release: the server and the site it serves (target/site:
# the hydration bundle, the style sheet, the public files), as cargo-leptos
# 0.3 builds them, without cargo-leptos: compiling it took 11 to 21 of the
# 40 minutes a fresh machine needed before the first page. The two builds run
# at once (the browser's in target/front, as cargo-leptos keeps it), then
# bundle/ (wasm-bindgen as a library), and in release wasm-opt. Same features
# and flags as `cargo test`, so the server is compiled once for both.
build_site() {
  local mode="${1:-debug}" target site front profile_args=() wasm_profile=debug
  export_leptos_debug_env
  target="${CARGO_TARGET_DIR:-$ROOT/target}"
  site="$target/site"
  front="$target/front"
  if [ "$mode" = release ]; then
    profile_args=(--release)
    wasm_profile=wasm-release
    ensure_wasm_opt
  fi
  mkdir -p "$site/pkg"
  log "building the server and the browser bundle ($mode)"
  # The bundle tool (wasm-bindgen as a library, bundle/) comes with the server.
  cargo build --package=server --bin=server --package=bundle --bin=bundle --no-default-features --features=server/ssr "${profile_args[@]}" &
  local server_build=$!
  local wasm_args=(--package=frontend --lib --target=wasm32-unknown-unknown --no-default-features --features=hydrate)
  [ "$mode" = release ] && wasm_args+=(--profile=wasm-release)
  local front_ok=0
  CARGO_TARGET_DIR="$front" cargo build "${wasm_args[@]}" || front_ok=$?
  local server_ok=0
  wait "$server_build" || server_ok=$?
  [ "$front_ok" = 0 ] && [ "$server_ok" = 0 ] || { log "the build failed"; return 1; }
  local tool_dir=debug
  [ "$mode" = release ] && tool_dir=release
  "$target/$tool_dir/bundle" "$front/wasm32-unknown-unknown/$wasm_profile/frontend.wasm" "$site/pkg"
  if [ "$mode" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$site/pkg/baocao.wasm" -o "$site/pkg/baocao.wasm"
  fi
  cp "$ROOT/style/main.css" "$site/pkg/baocao.css"
  cp -R "$ROOT/public/." "$site/"
}

# Release builds run wasm-opt; Debian's binaryen 108 breaks the bundle, so a
# newer one from npm goes first on PATH.
ensure_wasm_opt() {
  local dir="$ROOT/.tools/binaryen"
  if [ ! -x "$dir/node_modules/.bin/wasm-opt" ]; then
    log "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null)
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

apt_install() {
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null 2>&1; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Chromium (Debian package)"
    apt_install chromium
  fi
}

ensure_e2e_packages() {
  if [ ! -x "$ROOT/end2end/node_modules/.bin/playwright" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
    log "installing the end-to-end test packages (npm ci)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --silent)
  fi
}

# A local PostgreSQL for the integration tests; prints nothing, exports
# PG_TEST_URL.
ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing PostgreSQL (Debian package)"
    apt_install postgresql
  fi
  local ver
  ver="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
    pg_createcluster "$ver" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $ver"
    pg_ctlcluster "$ver" main start
  fi
  local port
  port="$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')"
  for _ in $(seq 1 30); do
    su postgres -c "psql -p $port -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -p $port -qtAc \"select 1 from pg_roles where rolname='baocao'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"create role baocao login createdb password 'baocao'\"" >/dev/null
  # Databases left by earlier runs, dropped in one session.
  su postgres -c "psql -p $port -qtAc \"select 'drop database if exists ' || datname || ';' from pg_database where datname like 'baocao_test_%'\"" \
    | su postgres -c "psql -p $port -q" >/dev/null 2>&1 || true
  export PG_TEST_URL="postgres://baocao:baocao@127.0.0.1:$port/postgres"
}

# The environment cargo-leptos gives a debug build. Plain `cargo test` runs
# with the same one, so both share one set of compiled crates instead of
# building everything twice.
export_leptos_debug_env() {
  export RUSTFLAGS="--cfg erase_components"
  export LEPTOS_OUTPUT_NAME="baocao" LEPTOS_SITE_ROOT="target/site" LEPTOS_SITE_PKG_DIR="pkg"
  export LEPTOS_SITE_ADDR="127.0.0.1:3000" LEPTOS_RELOAD_PORT="3001" LEPTOS_LIB_DIR="frontend"
  export LEPTOS_BIN_DIR="server" LEPTOS_JS_MINIFY="false" LEPTOS_HASH_FILES="false"
}

# Python modules the tests use: aiosmtpd (a real SMTP server for the e-mail
# tests) and openpyxl (the Excel spec edits a downloaded form as a clerk would).
ensure_python_module() {
  local module="$1" package="$2"
  if ! python3 -c "import $module" >/dev/null 2>&1; then
    log "installing $package (Python)"
    if ! command -v pip3 >/dev/null 2>&1 && ! python3 -m pip --version >/dev/null 2>&1; then
      apt_install python3-pip
    fi
    python3 -m pip install --quiet "$package" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$package"
  fi
}

# schemathesis (the API contract test) in a virtual environment of its own,
# kept between clones; sets SCHEMATHESIS to its command.
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/baocao/schemathesis-$SCHEMATHESIS_VERSION"
  if ! "$venv/bin/st" --version >/dev/null 2>&1; then
    log "installing schemathesis $SCHEMATHESIS_VERSION (Python, in $venv)"
    python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  export SCHEMATHESIS="$venv/bin/st"
}

ensure_aiosmtpd() {
  ensure_python_module aiosmtpd aiosmtpd
  ensure_python_module openpyxl openpyxl
}

# Waits until the server at $1 answers /readyz.
wait_ready() {
  for _ in $(seq 1 120); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  log "the server at $1 did not become ready"
  return 1
}
