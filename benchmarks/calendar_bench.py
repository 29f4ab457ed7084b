"""Calendar benchmark: our working-day arithmetic against its peers, in one run.

Measures, on the same seeded inputs (dates 2004-01-01..2026-12-24, the range set
by notices):

* scalar add (the n-th working day after a date) and count (working days in
  (start, end]) for n = 1 and n = 30: grievance-rules, a bare precomputed-table
  look-up written here (the pure-Python limit), python-holidays
  (``get_nth_working_day``, ``get_working_days_count``), chinesecalendar
  (``find_workday``, ``get_workdays``) and numpy ``busday_offset`` /
  ``busday_count`` with an all-days week mask and every non-working day as a
  holiday;
* the batch forms against numpy ``searchsorted`` on the working-day table;
* working-time arithmetic over office hours.

Run: ``python benchmarks/calendar_bench.py [--quick]``. Writes
``docs/benchmarks/calendar.md`` and prints the same table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]  # ships no type hints
import holidays
import numpy as np

from grievance_rules.calendar import china

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "calendar.md"
FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 10, 31)
FAST_REPEAT = 40  # the fast contenders take microseconds a run: more runs, steadier minimum


def per_call(fn: Callable[[], object], calls: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` seconds per call of a loop body doing ``calls`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer inputs (a smoke run)")
    args = parser.parse_args()
    rng = random.Random(20261122)
    n_inputs = 500 if args.quick else 2000
    span = (LAST - FIRST).days
    starts = [FIRST + dt.timedelta(days=rng.randrange(span)) for _ in range(n_inputs)]
    ends = [d + dt.timedelta(days=rng.randrange(1, 45)) for d in starts]

    cal = china()
    # China's holidays (class CN, its alias), by the typed factory: China.__init__ is untyped
    table = holidays.country_holidays("CN", years=range(2004, 2027))
    table.is_working_day(FIRST)  # populate
    # the bare look-up: a precomputed cumulative count and working-day list, no checks
    base = FIRST.toordinal()
    cum: list[int] = []
    work: list[dt.date] = [FIRST]
    count = 0
    for i in range((dt.date(2027, 3, 1) - FIRST).days):
        day = FIRST + dt.timedelta(days=i)
        if cal.day_info(day).is_working_day:
            count += 1
            work.append(day)
        cum.append(count)
    off = np.array(
        [
            d
            for d in (FIRST + dt.timedelta(days=i) for i in range(8500))
            if not cal.day_info(d).is_working_day
        ],
        dtype="datetime64[D]",
    )
    bcal = np.busdaycalendar(weekmask="1111111", holidays=off)
    starts64 = np.array(starts, dtype="datetime64[D]")
    ends64 = np.array(ends, dtype="datetime64[D]")

    rows: list[tuple[str, str, float]] = []

    add = cal.add_working_days
    for n in (1, 30):

        def ours_add(n: int = n) -> None:
            for d in starts:
                add(d, n)

        def bare_add(n: int = n) -> None:
            for d in starts:
                work[cum[d.toordinal() - base] + n]

        def holidays_add(n: int = n) -> None:
            for d in starts:
                table.get_nth_working_day(d, n)

        def cc_add(n: int = n) -> None:
            for d in starts:
                chinese_calendar.find_workday(n, d)

        def numpy_add(n: int = n) -> None:
            for d in starts64:
                np.busday_offset(d, n, roll="backward", busdaycal=bcal)

        contenders: list[tuple[str, Callable[[], None], int]] = [
            ("grievance-rules add_working_days", ours_add, FAST_REPEAT),
            ("bare table look-up", bare_add, FAST_REPEAT),
            ("holidays get_nth_working_day", holidays_add, 5),
            ("chinesecalendar find_workday", cc_add, 5),
            ("numpy busday_offset (scalar)", numpy_add, 5),
        ]
        for name, fn, repeat in contenders:
            rows.append((f"add, n = {n}", name, per_call(fn, len(starts), repeat)))
        # the results agree where the semantics do (a working start date)
        for d in starts[:300]:
            expected = cal.add_working_days(d, n)
            assert expected == work[cum[d.toordinal() - base] + n]
            assert expected == np.busday_offset(d, n, roll="backward", busdaycal=bcal)
            if cal.day_info(d).is_working_day:
                assert expected == table.get_nth_working_day(d, n)

    between = cal.working_days_between
    pairs = list(zip(starts, ends, strict=True))

    def ours_count() -> None:
        for a, b in pairs:
            between(a, b)

    def bare_count() -> None:
        for a, b in pairs:
            cum[b.toordinal() - base] - cum[a.toordinal() - base]

    def holidays_count() -> None:
        for a, b in pairs:
            table.get_working_days_count(a + dt.timedelta(days=1), b)

    def cc_count() -> None:
        for a, b in pairs:
            len(chinese_calendar.get_workdays(a + dt.timedelta(days=1), b))

    def numpy_count() -> None:
        for a, b in zip(starts64, ends64, strict=True):
            np.busday_count(a + 1, b + 1, busdaycal=bcal)

    for name, fn, repeat in [
        ("grievance-rules working_days_between", ours_count, FAST_REPEAT),
        ("bare table look-up", bare_count, FAST_REPEAT),
        ("holidays get_working_days_count", holidays_count, 5),
        ("chinesecalendar get_workdays", cc_count, 5),
        ("numpy busday_count (scalar)", numpy_count, 5),
    ]:
        rows.append(("count, spans of 1-44 days", name, per_call(fn, len(pairs), repeat)))
    for a, b in pairs[:300]:
        assert between(a, b) == table.get_working_days_count(a + dt.timedelta(days=1), b)

    # batch forms
    big = np.repeat(starts64, 500)
    big_ends = np.repeat(ends64, 500)
    work64 = np.array(work[1:], dtype="datetime64[D]").astype(np.int64)

    def ours_batch() -> None:
        cal.add_working_days_array(big, 5)

    def searchsorted_batch() -> None:
        work64[np.searchsorted(work64, big.astype(np.int64), side="right") + 4]

    def ours_batch_count() -> None:
        cal.working_days_between_array(big, big_ends)

    def searchsorted_count() -> None:
        np.searchsorted(work64, big_ends.astype(np.int64), side="right") - np.searchsorted(
            work64, big.astype(np.int64), side="right"
        )

    def numpy_busday_batch() -> None:
        np.busday_offset(big, 5, roll="backward", busdaycal=bcal)

    assert (
        cal.add_working_days_array(big[:1000], 5).astype(np.int64)
        == work64[np.searchsorted(work64, big[:1000].astype(np.int64), side="right") + 4]
    ).all()
    for name, fn in [
        ("grievance-rules add_working_days_array", ours_batch),
        ("numpy searchsorted on the working-day table", searchsorted_batch),
        ("numpy busday_offset (array)", numpy_busday_batch),
    ]:
        rows.append((f"batch add, {big.size:,} dates", name, per_call(fn, big.size, 3)))
    for name, fn in [
        ("grievance-rules working_days_between_array", ours_batch_count),
        ("numpy searchsorted on the working-day table", searchsorted_count),
    ]:
        rows.append((f"batch count, {big.size:,} pairs", name, per_call(fn, big.size, 3)))

    # working time
    office = china(office_hours="09:00-12:00,13:30-17:30")
    tz = dt.timezone(dt.timedelta(hours=8))
    instants = [
        dt.datetime.combine(d, dt.time(rng.randrange(24), rng.randrange(60)), tz) for d in starts
    ]
    amounts = [dt.timedelta(minutes=rng.randrange(1, 5 * 420)) for _ in starts]
    add_time = office.add_working_time

    def ours_time() -> None:
        for t, a in zip(instants, amounts, strict=True):
            add_time(t, a)

    rows.append(
        (
            "working time over office hours",
            "grievance-rules add_working_time",
            per_call(ours_time, len(instants)),
        )
    )

    write(rows, n_inputs)


def write(rows: list[tuple[str, str, float]], n_inputs: int) -> None:
    lines = [
        "# Calendar benchmark",
        "",
        "Written by `python benchmarks/calendar_bench.py` (do not edit by hand).",
        "",
        f"- machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, 2 cores",
        f"- versions: grievance-rules {version('grievance-rules')}, "
        f"holidays {version('holidays')}, chinesecalendar {version('chinesecalendar')}, "
        f"numpy {np.__version__}",
        f"- inputs: {n_inputs} seeded random dates in 2004-01-01..2026-10-31 (the same for "
        "every contender); best of 40 runs for grievance-rules and the bare look-up, "
        "5 for the slower peers; time per call or per element",
        "- ratio: the row's time divided by the first row of its group (grievance-rules)",
        "",
        "| operation | implementation | time per call | ratio |",
        "|---|---|---:|---:|",
    ]
    first: dict[str, float] = {}
    for group, name, seconds in rows:
        first.setdefault(group, seconds)
        ratio = seconds / first[group]
        lines.append(f"| {group} | {name} | {fmt(seconds)} | {ratio:.2f}× |")
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


if __name__ == "__main__":
    main()
