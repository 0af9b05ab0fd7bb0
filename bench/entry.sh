# bench: save and send 300-row reports on a database holding a province-year (p95 target < 50 ms)
# Sourced by bench/run (ROOT and the tool functions are set).
iterations="${1:-200}"
log "building the benchmark (release)"
cargo build --release -p service --example bench_entry >&2
log "generating a province-year, then $iterations saves and sends of a 300-row report"
"$ROOT/target/release/examples/bench_entry" "$iterations"
