# bench: Excel import of a 1,000-row × 4-column biểu mẫu end to end vs calamine's bare parse and openpyxl's load (targets: within 2× calamine, 10× faster than openpyxl)
# Sourced by bench/run (ROOT and the tool functions are set).
rounds="${1:-5}"
if ! python3 -c "import openpyxl" 2>/dev/null; then
  log "installing openpyxl"
  pip install --quiet openpyxl >&2 || pip install --quiet --break-system-packages openpyxl >&2
fi
log "building the benchmark (release)"
cargo build --release -p server --example bench_excel >&2
log "$rounds imports of a filled 1,000-row form, each against calamine's parse of the same file"
line="$("${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_excel" "$rounds" | tail -1)"
echo "$line"
file="${line##*file=}"
import_ms="$(sed -n 's/.*import_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
calamine_ms="$(sed -n 's/.*calamine_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
peak="$(sed -n 's/.*peak_rss_mb=\([0-9.]*\).*/\1/p' <<<"$line")"
log "openpyxl: $rounds loads of the same file"
openpyxl_ms="$(python3 - "$file" "$rounds" <<'PY'
import sys, time, statistics
import openpyxl
path, rounds = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(rounds):
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            pass
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
)"
rm -rf "$(dirname "$file")"
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "excel import_ms=$import_ms calamine_ms=$calamine_ms openpyxl_ms=$openpyxl_ms vs_calamine=$(ratio "$import_ms" "$calamine_ms") vs_openpyxl=$(ratio "$import_ms" "$openpyxl_ms") peak_rss_mb=$peak"
