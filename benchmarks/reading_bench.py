"""Benchmark: reading and validating a JSON Lines file of work orders.

Generates N orders (default 1,000,000) of about six events each, deterministically,
into a temporary file; then, in a fresh process each, measures:

* ``read``: ``iter_orders`` streaming the file (validation + history checks),
  orders per second and peak RSS, with RSS sampled along the way (flat memory);
* ``validate``: ``WorkOrder.model_validate_json`` alone on each line (no history check);
* ``json.loads``: the standard library parsing each line, nothing else: the floor
  for any pure-Python reader of the file;
* ``read_lines``: iterating the file's lines and doing nothing.

With ``--parquet``, Parquet against JSON Lines instead: ``generate_orders(N,
seed=2024)`` (default N 20,000) written as ``sample`` writes them (JSON Lines by
``generate_lines``; Parquet by ``write_parquet``, as ``sample --format parquet``),
then, in a fresh process each and ``--rounds`` times, orders per CPU-second
(``time.process_time``, every thread of the process; imports before the clock):

* ``jsonl``: ``iter_orders`` on the JSON Lines file;
* ``parquet``: ``iter_parquet_orders`` on the Parquet folder;
* ``baseline``: the same with the whole package as at ``--baseline`` (``git archive``
  of its ``src``, put first on ``PYTHONPATH``): reader, model and history check as they were;
* ``phases``: the current reader's phases timed one by one (pyarrow read,
  grouping by order, to Python, assembling, pydantic validation, history check).

Usage::

    python benchmarks/reading_bench.py                 # 1,000,000 orders
    python benchmarks/reading_bench.py --orders 100000 --stages read
    python benchmarks/reading_bench.py --parquet       # 20,000 orders, 3 rounds
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: the baseline stage runs on an older package
    from grievance_rules.reading.results import RecordResult

UNITS = [
    {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
    {"id": "qzx", "name": "区投诉中心", "kind": "district_centre"},
]
HANDLERS = [
    {"id": f"c{i:02d}", "name": f"第{i}社区", "kind": "village_community",
     "leaders": {"party_secretary": None, "liaison_leader": None}}
    for i in range(1, 18)
] + [
    {"id": f"s{i:02d}", "name": f"第{i}办公室", "kind": "street_office",
     "leaders": {"leader_in_charge": None}}
    for i in range(1, 9)
]  # fmt: skip
CHANNELS = ["hotline_12345", "provincial_hotline", "app", "wechat", "grid_staff"]
CATEGORIES = ["consultation", "help_request", "complaint", "report", "suggestion"]
SAT = ["satisfied", "basically_satisfied", "dissatisfied"]
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


def make_order(i: int, rng: random.Random) -> dict[str, object]:
    """One order: dispatch, sign-for, contact, reply, callback, close; ~1 % broken."""
    received = BASE + dt.timedelta(minutes=rng.randrange(0, 525_600))
    handler = rng.choice(HANDLERS)
    t = received

    def step(lo: int, hi: int) -> dt.datetime:
        nonlocal t
        t = t + dt.timedelta(minutes=rng.randrange(lo, hi))
        return t

    events: list[dict[str, object]] = [
        {"type": "dispatched", "at": _iso(step(5, 60)), "unit": "dzb", "to_unit": handler["id"]},
        {"type": "signed_for", "at": _iso(step(1, 120)), "unit": handler["id"]},
        {"type": "first_contact", "at": _iso(step(1, 240)), "unit": handler["id"],
         "method": "phone"},
    ]  # fmt: skip
    if rng.random() < 0.1:
        events.append({"type": "continuation", "at": _iso(step(60, 600)), "unit": handler["id"],
                       "committed_deadline": _iso(t + dt.timedelta(days=5))})  # fmt: skip
    events.append(
        {"type": "replied", "at": _iso(step(60, 4000)), "unit": handler["id"],
         "evidence": [{"kind": "photo", "ref": f"p{i}.jpg"}] if rng.random() < 0.8 else []}
    )  # fmt: skip
    events.append(
        {"type": "callback", "at": _iso(step(60, 1440)), "unit": "dzb", "round": 1,
         "resolved": rng.random() < 0.8, "process_satisfaction": rng.choice(SAT),
         "result_satisfaction": rng.choice(SAT)}
    )  # fmt: skip
    events.append({"type": "closed", "at": _iso(step(1, 60)), "unit": "dzb"})
    broken = rng.random()
    if broken < 0.005:
        events[4], events[3] = events[3], events[4]  # callback before reply, out of order
    elif broken < 0.01:
        received = received.replace(tzinfo=None)  # a naive timestamp
    return {
        "id": f"2024{i:09d}",
        "channel": rng.choice(CHANNELS),
        "category": rng.choice(CATEGORIES),
        "urgency": "normal",
        "received_at": received.isoformat(),
        "reply_deadline": (received + dt.timedelta(days=5)).isoformat(),
        "complainant": f"p{rng.randrange(200_000)}",
        "issue": f"i{rng.randrange(50_000)}",
        "units": [*UNITS, handler],
        "events": events,
    }


def generate(path: Path, n: int, seed: int = 12345) -> tuple[float, int]:
    """Write n orders; return the seconds taken and the file size."""
    rng = random.Random(seed)
    start = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps(make_order(i, rng), ensure_ascii=False))
            out.write("\n")
    return time.perf_counter() - start, path.stat().st_size


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage(name: str, path: Path, n: int) -> dict[str, object]:
    """Run one stage in this process; return its measurements."""
    samples: list[tuple[int, float]] = []
    every = max(n // 10, 1)
    rss_before = _rss_mib()
    start = time.perf_counter()
    counts = {"accepted": 0, "rejected": 0}
    if name == "read":
        from grievance_rules.reading import iter_orders

        for k, result in enumerate(iter_orders(path, "jsonl"), 1):
            counts["accepted" if result.ok else "rejected"] += 1
            if k % every == 0:
                samples.append((k, round(_rss_mib(), 1)))
    elif name == "validate":
        from pydantic import ValidationError

        from grievance_rules.model import WorkOrder

        with path.open("rb") as lines:
            for k, line in enumerate(lines, 1):
                try:
                    WorkOrder.model_validate_json(line)
                    counts["accepted"] += 1
                except ValidationError:
                    counts["rejected"] += 1
                if k % every == 0:
                    samples.append((k, round(_rss_mib(), 1)))
    elif name == "json.loads":
        with path.open("rb") as lines:
            for line in lines:
                json.loads(line)
                counts["accepted"] += 1
    elif name == "read_lines":
        with path.open("rb") as lines:
            for _line in lines:
                counts["accepted"] += 1
    else:
        raise SystemExit(f"unknown stage {name}")
    seconds = time.perf_counter() - start
    total = counts["accepted"] + counts["rejected"]
    return {
        "stage": name,
        "orders": total,
        **counts,
        "seconds": round(seconds, 2),
        "orders_per_second": round(total / seconds),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "rss_samples": samples,
    }


# --- Parquet against JSON Lines (issue 17) ------------------------------------------------

PARQUET_STAGES = ("jsonl", "parquet", "baseline", "phases")


def _cpu() -> float:
    return time.process_time()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _baseline_tree(rev: str, folder: Path) -> Path:
    """The package's ``src`` as it was at ``rev`` (``git archive``), unpacked into ``folder``."""
    import tarfile

    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


class _Clock:
    """CPU seconds spent per phase: ``with clock("phase"): ...`` adds the block's."""

    def __init__(self, phases: tuple[str, ...]) -> None:
        self.spent = dict.fromkeys(phases, 0.0)
        self.phase = ""
        self.start = 0.0

    def __call__(self, phase: str) -> _Clock:
        self.phase = phase
        return self

    def __enter__(self) -> None:
        self.start = _cpu()

    def __exit__(self, *_exc: object) -> None:
        self.spent[self.phase] += _cpu() - self.start


def _phases(folder: Path) -> dict[str, float]:
    """CPU seconds of each phase of the current reader, its steps run by hand one by one."""
    import pyarrow.parquet as pq

    import grievance_rules.reading.parquet as parquet
    import grievance_rules.reading.parquet_cells as parquet_cells
    from grievance_rules.model import WorkOrder, check_history

    clock = _Clock(("pyarrow read", "grouping by order", "to Python (dicts)",
                    "assembling orders", "pydantic validation", "history check"))  # fmt: skip
    for part in parquet.parquet_partitions(folder):
        with clock("pyarrow read"):
            events = parquet._read_table(part.events, parquet.EVENT_COLUMNS, "events")
            units = parquet._read_table(part.units, parquet.UNIT_COLUMNS, "units")
            handle = pq.ParquetFile(part.orders)
            ids = handle.read(columns=["id"]).column("id").to_pylist()
        position = {order_id: row for row, order_id in enumerate(ids)}
        with clock("grouping by order"):
            by_events = parquet._by_order(events, position, len(ids))
            by_units = parquet._by_order(units, position, len(ids))
        names = [n for n in handle.schema_arrow.names if n in parquet.ORDER_COLUMNS]
        shared = parquet._Units()
        batches = iter(handle.iter_batches(batch_size=4096, columns=names))
        first = 0
        while True:
            with clock("pyarrow read"):
                batch = next(batches, None)
            if batch is None:
                break
            with clock("to Python (dicts)"):
                rows = parquet_cells.table_cells(batch, names, False).rows
                last = first + len(rows)
                cells, _rows = by_events.part(first, last, by_type=True)
                unit_cells, _rows = by_units.part(first, last, units=shared)
            with clock("assembling orders"):
                e0, u0 = by_events.bounds[first], by_units.bounds[first]
                for i, obj in enumerate(rows, first):
                    low, high = by_events.bounds[i] - e0, by_events.bounds[i + 1] - e0
                    obj["events"] = cells.rows[low:high]
                    low, high = by_units.bounds[i] - u0, by_units.bounds[i + 1] - u0
                    obj["units"] = unit_cells.rows[low:high]
            for obj in rows:  # one at a time, as the reader does: nothing kept
                with clock("pydantic validation"):
                    order = WorkOrder.model_validate(obj)
                with clock("history check"):
                    check_history(order)
            first = last
    return {phase: round(seconds, 3) for phase, seconds in clock.spent.items()}


def _high_water_mib() -> float:
    """This process's peak RSS (``VmHWM``: unlike ``ru_maxrss``, not the parent's before exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover


def _warm_up() -> None:
    """Read five orders both ways first: Arrow's and pydantic's one-time set-up off the clock."""
    from grievance_rules.reading import iter_orders
    from grievance_rules.reading.parquet import iter_parquet_orders
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_lines, generate_orders

    with tempfile.TemporaryDirectory() as tmp:
        write_parquet(generate_orders(5, seed=1), tmp)
        assert sum(1 for _r in iter_parquet_orders(tmp)) == 5
        lines = io.BytesIO("\n".join(generate_lines(5, seed=1)).encode())
        assert sum(1 for _r in iter_orders(lines, "jsonl")) == 5


def parquet_stage(name: str, folder: Path, jsonl: Path) -> dict[str, object]:
    """One stage of the Parquet comparison, in this process, imports done before the clock.

    The ``baseline`` stage is the ``parquet`` stage run with the baseline's package first
    on ``PYTHONPATH`` (see :func:`parquet_main`).
    """
    import pyarrow.parquet  # noqa: F401  (imported before the clock, as every stage's libraries)

    from grievance_rules.reading import iter_orders
    from grievance_rules.reading.parquet import iter_parquet_orders

    _warm_up()
    if name == "phases":
        load = _load()
        spent = _phases(folder)
        return {"stage": name, "cpu_seconds": spent, "load_before": load, "load_after": _load()}
    # iter_orders gives an OrderStream, iter_parquet_orders an iterator: both iterables
    records: Callable[[], Iterable[RecordResult]]
    if name == "jsonl":
        records = lambda: iter_orders(jsonl, "jsonl")  # noqa: E731
    elif name in ("parquet", "baseline"):
        records = lambda: iter_parquet_orders(folder)  # noqa: E731
    else:
        raise SystemExit(f"unknown stage {name}")
    load = _load()
    start = _cpu()
    wall = time.perf_counter()
    counts = {"accepted": 0, "rejected": 0}
    for result in records():
        counts["accepted" if result.ok else "rejected"] += 1
    cpu = _cpu() - start
    total = counts["accepted"] + counts["rejected"]
    import grievance_rules

    return {
        "stage": name,
        "package": str(Path(grievance_rules.__file__).parent.parent),
        **counts,
        "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(time.perf_counter() - wall, 3),
        "orders_per_cpu_second": round(total / cpu),
        "peak_rss_mib": round(_high_water_mib(), 1),
        "load_before": load,
        "load_after": _load(),
    }


def parquet_main(args: argparse.Namespace) -> None:
    """Write the orders both ways, then each stage in a fresh process, ``rounds`` times."""
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_lines, generate_orders

    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "orders.jsonl"
        folder = Path(tmp) / "orders.parquet.d"
        with jsonl.open("w", encoding="utf-8") as out:  # what `sample` writes
            for line in generate_lines(args.orders, seed=args.seed):
                out.write(line + "\n")
        write_parquet(
            generate_orders(args.orders, seed=args.seed), folder
        )  # `sample --format parquet`
        size = sum(p.stat().st_size for p in folder.iterdir())
        mib = jsonl.stat().st_size / 2**20
        print(f"{args.orders:,} orders (seed {args.seed}): JSON Lines {mib:.1f} MiB, "
              f"Parquet {size / 2**20:.1f} MiB; load {_load()}")  # fmt: skip
        stages = [s for s in args.stages.split(",") if s in PARQUET_STAGES]
        envs = {name: dict(os.environ) for name in stages}
        if "baseline" in stages:
            old = _baseline_tree(args.baseline, Path(tmp) / "baseline")
            envs["baseline"]["PYTHONPATH"] = os.pathsep.join(
                [str(old), os.environ.get("PYTHONPATH", "")]
            )
            print(f"baseline: the package as at {args.baseline}")
        for round_number in range(1, args.rounds + 1):
            for name in stages:
                env = envs[name]
                result = subprocess.run(
                    [sys.executable, __file__, "--parquet-stage", name, "--folder", str(folder),
                     "--file", str(jsonl)],
                    check=True, capture_output=True, text=True, env=env,
                )  # fmt: skip
                print(json.dumps({"round": round_number, **json.loads(result.stdout)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--stages", default="read,validate,json.loads,read_lines")
    parser.add_argument("--file", type=Path, help="reuse or keep this file")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage
    parser.add_argument(
        "--parquet", action="store_true",
        help="Parquet against JSON Lines instead: generate_orders(--orders, seed=--seed) "
        "written by write_parquet and generate_lines; stages jsonl,parquet,baseline,phases",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="9a8d4b8", help="git revision of the old package")
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--parquet-stage", help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()

    if args.parquet_stage:
        print(json.dumps(parquet_stage(args.parquet_stage, args.folder, args.file)))
        return
    if args.parquet:
        if args.orders == 1_000_000:
            args.orders = 20_000
        if args.stages == "read,validate,json.loads,read_lines":
            args.stages = ",".join(PARQUET_STAGES)
        parquet_main(args)
        return

    if args.stage:
        print(json.dumps(stage(args.stage, args.file, args.orders)))
        return

    import pydantic
    import pydantic_core

    print(f"python {platform.python_version()}, pydantic {pydantic.VERSION}, "
          f"pydantic-core {pydantic_core.__version__}, {platform.platform()}, "
          f"{os.cpu_count()} CPUs: {platform.processor() or platform.machine()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "orders.jsonl"
        if not path.exists():
            seconds, size = generate(path, args.orders)
            print(f"generated {args.orders:,} orders, {size / 2**20:,.0f} MiB, in {seconds:.1f} s")
        for name in args.stages.split(","):
            result = subprocess.run(
                [sys.executable, __file__, "--stage", name, "--file", str(path),
                 "--orders", str(args.orders)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            print(result.stdout.strip())


if __name__ == "__main__":
    main()
