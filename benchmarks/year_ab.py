"""Months of the synthetic year compared on two workers: this checkout against a commit.

``distributed_bench.py --year`` writes the 10,000,000-order year by month
(``--year-folder`` keeps it) and compares it once, on this checkout. This script
compares the months found in such a folder (``m01``, ``m02``, ...) on a fresh
2-worker ``LocalCluster`` made as the library's own (``cluster_client``, with the
variant's ``LOCAL_WORKER_CONFIG``, or without Dask's statistical profiler for a commit
from before it), as the year is compared (``compare_dataset(...,
[chengdong, xiayang, daye], path="columnar")``, columnar, the workers' start-up
not counted), once on this checkout and once on a git worktree of ``--against``,
in turn (``--rounds`` pairs, the order swapped each round), each in a fresh process
whose workers import that variant. It prints the wall-clock seconds of each run, the
orders and what 10,000,000 orders would take at that rate (**extrapolated** from the
months run, labelled so). The first run of a cluster includes the workers' loading
and compiling the packs, as the year's first run does.

Run:
    python benchmarks/year_ab.py /tmp/year10m --against 60423a5 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_bench import ROOT, baseline_worktree, run_python

DRIVER = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    import dask
    from distributed import Client, LocalCluster
    from grievance_rules.distributed import compare_dataset
    from grievance_rules.reading.parquet import parquet_partitions
    folder = Path(sys.argv[1])
    months = sorted(p for p in folder.glob("m[0-9][0-9]") if p.is_dir())
    partitions = [p for month in months for p in parquet_partitions(month)]
    load = os.getloadavg()[0]
    # the library's local cluster (grievance_rules.distributed.cluster_client) as it is
    # made, written out so that a commit from before it runs on the same kind of cluster;
    # its configuration the variant's own (LOCAL_WORKER_CONFIG, where it has one), so
    # that a change to it is part of what is compared
    try:
        from grievance_rules.distributed import LOCAL_WORKER_CONFIG as config
    except ImportError:  # (a commit from before it: no profiler, as cluster_client had)
        config = {"distributed.worker.profile.enabled": False}
    with dask.config.set(dict(config)):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    with cluster, Client(cluster) as client:
        start = time.perf_counter()
        result = compare_dataset(partitions, ["chengdong", "xiayang", "daye"], client=client,
                                 path="columnar")
        wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "orders": result.inputs, "assessed": result.assessed,
                      "partitions": len(partitions), "months": len(months), "load": load}))
    """
)


def run(src: Path, folder: Path) -> dict[str, float]:
    found: dict[str, float] = json.loads(run_python(src, DRIVER, [str(folder)]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--against", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = baseline_worktree(args.against, Path(tmp) / args.against)
        variants = [("this checkout", ROOT / "src"), (args.against, other)]
        try:
            for round_ in range(args.rounds):
                for label, src in variants if round_ % 2 == 0 else variants[::-1]:
                    found = run(src, args.folder)
                    rate = found["orders"] / found["wall"]
                    print(
                        f"round {round_ + 1} {label}: {found['wall']:.1f} s for "
                        f"{found['orders']:,.0f} orders ({found['partitions']:,.0f} partitions, "
                        f"{found['months']:.0f} months; load before {found['load']:.2f}): "
                        f"{rate:,.0f} orders/s; 10,000,000 orders at this rate: "
                        f"{10_000_000 / rate / 60:.1f} min (extrapolated)",
                        flush=True,
                    )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other.parent)],
                check=False,
                capture_output=True,
            )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
