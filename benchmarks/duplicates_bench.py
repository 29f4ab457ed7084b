"""Duplicate-id memory: bytes an id and microseconds a call, the old dict against DuplicateIds.

A batch keeps every order id it has assessed, with the label of its first record, to
reject a second record of the id (``grievance_rules.engine.duplicates.DuplicateIds``).
This measures, for ``--ids`` distinct ids such as ``"CD-2024-0000001"`` labelled
``"orders.jsonl:2"`` (each string made fresh per record, as a reader makes them, so
only what the structure keeps stays alive):

* **bytes an id**: ``tracemalloc`` traced memory after the last id, less before the
  first (numpy's buffers are traced too), for the dict of id → label that
  ``DuplicateIds`` kept before (the reference written here) and for ``DuplicateIds``;
* **µs a call** of ``reason()`` (tracemalloc off, best of ``--rounds``): a new id
  (looked up and kept, the common case) and a second record (looked up and the
  message written), ids and labels made before the clock starts.

Run: ``python benchmarks/duplicates_bench.py [--ids N] [--rounds R]``. Prints the
figures (the module docstring of ``engine/duplicates.py`` quotes them).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.i18n import gettext as _


class DictIds:
    """The reference: ``DuplicateIds`` as it was, a dict of id → first record's label."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def reason(self, order_id: str, position: int, where: str) -> str | None:
        first = self.first.get(order_id)
        if first is not None:
            return _("id: duplicate order id {order_id} (first at {first})").format(
                order_id=repr(order_id), first=first
            )
        self.first[order_id] = where
        return None


def bytes_an_id(make: Callable[[], DictIds | DuplicateIds], ids: int) -> tuple[float, float]:
    """Traced bytes an id kept after ``ids`` new ids, and the peak an id."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    seen = make()
    for position in range(ids):
        seen.reason(f"CD-2024-{position:07d}", position, f"orders.jsonl:{position + 2}")
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del seen
    return (after - before) / ids, (peak - before) / ids


def us_a_call(
    make: Callable[[], DictIds | DuplicateIds], ids: int, rounds: int
) -> tuple[float, float]:
    """Best µs a ``reason()`` call over ``rounds``: new ids, then second records."""
    names = [f"CD-2024-{position:07d}" for position in range(ids)]
    labels = [f"orders.jsonl:{position + 2}" for position in range(ids)]
    new, again = [], []
    for _round in range(rounds):
        seen = make()
        reason = seen.reason
        start = time.perf_counter()
        for position, name in enumerate(names):
            reason(name, position, labels[position])
        new.append(time.perf_counter() - start)
        start = time.perf_counter()
        for position, name in enumerate(names):
            reason(name, position, labels[position])
        again.append(time.perf_counter() - start)
    return min(new) / ids * 1e6, min(again) / ids * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timed-ids", type=int, default=200_000)
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    ways: dict[str, Callable[[], DictIds | DuplicateIds]] = {
        "dict (before)": DictIds,
        "DuplicateIds": lambda: DuplicateIds("reject"),
    }
    for name, make in ways.items():
        kept, peak = bytes_an_id(make, args.ids)
        print(f"{name:14} {args.ids:,} ids: {kept:6.1f} bytes an id kept (peak {peak:.1f})")
    for name, make in ways.items():
        new, again = us_a_call(make, args.timed_ids, args.rounds)
        print(f"{name:14} reason(): {new:.2f} µs a new id, {again:.2f} µs a second record")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
