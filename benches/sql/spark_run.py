"""Runs a script of `mujun sql --dialect spark` on Spark, one statement after the other (Spark SQL takes
one statement per call). The script ends every statement with `;` at the end of a line and holds no line
break inside a text literal, so it is split there.

On a cluster:  spark-submit [--master yarn ...] benches/sql/spark_run.py evaluate.sql
Locally:       python spark_run.py evaluate.sql   (needs pyspark and Java 17; local mode, all cores)
"""
import sys
import time


def statements(script):
    """The script's statements, in order, without the empty ones."""
    return [s.strip() for s in script.split(";\n") if s.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in s.splitlines())]


def run(spark, script, say=None):
    """Runs every statement of `script` on the session `spark`; `say(i, n, seconds)` after each."""
    parts = statements(script)
    for i, stmt in enumerate(parts):
        t = time.perf_counter()
        spark.sql(stmt)
        if say:
            say(i + 1, len(parts), time.perf_counter() - t)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: spark_run.py SCRIPT.sql")
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("mujun sql").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    with open(sys.argv[1], encoding="utf-8") as f:
        script = f.read()
    t = time.perf_counter()
    run(spark, script)
    print(f"ran {len(statements(script))} statements in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
