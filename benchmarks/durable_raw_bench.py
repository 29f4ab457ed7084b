"""durable-rules raw rate: orders of 6 facts through 8 single-fact rules, directly and
through the adapter.

(a) durable-rules as its documentation uses it: the ruleset written with
    ``durable.lang``, the process host from ``durable.lang.get_host()`` (its two
    wall-clock timer threads running, as they always do), ``assert_facts`` of an order's
    facts in a session of its own, then ``delete_state``; each action appends the rule
    name to a list.
(b) the same ruleset (the JSON ``durable.lang`` produces, without actions) through
    ``grievance_rules.engine._durable``: ``DurableAdapter.match_facts`` per order (one
    session per order, as in (a)).
(c) (b) from 4 threads at once (the adapter holds one lock; durable never releases the GIL).
(d) ``match_facts`` over chunks of ``--chunk`` orders, one session per chunk (what the
    engine's durable backend does, without its posting equal facts once).

Each order: dispatched, signed_for, first_contact, replied, callback, closed, each with
type/at/unit as plain JSON (and an ``id`` for (a); the adapter numbers facts itself);
8 rules, each over one fact (the only rules the adapter takes, the only ones the pack
compiler emits): one per type, two filtered. Every path must report the same matches per
order. Best of ``--repeat`` runs of ``--orders`` orders each, the paths alternating.

Run: ``python benchmarks/durable_raw_bench.py [--quick]``. Writes
``docs/benchmarks/durable.md`` (or ``--out``) and prints the same figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from durable.lang import get_host, m, ruleset, when_all

from grievance_rules.engine._durable import get_adapter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "durable.md"
NAME = "bench_raw_orders"
TYPES = ("dispatched", "signed_for", "first_contact", "replied", "callback", "closed")

fired: list[str] = []


def record(rule: str) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        fired.append(rule)

    action.__name__ = rule
    return action


def define() -> dict[str, Any]:
    """Register the ruleset with durable.lang; return its JSON definition without actions."""
    rules = ruleset(NAME)
    with rules:
        for kind in TYPES:
            when_all(m.type == kind)(record(kind))
        when_all((m.type == "replied") & (m.unit == "u1"))(record("replied_by_u1"))
        when_all((m.type == "callback") & (m.at > "2024-03-01T13:00"))(record("late_callback"))
    _, definition = rules.define()
    return {
        # durable.lang names rules r_0, r_1 …; the action's name is clearer
        rule["run"].__name__: {k: v for k, v in rule.items() if k != "run"}
        for rule in definition.values()
    }


def make_orders(count: int) -> list[list[dict[str, Any]]]:
    return [
        [
            {
                "type": kind,
                "at": f"2024-03-01T{9 + k:02d}:{n % 60:02d}",
                "unit": f"u{n % 5}",
                "id": f"{n}-{k}",
            }
            for k, kind in enumerate(TYPES)
        ]
        for n in range(count)
    ]


def raw_pass(host: Any, orders: list[list[dict[str, Any]]], tag: str) -> tuple[float, list[int]]:
    counts: list[int] = []
    start = time.perf_counter()
    for n, order in enumerate(orders):
        sid = f"{tag}-{n}"
        before = len(fired)
        host.assert_facts(NAME, [{**fact, "sid": sid} for fact in order])
        host.delete_state(NAME, sid)
        counts.append(len(fired) - before)
    return time.perf_counter() - start, counts


def without_ids(orders: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The orders' facts as the adapter takes them: it numbers the facts itself."""
    return [[{k: v for k, v in fact.items() if k != "id"} for fact in order] for order in orders]


def adapter_pass(compiled: Any, orders: list[list[dict[str, Any]]]) -> tuple[float, list[int]]:
    adapter = get_adapter()
    start = time.perf_counter()
    counts = [sum(map(len, adapter.match_facts(compiled, order))) for order in orders]
    return time.perf_counter() - start, counts


def chunked_pass(
    compiled: Any, orders: list[list[dict[str, Any]]], chunk: int
) -> tuple[float, list[int]]:
    adapter = get_adapter()
    counts: list[int] = []
    start = time.perf_counter()
    for first in range(0, len(orders), chunk):
        part = orders[first : first + chunk]
        names = adapter.match_facts(compiled, [fact for order in part for fact in order])
        at = 0
        for order in part:
            counts.append(sum(map(len, names[at : at + len(order)])))
            at += len(order)
    return time.perf_counter() - start, counts


def threaded_pass(compiled: Any, orders: list[list[dict[str, Any]]], threads: int) -> float:
    adapter = get_adapter()
    barrier = threading.Barrier(threads + 1)

    def work(part: list[list[dict[str, Any]]]) -> None:
        barrier.wait()
        for order in part:
            adapter.match_facts(compiled, order)

    workers = [threading.Thread(target=work, args=(orders[k::threads],)) for k in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer orders (a smoke run)")
    parser.add_argument("--orders", type=int, default=None, help="orders per run (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per path, best kept")
    parser.add_argument("--chunk", type=int, default=256, help="orders per session in (d)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args()
    count = args.orders or (2000 if args.quick else 10000)
    load = os.getloadavg()[0]
    orders = make_orders(count)
    plain = without_ids(orders)

    definition = define()
    host = get_host()  # starts durable's two timer threads, as every durable.lang user gets
    compiled = get_adapter().compile("bench@raw", definition)

    raw_best = adapter_best = threaded_best = chunked_best = float("inf")
    for rep in range(args.repeat):
        raw_time, raw_counts = raw_pass(host, orders, f"r{rep}")
        adapter_time, adapter_counts = adapter_pass(compiled, plain)
        chunked_time, chunked_counts = chunked_pass(compiled, plain, args.chunk)
        if not raw_counts == adapter_counts == chunked_counts:
            raise SystemExit("durable.lang and the adapter disagree on the matches")
        threaded_time = threaded_pass(compiled, plain, threads=4)
        raw_best = min(raw_best, raw_time)
        adapter_best = min(adapter_best, adapter_time)
        threaded_best = min(threaded_best, threaded_time)
        chunked_best = min(chunked_best, chunked_time)
    activations = sum(raw_counts) / count

    rows = [
        ("(a) durable.lang host: assert_facts + delete_state per order", count / raw_best),
        ("(b) adapter: DurableAdapter.match_facts per order", count / adapter_best),
        ("(c) (b) from 4 threads (one lock)", count / threaded_best),
        (f"(d) adapter: match_facts per {args.chunk} orders", count / chunked_best),
    ]
    base = rows[0][1]
    lines = [
        "# durable-rules benchmark",
        "",
        "Written by `python benchmarks/durable_raw_bench.py` (do not edit by hand).",
        "",
        f"- machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (the other core may be busy with other work; load average"
        f" {load:.2f} at the start)",
        f"- versions: durable-rules {version('durable-rules')}, "
        f"grievance-rules {version('grievance-rules')}",
        f"- inputs: {count} orders of 6 facts (type/at/unit, and id for (a)), 8 rules over "
        f"one fact each (6 by type, 2 filtered), {activations:.1f} matches per order; "
        f"best of {args.repeat} runs, the paths alternating",
        "- (a) runs durable's Python layer (actions via `Closure`/`Promise`, state JSON "
        "round trip per action) with `get_host()`'s timer threads polling; "
        "(b) to (d) drive durable's C extension directly, see "
        "`grievance_rules.engine._durable`",
        "- ratio: the row's rate divided by (a)",
        "",
        "| path | orders/s | µs per order | ratio |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {label} | {rate:,.0f} | {1e6 / rate:.1f} | {rate / base:.2f}× |" for label, rate in rows
    ]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
