"""Instructions an order of a year's partition, counted by valgrind (callgrind).

The 10,000,000-order year of issue 17 is 1,008 Parquet partitions, each compared
under the three packs on the columnar path by one Dask task
(:func:`grievance_rules.distributed.run_partition`). Its minutes are the CPU a
partition costs, on a machine whose speed drifts by 10-20 % (up to 28 %) within
minutes, more than most changes move it. Instructions do not drift, so a change's
effect on a partition is read here; the year itself is run by ``distributed_bench.py
--year``.

Each variant (this checkout; a git worktree of each ``--against`` commit) runs the
same task on the same partition: ``--orders`` generated orders received over one
month of 2025 (as the year's partitions are: ``generate_orders(seed=7 + month)``),
written as one Parquet partition by this checkout, read, checked and compared under
chengdong, xiayang and daye (``path="columnar"``, the year's call), the packs found
by name in each variant's own checkout. The partition is run once to warm (plans,
calendars, matching); the second run is counted (``callgrind_control`` switches the
counting on and off around it).

With ``--time-rounds K``, the same task is also timed: in fresh processes, this
checkout and each commit in turn, K rounds, the CPU seconds (``time.process_time``)
of the second run of a partition of ``--time-orders`` orders (10,000: the year's
size); the page gives the median and range of each commit's seconds over this
checkout's in the same round.

Run:
    python benchmarks/partition_instructions.py --against 60423a5
    python benchmarks/partition_instructions.py --orders 2000 --against 60423a5,abc1234
    python benchmarks/partition_instructions.py --against 60423a5 --time-rounds 5

Writes docs/benchmarks/partition_instructions.md. Needs ``valgrind`` on PATH.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_bench import ROOT, _commit, baseline_worktree, run_python
from engine_instructions import callgrind_count

OUT = ROOT / "docs" / "benchmarks" / "partition_instructions.md"
PACKS = ("chengdong", "xiayang", "daye")
MONTH = 5

DRIVER = textwrap.dedent(
    """
    import os, subprocess, sys
    folder = sys.argv[1]
    from grievance_rules.distributed import PartitionTask, pack_source, run_partition
    from grievance_rules.reading.parquet import parquet_partitions
    (partition,) = parquet_partitions(folder)
    packs = tuple(pack_source(name) for name in ("chengdong", "xiayang", "daye"))
    task = PartitionTask("compare", packs, partition, 0, path="columnar")
    warm = run_partition(task)
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    counted = run_partition(task)
    subprocess.run([*control, "off", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    assert counted == warm  # the same partition, the same comparison
    """
)

TIMER = textwrap.dedent(
    """
    import sys, time
    folder = sys.argv[1]
    from grievance_rules.distributed import PartitionTask, pack_source, run_partition
    from grievance_rules.reading.parquet import parquet_partitions
    (partition,) = parquet_partitions(folder)
    packs = tuple(pack_source(name) for name in ("chengdong", "xiayang", "daye"))
    task = PartitionTask("compare", packs, partition, 0, path="columnar")
    run_partition(task)
    start = time.process_time()
    run_partition(task)
    print(time.process_time() - start)
    """
)


def write_partition(folder: Path, count: int) -> None:
    """``count`` orders of one month of 2025 as one Parquet partition (this checkout)."""
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    orders = generate_orders(count, seed=7 + MONTH, start=dt.date(2025, MONTH, 1), months=1)
    write_parquet(orders, folder, partition_size=count)


def count_instructions(src: Path, folder: Path) -> int:
    """The instructions callgrind counted over the second run of the partition."""
    return callgrind_count(src, DRIVER, [str(folder)])


def cpu_seconds(src: Path, folder: Path) -> float:
    """The CPU seconds of the second run of the partition, in a fresh process."""
    return float(run_python(src, TIMER, [str(folder)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orders", type=int, default=2000, help="orders counted by callgrind (0: not counted)"
    )
    parser.add_argument("--against", default="60423a5", help="commits, comma-separated")
    parser.add_argument("--time-rounds", type=int, default=0, help="rounds timed (0: none)")
    parser.add_argument("--time-orders", type=int, default=10_000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind (with callgrind_control) is needed on PATH")
    commits = [c for c in args.against.split(",") if c]
    counts: dict[str, float] = {}
    seconds: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "partition"
        sources = {c: baseline_worktree(c, tmp_path / c) for c in commits}
        variants = [("this checkout", ROOT / "src"), *sources.items()]
        try:
            if args.orders:
                write_partition(folder, args.orders)
            for label, src in variants if args.orders else []:
                counts[label] = count_instructions(src, folder) / args.orders
                print(f"{label:14} {counts[label]:14,.0f} instructions an order")
            if args.time_rounds:
                timed = tmp_path / "timed"
                write_partition(timed, args.time_orders)
                for round_ in range(args.time_rounds):
                    for label, src in variants if round_ % 2 == 0 else variants[::-1]:
                        seconds.setdefault(label, []).append(cpu_seconds(src, timed))
                    print(f"round {round_ + 1}: " + ", ".join(
                        f"{label} {found[-1]:.3f} s" for label, found in seconds.items()
                    ))  # fmt: skip
        finally:
            for src in sources.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src.parent)],
                    check=False,
                    capture_output=True,
                )
    write_page(args, commits, counts, seconds)


def write_page(
    args: argparse.Namespace,
    commits: list[str],
    counts: dict[str, float],
    seconds: dict[str, list[float]],
) -> None:
    rows = []
    if counts:
        mine = counts["this checkout"]
        rows = [
            "| variant | instructions an order | / this checkout |",
            "|---|---:|---:|",
            f"| this checkout ({_commit()}) | {mine:,.0f} | 1.00 |",
            *(f"| `{c}` | {counts[c]:,.0f} | {counts[c] / mine:.3f} |" for c in commits),
            "",
        ]
    timing: list[str] = []
    if seconds:
        own = seconds["this checkout"]
        timing = [
            f"Timed ({args.time_rounds} rounds, fresh processes, the variants in turn and "
            f"in reverse turn in alternate rounds; a partition of {args.time_orders:,} "
            "orders of the same month, the second run's CPU seconds; load average at the "
            f"end {os.getloadavg()[0]:.2f}):",
            "",
            "| variant | CPU s, median (least-greatest) | / this checkout, per round: median "
            "(least-greatest) |",
            "|---|---:|---:|",
            f"| this checkout | {statistics.median(own):.3f} ({min(own):.3f}-{max(own):.3f}) "
            "| 1.00 |",
        ]
        for c in commits:
            theirs = seconds[c]
            ratios = [t / o for t, o in zip(theirs, own, strict=True)]
            timing.append(
                f"| `{c}` | {statistics.median(theirs):.3f} ({min(theirs):.3f}-"
                f"{max(theirs):.3f}) | {statistics.median(ratios):.3f} "
                f"({min(ratios):.3f}-{max(ratios):.3f}) |"
            )
        timing.append("")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# A year's partition: instructions an order (callgrind)",
            "",
            f"Measured {when} by `python benchmarks/partition_instructions.py --orders "
            f"{args.orders} --against {','.join(commits)}`: Python "
            f"{sys.version.split()[0]}, valgrind's callgrind. One Parquet partition of "
            f"{args.orders:,} generated orders received in 2025-{MONTH:02d} "
            f"(`generate_orders(seed={7 + MONTH})`, as the year's partitions), compared "
            "under chengdong, xiayang and daye on the columnar path by "
            "`run_partition` (the task each of the year's partitions is): the "
            "instructions of the second run (the first warms), divided by the orders. "
            "Reading, the history check, judging and folding the comparison are all "
            "counted; the workers' start-up and Dask's own work are not.",
            "",
            "Instructions are counted, not timed: the same to about 1 % from run to run, "
            "where this machine's speed drifts by 10-20 %. An instruction is not a fixed "
            "time; the year's minutes are in [distributed](distributed.md).",
            "",
            *rows,
            *timing,
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
