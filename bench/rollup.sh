# bench: province-wide roll-up of 50 indicators × units × 12 months on 3 generated years (2 million values; ROLLUP_LARGE_ROWS sizes it), on SQLite and PostgreSQL, against DuckDB on the same values (targets: p95 < 100 ms on both, within 3× DuckDB)
# Sourced by bench/run (ROOT and the tool functions are set).
iterations="${1:-30}"
csv="${TMPDIR:-/tmp}/baocao-rollup-$$.csv"
log "building the benchmark (release)"
cargo build --release -p server --example bench_rollup >&2
log "generating three province-years, exporting the values, then $iterations roll-ups"
line="$("${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_rollup" "$iterations" "$csv" | grep '^ROLLUP ')"
echo "$line" >&2
p95="$(sed -n 's/.* p95_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
cold="$(sed -n 's/.*cold_p95_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
values="$(sed -n 's/.*values=\([0-9]*\).*/\1/p' <<<"$line")"
year="$(sed -n 's/.* year=\([0-9]*\).*/\1/p' <<<"$line")"
ids="$(sed -n 's/.*indicators=\([0-9,]*\).*/\1/p' <<<"$line")"
python3 -c "import duckdb" 2>/dev/null || pip install --quiet duckdb >&2
# The same aggregation in DuckDB: counted monthly figures of the 50
# indicators for the year, summed by indicator, unit and month (totals
# only), then by indicator and month for the province; best of 5 after loading.
duck_ms="$(python3 - "$csv" "$year" "$ids" <<'PY'
import sys, time, duckdb
csv, year, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3]
con = duckdb.connect()
con.execute(f"CREATE TABLE v AS SELECT * FROM read_csv_auto('{csv}', header=true, types={{'part': 'VARCHAR'}})")
q = f"""WITH u AS (SELECT indicator_id, unit_id, ordinal, SUM(num) AS s FROM v
        WHERE period_year = {year} AND frequency = 'thang' AND delivery >= 1 AND part = '' AND indicator_id IN ({ids})
        GROUP BY indicator_id, unit_id, ordinal)
      SELECT indicator_id, ordinal, SUM(s) FROM u GROUP BY indicator_id, ordinal"""
best = None
for _ in range(5):
    t = time.perf_counter(); con.execute(q).fetchall(); e = (time.perf_counter() - t) * 1000
    best = e if best is None else min(best, e)
print(f"{best:.1f}")
PY
)"
rm -f "$csv"
# The same generated province and roll-up on PostgreSQL (same seed: the
# province's total must match).
ensure_postgres
pg_db="baocao_test_rollup_$$"
psql "$PG_TEST_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
trap 'psql "$PG_TEST_URL" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true' EXIT
log "the same on PostgreSQL"
pg_line="$(BENCH_DATABASE_URL="${PG_TEST_URL%/*}/$pg_db" "${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_rollup" "$iterations" "$csv" | grep '^ROLLUP ')"
rm -f "$csv"
echo "$pg_line" >&2
pg_p95="$(sed -n 's/.* p95_ms=\([0-9.]*\).*/\1/p' <<<"$pg_line")"
pg_cold="$(sed -n 's/.*cold_p95_ms=\([0-9.]*\).*/\1/p' <<<"$pg_line")"
sum() { sed -n 's/.*province_sum=\([0-9-]*\).*/\1/p' <<<"$1"; }
[ "$(sum "$line")" = "$(sum "$pg_line")" ] || { log "the province's total differs between SQLite and PostgreSQL"; exit 1; }
ratio="$(python3 -c "print(f'{$p95 / max($duck_ms, 0.001):.1f}')")"
echo "rollup p95_ms=$p95 duckdb_ms=$duck_ms vs_duckdb=$ratio values=$values pg_p95_ms=$pg_p95 cold_p95_ms=$cold pg_cold_p95_ms=$pg_cold"
