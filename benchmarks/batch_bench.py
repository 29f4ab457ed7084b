"""Batch benchmark: the per-order engine against columnar evaluation, on the same orders.

On ``--orders`` seeded orders (``grievance_rules.samples.generator``, written once
as JSON Lines), in one process, measured in CPU seconds of that process
(``time.process_time``), rounds interleaved (per-order, then columnar, per pack):

* **per order**: ``evaluate_each(lines, [plan])``, every assessment built (the
  engine's own path, ``check_history`` on), as it runs and with Python's cyclic
  garbage collector paused around the call (the columnar path pauses it itself);
* **columnar**: ``evaluate_columnar(lines, plan)`` and its findings written to an
  Arrow table (``findings.to_arrow()``); the orders are validated into
  ``WorkOrder`` s exactly as the per-order path validates them;
* **validation alone**: ``to_orders(lines)``, the JSON Lines parsed and validated
  into ``WorkOrder`` s, which both paths pay: the ceiling of any ratio from JSON Lines;
* **columnar from Parquet**: the same orders written once, untimed, as a Parquet
  dataset of the long layout by the project's writer (``write_parquet``, one
  partition); timed from opening the files to the findings as an Arrow table:
  ``iter_parquet_orders(folder)`` (each order validated and its history checked by
  the reader, as every reader's are), then ``evaluate_columnar(records, plan,
  check_history=False)`` on the reader's ``Accepted`` records, as ``score`` reads
  them (what a record vouches for, its history checked and its integers within 64
  bits, is not checked again) and ``findings.to_arrow()``; every record must be
  accepted;
* **reading Parquet alone**: ``iter_parquet_orders(folder)`` into ``WorkOrder`` s,
  the ceiling of any ratio from Parquet;
* **compare** under the three packs: ``evaluate_each(lines, plans)`` against
  ``evaluate_columnar_each(lines, plans)`` (each order validated once), and from
  Parquet, the dataset read once then ``evaluate_columnar_each(records, plans,
  check_history=False)``.

* **phases** of the columnar path, on the validated orders (collector paused): the
  history check, the cut to ``as_of`` and the flat frame (``build_frame``), the
  batch matcher (``match_flat``), the rest of ``evaluate_columnar`` (kernels, the
  per-order fallback, the findings table) and the findings to Arrow; and both paths
  from ``WorkOrder`` s (validation left out of both), for the ratio a reader that
  does not validate JSON would see.

* **phases of the Parquet run**, per pack (collector paused for the rest, as the
  columnar path pauses it): reading the dataset into ``WorkOrder`` s, then the rest
  (``evaluate_columnar`` on them and the findings to Arrow).

After timing, the findings of the per-order path are compared order by order (rule,
kind, unit, state, start, due, stop, level, points) with those of the columnar path
from JSON Lines and from Parquet, per pack and under ``compare``; the mismatches are
reported with the orders and rules the columnar path sent to the per-order engine,
and any mismatch (or a Parquet record rejected) fails the run after the report is
written. The machine's load average is recorded before and after.

Run: ``python benchmarks/batch_bench.py [--orders N] [--rounds R]``. Writes
``docs/benchmarks/batch.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from grievance_rules.columnar import ColumnarResult, evaluate_columnar, evaluate_columnar_each
from grievance_rules.columnar.batch import to_orders
from grievance_rules.columnar.findings import rows_of_assessment
from grievance_rules.columnar.frame import Frame, build_frame
from grievance_rules.columnar.matching import FlatMatch, match_flat
from grievance_rules.engine import BatchResult, PackPlan, evaluate_each, plan_for
from grievance_rules.model import ensure_coherent
from grievance_rules.reading.parquet import iter_parquet_orders
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.reading.results import Accepted
from grievance_rules.samples.generator import generate_lines

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "batch.md"
PACKS = ("chengdong", "xiayang", "daye")


def _cpu(work: Callable[[], Any], *, paused: bool = False) -> tuple[float, Any]:
    """CPU seconds of ``work`` (with the cyclic collector paused if asked).

    A full collection runs first, untimed, so that no measurement pays for garbage
    an earlier one left (a collection the previous call's allocations made due).
    """
    gc.collect()
    if paused:
        gc.disable()
    try:
        start = time.process_time()
        result = work()
        return time.process_time() - start, result
    finally:
        gc.enable()


def _tables(results: list[ColumnarResult]) -> list[ColumnarResult]:
    """``results``, each pack's findings made an Arrow table (as a pack's own run makes it).

    Until 2026-12-06 (commit 06e2e27) the compare runs stopped at the findings table in Python
    (``FindingRows``), while each pack's run went on to Arrow: compare's ratio left
    out a cost its packs' ratios paid.
    """
    for result in results:
        result.findings.to_arrow()
    return results


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    points = None if isinstance(row[12], float) and math.isnan(row[12]) else row[12]
    return (row[0], row[3], row[2], row[5], row[6], row[7], row[8], row[9], row[10], points)


def _per_order_rows(results: list[Any]) -> list[tuple[Any, ...]]:
    rows = []
    for i, result in enumerate(results):
        rows.extend(rows_of_assessment(i, result.assessment, None, "per_order"))
    return sorted(_key(r) for r in rows)


def _mismatches(per_order: list[Any], columnar: Any) -> int:
    mine = sorted(_key(r) for r in columnar.findings)
    return len(set(mine) ^ set(_per_order_rows(per_order))) + abs(
        len(mine) - len(_per_order_rows(per_order))
    )


def _read_parquet(folder: Path) -> list[Accepted]:
    """The dataset's records, every one accepted (else the run fails)."""
    records = []
    for record in iter_parquet_orders(folder):
        if not isinstance(record, Accepted):
            raise SystemExit(f"Parquet record rejected: {record}")
        records.append(record)
    return records


def main() -> None:
    """Measure and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        path.write_text(
            "".join(line + "\n" for line in generate_lines(args.orders, seed=args.seed))
        )
        lines = path.read_bytes().splitlines()
        parquet = Path(tmp) / "parquet"
        written = write_parquet(to_orders(lines), parquet)  # the same orders, as Parquet
        assert written == len(lines)
        _measure(args, lines, parquet, load_before)


def _measure(args: argparse.Namespace, lines: list[bytes], parquet: Path, load_before: Any) -> None:
    plans = [plan_for(name) for name in PACKS]
    # warm both paths (plans, calendars, timelines, the pyarrow import, the Parquet reader)
    for plan in plans:
        list(evaluate_each(lines[:50], [plan]))
        evaluate_columnar(lines[:50], plan).findings.to_arrow()
    _read_parquet(parquet)
    n = len(lines)
    times: dict[str, list[float]] = {}
    checks: dict[str, Any] = {}
    for _round in range(args.rounds):
        seconds, _ = _cpu(lambda: to_orders(lines), paused=True)
        times.setdefault("validation", []).append(seconds)
        seconds, _ = _cpu(lambda: _read_parquet(parquet))
        times.setdefault("parquet reading", []).append(seconds)
        for plan in plans:
            name = plan.pack.manifest.id

            def each(plan: PackPlan = plan) -> list[BatchResult]:
                return [row[0] for row in evaluate_each(lines, [plan])]

            seconds, per_order = _cpu(each)
            times.setdefault(f"{name} per-order", []).append(seconds)
            seconds, _ = _cpu(each, paused=True)
            times.setdefault(f"{name} per-order paused", []).append(seconds)

            def columnar(plan: Any = plan) -> Any:
                result = evaluate_columnar(lines, plan)
                result.findings.to_arrow()
                return result

            seconds, result = _cpu(columnar)
            times.setdefault(f"{name} columnar", []).append(seconds)

            def from_parquet(plan: Any = plan) -> Any:
                result = evaluate_columnar(_read_parquet(parquet), plan, check_history=False)
                result.findings.to_arrow()
                return result

            seconds, from_pq = _cpu(from_parquet)
            times.setdefault(f"{name} parquet", []).append(seconds)
            checks[name] = (per_order, result, from_pq)
        seconds, compared_per_order = _cpu(lambda: list(evaluate_each(lines, plans)))
        times.setdefault("compare per-order", []).append(seconds)
        seconds, _ = _cpu(lambda: list(evaluate_each(lines, plans)), paused=True)
        times.setdefault("compare per-order paused", []).append(seconds)
        seconds, compared = _cpu(lambda: _tables(evaluate_columnar_each(lines, plans)))
        times.setdefault("compare columnar", []).append(seconds)
        seconds, compared_pq = _cpu(
            lambda: _tables(
                evaluate_columnar_each(_read_parquet(parquet), plans, check_history=False)
            )
        )
        times.setdefault("compare parquet", []).append(seconds)
    compare_checks = [
        ([row[k] for row in compared_per_order], compared[k], compared_pq[k])
        for k in range(len(plans))
    ]
    phases = _phases(lines, plans)
    parquet_phases = _parquet_phases(parquet, plans)
    load_after = os.getloadavg()
    report = _report(
        args, n, times, checks, compared, load_before, load_after, phases, parquet_phases,
        compare_checks,
    )  # fmt: skip
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(report)
    bad = {
        f"{name} {which}": count
        for name, (per_order, result, from_pq) in zip(
            [*PACKS, *(f"compare/{p}" for p in PACKS)],
            [*checks.values(), *compare_checks],
            strict=True,
        )
        for which, count in (
            ("JSON Lines", _mismatches(per_order, result)),
            ("Parquet", _mismatches(per_order, from_pq)),
        )
        if count
    }
    if bad:
        raise SystemExit(f"columnar findings differ from the per-order ones: {bad}")


def _parquet_phases(parquet: Path, plans: list[Any]) -> dict[str, dict[str, float]]:
    """CPU seconds of the Parquet run's phases, per pack: reading, then the rest."""
    out: dict[str, dict[str, float]] = {}
    for plan in plans:
        reading, orders = _cpu(lambda: _read_parquet(parquet))

        def rest(plan: Any = plan, orders: list[Accepted] = orders) -> None:
            evaluate_columnar(orders, plan, check_history=False).findings.to_arrow()

        evaluating, _ = _cpu(rest)
        out[plan.pack.manifest.id] = {"reading": reading, "rest": evaluating}
    reading, orders = _cpu(lambda: _read_parquet(parquet))
    evaluating, _ = _cpu(
        lambda: _tables(evaluate_columnar_each(orders, plans, check_history=False))
    )
    out["compare"] = {"reading": reading, "rest": evaluating}
    return out


def _least_cpu(work: Callable[[], Any], times: int = 3) -> tuple[float, Any]:
    """The least CPU seconds of ``times`` runs of ``work`` (collector paused), and its result.

    A phase's one-off timing varies by more than the smaller phases cost on a shared
    machine; the kernels are what is left of the total when the frame and the matcher
    are taken off, so each of those three is its least of a few runs.
    """
    runs = [_cpu(work, paused=True) for _ in range(times)]
    return min(seconds for seconds, _result in runs), runs[-1][1]


def _phases(lines: list[bytes], plans: list[Any]) -> dict[str, dict[str, float]]:
    """CPU seconds of each phase of the columnar path, per pack (collector paused)."""
    out: dict[str, dict[str, float]] = {}
    seconds, orders = _cpu(lambda: to_orders(lines), paused=True)
    history, _ = _cpu(lambda: [ensure_coherent(o) for o in orders], paused=True)
    for plan in plans:
        # each pack's frame and matcher afresh: a frame keeps what the matcher read
        framing, _ = _least_cpu(lambda: build_frame(orders, None))
        fresh = [build_frame(orders, None) for _ in range(3)]

        def matcher(plan: PackPlan = plan, fresh: list[Frame] = fresh) -> FlatMatch:
            frame = fresh.pop()
            return match_flat(plan, frame.views, frame=frame)

        def columnar(plan: PackPlan = plan) -> ColumnarResult:
            return evaluate_columnar(orders, plan, check_history=False)

        def each(plan: PackPlan = plan) -> list[BatchResult]:
            return [row[0] for row in evaluate_each(orders, [plan])]

        matching, _ = _least_cpu(matcher)
        total, result = _least_cpu(columnar)

        def to_arrow(result: ColumnarResult = result) -> object:
            return result.findings.to_arrow()

        arrow, _ = _cpu(to_arrow, paused=True)
        per_order, _ = _cpu(each, paused=True)
        out[plan.pack.manifest.id] = {
            "validation": seconds,
            "history": history,
            "frame": framing,
            "matcher": matching,
            "kernels": total - framing - matching,
            "arrow": arrow,
            "per_order": per_order,
        }
    return out


# The same phases measured before the whole-batch kernels (commit 9f60592, 2026-12-01,
# load average about 1): a profiling harness timing each step of evaluate_columnar on
# the same 20,000 orders as WorkOrders, collector paused. CPU seconds.
BEFORE = {
    "chengdong": {"history": 0.51, "frame": 0.36, "matcher": 1.09, "clocks": 1.41,
                  "conditions": 1.33, "total": 5.25, "per_order": 20_000 / 1_865},
    "xiayang": {"history": 0.54, "frame": 0.35, "matcher": 0.83, "clocks": 2.30,
                "conditions": 0.91, "total": 5.40, "per_order": 20_000 / 1_210},
    "daye": {"history": 0.59, "frame": 0.31, "matcher": 0.97, "clocks": 1.35,
             "conditions": 2.22, "total": 6.02, "per_order": 20_000 / 1_747},
}  # fmt: skip


def _report(
    args: argparse.Namespace,
    n: int,
    times: dict[str, list[float]],
    checks: dict[str, Any],
    compared: list[Any],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    phases: dict[str, dict[str, float]],
    parquet_phases: dict[str, dict[str, float]],
    compare_checks: list[Any],
) -> str:
    def rate(key: str) -> float:
        return n / statistics.median(times[key])

    lines = [
        "# Batch benchmark: per-order engine and columnar evaluation",
        "",
        f"Measured {dt.date.today().isoformat()} by `python benchmarks/batch_bench.py "
        f"--orders {args.orders} --rounds {args.rounds}` (seed {args.seed}): Python "
        f"{platform.python_version()}, numpy {version('numpy')}, pyarrow "
        f"{version('pyarrow')}, {os.cpu_count()} cores shared with other work. Load "
        f"average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}. Figures are orders per "
        "CPU-second of the measuring process (median of the rounds); the ratios hold "
        "better than the absolute figures on a loaded machine.",
        "",
        "Both paths read the same JSON Lines and validate every order into a "
        "`WorkOrder`; validation alone (collector paused, as in the columnar path) runs "
        f"at **{rate('validation'):,.0f} orders/CPU-s**, which bounds any ratio from JSON "
        "Lines. The columnar path pauses Python's cyclic garbage collector while it "
        "builds a batch; the per-order path is measured as it runs (collector on) and, "
        "for a like-for-like ratio, with the collector paused around the whole call.",
        "",
        "The same orders are also written once (untimed) as a Parquet dataset of the "
        "long layout (`write_parquet`, one partition: orders, events and units tables); "
        "*from Parquet* is timed from opening those files to the findings as an Arrow "
        "table: `iter_parquet_orders` (each order validated and its history checked by "
        "the reader) then `evaluate_columnar(records, ..., check_history=False)` on the "
        "reader's `Accepted` records (what they vouch for, a checked history and "
        "integers within 64 bits, is not checked again) and "
        "`findings.to_arrow()`; for compare, `evaluate_columnar_each` and each pack's "
        "findings to Arrow (the columnar runs from JSON Lines make the same tables). "
        "Ratios are to the per-order path from JSON Lines in the same run. "
        "*Mismatches* compare the findings with the per-order ones on every "
        "order (JSON Lines / Parquet); any mismatch fails the run.",
        "",
        "| run | per-order | per-order, collector paused | columnar from JSON Lines | ratio "
        "| ratio to paused | columnar from Parquet | ratio | ratio to paused | orders sent "
        "per order | findings | mismatches |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, key: str, sent: str, findings: int, wrong: str) -> str:
        per, paused_ = rate(f"{key} per-order"), rate(f"{key} per-order paused")
        jsonl, pq = rate(f"{key} columnar"), rate(f"{key} parquet")
        return (
            f"| {label} | {per:,.0f} | {paused_:,.0f} | {jsonl:,.0f} | {jsonl / per:.2f}× | "
            f"{jsonl / paused_:.2f}× | {pq:,.0f} | {pq / per:.2f}× | {pq / paused_:.2f}× | "
            f"{sent} | {findings:,} | {wrong} |"
        )

    for name in PACKS:
        per_order, result, from_pq = checks[name]
        lines.append(
            row(
                name,
                name,
                f"{result.per_order_orders:,} ({result.per_order_orders / n:.1%})",
                len(result.findings),
                f"{_mismatches(per_order, result)} / {_mismatches(per_order, from_pq)}",
            )
        )
    sent = sum(r.per_order_orders for r in compared)
    lines.append(
        row(
            "compare (3 packs)",
            "compare",
            f"{sent:,} (order-packs)",
            sum(len(r.findings) for r in compared),
            f"{sum(_mismatches(p, j) for p, j, _ in compare_checks)} / "
            f"{sum(_mismatches(p, q) for p, _, q in compare_checks)}",
        )
    )
    validation = rate("validation")
    reading = rate("parquet reading")

    def ratio(name: str, source: str = "columnar") -> float:
        return rate(f"{name} {source}") / rate(f"{name} per-order paused")

    lines += [
        "",
        "## Reading the figures",
        "",
        "The issue's goals are ≥ 10× per pack from Parquet (findings as tables) and ≥ 10× "
        "for `compare` under three packs. From Parquet, against the per-order path "
        "with the collector paused, "
        + (
            ", ".join(f"{name} reaches it" for name in reached_pq)
            if (reached_pq := [k for k in (*PACKS, "compare") if ratio(k, "parquet") >= 10])
            else "no run reaches it"
        )
        + "; from JSON Lines, "
        + (
            ", ".join(f"{name} reaches it" for name in reached)
            if (reached := [k for k in (*PACKS, "compare") if ratio(k) >= 10])
            else "no run reaches it"
        )
        + ". Reading the Parquet dataset into `WorkOrder` s alone runs at "
        f"**{reading:,.0f} orders/CPU-s** (the reader checks each history too, with the "
        f"collector on as it runs: {reading / validation:.2f}× validating the JSON Lines "
        "alone), which bounds any ratio from Parquet (see *The Parquet run* below). With "
        "the collector paused, validating the JSON Lines into `WorkOrder` s alone is "
        + ", ".join(
            f"{rate(f'{name} columnar') / validation:.0%} of {name}'s columnar time"
            for name in PACKS
        )
        + f" and {rate('compare columnar') / validation:.0%} of compare's (kernels "
        "costing nothing would allow "
        + ", ".join(
            f"{name} {validation / rate(f'{name} per-order paused'):.1f}×" for name in PACKS
        )
        + f", compare {validation / rate('compare per-order paused'):.1f}× against the "
        "per-order path with the collector paused). The rest is split in *Where the time "
        "goes* below: the kernels find starts, stops, extensions, pauses and event "
        "conditions by searches over the batch's flat arrays of kept events; what is "
        "left per order is model work the package reuses as it is (validating, checking "
        "each history, cutting each order to `as_of`, reading each event for the "
        "matcher), stand-in starts, calendar deadlines other than office time, windows, "
        "deductions and conditions on clocks, and the orders sent to the per-order "
        "engine.",
        "",
        "## What went per order",
        "",
        "Per pack, the rules the per-order engine evaluated on some orders, and on how "
        "many (a rule with no kernel, or an order a kernel cannot evaluate exactly: a "
        "pause, a provisional day, ...). Every other rule and order was "
        "evaluated by the kernels.",
        "",
    ]
    for name in PACKS:
        _, result, _ = checks[name]
        rules = result.summary()["rules"]
        kernelled = sum(1 for c in rules.values() if c["kernel"])
        lines.append(f"* **{name}**: {kernelled} of {len(rules)} rules have a kernel.")
        for rule_id, c in rules.items():
            if c["per_order"]:
                why = c["reason"] or "orders the kernel could not evaluate exactly"
                lines.append(f"  * `{rule_id}` ({c['kind']}): {c['per_order']:,} orders ({why})")
    lines += [
        "",
        "## Where the time goes",
        "",
        "CPU seconds per phase on the same orders, collector paused, measured after the "
        "table above in the same process. *Validation* parses and validates the JSON "
        "Lines (both paths pay it); the rest is `evaluate_columnar` on the validated "
        "orders: the *history* check, the *cut* to `as_of` with the flat frame of kept "
        "events (`columnar.frame`), the batch *matcher*, then the *kernels* (with the "
        "per-order fallback and the findings table), and the findings to *Arrow*. "
        "*From WorkOrders* compares both paths without validation (the per-order "
        "engine on the same `WorkOrder` s, collector paused). The frame, the matcher "
        "and `evaluate_columnar` are each the least of three runs, per pack; the "
        "*kernels* are that total less the frame and the matcher (one-off timings of "
        "these varied by more than the kernels of a pack cost).",
        "",
        "| pack | validation | history | cut + frame | matcher | kernels | to Arrow | "
        "columnar from WorkOrders | per-order from WorkOrders | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in PACKS:
        p = phases[name]
        columnar = p["history"] + p["frame"] + p["matcher"] + p["kernels"] + p["arrow"]
        lines.append(
            f"| {name} | {p['validation']:.2f} | {p['history']:.2f} | {p['frame']:.2f} | "
            f"{p['matcher']:.2f} | {p['kernels']:.2f} | {p['arrow']:.2f} | "
            f"{columnar:.2f} s ({n / columnar:,.0f}/s) | {p['per_order']:.2f} s "
            f"({n / p['per_order']:,.0f}/s) | {p['per_order'] / columnar:.1f}× |"
        )
    lines += [
        "",
        "## The Parquet run",
        "",
        "CPU seconds of the columnar path from Parquet, measured after the tables above "
        "in the same process: *reading* is `iter_parquet_orders` into `WorkOrder` s (the "
        "Arrow tables read, each order's cells made Python values, validated by the "
        "model and its history checked); *the rest* is `evaluate_columnar` on those "
        "orders (`evaluate_columnar_each` for compare) with the findings to Arrow. "
        "*Bound* is what the path would reach against the per-order path (collector "
        "paused) if the rest cost nothing.",
        "",
        "| run | reading | the rest | total | reading's share | bound |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in (*PACKS, "compare"):
        p = parquet_phases[name]
        total = p["reading"] + p["rest"]
        lines.append(
            f"| {name} | {p['reading']:.2f} s | {p['rest']:.2f} s | {total:.2f} s "
            f"({n / total:,.0f}/s) | {p['reading'] / total:.0%} | "
            f"{n / p['reading'] / rate(f'{name} per-order paused'):.1f}× |"
        )
    lines += [
        "",
        "Before the whole-batch kernels (commit 9f60592, the same 20,000 orders as "
        "`WorkOrder` s, a profiling harness around each step, load average about 1; "
        "*conditions* are escalations, deductions, records, windows, the per-order "
        "fallback and the sort):",
        "",
        "| pack | history | cut | matcher | clocks | conditions | total | per-order | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in PACKS:
        b = BEFORE[name]
        lines.append(
            f"| {name} | {b['history']:.2f} | {b['frame']:.2f} | {b['matcher']:.2f} | "
            f"{b['clocks']:.2f} | {b['conditions']:.2f} | {b['total']:.2f} s "
            f"({20_000 / b['total']:,.0f}/s) | {b['per_order']:.2f} s | "
            f"{b['per_order'] / b['total']:.1f}× |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
