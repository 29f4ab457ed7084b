"""The data files: format errors name the file and field; adding a year is one file."""

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import holidays
import pytest

from grievance_rules.calendar import china, national_data
from grievance_rules.calendar._data import load_national_data
from grievance_rules.errors import CalendarDataError

DATA = Path(str(resources.files("grievance_rules.calendar") / "data" / "china"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "china"
    shutil.copytree(DATA, target)
    return target


def test_every_year_2004_2026_has_a_notice_with_title_and_date() -> None:
    data = national_data()
    assert data.notice_years == frozenset(range(2004, 2027))
    for record in data.days.values():
        assert record.source.title.startswith("国务院")
        assert record.source.issued < record.date + dt.timedelta(days=366)


def test_one_off_notices_carry_their_own_citation() -> None:
    days = national_data().days
    victory = days[dt.date(2015, 9, 3)]
    assert "70周年" in victory.source.title
    extension = days[dt.date(2020, 2, 1)]  # a make-up Saturday turned into a day off
    assert "延长2020年春节假期" in extension.source.title
    assert not china().is_working_day(dt.date(2020, 2, 1))


def test_december_make_up_day_belongs_to_its_date() -> None:
    record = national_data().days[dt.date(2005, 12, 31)]
    assert record.source.title == "国务院办公厅关于2006年部分节假日安排的通知"


def test_adding_a_newly_published_year_is_adding_one_file(data_copy: Path) -> None:
    (data_copy / "2027.toml").write_text(
        """year = 2027
[notice]
title = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
number = ""
issued = 2026-11-20

[[holidays]]
name = "元旦"
name_en = "New Year's Day"
days_off = [2027-01-01, 2027-01-02, 2027-01-03]
makeup_workdays = []
""",
        encoding="utf-8",
    )
    cal = china(data_dir=data_copy, on_provisional="raise")
    assert cal.final_through == dt.date(2027, 12, 24)
    assert not cal.is_provisional(dt.date(2026, 12, 31))
    assert not cal.is_working_day(dt.date(2027, 1, 1))
    assert "2027" in cal.day_info(dt.date(2027, 1, 1)).source.title


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("year = 2026", "year = 2025"), r"2026.toml: declares year 2025"),
        (
            lambda t: t.replace("issued = ", "issued_on = ", 1),
            r"2026.toml \[notice\]: missing field 'issued'",
        ),
        (
            lambda t: t.replace("days_off = [2026-01-01", 'days_off = ["soon"', 1),
            r"2026.toml \[\[holidays\]\] #1 \(元旦\): days_off holds 'soon'",
        ),
        (lambda t: t + "\n[[holidays]\n", r"2026.toml: not valid TOML"),
        (
            lambda t: t.replace("makeup_workdays = [2026-01-04]", "makeup_workdays = [2026-01-01]"),
            r"2026-01-01 is listed twice",
        ),
    ],
)
def test_broken_data_files_are_refused_with_file_and_field(data_copy: Path, edit, message) -> None:
    path = data_copy / "2026.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CalendarDataError, match=message):
        load_national_data(data_copy)


def test_a_gap_in_the_years_is_refused(data_copy: Path) -> None:
    (data_copy / "2015.toml").unlink()
    with pytest.raises(CalendarDataError, match=r"no notice file for 2015$"):
        china(data_dir=data_copy)


# Where 中秋节 falls on a weekday of 1-3 October, the two festivals share a
# statutory day. The 2020 notice (国庆节、中秋节 10月1日至8日放假调休，共8天) gave
# both: four statutory days, one of them on the shared 1 October. Our projection
# owes the shared day a 补假; the holidays package does not.
SHARED_FESTIVAL_DAY_IN_LIEU = {
    dt.date(2028, 10, 5),  # 中秋节 2028-10-03 (Tue)
    dt.date(2031, 10, 6),  # 中秋节 2031-10-01 (Wed)
    dt.date(2058, 10, 4),  # 中秋节 2058-10-01 (Tue)
}


def test_projection_matches_the_holidays_package_statutory_days() -> None:
    """For years with no notice, our projection equals holidays' (statutory days + 补假)."""
    cal = china(on_provisional="allow")
    table = holidays.China(years=range(2027, 2061))
    first, last = dt.date(2027, 1, 1), dt.date(2060, 12, 31)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    disagreements = {d for d in days if cal.is_working_day(d) != table.is_working_day(d)}
    assert disagreements == SHARED_FESTIVAL_DAY_IN_LIEU
    for day in SHARED_FESTIVAL_DAY_IN_LIEU:
        assert cal.day_info(day).name == "国庆节补假"
