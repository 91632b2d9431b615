"""Checks that mujun and the DuckDB peer agree on every enterprise: total, class, rank in the class group
and rank in the industry. Exits 1 on any difference. usage: python agree.py MUJUN_CSV DUCKDB_CSV"""
import csv
import sys

mujun = {r["enterprise_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
duck = {r["enterprise_id"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
diffs = []
if set(mujun) != set(duck):
    diffs.append(f"different enterprises: {len(set(mujun) ^ set(duck))}")
for k, d in duck.items():
    m = mujun.get(k)
    if m is None:
        continue
    for col in ["total", "class", "rank", "industry_rank"]:
        a, b = m[col], d[col]
        if col == "total" and a and b:
            same = abs(float(a) - float(b)) < 0.005
        else:
            same = a == b or (d["status"] not in ("graded", "vetoed") and col != "class")
        if not same:
            diffs.append(f"{k} {col}: mujun {a!r}, DuckDB {b!r}")
print(f"agree: {len(duck)} enterprises, {len(diffs)} differences", file=sys.stderr)
for line in diffs[:10]:
    print("  " + line, file=sys.stderr)
sys.exit(1 if diffs else 0)
