"""Instructions an order, counted by valgrind (callgrind): the engine against earlier commits.

Time on this shared two-core machine drifts by 10-20 % between runs minutes apart,
more than most changes to the engine move it. The instructions the CPU executes do
not drift: callgrind counts them, the same to about 1 % run after run (the counting is
switched on and off around the measured loop by ``callgrind_control``, whose timing
varies a little). So a change's effect is read here, and its effect on time in
``engine_bench.py``; an instruction is not a fixed time (memory stalls differ), so
the ratios here are a guide to the time ratios, not a substitute.

Each variant (this checkout with the native matcher; a git worktree of each
``--against`` commit, run as that commit ran: the baseline ``e581a2e`` with
durable-rules) evaluates the same generated orders (``evaluate_many``, then
``to_json()`` of each result, as ``engine_bench.py`` does) from JSON Lines under each
pack, reading the baseline's pack files by path as ``engine_bench.py`` does. The first
50 orders warm the plan and the calendar; the next ``--orders`` are counted.

Run:
    python benchmarks/engine_instructions.py                  # 600 orders, e581a2e
    python benchmarks/engine_instructions.py --against e581a2e,616b05b

Writes docs/benchmarks/engine_instructions.md. Needs ``valgrind`` on PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_bench import PACKS, ROOT, _commit, _env, baseline_worktree, write_orders

OUT = ROOT / "docs" / "benchmarks" / "engine_instructions.md"
WARM = 50

DRIVER = textwrap.dedent(
    """
    import os, subprocess, sys
    pack_path, path, count, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    from pathlib import Path
    from grievance_rules.packs import find_pack
    from grievance_rules.engine import evaluate_many
    pack = find_pack(Path(pack_path))
    lines = open(path, "rb").read().splitlines()
    for result in evaluate_many(lines[:warm], pack):
        result.to_json()
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    for result in evaluate_many(lines[warm:warm + count], pack):
        assert result.to_json() is not None, result.rejection
    subprocess.run([*control, "off", str(os.getpid())], stdout=subprocess.DEVNULL, check=True)
    """
)

_COLLECTED = re.compile(r"Collected : (\d+)")


def count_instructions(src: Path, pack_path: str, orders: Path, count: int) -> int:
    """The instructions callgrind counted over ``count`` orders (after the warm-up)."""
    return callgrind_count(src, DRIVER, [pack_path, str(orders), str(count), str(WARM)])


def callgrind_count(src: Path, code: str, args: list[str]) -> int:
    """The instructions callgrind counted while ``code`` switched the counting on.

    ``code`` runs in a fresh process importing ``src``, under callgrind with the
    counting off at the start; it switches it on and off with ``callgrind_control``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={tmp}/out",
                sys.executable,
                "-c",
                code,
                *args,
            ],
            env=_env(src),
            capture_output=True,
            text=True,
            check=True,
            cwd=src.parent,
        )
    found = _COLLECTED.search(run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument(
        "--against", default="e581a2e", help="commits to count too, comma-separated"
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind (with callgrind_control) is needed on PATH")
    commits = [c for c in args.against.split(",") if c]
    here = ROOT / "src"
    counts: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        sources = {c: baseline_worktree(c, tmp_path / c) for c in commits}
        try:
            first = sources[commits[0]]
            orders = tmp_path / "orders.jsonl"
            write_orders(first, orders, args.orders + WARM)
            for pack in PACKS:
                pack_path = str(first.parent / "policies" / pack)
                for label, src in [("this checkout", here), *sources.items()]:
                    total = count_instructions(src, pack_path, orders, args.orders)
                    counts[(label, pack)] = total / args.orders
                    print(f"{pack:10} {label:14} {total / args.orders:12,.0f} an order")
        finally:
            for src in sources.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src.parent)],
                    check=False,
                    capture_output=True,
                )
    write_page(args, commits, counts)


def write_page(
    args: argparse.Namespace, commits: list[str], counts: dict[tuple[str, str], float]
) -> None:
    labels = ["this checkout", *commits]
    head = (
        "| pack | "
        + " | ".join(labels)
        + " | "
        + " | ".join(f"{c} / this checkout" for c in commits)
        + " |"
    )
    rule = "|---|" + "---:|" * (len(labels) + len(commits))
    rows = []
    for pack in PACKS:
        mine = counts[("this checkout", pack)]
        cells = [f"{counts[(label, pack)]:,.0f}" for label in labels]
        ratios = [f"{counts[(c, pack)] / mine:.2f}×" for c in commits]
        rows.append(f"| {pack} | " + " | ".join(cells + ratios) + " |")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# Engine: instructions an order (callgrind)",
            "",
            f"Measured {when} by `python benchmarks/engine_instructions.py --orders "
            f"{args.orders} --against {','.join(commits)}` at {_commit()}: Python "
            f"{sys.version.split()[0]}, valgrind's callgrind. Each figure is the "
            "instructions counted while `evaluate_many` assessed the orders from JSON Lines "
            "and each result was serialised (`to_json()`), divided by the orders "
            f"({args.orders} generated orders after {WARM} to warm up; the same orders and "
            "the same pack files, the first commit's, for every variant). This checkout runs "
            "the native matcher; each commit runs as it ran (`e581a2e`: durable-rules).",
            "",
            "Instructions are counted, not timed: the same to about 1 % from run to run on "
            "this machine, where time drifts by 10-20 %. An instruction is not a fixed "
            "time, so these ratios guide the time ratios of "
            "[engine](engine.md), measured in seconds; they do not replace them.",
            "",
            head,
            rule,
            *rows,
            "",
        ]
    )
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
