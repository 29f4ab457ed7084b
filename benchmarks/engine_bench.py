"""Engine benchmark: the compiled plan and its two matchers against the engine before it.

On the same seeded orders (``grievance_rules.samples``, written once as JSON Lines),
measured in one run so that the ratios hold whatever else the shared machine is doing:

* **variants**: ``native`` (this checkout, the default matcher), ``durable`` (this
  checkout, ``engine="durable"``) and ``baseline`` (the engine before the plan: commit
  ``--baseline``, checked out in a temporary git worktree and imported from there in
  its own processes, on durable-rules as it was);
* **end to end, one core**, per pack: ``evaluate_many(lines, pack)`` over the JSON
  Lines, every assessment serialised (``to_json``); orders per CPU-second of the
  measuring process;
* **two processes**: the same with ``processes=2``; orders per wall-clock second
  against one process's, same variant;
* **two processes at scale** (native, ``--scaling-orders``, more orders than the rest,
  so that starting the workers weighs less): one process, ``processes=2``, and, as the
  machine's own ceiling, two independent one-process runs side by side, each on half of
  the orders (orders per wall-clock second from the first one's start to the last one's
  end): what two cores give two processes that share nothing;
* **compare** under the three packs: ``compare(lines, packs)``, orders per CPU-second;
* **by name**: ``evaluate(order, "chengdong")`` against ``evaluate(order, pack)`` with
  the pack loaded once, per order (this checkout only: the baseline reloaded the
  pack on every call);
* **memory** (``--memory``, its own run): a fresh process per pack streams
  ``--memory-orders`` orders through ``evaluate_many`` (native) and reports its resident
  memory every tenth of the way (``docs/benchmarks/engine_memory.md``).

Every measurement runs in a fresh process. Within a round the variants of each cell
run one after the other, and each ratio is taken within the round (paired); the page
gives the median of ``--rounds`` with the least and greatest. Run:
``python benchmarks/engine_bench.py [--orders N] [--rounds R] [--scaling-orders S]``, and
``python benchmarks/engine_bench.py --memory [--memory-orders M] [--memory-jobs J]
[--duplicates reject|allow]``. Writes ``docs/benchmarks/engine.md`` and
``docs/benchmarks/engine_memory.md``.
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
import textwrap
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "engine.md"
PACKS = ("chengdong", "xiayang", "daye")
BASELINE = "e581a2e"
"""The last commit of the engine before the compiled plan (durable-rules matching)."""

DRIVER = textwrap.dedent(
    """
    import json, resource, sys, time
    mode, engine, pack_names, processes, path = sys.argv[1:6]
    packs = pack_names.split(",")
    lines = open(path, "rb").read().splitlines()
    kwargs = {} if engine == "baseline" else {"engine": engine}
    measured = {}  # figures a mode measures itself, replacing the common ones
    from pathlib import Path
    from grievance_rules.packs import find_pack
    loaded = [find_pack(Path(name) if "/" in name else name) for name in packs]
    if mode == "many":
        from grievance_rules.engine import evaluate_many
        list(evaluate_many(lines[:50], loaded[0], **kwargs))  # warm: calendar, plan
        cpu, wall = time.process_time(), time.perf_counter()
        n = 0
        for result in evaluate_many(lines, loaded[0], processes=int(processes), **kwargs):
            assert result.to_json() is not None, result.rejection
            n += 1
    elif mode in ("compare", "compare_auto"):
        from grievance_rules.scoring import compare
        if mode == "compare" and engine != "baseline":
            kwargs["path"] = "per-order"  # the engine, order by order
        compare(lines[:50], loaded, **kwargs)
        cpu, wall = time.process_time(), time.perf_counter()
        result = compare(lines, loaded, **kwargs)
        assert result.assessed == len(lines), result.rejections[:1]
        n = result.inputs
    elif mode == "by_name_paired":
        from grievance_rules.engine import evaluate
        from grievance_rules.model import WorkOrder
        orders = [WorkOrder.model_validate_json(line) for line in lines]
        targets = {"by_name": packs[0], "loaded": loaded[0]}
        for target in targets.values():
            for order in orders[:50]:
                evaluate(order, target, **kwargs)
        spent = {"by_name": 0.0, "loaded": 0.0}
        size = max(len(orders) // 4, 1)
        blocks = [orders[k:k + size] for k in range(0, len(orders), size)]
        wall = time.perf_counter()
        for rep in (0, 1):  # each block twice: once by name first, once loaded first
            for j, block in enumerate(blocks):
                first = (j + rep) % 2 == 0
                for which in ("by_name", "loaded") if first else ("loaded", "by_name"):
                    began = time.process_time()
                    for order in block:
                        evaluate(order, targets[which], **kwargs).model_dump_json()
                    spent[which] += time.process_time() - began
        n = len(orders) * 2  # each mode judged every order twice
        cpu = time.process_time()  # (the CPU time printed is by name's, from spent)
        measured = {"cpu": spent["by_name"], "cpu_loaded": spent["loaded"]}
    elif mode in ("by_name", "loaded"):
        from grievance_rules.engine import evaluate
        from grievance_rules.model import WorkOrder
        orders = [WorkOrder.model_validate_json(line) for line in lines]
        target = packs[0] if mode == "by_name" else loaded[0]  # a name, or the loaded pack
        for order in orders[:50]:
            evaluate(order, target, **kwargs)
        cpu, wall = time.process_time(), time.perf_counter()
        for order in orders:
            evaluate(order, target, **kwargs).model_dump_json()
        n = len(orders)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    ended = time.time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"n": n, "cpu": cpu, "wall": wall, "began": ended - wall, "ended": ended,
                      "children_cpu": kids.ru_utime + kids.ru_stime, **measured}))
    """
)

MEMORY = textwrap.dedent(
    """
    import json, sys, time
    from grievance_rules.engine import evaluate_many
    from grievance_rules.samples import generate_lines
    pack, total, duplicates = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    def rss():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    samples, start, rejected = [], time.perf_counter(), 0
    step = max(total // 10, 1)
    lines = generate_lines(total, seed=11, months=12)
    for k, result in enumerate(evaluate_many(lines, pack, duplicates=duplicates), start=1):
        if result.to_json() is None:
            rejected += 1
        if k % step == 0:
            samples.append({"orders": k, "rss_mib": round(rss(), 1), "rejected": rejected,
                            "seconds": round(time.perf_counter() - start, 1)})
    print(json.dumps(samples))
    """
)


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env["PYTHONHASHSEED"] = "0"
    return env


def run_python(src: Path, code: str, args: list[str]) -> str:
    """The last line ``code`` prints, run in a fresh process that imports ``src``."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=_env(src),
        check=True,
        capture_output=True,
        text=True,
        cwd=src.parent,
    )
    return out.stdout.strip().splitlines()[-1]


def run_driver(src: Path, args: list[str]) -> dict[str, float]:
    result: dict[str, float] = json.loads(run_python(src, DRIVER, args))
    return result


def baseline_worktree(commit: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(where), commit],
        check=True,
        capture_output=True,
    )
    return where / "src"


def side_by_side(src: Path, halves: list[list[str]]) -> dict[str, float]:
    """Drivers started together, one per argument list: their orders per wall-clock second.

    The wall-clock time runs from the first driver's start of timing to the last one's
    end, so a driver that started early and ran alone for a while gains nothing.
    """
    jobs = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, *args],
            env=_env(src),
            stdout=subprocess.PIPE,
            text=True,
            cwd=src.parent,
        )
        for args in halves
    ]
    found = []
    for job in jobs:
        out, _ = job.communicate()
        if job.returncode:
            raise subprocess.CalledProcessError(job.returncode, job.args)
        found.append(json.loads(out.strip().splitlines()[-1]))
    began, ended = min(r["began"] for r in found), max(r["ended"] for r in found)
    return {"n": sum(r["n"] for r in found), "wall": ended - began, "cpu": ended - began}


def write_orders(src: Path, path: Path, count: int) -> None:
    """The orders, written by the baseline's generator so that both sides read them."""
    code = (
        "import sys\nfrom grievance_rules.samples import generate_lines\n"
        "with open(sys.argv[1], 'w', encoding='utf-8') as out:\n"
        "    for line in generate_lines(int(sys.argv[2]), seed=20241201, months=12):\n"
        "        out.write(line + '\\n')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(count)], env=_env(src), check=True)


def _git(*args: str) -> str:
    found = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return found.stdout.strip()


def _commit() -> str:
    """The checkout's commit (short), with ``+changes`` when its files differ from it."""
    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return f"`{head or 'unknown'}`" + (" (+changes)" if dirty else "")


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r["n"] / r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--scaling-orders",
        type=int,
        default=12_000,
        help="orders for two processes at scale (native; 0: not measured)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="measure memory over a stream instead (docs/benchmarks/engine_memory.md)",
    )
    parser.add_argument("--memory-orders", type=int, default=1_000_000)
    parser.add_argument("--memory-jobs", type=int, default=1)
    parser.add_argument("--duplicates", choices=("reject", "allow"), default="reject")
    parser.add_argument("--memory-packs", default=",".join(PACKS))
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-durable", action="store_true")
    parser.add_argument(
        "--current-packs",
        action="store_true",
        help="each side its own built-in packs (default: both the baseline's pack files)",
    )
    args = parser.parse_args()
    if args.memory:
        measure_memory(args)
        return
    here = ROOT / "src"
    engines = ["native"] if args.no_durable else ["native", "durable"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base = baseline_worktree(args.baseline, tmp_path / "baseline")
        try:
            orders = tmp_path / "orders.jsonl"
            write_orders(base, orders, args.orders)
            scaled = tmp_path / "scaled.jsonl"
            halves = [tmp_path / "first-half.jsonl", tmp_path / "second-half.jsonl"]
            if args.scaling_orders:
                write_orders(base, scaled, args.scaling_orders)
                lines = scaled.read_text(encoding="utf-8").splitlines(keepends=True)
                middle = len(lines) // 2
                halves[0].write_text("".join(lines[:middle]), encoding="utf-8")
                halves[1].write_text("".join(lines[middle:]), encoding="utf-8")
            variants: list[tuple[str, Path, str]] = [(e, here, e) for e in engines]
            variants.append(("baseline", base, "baseline"))
            # every variant reads the same pack files: the baseline's, by path, unless
            # --current-packs (then each side its own built-in packs)
            spec = {
                pack: pack if args.current_packs else str(base.parent / "policies" / pack)
                for pack in PACKS
            }
            cells: dict[tuple[str, str, str], list[dict[str, float]]] = {}
            load = []
            for _ in range(args.rounds):
                load.append(os.getloadavg()[0])
                # variants side by side for each cell (pack, processes): the ratios are
                # taken within a round, between runs seconds apart (paired), so a slow
                # spell of the shared machine weighs on both sides of a ratio alike
                for pack in PACKS:
                    for label, src, engine in variants:
                        for processes in ("1", "2"):
                            cells.setdefault((label, pack, processes), []).append(
                                run_driver(
                                    src, ["many", engine, spec[pack], processes, str(orders)]
                                )
                            )
                every = ",".join(spec[pack] for pack in PACKS)
                for label, src, engine in variants:
                    cells.setdefault((label, "compare", "1"), []).append(
                        run_driver(src, ["compare", engine, every, "1", str(orders)])
                    )
                    if label == "native":  # the default path: columnar from 500 orders
                        cells.setdefault((label, "compare_auto", "1"), []).append(
                            run_driver(src, ["compare_auto", engine, every, "1", str(orders)])
                        )
                for mode in ("by_name", "loaded"):
                    cells.setdefault(("native", mode, "1"), []).append(
                        run_driver(here, [mode, "native", "chengdong", "1", str(orders)])
                    )
                cells.setdefault(("native", "by_name_paired", "1"), []).append(
                    run_driver(here, ["by_name_paired", "native", "chengdong", "1", str(orders)])
                )
                for pack in PACKS if args.scaling_orders else ():
                    # one process, two, and two independent processes on the halves
                    for processes in ("1", "2"):
                        cells.setdefault(("scaled", pack, processes), []).append(
                            run_driver(here, ["many", "native", spec[pack], processes, str(scaled)])
                        )
                    cells.setdefault(("scaled", pack, "apart"), []).append(
                        side_by_side(
                            here,
                            [["many", "native", spec[pack], "1", str(half)] for half in halves],
                        )
                    )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base.parent)],
                check=False,
                capture_output=True,
            )
    write_page(args, cells, load, [label for label, _, _ in variants])


def measure_memory(args: argparse.Namespace) -> None:
    """Each pack's streaming process, ``--memory-jobs`` at a time (resident memory
    does not depend on how busy the cores are)."""
    here = ROOT / "src"
    jobs: dict[str, subprocess.Popen[str]] = {}
    memory: dict[str, list[dict[str, float]]] = {}
    packs = [pack for pack in PACKS if pack in args.memory_packs.split(",")]
    pending = list(packs)
    while pending or jobs:
        while pending and len(jobs) < args.memory_jobs:
            pack = pending.pop(0)
            jobs[pack] = subprocess.Popen(
                [sys.executable, "-c", MEMORY, pack, str(args.memory_orders), args.duplicates],
                env=_env(here),
                stdout=subprocess.PIPE,
                text=True,
            )
        pack, job = next(iter(jobs.items()))
        out, _ = job.communicate()
        if job.returncode:
            raise SystemExit(f"memory run of {pack} failed ({job.returncode})")
        memory[pack] = json.loads(out)
        del jobs[pack]
    lines = [
        "# Engine benchmark: memory over a stream",
        "",
        f"Run {dt.date.today().isoformat()} by `python benchmarks/engine_bench.py --memory"
        f" --memory-orders {args.memory_orders} --duplicates {args.duplicates}"
        f" --memory-packs {','.join(packs)}`"
        f" on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" pydantic {version('pydantic')}.",
        "",
        f"A fresh process per pack streams {args.memory_orders:,} generated orders (twelve"
        " months, every id distinct) through `evaluate_many` (native, one process), every"
        " assessment serialised, and reports its resident memory (VmRSS) every tenth of"
        f' the way. `duplicates="{args.duplicates}"`: '
        + (
            "the batch keeps each id it has assessed, to reject a second record of it"
            " (`grievance_rules.engine.duplicates`), so memory grows by that index"
            if args.duplicates != "allow"
            else "no id is kept: what remains is the engine's own memory"
        )
        + ".",
        "",
        "| pack | " + " | ".join(f"{s['orders']:,}" for s in memory[packs[0]]) + " |",
        "|---|" + "---:|" * len(memory[packs[0]]),
    ]
    for pack in packs:
        lines.append(
            f"| {pack} (MiB) | " + " | ".join(f"{s['rss_mib']}" for s in memory[pack]) + " |"
        )
    lines.append("")
    for pack in packs:
        first, last = memory[pack][0], memory[pack][-1]
        grown = (last["rss_mib"] - first["rss_mib"]) * 1024 * 1024
        per = grown / max(last["orders"] - first["orders"], 1)
        lines.append(
            f"* {pack}: {first['rss_mib']} MiB after {first['orders']:,} orders,"
            f" {last['rss_mib']} MiB after {last['orders']:,} ({per:,.0f} bytes an order"
            f" in between); {last['rejected']:,} rejected; {last['seconds']:,} s in all."
        )
    page = OUT.with_name(f"engine_memory{'' if args.duplicates == 'reject' else '_allow'}.md")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def paired(
    a: list[dict[str, float]], b: list[dict[str, float]], key: str
) -> tuple[float, float, float]:
    """Median, least and greatest of the per-round ratios of ``a``'s rate to ``b``'s."""
    ratios = [(x["n"] / x[key]) / (y["n"] / y[key]) for x, y in zip(a, b, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def _ratio(found: tuple[float, float, float]) -> str:
    mid, low, high = found
    return f"**{mid:.2f}×** ({low:.2f}–{high:.2f})"


def write_page(
    args: argparse.Namespace,
    cells: dict[tuple[str, str, str], list[dict[str, float]]],
    load: list[float],
    labels: list[str],
) -> None:
    def cpu(label: str, what: str, processes: str = "1") -> float:
        return median_of(cells[(label, what, processes)], "cpu")

    def wall(label: str, what: str, processes: str) -> float:
        return median_of(cells[(label, what, processes)], "wall")

    def against(label: str, what: str, other: str = "baseline", mode: str = "") -> str:
        base = (other, mode or what, "1")
        return _ratio(paired(cells[(label, what, "1")], cells[base], "cpu"))

    lines = [
        "# Engine benchmark",
        "",
        f"Run {dt.date.today().isoformat()} by `python benchmarks/engine_bench.py "
        f"--orders {args.orders} --rounds {args.rounds}` at commit {_commit()}"
        f" on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" pydantic {version('pydantic')}"
        + (f", durable-rules {version('durable-rules')}" if "durable" in labels else "")
        + f"; load average at the start of each round: {', '.join(f'{x:.2f}' for x in load)}.",
        "",
        f"The same {args.orders:,} sample orders (JSON Lines, the seeded generator) under"
        f" each variant; `baseline` is commit `{args.baseline}` (the engine before the"
        " compiled plan, on durable-rules), imported from a temporary worktree in its own"
        " processes. "
        + (
            "Each side ran its own built-in packs."
            if args.current_packs
            else "Both sides ran the baseline's pack files (by path), so the ratios measure"
            " the engine, not changes to the packs."
        )
        + " Each measurement ran in a fresh process. Rates are the median of the rounds."
        " Ratios are paired: within each round the variants of a cell ran one after the"
        " other, seconds apart, and each round gives its own ratio; the figure is their"
        " median, with the least and greatest in brackets (the shared machine's speed"
        " drifts by more than the differences measured, between rounds minutes apart).",
        "",
        "## End to end from JSON Lines, one core (orders per CPU-second)",
        "",
        "| pack | " + " | ".join(labels) + " | native / baseline | durable / baseline |",
        "|---|" + "---:|" * (len(labels) + 2),
    ]
    for pack in PACKS:
        row = [f"{cpu(label, pack):,.0f}" for label in labels]
        ratio_d = against("durable", pack) if "durable" in labels else "—"
        lines.append(
            f"| {pack} | " + " | ".join(row) + f" | {against('native', pack)} | {ratio_d} |"
        )
    row = [f"{cpu(label, 'compare'):,.0f}" for label in labels]
    ratio_cd = against("durable", "compare") if "durable" in labels else "—"
    lines.append(
        "| compare, three packs, per order | "
        + " | ".join(row)
        + f" | {against('native', 'compare')} | {ratio_cd} |"
    )
    auto = cpu("native", "compare_auto")
    lines.append(
        "| compare, three packs, default path | "
        + " | ".join([f"{auto:,.0f}", *(["—"] * (len(labels) - 1))])
        + f" | {against('native', 'compare_auto', mode='compare')} | — |"
    )
    lines += [
        "",
        "Goals: every pack ≥ 1.5× the baseline end to end; `compare` under three packs ≥ 3×.",
        f'The per-order rows run `compare(..., path="per-order")`; the default path'
        f' (`path="auto"`) judges {args.orders:,} orders on the columnar path (from 500'
        " inputs, `docs/scoring.md`), with the same result.",
        "",
        "## Two processes against one (orders per wall-clock second)",
        "",
        "| pack | " + " | ".join(f"{label}: 1 / 2 processes" for label in labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for pack in PACKS:
        parts = []
        for label in labels:
            one, two = wall(label, pack, "1"), wall(label, pack, "2")
            ratio = _ratio(paired(cells[(label, pack, "2")], cells[(label, pack, "1")], "wall"))
            parts.append(f"{one:,.0f} / {two:,.0f}: {ratio}")
        lines.append(f"| {pack} | " + " | ".join(parts) + " |")
    by_name = cpu("native", "by_name")
    loaded = cpu("native", "loaded")
    slower = paired(cells[("native", "loaded", "1")], cells[("native", "by_name", "1")], "cpu")
    side = cells[("native", "by_name_paired", "1")]
    alternating = [r["cpu"] / r["cpu_loaded"] for r in side]
    paired_by_name = median_of(side, "cpu")
    paired_loaded = statistics.median(r["n"] / r["cpu_loaded"] for r in side)
    in_one = (statistics.median(alternating), min(alternating), max(alternating))
    lines += [
        "",
        "Goal: two processes ≥ 1.8× one. The machine has 2 cores shared with whatever"
        " else runs; the load average above says how busy it was.",
        "",
    ]
    if args.scaling_orders:
        lines += [
            f"## Two processes at scale ({args.scaling_orders:,} orders, native; orders per"
            " wall-clock second)",
            "",
            "| pack | one process | `processes=2` | two independent processes, side by side"
            " | `processes=2` / one | side by side / one | `processes=2` / side by side |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for pack in PACKS:
            single, pooled, apart = (cells[("scaled", pack, p)] for p in ("1", "2", "apart"))
            lines.append(
                f"| {pack} | {median_of(single, 'wall'):,.0f} | {median_of(pooled, 'wall'):,.0f}"
                f" | {median_of(apart, 'wall'):,.0f} | {_ratio(paired(pooled, single, 'wall'))}"
                f" | {_ratio(paired(apart, single, 'wall'))}"
                f" | {_ratio(paired(pooled, apart, 'wall'))} |"
            )
        lines += [
            "",
            "Side by side: two one-process runs started together, each on half of the"
            " orders, sharing nothing (no parent, no pipes): what this machine's two cores"
            " give two processes at all, measured in the same round. `processes=2` adds"
            " the parent (reading the inputs, sending them, receiving each assessment as"
            " JSON, the duplicate check) and starting the workers.",
            "",
        ]
    lines += [
        "## Evaluating by name (chengdong, one order at a time, orders per CPU-second)",
        "",
        '| how | `evaluate(order, "chengdong")` | `evaluate(order, pack)` | by name / loaded |',
        "|---|---:|---:|---:|",
        f"| one process, the two alternating | {paired_by_name:,.0f} | {paired_loaded:,.0f}"
        f" | {_ratio(in_one)} the time |",
        f"| a fresh process each | {by_name:,.0f} | {loaded:,.0f} | {_ratio(slower)} the time |",
        "",
        "Goal: evaluating by name within 1.2× the time of evaluating with a loaded pack"
        " (the plan is found through `plan_for`'s cache, checked against the files'"
        " modification times and sizes). One process, alternating: after warming both,"
        " the orders in four blocks, each block judged by name and with the loaded pack"
        " one after the other, then again in the other order; the CPU time of each way"
        " summed. The time this machine gives a process drifts by more than the"
        " difference measured (a fresh process of the same work ran at 1,691–2,808 orders"
        " a CPU-second on 2026-12-06), so the alternating figure is the one that measures"
        " the difference; the fresh processes' ratio is kept beside it.",
        "",
        "Memory over a stream of orders: [engine_memory.md](engine_memory.md) (`--memory`).",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
