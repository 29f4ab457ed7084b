"""Scoring paths benchmark: ``score`` and ``compare`` per order against columnar, by input size.

What an analyst runs, end to end: records read (JSON Lines or Parquet), validated,
judged, folded into scorecards (and, for ``compare``, divergences). For each input
size, the same records are scored with ``path="per-order"`` and with
``path="columnar"`` in fresh processes, interleaved, and the result of both is
checked to be the same bytes. The figures are orders per CPU-second of the
measuring process; the ratios, measured in the same run, are what the
``auto`` threshold (``grievance_rules.scoring.COLUMNAR_FROM``) rests on.

Run: ``python benchmarks/scoring_paths_bench.py [--sizes 50,100,250,500,2000,10000] [--rounds 2]``;
writes ``docs/benchmarks/scoring_paths.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "scoring_paths.md"
PACKS = ("chengdong", "xiayang", "daye")

DRIVER = r"""
import gc, hashlib, json, sys, time
from grievance_rules.reading import iter_orders
from grievance_rules.reading.parquet import iter_parquet_orders
from grievance_rules.scoring import compare, score
source, what, path, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
packs = what.split(",")
def records():
    read = iter_parquet_orders(source) if source.endswith("parquet") else iter_orders(source)
    for n, record in enumerate(read):
        if n >= count:
            return
        yield record
# warm: calendars, plans, imports
if len(packs) > 1:
    compare(list(records())[:40], packs, path=path)
else:
    score(list(records())[:40], packs[0], path=path)
cpu = time.process_time()
if len(packs) > 1:
    result = compare(records(), packs, path=path)
else:
    result = score(records(), packs[0], path=path)
cpu = time.process_time() - cpu
digest = hashlib.sha256(result.model_dump_json().encode()).hexdigest()
print(json.dumps({"n": result.inputs, "cpu": cpu, "digest": digest}))
"""


def _run(source: Path, what: str, path: str, count: int) -> dict[str, float | str]:
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(source), what, path, str(count)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float | str] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,100,250,500,2000,10000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_lines, generate_orders

    load = [os.getloadavg()]
    cells: dict[tuple[str, str, str, int], list[dict[str, float | str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "orders.jsonl"
        jsonl.write_text(
            "\n".join(generate_lines(max(sizes), seed=args.seed)) + "\n", encoding="utf-8"
        )
        parquet = Path(tmp) / "orders.parquet"
        write_parquet(generate_orders(max(sizes), seed=args.seed), parquet)
        whats = [*PACKS, ",".join(PACKS)]
        for _ in range(args.rounds):
            for size in sizes:
                for what in whats:
                    for path in ("per-order", "columnar"):
                        cells.setdefault(("jsonl", what, path, size), []).append(
                            _run(jsonl, what, path, size)
                        )
                cells.setdefault(("parquet", whats[-1], "columnar", max(sizes)), []).append(
                    _run(parquet, whats[-1], "columnar", max(sizes))
                )
                cells.setdefault(("parquet", whats[-1], "per-order", max(sizes)), []).append(
                    _run(parquet, whats[-1], "per-order", max(sizes))
                )
        load.append(os.getloadavg())
    write_page(args, sizes, whats, cells, load)


def write_page(
    args: argparse.Namespace,
    sizes: list[int],
    whats: list[str],
    cells: dict[tuple[str, str, str, int], list[dict[str, float | str]]],
    load: list[tuple[float, float, float]],
) -> None:
    def rate(source: str, what: str, path: str, size: int) -> float:
        runs = cells[(source, what, path, size)]
        return statistics.median(float(r["n"]) / float(r["cpu"]) for r in runs)

    same = all(
        {r["digest"] for r in cells[("jsonl", w, "per-order", s)]}
        == {r["digest"] for r in cells[("jsonl", w, "columnar", s)]}
        for w in whats
        for s in sizes
    )
    name = {w: ("compare, three packs" if "," in w else w) for w in whats}
    lines = [
        "# Scoring paths: per order against columnar, by input size",
        "",
        f"Measured {dt.date.today().isoformat()} by `python benchmarks/scoring_paths_bench.py"
        f" --sizes {args.sizes} --rounds {args.rounds}` (seed {args.seed}): Python"
        f" {platform.python_version()}, {os.cpu_count()} cores shared with other work; load"
        f" average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load[0])}; after:"
        f" {', '.join(f'{x:.2f}' for x in load[-1])}.",
        "",
        "`score(records, pack, path=...)` and `compare(records, [chengdong, xiayang, daye],"
        " path=...)` from the first N records of one file of generated orders, read, validated,"
        " judged and folded into scorecards; orders per CPU-second of the measuring process"
        " (a fresh one per measurement, after a warm-up on 40 orders), median of the rounds."
        f" Both paths gave the same JSON bytes in every cell: **{'yes' if same else 'NO'}**.",
        "",
        "| input | " + " | ".join(f"{s:,} orders" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for what in whats:
        cells_ = []
        for size in sizes:
            per_order = rate("jsonl", what, "per-order", size)
            columnar = rate("jsonl", what, "columnar", size)
            cells_.append(f"{per_order:,.0f} → {columnar:,.0f} (**{columnar / per_order:.2f}×**)")
        lines.append(f"| {name[what]} | " + " | ".join(cells_) + " |")
    top = max(sizes)
    p_per = rate("parquet", whats[-1], "per-order", top)
    p_col = rate("parquet", whats[-1], "columnar", top)
    j_per = rate("jsonl", whats[-1], "per-order", top)
    lines += [
        "",
        "Each cell: per order → columnar, orders per CPU-second (columnar / per order).",
        "",
        f"From Parquet (the long layout, one file set), `compare` under three packs on {top:,}"
        f" orders: per order {p_per:,.0f}, columnar {p_col:,.0f} orders per CPU-second"
        f" (**{p_col / p_per:.2f}×** per order from Parquet, **{p_col / j_per:.2f}×** per order"
        " from JSON Lines).",
        "",
        '`path="auto"` takes the columnar path from `COLUMNAR_FROM` inputs (500); the'
        " smallest size at which columnar is ahead in the table above is what that figure"
        " rests on.",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
