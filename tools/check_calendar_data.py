"""Check the China national holiday data files against two independent sources.

Standalone maintenance script: it does not import ``grievance_rules``. It reads
every ``src/grievance_rules/calendar/data/china/YYYY.toml`` file with
:mod:`tomllib` and

1. checks the files' internal consistency: required keys and types, no date
   both a day off and a working day, no date listed twice, every notice (the
   file's and any entry's own ``notice``) has a title and an issue date, every
   day-off block is one unbroken run of days that contains the date of the
   festival it is named after, every holiday the year has is covered, and
   every entry lies in its year (or, for a make-up day or New Year block set
   by the following year's notice, in the December before);
2. classifies every day from 2004-01-01 to the last notice's year's end as a working day or not
   (``days_off`` is a day off, ``makeup_workdays`` a working day, otherwise
   Monday to Friday are working days) and compares that with

   * ``holidays.China`` (python-holidays): a day is a working day if it is not
     in ``holidays.China(years=...)`` and it is Monday to Friday or one of the
     weekend days the object lists in ``weekend_workdays`` (its substituted
     working days);
   * ``chinese_calendar.is_workday`` (chinesecalendar).

Every disagreement is printed with the data file's entry and, where known, why
the notice text is followed rather than the other source. Disagreements do not
make the script fail; it exits 0 unless the data files themselves are
inconsistent (exit status 1).

Usage:
    python tools/check_calendar_data.py

Requires ``holidays`` and ``chinesecalendar`` (the project's ``test`` extra).
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

import chinese_calendar
import holidays
from holidays.calendars.chinese import _ChineseLunisolar

DATA_DIR = (
    Path(__file__)
    .resolve()
    .parents[1]
    .joinpath("src", "grievance_rules", "calendar", "data", "china")
)
_YEARS = sorted(int(path.stem) for path in DATA_DIR.glob("*.toml") if path.stem.isdigit())
FIRST_YEAR = _YEARS[0]
LAST_YEAR = _YEARS[-1]
"""The years the notices' files cover (2004.toml ... 2026.toml): a year added is checked."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Disagreements already resolved by reading the notice text, keyed by
# (source, date): the data files follow the notice.
KNOWN: dict[tuple[str, dt.date], str] = {
    ("chinesecalendar", dt.date(2005, 12, 31)): (
        "the 2006 notice (国办发明电〔2005〕35号) says 12月31日(星期六)上班; chinesecalendar "
        "omits this 2005 make-up day (the work(12, 30).to(12, 31) in its "
        "2006 arrangement are the 2007 notice's 2006-12-30/31)"
    ),
}

FESTIVALS_BEFORE_2008 = ("元旦", "春节", "劳动节", "国庆节")
FESTIVALS_FROM_2008 = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

# Block names as the notices spell them -> the festivals they cover.
NAME_FESTIVALS: dict[str, tuple[str, ...]] = {
    "元旦": ("元旦",),
    "春节": ("春节",),
    "清明节": ("清明节",),
    "劳动节": ("劳动节",),
    "“五一”": ("劳动节",),
    "“五一”国际劳动节": ("劳动节",),
    "端午节": ("端午节",),
    "中秋节": ("中秋节",),
    "国庆节": ("国庆节",),
    "“十一”": ("国庆节",),
    "中秋节、国庆节": ("中秋节", "国庆节"),
    "国庆节、中秋节": ("国庆节", "中秋节"),
}


def festival_date(festival: str, year: int) -> dt.date:
    """Return the statutory date a festival block must contain.

    Args:
        festival: One of the names in ``FESTIVALS_FROM_2008``.
        year: Gregorian year.

    Returns:
        The festival's date in ``year`` (lunar dates from python-holidays'
        Chinese lunisolar table).
    """
    lunisolar = _ChineseLunisolar()
    fixed = {"元旦": (1, 1), "劳动节": (5, 1), "国庆节": (10, 1)}
    if festival in fixed:
        return dt.date(year, *fixed[festival])
    lookup = {
        "春节": lunisolar.lunar_new_year_date,
        "清明节": lunisolar.qingming_date,
        "端午节": lunisolar.dragon_boat_date,
        "中秋节": lunisolar.mid_autumn_date,
    }
    day, _estimated = lookup[festival](year)
    if day is None:
        raise ValueError(f"no {festival} date for {year}")
    return day


class Checker:
    """Collects the data files' days and the consistency errors found in them."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.off: dict[dt.date, str] = {}
        self.work: dict[dt.date, str] = {}

    def error(self, message: str) -> None:
        """Record an internal-consistency error."""
        self.errors.append(message)

    def check_notice(self, where: str, notice: Any) -> None:
        """Check a notice table has a title, a number string and an issue date."""
        if not isinstance(notice, dict):
            self.error(f"{where}: notice is not a table")
            return
        if not isinstance(notice.get("title"), str) or not notice["title"].strip():
            self.error(f"{where}: notice has no title")
        if not isinstance(notice.get("number"), str):
            self.error(f'{where}: notice has no number string (use "" if unknown)')
        elif not notice["number"]:
            self.warnings.append(f"{where}: notice number is empty")
        issued = notice.get("issued")
        if not isinstance(issued, dt.date) or isinstance(issued, dt.datetime):
            self.error(f"{where}: notice has no issued date")
        unknown = set(notice) - {"title", "number", "issued", "url"}
        if unknown:
            self.error(f"{where}: unknown notice keys {sorted(unknown)}")

    def add(self, kind: str, day: Any, where: str, year: int) -> None:
        """Register one date of a block, checking type, range and duplicates."""
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            self.error(f"{where}: {kind} entry {day!r} is not a TOML date")
            return
        in_range = day.year == year or (day.year == year - 1 and day.month == 12)
        if not in_range:
            self.error(f"{where}: {kind} {day} lies outside {year} (and its preceding December)")
        own, other = (self.off, self.work) if kind == "days_off" else (self.work, self.off)
        if day in own:
            self.error(f"{where}: {kind} {day} is listed twice (also {own[day]})")
        if day in other:
            self.error(f"{where}: {day} is both a day off and a working day (also {other[day]})")
        own[day] = where
        if kind == "makeup_workdays" and day.weekday() < 5:
            self.warnings.append(
                f"{where}: make-up working day {day} is a {WEEKDAYS[day.weekday()]}"
            )

    def check_block(self, path: Path, year: int, index: int, block: Any) -> tuple[str, ...]:
        """Check one ``[[holidays]]`` entry; return the festivals it covers."""
        where = f"{path.name} [[holidays]] #{index + 1}"
        if not isinstance(block, dict):
            self.error(f"{where}: not a table")
            return ()
        name = block.get("name")
        where = f"{path.name} {name or '#' + str(index + 1)}"
        for key in ("name", "name_en"):
            if not isinstance(block.get(key), str) or not block[key].strip():
                self.error(f"{where}: missing {key}")
        unknown = set(block) - {"name", "name_en", "days_off", "makeup_workdays", "notice"}
        if unknown:
            self.error(f"{where}: unknown keys {sorted(unknown)}")
        if "notice" in block:
            self.check_notice(f"{where} notice", block["notice"])
        days_off = block.get("days_off")
        makeup = block.get("makeup_workdays")
        for kind, values in (("days_off", days_off), ("makeup_workdays", makeup)):
            if not isinstance(values, list):
                self.error(f"{where}: {kind} is not a list")
                continue
            for day in values:
                self.add(kind, day, where, year)
        if not isinstance(days_off, list) or not days_off:
            self.error(f"{where}: days_off is empty")
            return ()
        dates = [d for d in days_off if isinstance(d, dt.date)]
        if dates != sorted(dates):
            self.error(f"{where}: days_off is not in date order")
        if dates and (max(dates) - min(dates)).days + 1 != len(set(dates)):
            self.error(f"{where}: days_off is not one unbroken run of days")
        festivals = NAME_FESTIVALS.get(str(name), ())
        for festival in festivals:
            expected = festival_date(festival, year)
            if expected not in dates:
                self.error(f"{where}: days_off does not contain the {festival} date {expected}")
        return festivals

    def check_file(self, path: Path) -> None:
        """Check one year file and collect its days."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            self.error(f"{path.name}: cannot be read: {exc}")
            return
        year = data.get("year")
        if year != int(path.stem):
            self.error(f"{path.name}: year = {year!r} does not match the file name")
            return
        unknown = set(data) - {"year", "notice", "holidays"}
        if unknown:
            self.error(f"{path.name}: unknown top-level keys {sorted(unknown)}")
        self.check_notice(f"{path.name} [notice]", data.get("notice"))
        title = data.get("notice", {}).get("title", "")
        if isinstance(title, str) and str(year) not in title:
            self.error(f"{path.name}: notice title does not name {year}")
        blocks = data.get("holidays")
        if not isinstance(blocks, list) or not blocks:
            self.error(f"{path.name}: no [[holidays]] entries")
            return
        covered: set[str] = set()
        for index, block in enumerate(blocks):
            covered.update(self.check_block(path, year, index, block))
        expected = FESTIVALS_FROM_2008 if year >= 2008 else FESTIVALS_BEFORE_2008
        missing = [f for f in expected if f not in covered]
        if missing:
            self.error(f"{path.name}: no block for {', '.join(missing)}")


def is_working(day: dt.date, off: dict[dt.date, str], work: dict[dt.date, str]) -> bool:
    """Classify a day by the data files."""
    if day in off:
        return False
    if day in work:
        return True
    return day.weekday() < 5


def label(working: bool) -> str:
    """Name a classification."""
    return "working" if working else "off"


def describe(day: dt.date, off: dict[dt.date, str], work: dict[dt.date, str]) -> str:
    """Say which data-file entry decides a day, if any."""
    if day in off:
        return f"day off ({off[day]})"
    if day in work:
        return f"make-up working day ({work[day]})"
    return "ordinary " + ("working day" if day.weekday() < 5 else "weekend day")


def main() -> int:
    """Run the checks and print a report.

    Returns:
        0 if the data files are internally consistent, 1 otherwise.
    """
    checker = Checker()
    paths = sorted(DATA_DIR.glob("[0-9][0-9][0-9][0-9].toml"))
    years = [int(p.stem) for p in paths]
    wanted = list(range(FIRST_YEAR, LAST_YEAR + 1))
    missing_years = sorted(set(wanted) - set(years))
    if missing_years:
        checker.error(f"missing year files: {missing_years}")
    for path in paths:
        checker.check_file(path)

    print(f"Data files: {len(paths)} in {DATA_DIR}")
    print(f"Days off: {len(checker.off)}; make-up working days: {len(checker.work)}")
    for warning in checker.warnings:
        print(f"warning: {warning}")

    cn = holidays.China(years=range(FIRST_YEAR - 1, LAST_YEAR + 2))
    weekend_workdays = set(cn.weekend_workdays)
    start, end = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    disagreements: dict[str, list[str]] = defaultdict(list)
    day = start
    while day <= end:
        ours = is_working(day, checker.off, checker.work)
        theirs = {
            "holidays": day not in cn and (day.weekday() < 5 or day in weekend_workdays),
            "chinesecalendar": chinese_calendar.is_workday(day),
        }
        for source, value in theirs.items():
            if value == ours:
                continue
            detail = cn.get(day) if source == "holidays" else None
            line = (
                f"{day} {WEEKDAYS[day.weekday()]}: data {label(ours)} "
                f"[{describe(day, checker.off, checker.work)}], {source} {label(value)}"
            )
            if detail:
                line += f" ({detail})"
            if (source, day) in KNOWN:
                line += f"\n    resolved: {KNOWN[source, day]}"
            disagreements[source].append(line)
        day += dt.timedelta(days=1)

    for source in ("holidays", "chinesecalendar"):
        lines = disagreements[source]
        package = "holidays" if source == "holidays" else "chinesecalendar"
        print(f"\nDisagreements with {source} {version(package)}: {len(lines)}")
        for line in lines:
            print(f"  {line}")

    if checker.errors:
        print(f"\nInternal consistency errors: {len(checker.errors)}")
        for message in checker.errors:
            print(f"  {message}")
        return 1
    print("\nInternal consistency: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
