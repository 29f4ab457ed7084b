"""Engine benchmark: orders per second end to end, on one core and on two, against
durable-rules' own rate on the same facts, and memory over a long stream.

For each built-in pack, on the same seeded orders (about six events each, written
as JSON Lines), measured in one run so that the ratios hold whatever else the shared
machine is doing (the load average is recorded with each pack):

* end to end, one core: ``evaluate_many(lines, pack)``: read a line, validate it into
  a ``WorkOrder``, assess it (a chunk's facts matched in one durable-rules session),
  serialise the assessment to JSON (``BatchResult.to_json``). Wall time, and orders
  per CPU-second of this process (less sensitive to other work on the machine);
* per order: ``evaluate(WorkOrder.model_validate_json(line), pack).model_dump_json()``,
  the single-order API (one durable-rules session per order);
* two processes: ``evaluate_many(..., processes=2)``, assessments back as JSON;
* bounds, on the same orders: validating the lines alone (``model_validate_json``);
  durable-rules alone posting each order's full facts in a session of its own
  (``DurableAdapter.run``: the ceiling of an engine that posts every fact); and
  durable-rules as the engine now uses it (the facts projected on what the rules
  read, one session per chunk of 256 orders, equal facts posted once);
* memory: a fresh process streams all the orders through ``evaluate_many`` and
  reports its resident memory every twentieth of the way (flat memory: the same
  figure from the first sample to the last).

Run: ``python benchmarks/engine_bench.py [--orders N]``; the rates use the first
``--rate-orders`` orders (default 20,000), the memory run all ``N`` (``--memory-seconds``
stops it early; the page then says how far it got). Writes ``docs/benchmarks/engine.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import resource
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
CHUNK = 256


def make_order(rng: random.Random, n: int, all_units: bool = False) -> dict[str, Any]:
    """A realistic order: dispatch, sign, contact, reply, callback, close; some detours.

    The order lists the units it involves (the centre and the handling unit), or with
    ``all_units`` the street's whole directory of 23 units (the inputs of earlier runs).
    """
    t = dt.datetime(2024, 1, 2, 8, 0, tzinfo=CST) + dt.timedelta(minutes=rng.randrange(525_000))
    handler = rng.choice(UNITS[1:])
    unit = handler["id"]

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
        "units": UNITS if all_units else [UNITS[0], handler],
        "events": events,
    }


def write_orders(path: Path, count: int, all_units: bool = False) -> None:
    rng = random.Random(20261122)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(make_order(rng, n, all_units), ensure_ascii=False) + "\n")


class Clock:
    """Wall time, CPU time of this process and of its reaped children, and the load."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.children = _children_cpu()
        self.load = os.getloadavg()[0]

    def rate(self, count: int) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu + _children_cpu() - self.children
        return {
            "count": count,
            "per_s": count / wall,
            "per_cpu_s": count / cpu,
            "load": (self.load + os.getloadavg()[0]) / 2,
        }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_core(lines: list[bytes], pack: Any) -> dict[str, float]:
    from grievance_rules.engine import evaluate_many

    clock = Clock()
    count = sum(1 for r in evaluate_many(lines, pack) if r.to_json() is not None)
    return clock.rate(count)


def per_order(lines: list[bytes], pack: Any) -> dict[str, float]:
    from grievance_rules.engine import evaluate
    from grievance_rules.model import WorkOrder

    clock = Clock()
    for line in lines:
        evaluate(WorkOrder.model_validate_json(line), pack).model_dump_json()
    return clock.rate(len(lines))


def two_processes(lines: list[bytes], pack: Any) -> dict[str, float]:
    from grievance_rules.engine import evaluate_many

    clock = Clock()
    results = evaluate_many(lines, pack, processes=2, chunk_size=CHUNK)
    count = sum(1 for r in results if r.to_json() is not None)
    return clock.rate(count)


def serialisation_alone(lines: list[bytes], pack: Any) -> dict[str, float]:
    """Serialising the assessments alone (``BatchResult.to_json``), assessed untimed."""
    from grievance_rules.engine import evaluate_many

    results = list(evaluate_many(lines, pack))
    clock = Clock()
    for result in results:
        result.to_json()
    return clock.rate(len(results))


def cold(pack: Any) -> Any:
    """The pack with its calendar's deadline memo emptied: each measurement starts cold."""
    pack.calendar().clear_deadline_cache()
    return pack


def validation_alone(lines: list[bytes]) -> dict[str, float]:
    from grievance_rules.model import WorkOrder

    clock = Clock()
    for line in lines:
        WorkOrder.model_validate_json(line)
    return clock.rate(len(lines))


def durable_bounds(lines: list[bytes], pack: Any) -> tuple[dict[str, float], dict[str, float]]:
    """durable-rules alone: full facts a session per order; as the engine uses it."""
    from grievance_rules.engine._durable import get_adapter
    from grievance_rules.engine.evaluate import _engine, _last_instant, _match
    from grievance_rules.engine.facts import build_facts
    from grievance_rules.model import WorkOrder

    engine = _engine(pack)
    adapter = get_adapter()
    orders = [WorkOrder.model_validate_json(line) for line in lines]
    full = []
    projected = []
    for order in orders:
        facts = build_facts(order, _last_instant(order))
        full.append([facts.order, *facts.events])
        projected.append(build_facts(order, _last_instant(order), engine.properties))
    clock = Clock()
    for batch in full:
        adapter.run(engine.ruleset, batch)
    each = clock.rate(len(full))
    clock = Clock()
    for start in range(0, len(projected), CHUNK):
        _match(engine, projected[start : start + CHUNK])
    chunked = clock.rate(len(projected))
    return each, chunked


MEMORY_CODE = """
import itertools, json, os, sys, time
from grievance_rules.engine import evaluate_many
from grievance_rules.packs import find_pack
path, name, total, every, limit = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
pack = find_pack(name)
pack.calendar()
def memory(key):
    with open('/proc/self/status') as status:
        return next(int(l.split()[1]) for l in status if l.startswith(key)) / 1024
def sample(done, elapsed):
    print(json.dumps({'done': done, 'seconds': elapsed, 'rss': memory('VmRSS'),
                      'peak': memory('VmHWM'), 'load': os.getloadavg()[0]}), flush=True)
sample(0, 0.0)  # the pack loaded, its calendar built
start = time.perf_counter()
done = 0
with open(path, 'rb') as lines:
    for result in evaluate_many(itertools.islice(lines, int(total)), pack):
        result.to_json()
        done += 1
        if done % int(every) == 0 or done == total:
            elapsed = time.perf_counter() - start
            sample(done, elapsed)
            if limit and elapsed > limit:
                break
"""


def memory_run(path: Path, pack: str, total: int, limit: float) -> list[dict[str, float]]:
    """RSS of a fresh process streaming ``total`` orders, sampled 20 times."""
    every = max(1, total // 20)
    command = [sys.executable, "-c", MEMORY_CODE, str(path), pack, str(total), str(every)]
    out = subprocess.run([*command, str(limit)], capture_output=True, text=True, check=True)
    samples = [json.loads(line) for line in out.stdout.splitlines()]
    for sample in samples:
        print(pack, sample, flush=True)
    return samples


def _report(label: str, result: dict[str, float]) -> dict[str, float]:
    print(
        f"  {label}: {result['per_s']:,.0f}/s wall, {result['per_cpu_s']:,.0f}/cpu-s, "
        f"load {result['load']:.2f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000, help="orders in the memory run")
    parser.add_argument("--rate-orders", type=int, default=20_000, help="orders for the rates")
    parser.add_argument("--packs", default="chengdong,xiayang,daye")
    parser.add_argument("--memory-packs", default=None, help="packs of the memory run (all)")
    parser.add_argument("--memory-seconds", type=float, default=0, help="stop it after this")
    parser.add_argument("--all-units", action="store_true", help="23 units on every order")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args()

    from grievance_rules.packs import find_pack

    packs = args.packs.split(",")
    memory_packs = args.memory_packs.split(",") if args.memory_packs else packs
    rate_count = min(args.orders, args.rate_orders)
    rows: list[dict[str, Any]] = []
    memory: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        write_orders(path, args.orders, args.all_units)
        with path.open("rb") as source:
            lines = list(itertools.islice(source, rate_count))
        events = sum(len(json.loads(line)["events"]) for line in lines) / len(lines)
        size = sum(len(line) for line in lines) / len(lines)
        for name in packs:
            print(name, flush=True)
            pack = find_pack(name)
            one_core(lines[:500], pack)  # compile the pack, build its calendar
            row: dict[str, Any] = {"pack": name}
            row["one"] = _report("end to end, one core", one_core(lines, cold(pack)))
            row["each"] = _report("per order", per_order(lines, cold(pack)))
            row["two"] = _report("two processes", two_processes(lines, cold(pack)))
            row["read"] = _report("validation alone", validation_alone(lines))
            row["write"] = _report("serialisation alone", serialisation_alone(lines, pack))
            each, chunked = durable_bounds(lines, pack)
            row["durable_each"] = _report("durable, a session per order", each)
            row["durable_chunk"] = _report("durable, as the engine uses it", chunked)
            rows.append(row)
        for name in memory_packs:
            memory[name] = memory_run(path, name, args.orders, args.memory_seconds)
    write_page(args, rows, memory, rate_count, events, size)


def write_page(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    memory: dict[str, list[dict[str, float]]],
    rate_count: int,
    events: float,
    size: float,
) -> None:
    def rate(figure: dict[str, float]) -> str:
        return f"{figure['per_s']:,.0f}"

    lines = [
        "# Engine benchmark",
        "",
        "Written by `python benchmarks/engine_bench.py` (do not edit by hand).",
        "",
        f"- machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with other work: the load average (1 minute) is "
        "given with each figure; ratios are taken within this run",
        f"- versions: grievance-rules {version('grievance-rules')}, durable-rules "
        f"{version('durable-rules')}, pydantic {version('pydantic')}",
        f"- inputs: seeded orders as JSON Lines, {events:.1f} events each on average "
        "(dispatch, sign, contact, reply, callback, close; some continuations and redos), "
        + (
            "23 units listed on every order (the street's directory)"
            if args.all_units
            else "each listing the units it involves (the centre and the handling unit)"
        )
        + f", {size:,.0f} bytes a line; rates on the first {rate_count:,}, memory over "
        f"{args.orders:,}",
        "- end to end: JSON line → WorkOrder → assessment → assessment JSON, through "
        "`evaluate_many` (one durable-rules session per chunk of 256 orders)",
        "- per order: `evaluate(WorkOrder.model_validate_json(line), pack)"
        ".model_dump_json()` (one session per order)",
        "- 2 processes: `evaluate_many(..., processes=2)`, assessments back as JSON bytes",
        "- each measurement starts with the calendar's deadline memo empty "
        "(`clear_deadline_cache`); the memory run's fresh process fills it as a nightly "
        "batch would",
        "- per CPU-second: orders per CPU-second of the measuring process (for 2 processes: "
        "of the parent and its workers together); less sensitive than wall time to other "
        "work on the machine. Two processes can only beat one when the second core is free",
        "",
        "## Throughput (orders a second)",
        "",
        "| pack | end to end, 1 core | per CPU-second | per order (`evaluate`) | 2 processes "
        "| 2 processes, per CPU-second | 2 processes ÷ 1 core | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        one, two = row["one"], row["two"]
        load = max(row[key]["load"] for key in ("one", "each", "two"))
        lines.append(
            f"| {row['pack']} | {rate(one)} | {one['per_cpu_s']:,.0f} | {rate(row['each'])} "
            f"| {rate(two)} | {two['per_cpu_s']:,.0f} | {two['per_s'] / one['per_s']:.2f} "
            f"| {load:.2f} |"
        )
    lines += [
        "",
        "## Bounds on the same orders (orders a second)",
        "",
        "durable-rules alone, full facts: `DurableAdapter.run` of each order's facts in a "
        "session of its own (the ceiling of an engine that posts every fact, as this one "
        "did). As the engine uses it: the facts cut down to the properties the pack's "
        "patterns read, one session per chunk of 256 orders, equal facts posted once "
        "(every pattern tests one fact, so a fact's matches do not depend on the others).",
        "",
        "| pack | validation alone | durable-rules alone, full facts, a session per order "
        "| durable-rules as the engine uses it | end to end ÷ validation alone "
        "| end to end ÷ durable full facts | load |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        one = row["one"]["per_s"]
        read, each, chunk = row["read"], row["durable_each"], row["durable_chunk"]
        load = max(figure["load"] for figure in (read, each, chunk))
        lines.append(
            f"| {row['pack']} | {rate(read)} | {rate(each)} | {rate(chunk)} "
            f"| {one / read['per_s']:.2f} | {one / each['per_s']:.2f} | {load:.2f} |"
        )
    lines += [
        "",
        "## What the goal leaves for the rules (microseconds an order, one core)",
        "",
        "The goal of 10,000 orders a second per core is 100 µs an order, end to end. Three "
        "stages cost the same whatever the rules do: validating the line into a `WorkOrder` "
        "(pydantic), durable-rules matching its facts (as the engine uses it) and "
        "serialising the assessment (`BatchResult.to_json`). Each is measured alone on the "
        "same orders; what is left of the end-to-end time is the rules' own work in Python "
        "(facts, clocks on the calendar, conditions, findings with their traces).",
        "",
        "| pack | validation | durable-rules | serialisation | the three | most orders/s "
        "they allow | end to end | left for the rules | rules' share | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        read, match, write = (
            1e6 / row[key]["per_cpu_s"] for key in ("read", "durable_chunk", "write")
        )
        fixed = read + match + write
        total = 1e6 / row["one"]["per_cpu_s"]
        load = max(row[key]["load"] for key in ("one", "read", "durable_chunk", "write"))
        lines.append(
            f"| {row['pack']} | {read:,.0f} | {match:,.0f} | {write:,.0f} | {fixed:,.0f} "
            f"| {1e6 / fixed:,.0f} | {total:,.0f} | {total - fixed:,.0f} "
            f"| {(total - fixed) / total:.0%} | {load:.2f} |"
        )
    lines += [
        "",
        "(Per CPU-second of this process, so that other work on the machine weighs less.)",
        "",
        "## Memory over the stream",
        "",
        "A fresh process streams the orders through `evaluate_many` (1 process) and "
        "serialises each assessment; its resident memory (VmRSS) and peak (VmHWM, its own "
        "high-water mark: `ru_maxrss` would report the size of the parent it was started "
        "from) every twentieth of the way.",
        "",
        "| pack | orders | seconds | orders/s so far | RSS | peak RSS | load |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, samples in memory.items():
        for sample in samples:
            so_far = f"{sample['done'] / sample['seconds']:,.0f}" if sample["seconds"] else ""
            lines.append(
                f"| {name} | {sample['done']:,} | {sample['seconds']:,.0f} "
                f"| {so_far} | {sample['rss']:.1f} MiB "
                f"| {sample['peak']:.1f} MiB | {sample['load']:.2f} |"
            )
        if samples and samples[-1]["done"] < args.orders:
            lines.append(
                f"| {name} | stopped after {args.memory_seconds:,.0f} s of {args.orders:,} "
                "| | | | | |"
            )
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
