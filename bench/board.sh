# bench: the office's board (all units × the regimes of December) on 3 generated years (board p95 target < 50 ms, page < 150 ms)
# Sourced by bench/run (ROOT and the tool functions are set).
iterations="${1:-40}"
log "building the benchmark (release)"
cargo build --release -p server --example bench_board >&2
log "generating three province-years, then $iterations boards and $iterations pages"
"${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_board" "$iterations"
