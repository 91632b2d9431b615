"""Runs the plain DuckDB peer (duckdb_plain.sql) of a mujun evaluation on the same input files.

usage: python run_duckdb_plain.py --data DIR --out DIR [--threads N] [--format csv|parquet]
Prints the wall time in seconds. Installed and called by benches/e2e.sh; not part of the crate.
"""
import argparse
import pathlib
import re
import time

import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
a = ap.parse_args()

sql = (pathlib.Path(__file__).with_name("duckdb_plain.sql")).read_text(encoding="utf-8")
if a.format == "parquet":
    # Same job, Parquet files: the generator's Parquet columns are typed (numbers DOUBLE, the rest text).
    sql, n = re.subn(r"read_csv\('\{DATA\}/(\w+)\.csv'[^)]*\)", r"read_parquet('{DATA}/\1.parquet')", sql)
    assert n == 5, n
out = pathlib.Path(a.out)
out.mkdir(parents=True, exist_ok=True)
data = str(pathlib.Path(a.data).resolve())
sql = sql.replace("{DATA}", data).replace("{OUT}", str(out.resolve())).replace("{THREADS}", str(a.threads))
t = time.perf_counter()
con = duckdb.connect(":memory:")
con.execute(sql)
con.close()
print(f"{time.perf_counter() - t:.3f}")
