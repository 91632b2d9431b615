"""Runs the DuckDB peer of a mujun evaluation (evaluate.sql) on the same input files.

usage: python run.py --data DIR --out DIR [--threads N] [--format csv|parquet]
Prints the wall time in seconds. Installed and called by benches/e2e.sh; not part of the crate.
"""
import argparse
import pathlib
import time

import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
a = ap.parse_args()

sql = (pathlib.Path(__file__).with_name("evaluate.sql")).read_text(encoding="utf-8")
data = str(pathlib.Path(a.data).resolve())
if a.format == "parquet":
    # Same job, Parquet files: read_parquet instead of read_csv (all columns are read as text there too).
    for kind in ["enterprises", "land", "output", "tax", "events"]:
        sql = sql.replace(
            f"read_csv('{{DATA}}/{kind}.csv', all_varchar = true, header = true)",
            f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet('{{DATA}}/{kind}.parquet'))",
        )
out = pathlib.Path(a.out)
out.mkdir(parents=True, exist_ok=True)
sql = sql.replace("{DATA}", data).replace("{OUT}", str(out.resolve())).replace("{THREADS}", str(a.threads))
t = time.perf_counter()
con = duckdb.connect(":memory:")
con.execute(sql)
con.close()
print(f"{time.perf_counter() - t:.3f}")
