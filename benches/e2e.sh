#!/usr/bin/env bash
# End-to-end benchmark: `mujun evaluate` against the same job written as SQL for DuckDB
# (benches/duckdb/evaluate.sql) on the same generated files, with the read-once floor (`mujun scan`: every
# input file decoded and split into cells once, nothing else). Wall time is the median of RUNS runs; peak
# memory is the largest maximum resident set size that /usr/bin/time reports over those runs.
#
# usage: benches/e2e.sh [ENTERPRISES ...]        (default: 100000 1000000)
#   BENCH_DIR  generated data, outputs and DuckDB's virtual environment (default /tmp/mujun-bench)
#   RUNS       runs per measurement (default 3)
#   FORMATS    input formats to measure (default "csv parquet")
#   PEER       "duckdb" (default) or "none" to measure mujun alone (e.g. at 5,000,000)
#   WARMUP     unmeasured runs before each measurement (default 1): on a virtual machine the first touch
#              of memory another process just freed is paid again, so without one the first of the RUNS
#              pays for whatever ran before it (DuckDB's 3.9 GB, at 1M)
#
# DuckDB is a Python package installed here into BENCH_DIR/venv, never a dependency of the crate.
# Results go to stdout and are appended to BENCH_DIR/results.md; record them in docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/mujun-bench}
runs=${RUNS:-3}
formats=${FORMATS:-"csv parquet"}
peer=${PEER:-duckdb}
warmup=${WARMUP:-1}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
mkdir -p "$dir"

(cd "$root" && cargo build --release --locked --quiet)
bin="$root/target/release/mujun"
# The default preset without the per-enterprise explanation and XLSX sheets (written up to 200,000 firms
# by default), so that every size does the job the DuckDB peer does: the ranked table, the per-track
# lists, the aggregates, benchmarks, exceptions and manifest.
method="$dir/bench_method.toml"
{ cat "$root/data/methods/ankang_default.toml"; printf '\n[output]\ndetail_limit = 1\n'; } >"$method"
if [ "$peer" = duckdb ] && [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install --quiet "duckdb==2.0.1"
fi
py="$dir/venv/bin/python"

# measure CMD...: runs CMD RUNS times; prints "median_seconds peak_MB".
measure() {
  local walls=() peak=0 w m
  for _ in $(seq "$warmup"); do
    "$@" >/dev/null 2>&1 || true
  done
  for _ in $(seq "$runs"); do
    if ! /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$dir/last.log" 2>&1; then
      echo "failed: $*" >&2
      cat "$dir/last.log" >&2
      exit 1
    fi
    read -r w m <"$dir/time.txt"
    walls+=("$w")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$((peak / 1024))"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

{
  echo
  echo "### $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; mujun $(git -C "$root" rev-parse --short HEAD); RUNS=$runs WARMUP=$warmup"
  echo
  echo "| enterprises | input | input size | read-once floor (s) | mujun (s) | mujun peak (MB) | DuckDB (s) | DuckDB peak (MB) | mujun ÷ DuckDB | mujun ÷ floor |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} | tee -a "$dir/results.md"

# Per size: mujun on every format first, then the peer on every format, so that no mujun measurement
# follows a DuckDB run (3.9 GB at 1M, which this VM charges to the next process even after a warm-up).
for n in "${sizes[@]}"; do
  declare -A floor_s=() mj_s=() mj_peak=() size_of=()
  for fmt in $formats; do
    data="$dir/g$n-$fmt"
    if [ ! -f "$data/enterprises.$fmt" ]; then
      "$bin" --quiet generate --enterprises "$n" --seed 1 --first-year 2025 --last-year 2025 --format "$fmt" --out "$data"
    fi
    size_of[$fmt]=$(du -sh "$data" | cut -f1)
    read -r floor_s[$fmt] _ < <(measure "$bin" scan --data "$data")
    read -r mj_s[$fmt] mj_peak[$fmt] < <(measure "$bin" --quiet evaluate --data "$data" --method "$method" --period 2025 --out "$dir/out-mujun-$fmt" --force)
  done
  for fmt in $formats; do
    data="$dir/g$n-$fmt"
    floor=${floor_s[$fmt]} mj=${mj_s[$fmt]} mj_mb=${mj_peak[$fmt]} size=${size_of[$fmt]}
    if [ "$peer" = duckdb ]; then
      read -r dk dk_mb < <(measure "$py" "$root/benches/duckdb/run.py" --data "$data" --out "$dir/out-duckdb" --threads "$(nproc)" --format "$fmt")
      # The two must agree on every enterprise's total, class and ranks, or the comparison means nothing.
      "$py" "$root/benches/duckdb/agree.py" "$dir/out-mujun-$fmt/enterprises.csv" "$dir/out-duckdb/enterprises.csv" >&2
      echo "| $n | $fmt | $size | $floor | $mj | $mj_mb | $dk | $dk_mb | $(ratio "$mj" "$dk") | $(ratio "$mj" "$floor") |"
    else
      echo "| $n | $fmt | $size | $floor | $mj | $mj_mb | — | — | — | $(ratio "$mj" "$floor") |"
    fi
  done
done | tee -a "$dir/results.md"
