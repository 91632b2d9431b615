#!/usr/bin/env bash
# End-to-end benchmark: `mujun evaluate` against the same job done by three peers on the same generated
# files in the same run, with the read-once floor (`mujun scan`: every input file decoded and split into
# cells once, nothing else). Wall time is the median of RUNS runs; peak memory is the largest maximum
# resident set size that /usr/bin/time reports over those runs. The peers:
#   exact   benches/duckdb/evaluate.sql: an exact replica of mujun in DuckDB SQL (file-order sums, every
#           validation); it proves the numbers: benches/duckdb/agree.py wants every firm identical
#   plain   benches/plain/duckdb_plain.sql: the job as an analyst writes it for DuckDB (typed read_csv,
#           GROUP BY sums, window ranks, no file-order sums)
#   polars  benches/plain/polars_lazy.py: the same analyst's job as a polars lazy script
# The two plain peers are checked by benches/plain/agree.py (totals to the cent, classes, ranks; it counts
# the firms that differ, and fails above 0.1 %).
#
# usage: benches/e2e.sh [ENTERPRISES ...]        (default: 100000 1000000)
#   BENCH_DIR  generated data, outputs and the peers' virtual environment (default /tmp/mujun-bench)
#   RUNS       runs per measurement (default 3)
#   FORMATS    input formats to measure (default "csv parquet")
#   PEER       the peers to measure, of "exact plain polars" (the default, all three; "duckdb" = exact),
#              or "none" to measure mujun alone (e.g. at 5,000,000)
#   MUJUN      a mujun binary to measure instead of building target/release/mujun (a copy taken when the
#              tree was at a known commit, on a machine where others rebuild the target)
#   FIRST_YEAR the generated data's first year; the last is 2025, the evaluated period (default 2024: two
#              years of quarters, 917 bytes of CSV per firm, the shape issue 23 measured; 2025 gives the
#              one-year data of the rounds before the tenth)
#   WARMUP     unmeasured runs before each measurement (default 1): on a virtual machine the first touch
#              of memory another process just freed is paid again, so without one the first of the RUNS
#              pays for whatever ran before it (DuckDB's 3.9 GB, at 1M)
#
# DuckDB and polars are Python packages installed here, at the pinned versions below, into BENCH_DIR/venv,
# never dependencies of the crate. Results go to stdout and are appended to BENCH_DIR/results.md; record
# them in docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/mujun-bench}
runs=${RUNS:-3}
formats=${FORMATS:-"csv parquet"}
peers=${PEER-"exact plain polars"}
peers=${peers//duckdb/exact}
[ "$peers" = none ] && peers=""
for p in $peers; do
  case $p in exact | plain | polars) ;; *) echo "PEER: unknown peer $p (exact, plain, polars or none)" >&2; exit 2 ;; esac
done
warmup=${WARMUP:-1}
first_year=${FIRST_YEAR:-2024}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
mkdir -p "$dir"

if [ -n "${MUJUN:-}" ]; then
  bin=$MUJUN
else
  (cd "$root" && cargo build --release --locked --quiet)
  bin="$root/target/release/mujun"
fi
# The default preset without the per-enterprise explanation and XLSX sheets (written up to 200,000 firms
# by default) and, since the eleventh round, without the per-track lists (they repeat enterprises.csv row
# for row; the peers write no lists), so that every size does the job the peers do: the ranked table, the
# aggregates, benchmarks, exceptions and manifest.
method="$dir/bench_method.toml"
{ cat "$root/data/methods/ankang_default.toml"; printf '\n[output]\ndetail_limit = 1\ntrack_lists = false\n'; } >"$method"
pins="duckdb==2.0.1 polars==2.1.0 polars-runtime-32==2.1.0"
if [ -n "$peers" ] && [ "$(cat "$dir/venv/pins.txt" 2>/dev/null)" != "$pins" ]; then
  [ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"
  # shellcheck disable=SC2086
  "$dir/venv/bin/pip" install --quiet $pins
  echo "$pins" >"$dir/venv/pins.txt"
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

# The script of peer $1; each takes --data DIR --out DIR --threads N --format csv|parquet.
peer_script() {
  case $1 in
    exact) echo "$root/benches/duckdb/run.py" ;;
    plain) echo "$root/benches/plain/run_duckdb_plain.py" ;;
    polars) echo "$root/benches/plain/polars_lazy.py" ;;
  esac
}

{
  echo
  echo "### $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; mujun ${MUJUN:-$(git -C "$root" rev-parse --short HEAD)}; RUNS=$runs WARMUP=$warmup; data from $first_year to 2025; peers: ${peers:-none}"
  echo
  echo "| enterprises | input | input size | read-once floor (s) | mujun (s) | mujun peak (MB) | exact DuckDB (s) | exact DuckDB peak (MB) | plain DuckDB (s) | plain DuckDB peak (MB) | polars (s) | polars peak (MB) | mujun ÷ plain DuckDB (time) | mujun ÷ polars (peak) | mujun ÷ exact DuckDB (time) | mujun ÷ floor |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee -a "$dir/results.md"

# Per size: mujun on every format first, then each peer on every format, so that no mujun measurement
# follows a peer's run (3.9 GB for the exact DuckDB peer at 1M, which this VM charges to the next process
# even after a warm-up).
for n in "${sizes[@]}"; do
  declare -A floor_s=() mj_s=() mj_peak=() size_of=()
  for fmt in $formats; do
    data="$dir/g$n-from$first_year-$fmt"
    if [ ! -f "$data/enterprises.$fmt" ]; then
      "$bin" --quiet generate --enterprises "$n" --seed 1 --first-year "$first_year" --last-year 2025 --format "$fmt" --out "$data"
    fi
    size_of[$fmt]=$(du -sh "$data" | cut -f1)
    read -r floor_s[$fmt] _ < <(measure "$bin" scan --data "$data")
    read -r mj_s[$fmt] mj_peak[$fmt] < <(measure "$bin" --quiet evaluate --data "$data" --method "$method" --period 2025 --out "$dir/out-mujun-$fmt" --force)
  done
  for fmt in $formats; do
    data="$dir/g$n-from$first_year-$fmt"
    floor=${floor_s[$fmt]} mj=${mj_s[$fmt]} mj_mb=${mj_peak[$fmt]} size=${size_of[$fmt]}
    declare -A s_of=([exact]=— [plain]=— [polars]=—) mb_of=([exact]=— [plain]=— [polars]=—)
    for p in $peers; do
      read -r "s_of[$p]" "mb_of[$p]" < <(measure "$py" "$(peer_script "$p")" --data "$data" --out "$dir/out-$p" --threads "$(nproc)" --format "$fmt")
      # A peer must agree with mujun on every enterprise's total, class and ranks (the plain peers on all
      # but a few, in the last bits of a sum), or the comparison means nothing.
      if [ "$p" = exact ]; then
        "$py" "$root/benches/duckdb/agree.py" "$dir/out-mujun-$fmt/enterprises.csv" "$dir/out-$p/enterprises.csv" >&2
      else
        "$py" "$root/benches/plain/agree.py" "$dir/out-mujun-$fmt/enterprises.csv" "$dir/out-$p/enterprises.csv" --name "$p $n $fmt" >&2
      fi
    done
    r_plain=— r_polars=— r_exact=—
    [ "${s_of[plain]}" = — ] || r_plain=$(ratio "$mj" "${s_of[plain]}")
    [ "${mb_of[polars]}" = — ] || r_polars=$(ratio "$mj_mb" "${mb_of[polars]}")
    [ "${s_of[exact]}" = — ] || r_exact=$(ratio "$mj" "${s_of[exact]}")
    echo "| $n | $fmt | $size | $floor | $mj | $mj_mb | ${s_of[exact]} | ${mb_of[exact]} | ${s_of[plain]} | ${mb_of[plain]} | ${s_of[polars]} | ${mb_of[polars]} | $r_plain | $r_polars | $r_exact | $(ratio "$mj" "$floor") |"
  done
done | tee -a "$dir/results.md"
