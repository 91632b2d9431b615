"""Compares a peer's enterprises.csv with mujun's, enterprise by enterprise: status, total (to the cent),
class and the ranks in the class group, county, industry and track. Prints one line with the counts of
differing firms per column, then the first differences.

usage: python agree.py MUJUN_CSV PEER_CSV [--name NAME] [--max-share F] [--max-rank-share R]
The plain peers add sums in whatever order the engine chooses, so a total may differ from mujun's in its
last cent (a rounding on the .xx5 boundary) and two firms tied on their total may then swap ranks: those
are counted, not fatal. Exits 1 when the enterprises differ, when more than F (default 0.001) of them
disagree on status, total or class, or when more than R (default 0.005) disagree on a rank: that means
the peer does a different job, and the comparison means nothing. Rank swaps of tied firms grow with the
number of firms per track (at 5,000,000 firms, 0.12 % against 0.03 % at 1,000,000, every one a rank of
firms tied on the total).
Keeps one small tuple per enterprise, so it runs at 5,000,000 firms."""
import argparse
import csv
import sys

COLS = ["status", "total", "class", "rank", "county_rank", "industry_rank", "track_rank"]

ap = argparse.ArgumentParser()
ap.add_argument("mujun")
ap.add_argument("peer")
ap.add_argument("--name", default="peer")
ap.add_argument("--max-share", type=float, default=0.001)
ap.add_argument("--max-rank-share", type=float, default=0.005)
a = ap.parse_args()


def load(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        at = [head.index("enterprise_id")] + [head.index(c) for c in COLS]
        return {row[at[0]]: tuple(row[i] for i in at[1:]) for row in r}


peer = load(a.peer, "utf-8")
mujun = load(a.mujun, "utf-8-sig")
only = len(set(mujun) ^ set(peer))
count = dict.fromkeys(COLS, 0)
cent = 0  # totals one cent apart (rounding of a last bit), counted in "total" too
firms = set()
job = set()  # firms that differ in status, total or class
examples = []
for k, p in peer.items():
    m = mujun.get(k)
    if m is None:
        continue
    scored = m[0] in ("graded", "vetoed")
    for i, col in enumerate(COLS):
        a_, b_ = m[i], p[i]
        if col == "total" and a_ and b_:
            d = abs(float(a_) - float(b_))
            same = d < 0.005
            cent += 0.005 <= d < 0.0105
        elif col in ("status", "class"):
            same = a_ == b_
        else:
            same = a_ == b_ or not scored
        if not same:
            count[col] += 1
            firms.add(k)
            if col in ("status", "total", "class"):
                job.add(k)
            if len(examples) < 6:
                examples.append(f"{k} {col}: mujun {a_!r}, {a.name} {b_!r}")
scored_n = sum(1 for m in mujun.values() if m[0] in ("graded", "vetoed"))
print(
    f"agree ({a.name}): {len(peer)} enterprises ({scored_n} scored by mujun), {only} in one file only; "
    f"{len(firms)} firms differ: " + ", ".join(f"{c} {n}" for c, n in count.items()) + f" (totals one cent apart: {cent})",
    file=sys.stderr,
)
for line in examples:
    print("  " + line, file=sys.stderr)
n = max(len(peer), 1)
sys.exit(1 if only or len(job) > a.max_share * n or len(firms) > a.max_rank_share * n else 0)
