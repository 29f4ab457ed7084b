"""Benchmark: reading and validating a JSON Lines file of work orders.

Generates N orders (default 1,000,000) of about six events each, deterministically,
into a temporary file; then, in a fresh process each, measures:

* ``read``: ``iter_orders`` streaming the file (validation + history checks),
  orders per second and peak RSS, with RSS sampled along the way (flat memory);
* ``validate``: ``WorkOrder.model_validate_json`` alone on each line (no history check);
* ``json.loads``: the standard library parsing each line, nothing else: the floor
  for any pure-Python reader of the file;
* ``read_lines``: iterating the file's lines and doing nothing.

Usage::

    python benchmarks/reading_bench.py                 # 1,000,000 orders
    python benchmarks/reading_bench.py --orders 100000 --stages read
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--stages", default="read,validate,json.loads,read_lines")
    parser.add_argument("--file", type=Path, help="reuse or keep this file")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage
    args = parser.parse_args()

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
