"""Engine benchmark: orders per second end to end, on one core and on two, against
durable-rules' own rate on the same facts, and memory as the stream grows.

For each built-in pack, on the same seeded orders (about six events each, written
as JSON Lines):

* end to end, one core: read a line, validate it into a ``WorkOrder``, ``evaluate``,
  serialise the assessment to JSON;
* end to end, two processes: ``evaluate_many(..., processes=2)`` over the lines;
* the ceiling: ``DurableAdapter.run`` alone on the same orders' facts (the
  durable-rules session, assert and delete; no time arithmetic, no validation).
  ``docs/benchmarks/durable.md`` compares the adapter with durable's own Python
  host on other facts;
* memory: peak RSS of a fresh process streaming N/4 and N orders (flat memory
  means the two are close).

Run: ``python benchmarks/engine_bench.py [--orders N]``; writes
``docs/benchmarks/engine.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "engine.md"
UNITS = [
    {"id": "ctr", "name": "党政办公室", "kind": "dispatch_centre"},
    *({"id": f"c{i:02d}", "name": f"社区{i}", "kind": "village_community"} for i in range(17)),
    *({"id": f"o{i}", "name": f"办公室{i}", "kind": "street_office"} for i in range(5)),
]
CST = dt.timezone(dt.timedelta(hours=8))


def make_order(rng: random.Random, n: int) -> dict[str, Any]:
    """A realistic order: dispatch, sign, contact, reply, callback, close; some detours."""
    t = dt.datetime(2024, 1, 2, 8, 0, tzinfo=CST) + dt.timedelta(minutes=rng.randrange(525_000))
    unit = rng.choice(UNITS[1:])["id"]

    def step(lo: int, hi: int) -> str:
        nonlocal t
        t += dt.timedelta(minutes=rng.randrange(lo, hi))
        return t.isoformat()

    received = t.isoformat()
    events: list[dict[str, Any]] = [
        {"type": "dispatched", "at": step(5, 60), "unit": "ctr", "to_unit": unit},
        {"type": "signed_for", "at": step(5, 900), "unit": unit},
        {"type": "first_contact", "at": step(5, 900), "unit": unit},
    ]
    if rng.random() < 0.08:
        events.append(
            {
                "type": "continuation",
                "at": step(60, 2000),
                "unit": unit,
                "committed_deadline": (t + dt.timedelta(days=7)).isoformat(),
            }
        )
    events.append(
        {
            "type": "replied",
            "at": step(60, 5000),
            "unit": unit,
            "evidence": [{"kind": "photo"}] if rng.random() < 0.8 else [],
        }
    )
    satisfied = rng.random() < 0.85
    events.append(
        {
            "type": "callback",
            "at": step(60, 2000),
            "unit": "ctr",
            "process_satisfaction": "satisfied" if satisfied else "dissatisfied",
            "result_satisfaction": "satisfied" if rng.random() < 0.9 else "dissatisfied",
            "resolved": rng.random() < 0.9,
        }
    )
    if not satisfied and rng.random() < 0.5:
        events.append(
            {
                "type": "redo_ordered",
                "at": step(60, 600),
                "unit": "ctr",
                "level": rng.choice(["district", "city"]),
            }
        )
    events.append({"type": "closed", "at": step(60, 3000), "unit": "ctr"})
    return {
        "id": f"B{n:07d}",
        "channel": rng.choice(["12345", "12345", "12345", "provincial_hotline", "app"]),
        "category": rng.choice(["complaint", "help_request", "consultation"]),
        "urgency": "urgent" if rng.random() < 0.05 else "normal",
        "received_at": received,
        "complainant": f"p{rng.randrange(5000)}",
        "issue": f"i{rng.randrange(3000)}",
        "units": UNITS,
        "events": events,
    }


def write_orders(path: Path, count: int) -> None:
    rng = random.Random(20261122)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(make_order(rng, n), ensure_ascii=False) + "\n")


def one_core(path: Path, pack_name: str) -> tuple[float, int]:
    from grievance_rules.engine import evaluate
    from grievance_rules.model import WorkOrder
    from grievance_rules.packs import find_pack

    pack = find_pack(pack_name)
    count = 0
    start = time.perf_counter()
    with path.open("rb") as lines:
        for line in lines:
            evaluate(WorkOrder.model_validate_json(line), pack).model_dump_json()
            count += 1
    return time.perf_counter() - start, count


def two_processes(path: Path, pack_name: str) -> tuple[float, int]:
    from grievance_rules.engine import evaluate_many

    start = time.perf_counter()
    with path.open("rb") as lines:
        results = evaluate_many(lines, pack_name, processes=2, chunk_size=500)
        count = sum(1 for r in results if r.assessment is not None)
    return time.perf_counter() - start, count


def ceiling(path: Path, pack_name: str) -> tuple[float, int]:
    from grievance_rules.engine._durable import get_adapter
    from grievance_rules.engine.compiler import compile_pack
    from grievance_rules.engine.facts import build_facts
    from grievance_rules.model import WorkOrder
    from grievance_rules.packs import find_pack

    compiled = compile_pack(find_pack(pack_name))
    adapter = get_adapter()
    ruleset = adapter.compile(f"{compiled.namespace}#{compiled.digest}", compiled.definition)
    batches = []
    with path.open("rb") as lines:
        for line in lines:
            order = WorkOrder.model_validate_json(line)
            facts = build_facts(order, max(e.at for e in order.events))
            batches.append([facts.order, *facts.events])
    start = time.perf_counter()
    for batch in batches:
        adapter.run(ruleset, batch)
    return time.perf_counter() - start, len(batches)


def peak_rss(path: Path, pack_name: str, count: int) -> float:
    """MiB of peak RSS of a fresh process streaming the first ``count`` orders."""
    code = (
        "import itertools, resource, sys\n"
        "from grievance_rules.engine import evaluate_many\n"
        f"lines = itertools.islice(open({str(path)!r}, 'rb'), {count})\n"
        f"n = sum(1 for r in evaluate_many(lines, {pack_name!r}) if r.assessment)\n"
        "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assessed, kib = out.stdout.split()
    assert int(assessed) == count
    return int(kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--packs", default="chengdong,xiayang,daye")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        write_orders(path, args.orders)
        events = sum(len(json.loads(line)["events"]) for line in path.open(encoding="utf-8"))
        for pack in args.packs.split(","):
            t1, n1 = one_core(path, pack)
            t2, n2 = two_processes(path, pack)
            tc, nc = ceiling(path, pack)
            small = peak_rss(path, pack, args.orders // 4)
            large = peak_rss(path, pack, args.orders)
            rows.append((pack, n1 / t1, n2 / t2, nc / tc, small, large))
            print(rows[-1], flush=True)
    load = os.getloadavg()[0]
    lines = [
        "# Engine benchmark",
        "",
        "Written by `python benchmarks/engine_bench.py` (do not edit by hand).",
        "",
        f"- machine: {platform.machine()}, Python {platform.python_version()}, 2 cores "
        f"(load average {load:.2f} at the end; other work may share the cores)",
        f"- versions: grievance-rules {version('grievance-rules')}, durable-rules "
        f"{version('durable-rules')}, pydantic {version('pydantic')}",
        f"- inputs: {args.orders:,} seeded orders as JSON Lines, {events / args.orders:.1f} "
        "events each on average (dispatch, sign, contact, reply, callback, close; some "
        "continuations and redos)",
        "- end to end: JSON line → WorkOrder → evaluate → assessment JSON",
        "- ceiling: durable-rules alone (DurableAdapter.run: session, assert, delete) on the "
        "same orders' facts",
        f"- memory: peak RSS of a fresh process streaming {args.orders // 4:,} and "
        f"{args.orders:,} orders through evaluate_many",
        "",
        "| pack | 1 core (orders/s) | 2 processes (orders/s) | durable-rules alone (orders/s) "
        "| 1 core ÷ ceiling | peak RSS, N/4 | peak RSS, N |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for pack, one, two, top, small, large in rows:
        lines.append(
            f"| {pack} | {one:,.0f} | {two:,.0f} | {top:,.0f} | {one / top:.2f} | "
            f"{small:.0f} MiB | {large:.0f} MiB |"
        )
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
