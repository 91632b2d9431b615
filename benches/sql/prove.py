"""Proof that the compiled SQL gives mujun's numbers: for each case (a data folder, a methodology, a
period) it runs `mujun evaluate`, `mujun export` and `mujun sql`, runs the script on each engine (DuckDB,
Spark in local mode), and compares the enterprises tables cell by cell: every column the script writes
(all of mujun's but the extra columns of the enterprises file and the reason in words), and the row
order. Cases the compiler refuses are reported as refused, with the key.

usage: python prove.py --mujun BIN --work DIR [--engines duckdb,spark] [--input parquet|csv] [--partition]
                       [--generated N] [--only NAME]
Needs the duckdb package, and pyspark with Java 17 for Spark (PyPI). Prints one line per case and engine
and 'N passed, N failed'; exits 1 on a difference.
"""
import argparse
import csv
import pathlib
import subprocess
import sys
import time

TABLES = ["enterprises", "by_county", "by_park", "by_industry"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
METHODS = ROOT / "data" / "methods"


def cases(generated):
    out = [(w, GOLDEN / w, GOLDEN / w / "methodology.toml", "2024") for w in ["w1_zj6", "w2_bench", "w3_quota", "w4_minmax"]]
    for m in ["ankang_default", "zhejiang_six", "rank_quota", "minmax", "benchmark_formula"]:
        out.append((f"sample_{m}", ROOT / "data" / "sample", METHODS / f"{m}.toml", "2025"))
    # Families no preset uses: percentile benchmarks (by county and by industry); firms sent to the
    # undetermined class by their data; class rules (places and score lines).
    for m in ["percentile", "undetermined", "class_rules"]:
        out.append((f"sample_{m}", ROOT / "data" / "sample", ROOT / "benches" / "sql" / "methods" / f"{m}.toml", "2025"))
    if generated:
        for m in ["ankang_default", "rank_quota", "minmax", "zhejiang_six"]:
            out.append((f"gen{generated}_{m}", None, METHODS / f"{m}.toml", "2025"))
    return out


def run(cmd):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def table(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        return head, [row for row in r]


def compare(mujun_csv, sql_csv):
    """Differences between mujun's table and the script's, as lines of text (empty: identical)."""
    mh, mrows = table(mujun_csv, "utf-8-sig")
    sh, srows = table(sql_csv, "utf-8")
    diffs = []
    missing = [c for c in sh if c not in mh]
    if missing:
        diffs.append(f"columns not in mujun's table: {missing}")
    if len(mrows) != len(srows):
        diffs.append(f"rows: mujun {len(mrows)}, SQL {len(srows)}")
    cols = [c for c in sh if c in mh and c != "reason"]
    mi, si = [mh.index(c) for c in cols], [sh.index(c) for c in cols]
    for n, (a, b) in enumerate(zip(mrows, srows)):
        for c, x, y in zip(cols, mi, si):
            # mujun writes a text cell that a spreadsheet would run as a formula with a leading apostrophe.
            left = a[x][1:] if a[x][:2] in ("'=", "'+", "'-", "'@") else a[x]
            if left != b[y]:
                diffs.append(f"row {n + 2} ({a[mi[0]]}) {c}: mujun {a[x]!r}, SQL {b[y]!r}")
    skipped = [c for c in mh if c not in sh]
    return diffs, skipped


class DuckDb:
    name = "DuckDB"
    dialect = "duckdb"

    def __init__(self, threads, memory):
        import duckdb

        self.duckdb, self.threads = duckdb, threads

    def run(self, script, results):
        con = self.duckdb.connect(":memory:")
        con.execute(f"SET threads = {self.threads}")
        con.execute(script)
        con.close()

    def table(self, results, stem):
        return results / f"{stem}.csv"


class Spark:
    """One local Spark for every case (its start takes seconds); a new session per case."""

    name = "Spark"
    dialect = "spark"

    def __init__(self, threads, memory):
        sys.path.insert(0, str(pathlib.Path(__file__).parent))
        from pyspark.sql import SparkSession

        self.spark = (SparkSession.builder.master(f"local[{threads}]").appName("mujun sql proof")
                      .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", str(2 * threads))
                      .config("spark.driver.memory", memory).getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def run(self, script, results):
        import spark_run

        session = self.spark.newSession()
        spark_run.run(session, script)
        session.catalog.clearCache()

    def table(self, results, stem):
        parts = sorted((results / stem).glob("part-*.csv"))
        if len(parts) != 1:
            raise RuntimeError(f"expected one part file in {results / stem}, found {len(parts)}")
        return parts[0]


def prove(a, engine, name, data, method, period, d):
    """Compiles, runs and compares one case on one engine: 'passed', 'failed' or 'refused'."""
    label = f"{name} on {engine.name}"
    script = d / f"evaluate-{engine.dialect}.sql"
    results = d / f"sql-{engine.dialect}"
    code, msg = run([a.mujun, "--quiet", "sql", "--method", method, "--period", period, "--input", a.input,
                     "--dialect", engine.dialect, "--data-location", d / "export", "--files-from", data,
                     "--results-location", results, "--out", script])
    if code == 3 and "cannot compile" in msg:
        print(f"{label}: refused: {msg.strip()}")
        return "refused"
    if code != 0:
        print(f"{label}: mujun sql failed: {msg.strip()}")
        return "failed"
    results.mkdir()
    t = time.perf_counter()
    try:
        engine.run(script.read_text(encoding="utf-8"), results)
        took = time.perf_counter() - t
        written = {stem: engine.table(results, stem) for stem in TABLES}
    except Exception as e:  # the engine's own error, shortened: the case fails, the others still run
        print(f"{label}: the script failed: {str(e).strip().splitlines()[0][:400]}")
        return "failed"
    diffs = []
    for stem in TABLES:
        found, skipped = compare(d / "mujun" / f"{stem}.csv", written[stem])
        diffs += [f"{stem}: {line}" for line in found]
        if stem == "enterprises":
            rows, left_out = sum(1 for _ in open(written[stem], encoding="utf-8")) - 1, skipped
    if diffs:
        print(f"{label}: {len(diffs)} differences over {rows} enterprises ({took:.2f} s)")
        for line in diffs[:8]:
            print("  " + line)
        return "failed"
    print(f"{label}: identical, {rows} enterprises and the aggregates by county, park and industry, every column "
          f"but the reason in words and {left_out or 'none'} ({took:.2f} s)")
    return "passed"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mujun", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--input", choices=["parquet", "csv"], default="parquet")
    ap.add_argument("--partition", action="store_true")
    ap.add_argument("--generated", type=int, default=0)
    ap.add_argument("--only")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engines", default="duckdb", help="duckdb, spark or duckdb,spark")
    ap.add_argument("--spark-memory", default="4g", help="the local Spark's heap (its driver runs the executors)")
    a = ap.parse_args()
    kinds = {"duckdb": DuckDb, "spark": Spark}
    engines = [kinds[e.strip()](a.threads, a.spark_memory) for e in a.engines.split(",")]
    work = pathlib.Path(a.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    passed = failed = refused = 0
    for name, data, method, period in cases(a.generated):
        if a.only and a.only not in name:
            continue
        d = work / name
        subprocess.run(["rm", "-rf", str(d)])
        d.mkdir(parents=True)
        if data is None:
            data = work / f"gen{a.generated}"
            if not data.exists():
                run([a.mujun, "--quiet", "generate", "--enterprises", a.generated, "--seed", 22, "--out", data])
        code, msg = run([a.mujun, "--quiet", "evaluate", "--data", data, "--method", method, "--period", period, "--out", d / "mujun"])
        if code != 0:
            print(f"{name}: mujun evaluate failed: {msg.strip()}")
            failed += 1
            continue
        export = [a.mujun, "--quiet", "export", "--data", data, "--out", d / "export", "--format", a.input]
        code, msg = run(export + (["--partition", "county"] if a.partition else []))
        if code != 0:
            print(f"{name}: mujun export failed: {msg.strip()}")
            failed += 1
            continue
        for engine in engines:
            outcome = prove(a, engine, name, data, method, period, d)
            passed += outcome == "passed"
            failed += outcome == "failed"
            refused += outcome == "refused"
    print(f"sql proof: {refused} refused")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
