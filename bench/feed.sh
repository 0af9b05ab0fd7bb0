# bench: a province-year of aggregates (every indicator × unit × month) through /api/v1/aggregates, against reading the raw rows (target < 1 s, memory flat)
# Sourced by bench/run (ROOT and the tool functions are set).
iterations="${1:-5}"
log "building the benchmark (release)"
cargo build --release -p server --example bench_feed >&2
log "generating a province-year, then $iterations whole-year pulls"
"${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_feed" "$iterations" | tail -1
