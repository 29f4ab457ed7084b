"""Hostile packs: each is refused with the error, file, field and words it must get.

The packs are the small "lakeside" pack (tests/testing/lakeside.py) written into
``tmp_path`` and then broken: symbolic links, FIFOs and large files are made here,
not committed. Next to the pack lies ``outside/`` with a file whose content
(``SECRET-9``) must never reach a message.
"""

from __future__ import annotations

import os
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from grievance_rules.errors import PackError
from grievance_rules.packs import load_pack
from grievance_rules.packs.files import MAX_FILE_BYTES, MAX_YAML_DEPTH
from grievance_rules.testing.scenarios import ScenarioFileError, load_scenarios, pack_coverage
from tests.testing.lakeside import REPLY_MET, replace_in, write_pack

SECRET = "SECRET-9"


def billion_laughs(levels: int = 10) -> str:
    """``levels`` anchors, each a list of ten aliases of the one before: 10**levels leaves."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(
        f"rules:\n  - id: {SECRET}\n    kind: clock\n", encoding="utf-8"
    )
    (folder / "params.yaml").write_text(f"parameters: {{{SECRET}: 1}}\n", encoding="utf-8")
    return folder


@pytest.fixture
def pack(tmp_path: Path, outside: Path) -> Path:
    return write_pack(tmp_path, REPLY_MET)


def add_to_manifest(pack: Path, text: str) -> None:
    manifest = pack / "pack.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + text, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """A way to break a pack, and what the refusal must say."""

    name: str
    breaks: Callable[[Path, Path], None]
    file: str
    field: str | None
    words: tuple[str, ...]
    line: int | None = None


def _fifo(pack: Path, outside: Path) -> None:
    if not hasattr(os, "mkfifo"):  # pragma: no cover - Windows
        pytest.skip("no FIFOs here")
    os.mkfifo(pack / "rules" / "fifo.yaml")


def _rule_folder_linked_outside(pack: Path, outside: Path) -> None:
    (pack / "rules" / "more").symlink_to(outside, target_is_directory=True)
    add_to_manifest(pack, "rule_files: ['rules/*.yaml', 'rules/*/*.yaml']\n")


def _parameters_linked_outside(pack: Path, outside: Path) -> None:
    (pack / "parameters.yaml").unlink()
    (pack / "parameters.yaml").symlink_to(outside / "params.yaml")


def _manifest_linked_outside(pack: Path, outside: Path) -> None:
    (pack / "pack.yaml").rename(outside / "pack.yaml")
    (pack / "pack.yaml").symlink_to(outside / "pack.yaml")


CASES = [
    Case(
        "rule_files with ..",
        lambda p, o: add_to_manifest(p, "rule_files: ['rules/*.yaml', '../outside/*.yaml']\n"),
        "pack.yaml",
        "rule_files.1",
        ("'../outside/*.yaml' leaves the pack directory",),
    ),
    Case(
        "absolute rule_files",
        lambda p, o: add_to_manifest(p, f"rule_files: ['{o.as_posix()}/*.yaml']\n"),
        "pack.yaml",
        "rule_files.0",
        ("leaves the pack directory",),
    ),
    Case(
        "rule_files under the home directory",
        lambda p, o: add_to_manifest(p, "rule_files: ['~/rules/*.yaml']\n"),
        "pack.yaml",
        "rule_files.0",
        ("'~/rules/*.yaml' leaves the pack directory",),
    ),
    Case(
        "an empty rule_files pattern",
        lambda p, o: add_to_manifest(p, "rule_files: ['']\n"),
        "pack.yaml",
        "rule_files.0",
        ("an empty path",),
    ),
    Case(
        "a rule_files pattern glob refuses",
        lambda p, o: add_to_manifest(p, "rule_files: ['rules/**x.yaml']\n"),
        "pack.yaml",
        "rule_files.0",
        ("'rules/**x.yaml' is not a usable pattern",),
    ),
    Case(
        "parameters_file with ..",
        lambda p, o: add_to_manifest(p, "parameters_file: ../outside/params.yaml\n"),
        "pack.yaml",
        "parameters_file",
        ("'../outside/params.yaml' leaves the pack directory",),
    ),
    Case(
        "absolute parameters_file",
        lambda p, o: add_to_manifest(p, f"parameters_file: {(o / 'params.yaml').as_posix()}\n"),
        "pack.yaml",
        "parameters_file",
        ("leaves the pack directory",),
    ),
    Case(
        "a rule file linked to a file outside",
        lambda p, o: (p / "rules" / "linked.yaml").symlink_to(o / "secret.yaml"),
        "rules/linked.yaml",
        "rule_files.0",
        ("leads outside the pack directory",),
    ),
    Case(
        "a rule file linked to /etc/passwd",
        lambda p, o: (p / "rules" / "passwd.yaml").symlink_to("/etc/passwd"),
        "rules/passwd.yaml",
        "rule_files.0",
        ("leads outside the pack directory",),
    ),
    Case(
        # refused before globbing lists the outside folder (its file names were quoted)
        "a rule folder linked outside",
        _rule_folder_linked_outside,
        "pack.yaml",
        "rule_files.1",
        ("'rules/*/*.yaml' would look into 'rules/more', a link leading outside",),
    ),
    Case(
        "parameters.yaml linked outside",
        _parameters_linked_outside,
        "parameters.yaml",
        "parameters_file",
        ("leads outside the pack directory",),
    ),
    Case(
        "pack.yaml linked outside",
        _manifest_linked_outside,
        "pack.yaml",
        None,
        ("leads outside the pack directory",),
    ),
    Case(
        "a rule file linked to /dev/zero",
        lambda p, o: (p / "rules" / "zero.yaml").symlink_to("/dev/zero"),
        "rules/zero.yaml",
        "rule_files.0",
        ("leads outside the pack directory",),
    ),
    Case(
        "a FIFO as a rule file",
        _fifo,
        "rules/fifo.yaml",
        "rule_files.0",
        ("not a regular file",),
    ),
    Case(
        "a folder matched by rule_files",
        lambda p, o: (p / "rules" / "folder.yaml").mkdir(),
        "rules/folder.yaml",
        "rule_files.0",
        ("not a regular file",),
    ),
    Case(
        "a rule file over the size cap",
        lambda p, o: (p / "rules" / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1)),
        "rules/big.yaml",
        "rule_files.0",
        ("1,048,577 bytes, more than the 1,048,576 bytes",),
    ),
    Case(
        "an alias bomb in a rule file",
        lambda p, o: (p / "rules" / "bomb.yaml").write_text(billion_laughs(), encoding="utf-8"),
        "rules/bomb.yaml",
        None,
        ("expands to more than 250,000 YAML nodes", "alias"),
        line=6,  # l5 is the first anchor over the cap: 10**6 leaves
    ),
    Case(
        "an alias bomb in parameters.yaml",
        lambda p, o: (p / "parameters.yaml").write_text(billion_laughs(), encoding="utf-8"),
        "parameters.yaml",
        None,
        ("expands to more than 250,000 YAML nodes",),
        line=6,
    ),
    Case(
        "an alias bomb in pack.yaml",
        lambda p, o: add_to_manifest(p, "bomb:\n" + billion_laughs().replace("l", "  l", 1)),
        "pack.yaml",
        None,
        ("expands to more than 250,000 YAML nodes",),
    ),
    Case(
        "a long string aliased a hundred times",
        lambda p, o: (p / "rules" / "text.yaml").write_text(
            "x: &s " + "a" * 100_000 + "\ny: [" + ", ".join(["*s"] * 100) + "]\n",
            encoding="utf-8",
        ),
        "rules/text.yaml",
        None,
        ("expands to more than 4,194,304 characters",),
        line=2,
    ),
    Case(
        "an alias inside the node it names",
        lambda p, o: (p / "rules" / "cycle.yaml").write_text("rules: &a [*a]\n", encoding="utf-8"),
        "rules/cycle.yaml",
        None,
        ("an alias refers to a node that contains it",),
        line=1,
    ),
    Case(
        "nesting deeper than the cap",
        lambda p, o: (p / "rules" / "deep.yaml").write_text(
            "rules: " + "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1), encoding="utf-8"
        ),
        "rules/deep.yaml",
        None,
        (f"nests deeper than {MAX_YAML_DEPTH} levels",),
        line=1,
    ),
    Case(
        "a rule file in GB18030",
        lambda p, o: (p / "rules" / "gbk.yaml").write_bytes("rules: []  # 中文".encode("gb18030")),
        "rules/gbk.yaml",
        None,
        ("not UTF-8 text (byte 14 of the file)",),
        line=1,
    ),
    Case(
        "a revision with a space",
        lambda p, o: replace_in(p / "pack.yaml", 'revision: "1"', 'revision: "1 a"'),
        "pack.yaml",
        "revision",
        ("revision", "got '1 a'"),
        line=4,
    ),
    Case(
        "a revision with a '$'",
        lambda p, o: replace_in(p / "pack.yaml", 'revision: "1"', 'revision: "v$1"'),
        "pack.yaml",
        "revision",
        ("got 'v$1'",),
        line=4,
    ),
    Case(
        "office hours past midnight",
        lambda p, o: replace_in(p / "pack.yaml", "09:00-12:00", "25:00-26:00"),
        "pack.yaml",
        "calendar.office_hours",
        ("25:00 is no time of day",),
        line=10,
    ),
    Case(
        "an unknown half-day rule",
        lambda p, o: replace_in(p / "pack.yaml", "half_day: half_minutes", "half_day: noon"),
        "pack.yaml",
        "calendar.half_day",
        ("unknown half-day rule 'noon'",),
        line=11,
    ),
    Case(
        "points of .nan",
        lambda p, o: replace_in(p / "rules" / "lakeside.yaml", "points: -1", "points: .nan"),
        "rules/lakeside.yaml",
        "points",
        ("finite number",),
        line=26,
    ),
    Case(
        "a parameter of .inf",
        lambda p, o: replace_in(p / "parameters.yaml", "value: 2 working days", "value: -.inf"),
        "parameters.yaml (parameter reply_time)",
        "values.0.value",
        ("a number must be finite, got -inf",),
        line=5,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_pack_is_refused_with_file_field_and_reason(
    case: Case, pack: Path, outside: Path
) -> None:
    case.breaks(pack, outside)
    with pytest.raises(PackError) as caught:
        load_pack(pack)
    error = caught.value
    assert type(error) is PackError
    assert (error.file, error.field) == (case.file, case.field)
    for words in case.words:
        assert words in str(error)
    if case.line is not None:
        assert error.line == case.line
    assert SECRET not in str(error)
    assert "\n" not in str(error) or "not valid YAML" in str(error)


def test_a_link_to_a_file_inside_the_pack_is_read(pack: Path) -> None:
    (pack / "shared").mkdir()
    (pack / "rules" / "lakeside.yaml").rename(pack / "shared" / "lakeside.yaml")
    (pack / "rules" / "lakeside.yaml").symlink_to(pack / "shared" / "lakeside.yaml")
    loaded = load_pack(pack)
    assert loaded.rule_files["LS-1.reply"] == "rules/lakeside.yaml"
    assert len(loaded.rules) == 4


def test_anchors_and_aliases_within_the_caps_are_read(pack: Path) -> None:
    (pack / "rules" / "extra.yaml").write_text(
        "rules:\n"
        "  - id: LS-9.copy\n"
        "    kind: record\n"
        "    title: 记录\n"
        "    clauses: [LS-9]\n"
        "    citation: &cite {source: lakeside.txt, clause: 第九条, text: 记录}\n"
        "    not_computed: &why 会议记录\n"
        "  - id: LS-9.again\n"
        "    kind: record\n"
        "    title: 记录\n"
        "    clauses: [LS-9]\n"
        "    citation: *cite\n"
        "    not_computed: *why\n",
        encoding="utf-8",
    )
    loaded = load_pack(pack)
    assert loaded.rule("LS-9.again").citation.clause == "第九条"
    assert loaded.rule("LS-9.again").not_computed == "会议记录"


def test_an_alias_bomb_is_refused_without_building_it(pack: Path) -> None:
    """10 levels of ten: 10**10 leaves if built; refused with a few MB traced at most."""
    (pack / "rules" / "bomb.yaml").write_text(billion_laughs(10), encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(PackError, match="alias bomb"):
            load_pack(pack)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_file_at_the_size_cap_is_read(pack: Path) -> None:
    filler = b"rules: []\n" + b"#" * (MAX_FILE_BYTES - len(b"rules: []\n"))
    (pack / "rules" / "filler.yaml").write_bytes(filler)
    assert len(load_pack(pack).rules) == 4


# -- scenario files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("breaks", "words"),
    [
        (
            lambda p, o: (p / "scenarios" / "linked.yaml").symlink_to(o / "secret.yaml"),
            "leads outside the pack directory",
        ),
        (lambda p, o: (p / "scenarios" / "zero.yaml").symlink_to("/dev/zero"), "leads outside"),
        (
            lambda p, o: (p / "scenarios" / "bomb.yaml").write_text(
                billion_laughs(), encoding="utf-8"
            ),
            "expands to more than 250,000 YAML nodes",
        ),
        (
            lambda p, o: (p / "scenarios" / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1)),
            "more than the 1,048,576 bytes",
        ),
    ],
    ids=["link outside", "dev zero", "alias bomb", "too large"],
)
def test_a_hostile_scenario_file_is_refused(
    pack: Path, outside: Path, breaks: Callable[[Path, Path], None], words: str
) -> None:
    breaks(pack, outside)
    with pytest.raises(ScenarioFileError) as caught:
        pack_coverage(pack)
    assert words in str(caught.value)
    assert SECRET not in str(caught.value)
    assert str(caught.value.file).startswith(str(pack))


def test_a_scenario_file_linked_outside_is_refused_by_load_scenarios(
    pack: Path, outside: Path
) -> None:
    (pack / "scenarios" / "linked.yaml").symlink_to(outside / "secret.yaml")
    with pytest.raises(ScenarioFileError, match="leads outside the pack directory"):
        load_scenarios(pack / "scenarios" / "linked.yaml")


def test_scenario_anchors_still_work(pack: Path) -> None:
    cases = load_scenarios(pack / "scenarios" / "replies.yaml")
    assert [case.name for case in cases] == ["reply one minute before the two working days are up"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_the_outside_file_was_never_needed(pack: Path, outside: Path) -> None:
    """The refusals above come before reading: the outside file can even be unreadable."""
    (pack / "rules" / "linked.yaml").symlink_to(outside / "secret.yaml")
    (outside / "secret.yaml").chmod(0)
    try:
        with pytest.raises(PackError, match="leads outside"):
            load_pack(pack)
    finally:
        (outside / "secret.yaml").chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_swapped_for_a_fifo_after_the_check_is_refused_without_waiting(
    pack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first check sees a regular file (as before a swap); the open file is a FIFO."""
    from grievance_rules.packs import files

    fifo = pack / "rules" / "fifo.yaml"
    os.mkfifo(fifo)
    regular = os.stat(pack / "pack.yaml")
    real_stat = os.stat
    monkeypatch.setattr(
        files.os,
        "stat",
        lambda path, *a, **k: regular if Path(path) == fifo else real_stat(path, *a, **k),
    )
    with pytest.raises(PackError) as caught:
        load_pack(pack)
    assert caught.value.file == "rules/fifo.yaml"
    assert "not a regular file" in str(caught.value)


def test_a_folder_linked_inside_the_pack_is_still_globbed(pack: Path) -> None:
    # only a link leading out is refused; one to another folder of the pack is followed
    # (a rule file left in rules/: a pattern that matches no file is refused)
    (pack / "shared").mkdir()
    rules = pack / "rules" / "lakeside.yaml"
    text = rules.read_text(encoding="utf-8")
    at = text.index("  - id: LS-3.late")
    rules.write_text(text[:at], encoding="utf-8")
    moved = pack / "shared" / "deductions.yaml"
    moved.write_text("rules:\n" + text[at:], encoding="utf-8")
    (pack / "rules" / "more").symlink_to(pack / "shared", target_is_directory=True)
    add_to_manifest(pack, "rule_files: ['rules/*.yaml', 'rules/*/*.yaml']\n")
    loaded = load_pack(pack)
    assert loaded.rule_files["LS-3.late"] == "rules/more/deductions.yaml"


def test_of_two_impossible_dates_the_first_in_the_file_is_named() -> None:
    from grievance_rules.packs.files import load_yaml

    text = (
        "parameters:\n"
        "  a:\n"
        "    description: x\n"
        "    values:\n"
        "      - {from: 2024-13-01, value: 1}\n"
        "later: 2024-02-30\n"
    )
    with pytest.raises(PackError) as caught:
        load_yaml(text, "parameters.yaml")
    assert caught.value.line == 5
    assert "'2024-13-01' is not a date or time that exists" in str(caught.value)
