"""Files written atomically get the permissions a file written in the ordinary way gets.

The expected modes are worked out by hand: a new file is ``rw-rw-rw-`` (0o666) less
the umask, so 0o644 under umask 022 and 0o600 under umask 077; a replaced file keeps
the mode it had.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.atomic import atomic_path, put_in_place, temporary_beside
from grievance_rules.cli import cli
from grievance_rules.reports.parquet import FindingsWriter

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_has_the_mode_the_umask_gives(tmp_path: Path, umask: int, expected: int) -> None:
    before = os.umask(umask)
    try:
        target = tmp_path / "report.md"
        with atomic_path(target) as tmp:
            tmp.write_text("# 报告\n", encoding="utf-8")
    finally:
        os.umask(before)
    assert mode(target) == expected
    assert target.read_text(encoding="utf-8") == "# 报告\n"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_path(target) as tmp:
        tmp.write_text("new\n", encoding="utf-8")
    assert mode(target) == 0o640
    assert target.read_text(encoding="utf-8") == "new\n"


def test_a_read_only_target_is_replaced_read_only_after_the_writing(
    tmp_path: Path, umask_022: None
) -> None:
    # the mode is copied when the file is complete, not before: the writer can write
    target = tmp_path / "frozen.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o444)
    temporary = temporary_beside(target)
    temporary.write_text("new\n", encoding="utf-8")
    put_in_place(temporary, target)
    assert mode(target) == 0o444
    assert target.read_text(encoding="utf-8") == "new\n"


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"

    def cut_off() -> None:
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("cut off")

    with pytest.raises(RuntimeError):
        cut_off()
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        tmp.write_text("whole", encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_temporary_names_differ_and_sit_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "data.parquet"
    first, second = temporary_beside(target), temporary_beside(target)
    assert first != second
    assert first.parent == second.parent == tmp_path
    assert first.name.startswith(".data.parquet.")
    assert first.name.endswith(".part")
    assert first.read_bytes() == b""


def test_a_findings_file_gets_the_ordinary_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "findings.parquet"
    with FindingsWriter(target):
        pass
    assert mode(target) == 0o644


def test_the_cli_s_outputs_get_the_ordinary_mode(tmp_path: Path, umask_022: None) -> None:
    # a Parquet dataset as `sample` writes it, then a report and a workbook from it
    dataset = tmp_path / "ds"
    report = tmp_path / "cmp.md"
    workbook = tmp_path / "score.xlsx"
    for args in (
        ["sample", "--orders", "30", "--seed", "3", "--format", "parquet", "-o", str(dataset)],
        ["compare", str(dataset), "--packs", "xiayang,daye", "-o", str(report)],
        ["score", str(dataset), "--pack", "xiayang", "-o", str(workbook)],
    ):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert {p.name for p in written} == {
        "orders.parquet",
        "events.parquet",
        "units.parquet",
        "cmp.md",
        "score.xlsx",
    }
    assert {p.relative_to(tmp_path).as_posix(): mode(p) for p in written} == {
        p.relative_to(tmp_path).as_posix(): 0o644 for p in written
    }


def test_a_symbolic_link_is_written_through_and_kept(tmp_path: Path) -> None:
    # the link was replaced by a file, and the file it pointed to left as it was
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with atomic_path(link) as tmp:
        tmp.write_text("new\n", encoding="utf-8")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_is_written_into_and_stays_a_pipe(tmp_path: Path) -> None:
    # a device or a pipe (-o /dev/null) was replaced by a regular file: as root, /dev/null
    # became a file of the report
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    # (a daemon: were the pipe replaced by a file, the reader would wait for a writer
    # forever, and the test run with it)
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    with atomic_path(pipe) as tmp:
        tmp.write_bytes(b"report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]
