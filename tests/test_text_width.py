"""Display width: a Chinese character takes two columns, so tables line up on a terminal."""

from __future__ import annotations

import re

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.cli import cli
from grievance_rules.text_width import display_width, pad


def test_widths_counted_by_hand() -> None:
    assert display_width("") == 0
    assert display_width("c07") == 3
    assert display_width("东风社区") == 8
    assert display_width("（例：2405010003）") == 6 + 10 + 2  # full-width （：） and the id
    assert display_width("１２") == 4  # full-width digits
    assert display_width("é") == 1


def test_pad_never_cuts() -> None:
    assert pad("东风社区", 6) == "东风社区"
    assert pad("金桥村", 10) == "金桥村    "
    assert pad("金桥村", 10, align=">") == "    金桥村"


@given(st.text(alphabet=st.sampled_from("ab1 东风社区，。"), max_size=12), st.integers(0, 30))
def test_padded_text_is_as_wide_as_asked_or_as_itself(text: str, width: int) -> None:
    padded = pad(text, width)
    assert padded.startswith(text)
    assert set(padded[len(text) :]) <= {" "}
    assert display_width(padded) == max(width, display_width(text))


def _column_of(line: str, marker: str) -> int:
    return display_width(line[: line.index(marker)])


def test_packs_show_lines_the_titles_up_in_chinese() -> None:
    shown = CliRunner().invoke(cli, ["--lang", "zh", "packs", "show", "xiayang"])
    assert shown.exit_code == 0, shown.output
    rules = [line for line in shown.output.splitlines() if re.match(r"  XY-\S+ ", line)]
    assert len(rules) > 5
    kinds = {line.split()[1] for line in rules}
    assert {"时限", "记录在案"} <= kinds  # two widths of kind (4 and 8 columns)
    # the widest id is XY-4.second-handling-from-callback (34 characters)
    starts = {_column_of(line, line.split()[2]) for line in rules}
    assert starts == {2 + 34 + 1 + 10 + 1}


def test_the_demo_tables_line_up_in_chinese(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["--lang", "zh", "demo"]).output
    units = [line for line in out.splitlines() if re.match(r"  c\d\d  ", line)]
    assert len(units) == 5
    ends = {_column_of(line, "/17") for line in units}  # the rank, right-aligned
    assert len(ends) == 1, units
    patterns = [line for line in out.splitlines() if re.match(r"\s+\d+ 件  ", line)]
    assert len(patterns) >= 5
    assert len({_column_of(line, "chengdong") for line in patterns}) == 1, patterns
