"""Cells as Excel writes them: instants in the zh-CN forms, serial days, yes/no."""

import datetime as dt

import pytest

from grievance_rules.calendar import SHANGHAI
from grievance_rules.reading.cells import bool_cell, instant_cell

UTC8 = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025/1/1 0:22", dt.datetime(2025, 1, 1, 0, 22, tzinfo=UTC8)),
        ("2025/01/01 08:00:00", dt.datetime(2025, 1, 1, 8, 0, tzinfo=UTC8)),
        ("2025年1月1日 8:00", dt.datetime(2025, 1, 1, 8, 0, tzinfo=UTC8)),
        ("2025年1月1日8时5分", dt.datetime(2025, 1, 1, 8, 5, tzinfo=UTC8)),
        ("2025-01-01 08:00:00", dt.datetime(2025, 1, 1, 8, 0, tzinfo=UTC8)),
        ("2025-01-01T08:00", dt.datetime(2025, 1, 1, 8, 0, tzinfo=UTC8)),
        (dt.datetime(2025, 1, 1, 8, 0), dt.datetime(2025, 1, 1, 8, 0, tzinfo=UTC8)),
        # serial days from 1899-12-30: 45658 is 2025-01-01 (2024-12-31 is 45657); 0.25 is 06:00
        (45658.25, dt.datetime(2025, 1, 1, 6, 0, tzinfo=UTC8)),
        (45658, dt.datetime(2025, 1, 1, 0, 0, tzinfo=UTC8)),
    ],
)
def test_accepted_forms_read_in_the_zone(cell, expected):
    assert instant_cell(cell, SHANGHAI) == expected


def test_an_offset_is_kept_and_no_zone_leaves_the_time_naive():
    assert instant_cell("2025-01-01T08:00:00+00:00", SHANGHAI) == "2025-01-01T08:00:00+00:00"
    assert instant_cell("2025/1/1 8:00", None) == "2025-01-01T08:00:00"


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("1月1日 8:00", "is not a date and time"),
        ("2025-01-01", "a date without a time of day"),
        # a date the platform wrote without its time (2025/1/1, 2025年5月6日): said so, as for
        # 2025-01-01, not "not a date and time"
        ("2025/1/1", "'2025/1/1' is a date without a time of day"),
        ("2024年5月6日", "'2024年5月6日' is a date without a time of day"),
        ("２０２４／５／６", "'２０２４／５／６' is a date without a time of day"),
        ("2025年2月30日 8:00", "not a valid date"),
        (dt.date(2025, 1, 1), "a date without a time of day"),
        (1714957200, "not an Excel date"),
        (True, "is not a date and time"),
    ],
)
def test_everything_else_is_refused_with_an_example(cell, says):
    with pytest.raises(ValueError, match=says) as info:
        instant_cell(cell, SHANGHAI)
    assert "2025/1/1 8:00" in str(info.value) or "not a valid date" in str(info.value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("已解决", True), ("未解决", False), (True, True), (0, False),
     ("TRUE", True)],
)  # fmt: skip
def test_yes_and_no(cell, expected):
    assert bool_cell(cell) is expected


def test_neither_yes_nor_no():
    with pytest.raises(ValueError, match="write 是 or 否"):
        bool_cell("也许")


def test_an_id_cell_keeps_whole_numbers_and_refuses_inexact_ones() -> None:
    from grievance_rules.reading.cells import id_cell

    assert id_cell(2501060001.0) == "2501060001"
    assert id_cell(999_999_999_999_999) == "999999999999999"  # 15 digits: exact
    assert id_cell("250106000100000001") == "250106000100000001"  # text: as it is
    # white space around a text id, as exports leave it, is not part of it
    assert id_cell("2405060001 ") == "2405060001"
    assert id_cell("\u3000A3\t") == "A3"
    with pytest.raises(ValueError, match="250106000100000000 is a number of more than 15"):
        id_cell(250106000100000001.0)  # (the float Excel stores: the last digit gone)


@pytest.mark.parametrize(
    "cell",
    [
        "２０２４／５／６ ９：１２：００",
        "2024－05－06 09:12",
        "２０２４年５月６日　９：１２",
        "2024.5.6 9:12",
    ],
)
def test_full_width_digits_and_separators_read_as_half_width(cell):
    # typed in a Chinese input method's full-width mode: the same instant, 2024-05-06 09:12
    assert instant_cell(cell, SHANGHAI) == dt.datetime(2024, 5, 6, 9, 12, tzinfo=SHANGHAI)
