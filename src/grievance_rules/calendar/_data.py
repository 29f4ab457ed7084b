"""Reading the national holiday data files (one TOML file per State Council notice).

Private: the public face is :func:`grievance_rules.calendar.china`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from grievance_rules.calendar.days import DayKind, DayRecord, Notice
from grievance_rules.errors import CalendarDataError
from grievance_rules.i18n import gettext as _

__all__ = ["NationalData", "load_national_data"]


@dataclass(frozen=True, slots=True)
class NationalData:
    """The national calendar as read from the data files.

    Attributes:
        days: every date a notice speaks of, with what it is and why.
        notice_years: the years for which a notice file exists.
        projection: per year without a notice, the lunar festival dates.
        projection_source: how the projection table was made.
    """

    days: Mapping[dt.date, DayRecord]
    notice_years: frozenset[int]
    projection: Mapping[int, Mapping[str, dt.date]]
    projection_source: str


def _require(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise CalendarDataError(
            _("{where}: missing field {key}").format(where=where, key=repr(key))
        )
    value = table[key]
    if not isinstance(value, kind) or (kind is dt.date and isinstance(value, dt.datetime)):
        raise CalendarDataError(
            _("{where}: field {key} must be a {kind}, got {got}").format(
                where=where, key=repr(key), kind=kind.__name__, got=type(value).__name__
            )
        )
    return value


def _notice(table: Any, where: str) -> Notice:
    if not isinstance(table, Mapping):
        raise CalendarDataError(_("{where}: 'notice' must be a table").format(where=where))
    url = table.get("url")
    return Notice(
        title=_require(table, "title", str, where),
        number=_require(table, "number", str, where),
        issued=_require(table, "issued", dt.date, where),
        url=url if isinstance(url, str) else None,
    )


def _dates(block: Mapping[str, Any], key: str, where: str) -> list[dt.date]:
    values = _require(block, key, list, where)
    for value in values:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise CalendarDataError(
                _("{where}: {key} holds {value}, which is not a date").format(
                    where=where, key=key, value=repr(value)
                )
            )
    return list(values)


def _read_notice_file(name: str, text: str, days: dict[dt.date, DayRecord]) -> int:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarDataError(
            _("{name}: not valid TOML: {problem}").format(name=name, problem=exc)
        ) from exc
    year: int = _require(doc, "year", int, name)
    if name != f"{year}.toml":
        raise CalendarDataError(
            _("{name}: declares year {year}; the file must be {year}.toml").format(
                name=name, year=year
            )
        )
    notice = _notice(doc.get("notice"), f"{name} [notice]")
    blocks = doc.get("holidays", [])
    if not isinstance(blocks, list) or not blocks:
        raise CalendarDataError(
            _("{name}: needs at least one [[holidays]] block").format(name=name)
        )
    for index, block in enumerate(blocks):
        where = f"{name} [[holidays]] #{index + 1}"
        holiday = _require(block, "name", str, where)
        where = f"{where} ({holiday})"
        holiday_en = _require(block, "name_en", str, where)
        source = _notice(block["notice"], f"{where} notice") if "notice" in block else notice
        entries = [(d, DayKind.HOLIDAY) for d in _dates(block, "days_off", where)]
        entries += [(d, DayKind.MAKEUP_WORKDAY) for d in _dates(block, "makeup_workdays", where)]
        for day, kind in entries:
            previous = days.get(day)
            if previous is not None and previous.source != source:
                # a later notice (an extension) may turn a day of an earlier block into a day off
                if previous.source.issued >= source.issued:
                    continue
            elif previous is not None:
                raise CalendarDataError(
                    _("{where}: {day} is listed twice in this notice").format(
                        where=where, day=day.isoformat()
                    )
                )
            days[day] = DayRecord(day, kind, holiday, holiday_en, source)
    return year


def _read_projection(text: str) -> tuple[dict[int, dict[str, dt.date]], str]:
    name = "projection.toml"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarDataError(
            _("{name}: not valid TOML: {problem}").format(name=name, problem=exc)
        ) from exc
    source = _require(doc, "source", dict, name)
    table: dict[int, dict[str, dt.date]] = {}
    fields = ("spring_festival_eve", "spring_festival", "qingming", "dragon_boat", "mid_autumn")
    for index, entry in enumerate(_require(doc, "years", list, name)):
        where = f"{name} [[years]] #{index + 1}"
        year = _require(entry, "year", int, where)
        table[year] = {field: _require(entry, field, dt.date, where) for field in fields}
    text_source = "; ".join(f"{key}: {value}" for key, value in sorted(source.items()))
    return table, text_source


def _data_files() -> Iterable[tuple[str, str]]:
    root = resources.files("grievance_rules.calendar") / "data" / "china"
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            yield entry.name, entry.read_text(encoding="utf-8")


def load_national_data(directory: Path | None = None) -> NationalData:
    """Read every notice file and the projection table.

    Args:
        directory: read from this folder instead of the packaged data (for tests
            and for adding a year before it is released).

    Returns:
        The national data, indexed by date.

    Raises:
        CalendarDataError: a file is malformed; the message names file, block and field.
    """
    files: Iterable[tuple[str, str]]
    if directory is None:
        files = _data_files()
    else:
        files = ((p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.iterdir()))
    days: dict[dt.date, DayRecord] = {}
    years: set[int] = set()
    projection: dict[int, dict[str, dt.date]] = {}
    projection_source = ""
    # notices in order of issue, so that a later notice (an extension) wins
    notice_files = []
    for name, text in files:
        if name == "projection.toml":
            projection, projection_source = _read_projection(text)
        elif name.endswith(".toml"):
            notice_files.append((name, text))
    for name, text in notice_files:
        years.add(_read_notice_file(name, text, days))
    if not years:
        raise CalendarDataError(_("no notice files found in the national calendar data"))
    return NationalData(days, frozenset(years), projection, projection_source)
