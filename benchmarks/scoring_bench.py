"""Scoring benchmark: scoring and comparing orders under the three packs; time and peak memory.

Two measurements, each in a fresh process (peak RSS from ``getrusage``):

* **end to end**: ``compare(orders, [chengdong, xiayang, daye])`` over N orders read
  from JSON Lines (read, validate, three assessments per order, three
  scorecards, divergences), and ``score(orders, pack)`` for one pack, on N/4 and
  N orders (flat memory: the two peaks are close);
* **the scoring layer alone at a million orders**: the ``ScoreBook`` fold of
  one million (order, assessment) pairs under each pack — a pool of assessed
  orders replayed with their receipt moved across a year — so that what the
  scoring layer itself costs, and keeps in memory, is measured at the full size
  without the engine's time.

A million orders end to end is extrapolated from the end-to-end rate (the engine
bounds it: see ``docs/benchmarks/engine.md``) and said to be an extrapolation.

Run: ``python benchmarks/scoring_bench.py [--orders N] [--fold M]``; writes
``docs/benchmarks/scoring.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "scoring.md"
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_bench import write_orders  # noqa: E402

PACKS = ["chengdong", "xiayang", "daye"]

END_TO_END = r"""
import resource, sys, time
from grievance_rules.reading import iter_orders
from grievance_rules.scoring import compare, score
path, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def head():
    for n, record in enumerate(iter_orders(path)):
        if n >= count:
            return
        yield record
start = time.perf_counter()
if mode == "compare":
    result = compare(head(), ["chengdong", "xiayang", "daye"], period="month")
    inputs, rows = result.inputs, sum(len(c.rows) for c in result.scorecards)
    extra = result.orders_diverging
else:
    card = score(head(), mode, period="month")
    inputs, rows, extra = card.inputs, len(card.rows), card.assessed
elapsed = time.perf_counter() - start
print(inputs, rows, extra, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

FOLD = r"""
import datetime as dt, resource, sys, time
from grievance_rules.engine import evaluate
from grievance_rules.packs import find_pack
from grievance_rules.reading import iter_orders
from grievance_rules.scoring import ScoreBook, order_outcome
path, total, pool_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
packs = [find_pack(name) for name in ("chengdong", "xiayang", "daye")]
pool = []
for n, record in enumerate(iter_orders(path)):
    if n >= pool_size:
        break
    pool.append((record.order, [evaluate(record.order, p) for p in packs]))
books = [ScoreBook(p, period="month") for p in packs]
start = time.perf_counter()
for n in range(total):
    order, assessments = pool[n % pool_size]
    # the same order, received on another day of the year (a new id, a new period)
    shift = dt.timedelta(days=(n // pool_size) % 365)
    moved = order.model_copy(
        update={"id": f"{order.id}-{n}", "received_at": order.received_at + shift}
    )
    for book, pack, assessment in zip(books, packs, assessments):
        book.add(moved, assessment, order_outcome(moved, assessment, pack))
cards = [book.scorecard() for book in books]
elapsed = time.perf_counter() - start
rows = sum(len(c.rows) for c in cards)
print(total, rows, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(script: str, *args: object) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return [float(x) for x in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=8000, help="orders end to end")
    parser.add_argument("--fold", type=int, default=1_000_000, help="orders through ScoreBook")
    parser.add_argument("--pool", type=int, default=2000, help="distinct assessed orders")
    args = parser.parse_args()
    load = os.getloadavg()
    lines = [
        "# Scoring benchmark",
        "",
        f"`python benchmarks/scoring_bench.py --orders {args.orders} --fold {args.fold}` on "
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
        f"load average at start {load[0]:.2f} (other jobs were running on the machine).",
        "Orders: `benchmarks/engine_bench.py`'s seeded orders (about six events each, 17 "
        "communities and 5 offices). Each figure comes from a fresh process; memory is its "
        "peak RSS.",
        "",
        "## End to end: read, assess under each pack, score, compare",
        "",
        "| what | orders | time (s) | orders/s | scorecard rows | peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        write_orders(ROOT / "src", path, max(args.orders, args.pool))
        rates = {}
        for mode in ["compare", *PACKS]:
            for count in (args.orders // 4, args.orders):
                inputs, rows, _extra, elapsed, rss = run(END_TO_END, path, mode, count)
                what = "compare, 3 packs" if mode == "compare" else f"score, {mode}"
                rates[mode, count] = inputs / elapsed
                lines.append(
                    f"| {what} | {int(inputs):,} | {elapsed:.1f} | {inputs / elapsed:,.0f} | "
                    f"{int(rows):,} | {rss / 1024:.1f} |"
                )
                print(lines[-1], flush=True)
        folds = [run(FOLD, path, count, args.pool) for count in (args.fold // 4, args.fold)]
    compare_rate = rates["compare", args.orders]
    lines += [
        "",
        "## The scoring layer alone",
        "",
        "Each order is folded into the three packs' `ScoreBook`s: its `order_outcome` "
        "(what the rates count) is computed and its findings are added to the unit's period "
        f"records. A pool of {args.pool:,} orders assessed once under each pack is replayed, "
        "each replay received on a later day (a new id, another period). The pool's "
        "assessments are part of the peak RSS, the same at both sizes.",
        "",
        "| what | orders | time (s) | µs per order (3 packs) | scorecard rows | peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for total, rows, elapsed, rss in folds:
        lines.append(
            f"| ScoreBook fold, 3 packs | {int(total):,} | {elapsed:.1f} | "
            f"{elapsed / total * 1e6:.1f} | {int(rows):,} | {rss / 1024:.1f} |"
        )
    rows = folds[-1][1]
    lines += [
        "",
        "## A million orders under three packs",
        "",
        f"End to end, comparing under three packs ran at {compare_rate:,.0f} orders/s on one "
        f"core here, so a million orders would take about {1e6 / compare_rate / 3600:.1f} "
        "hours on one core (an extrapolation, not a run: the engine's per-order time bounds "
        "it). Memory does not grow with the orders: the peaks at N/4 and N above are the "
        f"evidence end to end, and the fold of {args.fold:,} orders above keeps the scoring "
        f"layer's own records ({int(rows):,} rows for 3 packs) flat between N/4 and N.",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-12:]))


if __name__ == "__main__":
    main()
