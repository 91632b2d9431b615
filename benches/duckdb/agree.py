"""Checks that mujun and the DuckDB peer agree on every enterprise: total, class, rank in the class group
and rank in the industry. Exits 1 on any difference. usage: python agree.py MUJUN_CSV DUCKDB_CSV
Keeps one small tuple per enterprise, so it runs at 5,000,000 firms."""
import csv
import sys

COLS = ["total", "class", "rank", "industry_rank", "status"]


def load(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        at = [head.index("enterprise_id")] + [head.index(c) for c in COLS]
        return {row[at[0]]: tuple(row[i] for i in at[1:]) for row in r}


duck = load(sys.argv[2], "utf-8")
mujun = load(sys.argv[1], "utf-8-sig")
diffs = []
if len(mujun) != len(duck) or mujun.keys() != duck.keys():
    diffs.append(f"different enterprises: {len(set(mujun) ^ set(duck))}")
for k, d in duck.items():
    m = mujun.get(k)
    if m is None:
        continue
    graded = d[4] in ("graded", "vetoed")
    for i, col in enumerate(COLS[:4]):
        a, b = m[i], d[i]
        if col == "total" and a and b:
            same = abs(float(a) - float(b)) < 0.005
        else:
            same = a == b or (not graded and col != "class")
        if not same:
            diffs.append(f"{k} {col}: mujun {a!r}, DuckDB {b!r}")
print(f"agree: {len(duck)} enterprises, {len(diffs)} differences", file=sys.stderr)
for line in diffs[:10]:
    print("  " + line, file=sys.stderr)
sys.exit(1 if diffs else 0)
