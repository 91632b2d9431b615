"""Whether Spark spells doubles by their shortest digits, which the half-up rounding of `mujun sql
--dialect spark` relies on (it casts a double to text, then the text to a DECIMAL). Spark's spelling is
Java's Double.toString, not always the shortest before JDK 19 (JDK-4511638).

Checks 1,000,000 doubles spread over 1e-6 .. 1e16 and 2,000,000 near ties at 2 and 4 decimals: the
spelling against Python's repr (the shortest, as Rust's), and the rounding at 2 and 4 decimals against
Python's Decimal quantize with ROUND_HALF_UP on repr. Then prints the known long spellings above 1e17.

usage: python java_spelling.py      (needs pyspark and Java; about a minute on 2 cores)
"""
import math
import random
from decimal import ROUND_HALF_UP, Decimal

from pyspark.sql import SparkSession


def doubles():
    random.seed(11)
    xs = []
    for _ in range(1000000):
        xs.append(float(repr(10 ** random.uniform(-6, 16))) * random.uniform(1, 1.0000001))
    for _ in range(500000):
        k = random.randint(0, 10**9)
        xs += [k / 100 + 0.005, (k * 2 + 1) / 200, (k % 10**7) / 10000 + 0.00005, k / 1000 * 3 / 7 * 7 / 3]
    return xs


def main():
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    xs = doubles()
    spark.createDataFrame(list(enumerate(xs)), "i long, x double").createOrReplaceTempView("xs")
    rows = spark.sql("SELECT i, CAST(x AS STRING) s, CAST(CAST(x AS STRING) AS DECIMAL(38, 2)) r2, "
                     "CAST(CAST(x AS STRING) AS DECIMAL(38, 4)) r4 FROM xs").collect()
    rows.sort(key=lambda r: r.i)
    longer, rounding = {}, 0
    for x, row in zip(xs, rows):
        shortest = repr(x)
        if Decimal(row.s) != Decimal(shortest):
            e = math.floor(math.log10(abs(x)))
            longer[e] = longer.get(e, 0) + 1
        for places, got in ((2, row.r2), (4, row.r4)):
            want = Decimal(shortest).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            rounding += want != got
    print(f"Spark {spark.version}, Java {spark.sparkContext._jvm.System.getProperty('java.version')}")
    print(f"{len(xs)} doubles: spelled longer than the shortest {sum(longer.values())} (by power of ten: {longer}); "
          f"rounded otherwise than half up on the shortest: {rounding}")
    for v in ["2.82879384806159E17", "1.387364135037754E18", "1.0E23"]:
        s = spark.sql(f"SELECT CAST(CAST('{v}' AS DOUBLE) AS STRING) s").collect()[0].s
        print(f"known: shortest {repr(float(v))}, Spark {s}")
    spark.stop()


main()
