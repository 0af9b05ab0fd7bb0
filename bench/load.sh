# bench: many clerks at once on a release server, SQLite then PostgreSQL (goose): sign in, home, 300-row form, save, send (targets: 200 users, 0 errors, p95 < 300 ms, peak RSS < 150 MB)
# Sourced by bench/run (ROOT and the tool functions are set).
# Arguments: users (200), seconds of steady load after the ramp-up (60).
# Environment (not BAOCAO_*: the server refuses settings it does not know): LOAD_RAMP seconds to start every user (users/20, at
# least 5), LOAD_WAIT_MS think time between a clerk's actions
# (1000-3000), BAOCAO_DATABASE_MAX_CONNECTIONS the server's pool (default of
# the server), LOAD_BACKENDS "sqlite postgres".
users="${1:-200}"
seconds="${2:-60}"
ramp="${LOAD_RAMP:-$(( users / 20 > 5 ? users / 20 : 5 ))}"
backends="${LOAD_BACKENDS:-sqlite postgres}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
target="$(cd "$ROOT" && mkdir -p "$target" && cd "$target" && pwd)"
runs="$target/bench-load/runs"
mkdir -p "$runs"

log "building the server (release, server-side rendering only)"
cargo build --release -p server --features ssr 2>&1 | tail -3 >&2
log "building the load client (goose, bench/load)"
# A project of its own, with its own target directory and without the
# server's RUSTFLAGS (a change of flags would rebuild everything shared).
(cd "$ROOT/bench/load" && env -u RUSTFLAGS CARGO_TARGET_DIR="$target/bench-load" cargo build --release --locked 2>&1 | tail -3 >&2)
server_bin="$target/release/server"
client_bin="$target/bench-load/release/baocao-load"

load_work="$(mktemp -d /tmp/baocao-load.XXXXXX)"
load_server_pid=""
load_pg_db=""
load_cleanup() {
  if [ -n "$load_server_pid" ]; then kill "$load_server_pid" 2>/dev/null || true; wait "$load_server_pid" 2>/dev/null || true; fi
  if [ -n "$load_pg_db" ]; then psql "$PG_TEST_URL" -qc "DROP DATABASE IF EXISTS $load_pg_db" >/dev/null 2>&1 || true; fi
  rm -rf "$load_work"
}
trap load_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# run_backend NAME DATABASE_URL: prepares the database, serves it, drives it;
# sets r_rps r_p95 r_p50 r_errors r_rss_mb r_sent r_requests.
run_backend() {
  local name="$1" url="$2" port base line
  log "$name: demo catalogue (no history), $users load-test clerks with a ${LOAD_ROWS:-300}-row report each"
  BAOCAO_DATABASE_URL="$url" BAOCAO_DEMO=true BAOCAO_DEMO_HISTORY=false "$server_bin" migrate >&2
  BAOCAO_DATABASE_URL="$url" "$server_bin" prepare-load --users "$users" --rows "${LOAD_ROWS:-300}" >&2
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  # Demo mode off: it refuses a database with accounts beyond the demo's.
  # Behind the province's proxy: each client sends its own address.
  BAOCAO_DATABASE_URL="$url" BAOCAO_LISTEN="127.0.0.1:$port" BAOCAO_DEMO=false BAOCAO_TRUST_PROXY=true \
    BAOCAO_SITE_ROOT="$target/site" RUST_LOG="${RUST_LOG:-warn}" \
    "$server_bin" serve >"$runs/$name-server.log" 2>&1 &
  load_server_pid=$!
  wait_ready "$base"
  log "$name: $users clerks, started over ${ramp} s, ${seconds} s of load, then each sends its report as it stops (over ${ramp} s) (goose; report in $runs/$name-report.html)"
  LOAD_ROWS="${LOAD_ROWS:-300}" "$client_bin" --host "$base" --users "$users" --increase-time "${ramp}s" \
    --decrease-time "${ramp}s" --run-time "${seconds}s" --report-file "$runs/$name-report.html" --quiet \
    >"$runs/$name-client.log" 2>"$runs/$name-client.err" || log "$name: the load client failed (see $runs/$name-client.err)"
  grep -v '^lỗi: ' "$runs/$name-client.err" | tail -12 >&2 || true
  local errs
  errs="$(grep -c '^lỗi: ' "$runs/$name-client.err" || true)"
  [ "$errs" = "0" ] || { log "$name: $errs error lines, the first ones:"; grep '^lỗi: ' "$runs/$name-client.err" | head -5 | cut -c1-300 >&2; }
  r_rss_mb="$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$load_server_pid/status" 2>/dev/null || echo 0)"
  kill "$load_server_pid" 2>/dev/null || true
  wait "$load_server_pid" 2>/dev/null || true
  load_server_pid=""
  line="$(grep '^load_client ' "$runs/$name-client.log" | tail -1)"
  log "$name: $line peak_rss_mb=$r_rss_mb"
  kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  r_rps="$(kv rps)"; r_p95="$(kv p95_ms)"; r_p50="$(kv p50_ms)"; r_errors="$(kv errors)"; r_sent="$(kv sent)"; r_requests="$(kv requests)"
  : "${r_rps:=0}" "${r_p95:=0}" "${r_p50:=0}" "${r_errors:=unknown}" "${r_sent:=0}" "${r_requests:=0}"
}

out="load users=$users"
for b in $backends; do
  case "$b" in
    sqlite)
      run_backend sqlite "sqlite://$load_work/load.db?mode=rwc"
      out="$out rps=$r_rps p95_ms=$r_p95 errors=$r_errors peak_rss_mb=$r_rss_mb"
      sq_extra="p50_ms=$r_p50 sent=$r_sent requests=$r_requests"
      ;;
    postgres)
      ensure_postgres
      load_pg_db="baocao_test_load_$$"
      psql "$PG_TEST_URL" -qc "CREATE DATABASE $load_pg_db" >/dev/null
      run_backend postgres "${PG_TEST_URL%/*}/$load_pg_db"
      psql "$PG_TEST_URL" -qc "DROP DATABASE IF EXISTS $load_pg_db" >/dev/null 2>&1 || true
      load_pg_db=""
      out="$out pg_p95_ms=$r_p95 pg_rps=$r_rps pg_errors=$r_errors pg_peak_rss_mb=$r_rss_mb"
      pg_extra="pg_p50_ms=$r_p50 pg_sent=$r_sent"
      ;;
    *) log "unknown backend $b"; exit 2 ;;
  esac
done
echo "$out ${sq_extra:-} ${pg_extra:-} seconds=$seconds ramp_s=$ramp wait_ms=${LOAD_WAIT_MS:-1000-3000}" | tr -s ' '
