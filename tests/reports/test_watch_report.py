"""The watch list (每日黄红灯清单) in 简体中文 and in English: one language per page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from grievance_rules.calendar import SHANGHAI
from grievance_rules.operations import watch
from grievance_rules.packs import find_pack
from grievance_rules.reports.watch import watch_csv, watch_html, watch_text, watch_xlsx
from tests.operations.conftest import at, dispatched, order
from tests.reports.conftest import english_words


@pytest.fixture(scope="module")
def listed():
    # Y1 dispatched to 东风社区 Friday 14 June 15:30; R1 a week earlier (breached by the
    # 15th); S1 at 城管办 (tests/operations/test_watch_cli.py)
    orders = [
        order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30")),
        order("R1", "2024-06-07T08:30", dispatched("2024-06-07T09:00")),
        order("S1", "2024-06-14T15:00", dispatched("2024-06-14T15:40", to="off")),
    ]
    return watch(
        orders, find_pack("chengdong"), at("2024-06-15T10:00"), within=dt.timedelta(days=3)
    )


_DATA = re.compile(r"<style>.*?</style>|<script>.*?</script>|<td.*?</td>|<meta[^>]*>", re.S)


def _frame(page: str) -> str:
    """The page's text without its table cells (data), style and script."""
    return re.sub(r"<[^>]+>", " ", _DATA.sub("", page))


def test_the_chinese_watch_page_has_no_english_frame_text(listed):
    page = watch_html(listed, lang="zh")
    assert "<title>每日黄红灯清单</title>" in page
    assert english_words(_frame(page)) == []
    assert "东风社区：共" in page
    assert "超期 1" in page
    header = watch_csv(listed, lang="zh").splitlines()[0]
    assert header.startswith("due,level,order")  # CSV keys stay the same in every language
    rows = watch_csv(listed, lang="zh").splitlines()[1:]
    assert any(",超期,R1," in row for row in rows)
    english = watch_html(listed, lang="en")
    assert "<title>Daily watch list</title>" in english
    assert "breached 1" in english


def test_the_text_table_in_each_language(listed):
    chinese = watch_text(listed, lang="zh")
    assert "剩余工作时间 " in chinese
    assert "left " not in chinese
    assert "left " in watch_text(listed, lang="en")


def test_the_watch_workbook_has_translated_headers_and_counts_as_numbers(listed):
    book = load_workbook(io.BytesIO(watch_xlsx(listed, lang="zh")))
    assert book.sheetnames == ["黄红灯清单", "单位小结"]
    items = book["黄红灯清单"]
    assert [cell.value for cell in items[1]][:3] == [
        "到期时间（Asia/Shanghai，UTC+08:00）",
        "灯色",
        "工单",
    ]
    assert items.freeze_panes == "A2"
    # the due instants are Excel date-times (Shanghai wall-clock), not text
    dues = [row[0] for row in items.iter_rows(min_row=2)]
    assert dues
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss" for cell in dues)
    assert [cell.value for cell in dues] == [
        item.due.astimezone(SHANGHAI).replace(tzinfo=None) for item in listed.items
    ]
    # in another zone on request, named in the header
    utc = load_workbook(io.BytesIO(watch_xlsx(listed, lang="en", zone=dt.UTC)))["Watch list"]
    assert utc.cell(row=1, column=1).value == "due (UTC, UTC+00:00)"
    assert utc.cell(row=2, column=1).value == listed.items[0].due.astimezone(dt.UTC).replace(
        tzinfo=None
    )
    units = book["单位小结"]
    header = [cell.value for cell in units[1]]
    assert header == ["单位", "项数", "黄灯", "红灯", "超期", "将变黄", "将变红"]
    rows = {row[0]: row for row in units.iter_rows(2, values_only=True)}
    assert rows["东风社区"][4] == 1  # R1, breached
    assert isinstance(rows["东风社区"][1], int)


def test_days_are_named_in_each_language(listed):
    breached = next(item for item in listed.items if item.order_id == "R1")
    minutes = int(-breached.natural_seconds_left // 60)
    days, rest = divmod(minutes, 24 * 60)
    assert days >= 1  # due more than a day before 15 June 10:00
    expected = (days, *divmod(rest, 60))
    chinese = watch_text(listed, lang="zh")
    english = watch_text(listed, lang="en")
    # past due, it is said as how long ago (已超时 / overdue by), not as a negative time left
    found_zh = re.search(r"R1 .*已超时：工作时间 .*（自然时间 (\d+)天(\d+)小时(\d+)分钟）", chinese)
    found_en = re.search(
        r"R1 .*overdue by .* of office time \((\d+) d (\d+) h (\d+) min natural time\)", english
    )
    assert found_zh is not None, chinese
    assert found_en is not None, english
    assert tuple(map(int, found_zh.groups())) == expected == tuple(map(int, found_en.groups()))
    assert any(
        f",已超期{days}天{expected[1]}小时{expected[2]}分钟," in row
        for row in watch_csv(listed, lang="zh").splitlines()
    )


def test_the_text_table_lines_up_in_chinese(listed):
    from grievance_rules.text_width import display_width

    text = watch_text(listed, lang="zh").splitlines()
    lines = [line for line in text if "剩余工作时间 " in line or "已超时：" in line]
    assert len(lines) == len(listed.items) >= 3
    assert len({item.unit_name for item in listed.items}) >= 2  # names of different widths
    starts = {
        display_width(
            line[: line.index("剩余工作时间 " if "剩余工作时间 " in line else "已超时：")]
        )
        for line in lines
    }
    assert len(starts) == 1, lines


def test_whom_to_notify_is_said_in_the_reports_language(listed):
    # the English list named the leader in Chinese only: "turns: yellow ... → 分管领导"
    english = watch_text(listed, lang="en")
    chinese = watch_text(listed, lang="zh")
    assert "→ leader in charge 分管领导" in english
    assert "→ 分管领导" not in english
    assert "→ 分管领导" in chinese
    assert "leader in charge" not in chinese


def test_each_item_carries_its_citation_and_a_time_overdue_is_no_formula(listed):
    # the CSV, xlsx and HTML gave the clause alone (no document, no quoted text); a time
    # overdue was written '-669:33, the apostrophe shown by Excel
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(watch_csv(listed, lang="en").lstrip("\ufeff"))))
    breached = next(r for r in rows if r["order"] == "R1")
    item = next(i for i in listed.items if i.order_id == "R1")
    assert (breached["source"], breached["quote"]) == (item.citation.source, item.citation.text)
    # past due, said in words: a cell starting with "-" is a formula to Excel
    assert breached["working_left"].startswith("overdue by ")
    assert not any(value.startswith(("-", "'")) for row in rows for value in row.values())


def test_past_due_overnight_is_overdue_not_time_left() -> None:
    # M1's sign-off (daye DY-7a.signoff) was due Fri 2025-03-07 17:30; on Monday 08:00 no
    # office time has run since (Friday evening, the weekend, Monday before 09:00), but
    # 2 days 14:30 of natural time has: it read "left 0:00 of office time (-2d 14:30 …)".
    # Each duration names its units (it read "0:00" and "2d 14:30").
    from tests.operations.conftest import dispatched, order

    m1 = order("M1", "2025-03-06T09:50", dispatched("2025-03-06T10:00"), channel="hotline_12345")
    listed = watch([m1], "daye", dt.datetime(2025, 3, 10, 8, tzinfo=SHANGHAI))
    english = watch_text(listed, lang="en")
    line = next(line for line in english.splitlines() if "DY-7a.signoff" in line)
    assert "overdue by 0 h 0 min of office time (2 d 14 h 30 min natural time)" in line
    assert "left" not in line
    chinese = watch_text(listed, lang="zh")
    assert "已超时：工作时间 0小时0分钟（自然时间 2天14小时30分钟）" in chinese


def _starts(line: str, *texts: str) -> int:
    """The display column at which the first of ``texts`` found in ``line`` begins."""
    from grievance_rules.text_width import display_width

    found = min(line.index(text) for text in texts if text in line)
    return display_width(line[:found])


def test_the_text_table_has_its_column_headings_in_each_language(listed):
    # the table had no headings, although docs/watch.md lists its columns by them
    zh = ("到期时间", "灯色", "工单", "规则", "单位", "通知对象", "剩余时间")
    en = ("due", "level", "order", "rule", "unit", "notify", "time left")
    for lang, headings, left in (
        ("zh", zh, ("剩余工作时间", "已超时")),
        ("en", en, ("left ", "overdue by")),
    ):
        lines = watch_text(listed, lang=lang).splitlines()
        heading, first = lines[1], lines[2]
        assert heading.split() == [word for h in headings for word in h.split()], heading
        # each heading over its column: the due instant, the order, the time left
        assert _starts(heading, headings[0]) == _starts(first, "2024-") == 2
        assert _starts(heading, headings[2]) == _starts(first, "Y1", "R1", "S1")
        assert _starts(heading, headings[-1]) == _starts(first, *left)


def test_office_and_natural_time_name_their_units() -> None:
    # Y1 (tests/operations/test_watch.py): CD-5.provincial-urgent due Tue 2024-06-18
    # 15:30; at Sat 10:00, 12 h of office time are left (Mon 7 h + Tue 5 h) and 3 days
    # 5 h 30 min of natural time (Sat 10:00 -> Tue 15:30). It read "left 12:00 of office
    # time (3d 05:30 natural time)".
    y1 = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    listed = watch([y1], "chengdong", at("2024-06-15T10:00"), within=dt.timedelta(days=3))
    english = watch_text(listed, lang="en")
    chinese = watch_text(listed, lang="zh")
    line = next(line for line in english.splitlines() if "CD-5.provincial-urgent" in line)
    assert "left 12 h 0 min of office time (3 d 5 h 30 min natural time)" in line
    line = next(line for line in chinese.splitlines() if "CD-5.provincial-urgent" in line)
    assert "剩余工作时间 12小时0分钟（自然时间 3天5小时30分钟）" in line
    import csv

    rows = list(csv.DictReader(io.StringIO(watch_csv(listed, lang="zh").lstrip("\ufeff"))))
    row = next(r for r in rows if r["rule"] == "CD-5.provincial-urgent")
    assert (row["working_left"], row["natural_left"]) == ("12小时0分钟", "3天5小时30分钟")


def test_a_provisional_due_instant_is_flagged_in_every_format() -> None:
    # The notices set the calendar through 2026-12-24 (`grievance-rules calendar
    # coverage`); 2027's New Year holiday is projected. Dispatched Wed 2026-12-30 15:30,
    # CD-5.provincial-urgent's 14 h of office time run past Thu 12-31 (2 h + 7 h) into
    # January 2027: its due instant is provisional. It was said only in JSON Lines.
    z1 = order("Z1", "2026-12-30T15:00", dispatched("2026-12-30T15:30"))
    listed = watch([z1], "chengdong", at("2026-12-31T10:00"), within=dt.timedelta(days=1))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.provisional
    assert item.due > at("2027-01-01T00:00")
    english = watch_text(listed, lang="en")
    chinese = watch_text(listed, lang="zh")
    line = next(line for line in english.splitlines() if "CD-5.provincial-urgent" in line)
    assert "[provisional]" in line
    assert "no State Council holiday notice has set yet" in english
    line = next(line for line in chinese.splitlines() if "CD-5.provincial-urgent" in line)
    assert "【暂定】" in line
    assert "尚未发布放假通知" in chinese
    import csv

    rows = list(csv.DictReader(io.StringIO(watch_csv(listed, lang="en").lstrip("\ufeff"))))
    assert next(r for r in rows if r["rule"] == "CD-5.provincial-urgent")["provisional"] == "yes"
    sheet = load_workbook(io.BytesIO(watch_xlsx(listed, lang="zh"))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("涉及暂定日历日")
    values = [row[column].value for row in sheet.iter_rows(min_row=2)]
    assert "是" in values
    assert "涉及暂定日历日" in watch_html(listed, lang="zh")


def test_a_long_order_id_widens_its_column_and_the_headings_follow() -> None:
    # the order column was 10 wide and the rule column 28: an id of 18 characters (as
    # platforms number them) pushed its row's rule, unit and time left off their headings
    long = order("HX-20261122-000002", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    short = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:40"))
    listed = watch([long, short], "chengdong", at("2024-06-15T10:00"), within=dt.timedelta(days=3))
    lines = watch_text(listed, lang="en").splitlines()
    heading, items = lines[1], [line for line in lines[2:] if " left " in line]
    assert len(items) >= 2
    for line in items:
        assert _starts(line, "CD-") == _starts(heading, "rule")
        assert _starts(line, "left ") == _starts(heading, "time left")


def test_a_written_due_instant_counted_across_projected_days_is_flagged() -> None:
    # CD-5.written-deadline is due at the deadline written on the order (2027-01-04
    # 17:00): no calendar moves it, but the office time left to it runs over 2027's New
    # Year, which no notice has set yet (the notices end 2026-12-24): that time left may
    # move. It was not marked 【暂定】.
    z2 = order(
        "Z2",
        "2026-12-28T09:00",
        dispatched("2026-12-28T09:30"),
        reply_deadline="2027-01-04T17:00:00+08:00",
    )
    listed = watch([z2], "chengdong", at("2026-12-29T10:00"), within=dt.timedelta(days=1))
    item = next(i for i in listed.items if i.rule_id == "CD-5.written-deadline")
    assert item.due == at("2027-01-04T17:00")
    assert item.provisional
    lines = watch_text(listed, lang="zh").splitlines()
    line = next(text for text in lines if "written-deadline" in text)
    assert "【暂定】" in line
