from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.reading import read_orders
from grievance_rules.samples import SampleConfigError

ARGS = ["sample", "--orders", "60", "--seed", "3", "--start", "2025-03-01", "--months", "2"]


def test_writes_json_lines_to_stdout_the_same_every_time() -> None:
    first = CliRunner().invoke(cli, ARGS)
    again = CliRunner().invoke(cli, ARGS)
    other = CliRunner().invoke(cli, [*ARGS[:4], "4", *ARGS[5:]])
    assert first.exit_code == 0, first.output
    assert first.stdout_bytes == again.stdout_bytes != other.stdout_bytes
    assert len(first.stdout_bytes.splitlines()) == 60


def test_writes_a_file_that_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "sample.jsonl"
    result = CliRunner().invoke(cli, [*ARGS, "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "wrote 60 orders" in result.stderr
    assert path.read_bytes() == CliRunner().invoke(cli, ARGS).stdout_bytes
    report = read_orders(path)
    assert (report.records, len(report.rejected)) == (60, 0)


def test_as_of_cuts_the_histories() -> None:
    cut = CliRunner().invoke(cli, [*ARGS, "--as-of", "2025-05-01T00:00:00+08:00"])
    assert cut.exit_code == 0, cut.output
    assert len(cut.stdout_bytes) < len(CliRunner().invoke(cli, ARGS).stdout_bytes)


def test_bad_window_is_refused_with_the_reason() -> None:
    result = CliRunner().invoke(
        cli, ["sample", "--orders", "5", "--seed", "1", "--start", "2003-01-01"]
    )
    assert isinstance(result.exception, SampleConfigError)
    assert "receipts must fall between 2004-01-01" in str(result.exception)


@pytest.mark.parametrize("bad", [["--orders", "-1"], ["--months", "0"], ["--start", "2025-13-01"]])
def test_bad_options_are_usage_errors(bad: list[str]) -> None:
    options = {"--orders": "5", "--seed": "1"}
    options.update(dict(zip(bad[::2], bad[1::2], strict=True)))
    result = CliRunner().invoke(cli, ["sample", *[x for kv in options.items() for x in kv]])
    assert result.exit_code == 2
