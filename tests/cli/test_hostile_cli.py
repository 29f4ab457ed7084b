"""Bad input on the command line ends in one clear line and a non-zero exit, no traceback.

Each case runs the console script's entry point (:func:`grievance_rules.cli.main`),
as a shell would, and checks the exit code, the last line of standard error and
that no traceback was printed.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import pytest

from grievance_rules.cli import main
from tests.packs.test_hostile_packs import CASES as HOSTILE
from tests.packs.test_hostile_packs import SECRET
from tests.testing.lakeside import REPLY_MET, write_pack

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


def run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """(exit code, standard output, standard error) of ``grievance-rules ARGS``."""
    monkeypatch.setattr(sys, "argv", ["grievance-rules", *args])
    code = 0
    try:
        main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def last_line(err: str) -> str:
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_what_if_with_a_value_that_is_not_yaml(monkeypatch, capsys) -> None:
    code, _, err = run(
        ["what-if", "--pack", "chengdong", "--set", "points_process_unsatisfied=[", SAMPLE],
        monkeypatch,
        capsys,
    )
    assert code == 2
    line = last_line(err)
    assert line.startswith("Error: Invalid value for --set: 'points_process_unsatisfied=['")
    assert "is not a YAML scalar" in line


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_what_if_refuses_a_number_that_is_not_finite(monkeypatch, capsys, value) -> None:
    # the value is named as it was given: by --set, as typed
    code, out, err = run(
        ["what-if", "--pack", "chengdong", "--set", f"points_process_unsatisfied={value}", SAMPLE],
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        f"error: pack chengdong: the option --set points_process_unsatisfied={value}: a "
        "parameter's value is a string, a number or a boolean (a finite number: not nan or inf)"
    ]


@pytest.mark.parametrize(
    ("setting", "given"),
    [
        ("points_overdue=two", "--set points_overdue=two"),
        ("points_overdue=two and a half", "--set 'points_overdue=two and a half'"),
    ],
)
def test_what_if_says_a_value_the_rules_cannot_take_came_from_set(
    monkeypatch, capsys, setting, given
) -> None:
    # the value is --set's, not parameters.yaml's (where points_overdue is -1)
    value = setting.partition("=")[2]
    code, out, err = run(
        ["what-if", "--pack", "chengdong", "--set", setting, SAMPLE], monkeypatch, capsys
    )
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        f"error: pack chengdong: with points_overdue='{value}': rules/annex2.yaml: rule "
        f"CD-A2.1.overdue: points: points must be a number, got '{value}' (the value of "
        f"parameter 'points_overdue' given by the option {given})"
    ]


def test_what_if_says_where_a_bad_value_came_from_in_chinese(monkeypatch, capsys) -> None:
    code, out, err = run(
        ["--lang", "zh", "what-if", "--pack", "chengdong", "--set", "points_overdue=two", SAMPLE],
        monkeypatch,
        capsys,
    )
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "错误：规则包 chengdong：设定 points_overdue='two' 后：rules/annex2.yaml：规则 "
        "CD-A2.1.overdue：points：扣分分值须为数字，实际为 'two'"
        "（该值来自选项 --set points_overdue=two，为参数 'points_overdue' 的取值）"
    ]


@pytest.mark.parametrize(
    ("setting", "english", "chinese"),
    [
        (  # a value the rule checks itself (not through its parameter's labels)
            "bottom_ties=two",
            "error: pack chengdong: with bottom_ties='two': rules/assessment.yaml: rule "
            "CD-10.bottom-three-secretary: ties: must be all or none, got 'two' (the value of "
            "parameter 'bottom_ties' given by the option --set bottom_ties=two)",
            "错误：规则包 chengdong：设定 bottom_ties='two' 后：rules/assessment.yaml：规则 "
            "CD-10.bottom-three-secretary：ties：须为 all 或 none，实际为 'two'"
            "（该值来自选项 --set bottom_ties=two，为参数 'bottom_ties' 的取值）",
        ),
        (  # a warning level's fraction
            "warning_yellow=2",
            "error: pack chengdong: with warning_yellow=2: rules/mechanisms.yaml: rule "
            "CD-1.emergency-feedback: warnings.0.param: must be a fraction of 0 to 1, got 2 (the "
            "value of parameter 'warning_yellow' given by the option --set warning_yellow=2)",
            "错误：规则包 chengdong：设定 warning_yellow=2 后：rules/mechanisms.yaml：规则 "
            "CD-1.emergency-feedback：warnings.0.param：须为 0 到 1 之间的小数，实际为 2"
            "（该值来自选项 --set warning_yellow=2，为参数 'warning_yellow' 的取值）",
        ),
        (  # a reading's parameter takes one of its labels (Parameter.accepts)
            "second_continuation_risk=while-running",
            "error: pack chengdong: the option --set second_continuation_risk=while-running: "
            "'while-running' is not one of the values of parameter 'second_continuation_risk': "
            "reached, while_running",
            "错误：规则包 chengdong：选项 --set second_continuation_risk=while-running："
            "'while-running' 不是参数 'second_continuation_risk' 的取值之一"
            "（可取：reached、while_running）",
        ),
    ],
)
def test_what_if_says_a_wrong_value_came_from_set_in_both_languages(
    monkeypatch, capsys, setting, english, chinese
) -> None:
    # not "(the value of parameter ... in parameters.yaml)", nor no word of where it came from
    for lang, expected in (("en", english), ("zh", chinese)):
        code, out, err = run(
            ["--lang", lang, "what-if", "--pack", "chengdong", "--set", setting, SAMPLE],
            monkeypatch,
            capsys,
        )
        assert (code, out) == (2, "")
        assert err.strip().splitlines() == [expected]


def test_a_pack_with_an_absolute_rule_files_pattern(tmp_path, monkeypatch, capsys) -> None:
    pack = write_pack(tmp_path, REPLY_MET)
    manifest = pack / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "rule_files: ['/etc/*']\n", encoding="utf-8"
    )
    for args in (
        ["packs", "validate", str(pack)],
        ["evaluate", "--pack", str(pack), SAMPLE],
        ["evaluate", "--pack-dir", str(pack), SAMPLE],
        ["score", "--pack", str(pack), SAMPLE],
    ):
        code, out, err = run(args, monkeypatch, capsys)
        assert code == 2, args
        assert out == ""
        assert err.strip().splitlines() == [
            "error: pack.yaml: rule_files.0: '/etc/*' leaves the pack directory; give a path "
            "relative to it, without '..'"
        ]


def test_packs_validate_refuses_a_revision_with_a_space(tmp_path, monkeypatch, capsys) -> None:
    pack = write_pack(tmp_path, REPLY_MET)
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8").replace('revision: "1"', 'revision: "1 a"')
    manifest.write_text(text, encoding="utf-8")
    code, _, err = run(["packs", "validate", str(pack)], monkeypatch, capsys)
    assert code == 2
    line = last_line(err)
    assert line.startswith("error: pack.yaml: revision: ")
    assert line.endswith("got '1 a' (line 4)")


def test_packs_validate_assesses_orders_under_a_good_pack(tmp_path, monkeypatch, capsys) -> None:
    pack = write_pack(tmp_path, REPLY_MET)
    code, out, err = run(["packs", "validate", str(pack)], monkeypatch, capsys)
    assert (code, err) == (0, "")
    assert out == "lakeside 1: valid, 4 rules, 1 parameter, 0 flags\n"


def test_a_folder_named_like_a_builtin_pack_is_used_only_as_a_path(
    tmp_path, monkeypatch, capsys
) -> None:
    pack = write_pack(tmp_path, REPLY_MET, folder="chengdong")
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: lakeside", "id: chengdong")
    manifest.write_text(text.replace('revision: "1"', 'revision: "local"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = json.loads(Path(SAMPLE).read_text(encoding="utf-8").splitlines()[0])
    orders = tmp_path / "one.jsonl"
    orders.write_text(json.dumps(first, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = {
        ("--pack", "chengdong"): "chengdong@2024",
        ("--pack", "./chengdong"): "chengdong@local",
        ("--pack-dir", "chengdong"): "chengdong@local",
    }
    for (option, value), key in expected.items():
        code, out, err = run(["evaluate", option, value, str(orders)], monkeypatch, capsys)
        assert code == 0, err
        assert json.loads(out)["pack"] == key


def test_pack_and_pack_dir_together_is_a_usage_error(tmp_path, monkeypatch, capsys) -> None:
    code, _, err = run(
        ["evaluate", "--pack", "daye", "--pack-dir", str(tmp_path), SAMPLE], monkeypatch, capsys
    )
    assert code == 2
    assert last_line(err) == "Error: give one of --pack NAME and --pack-dir DIR"


def test_read_with_an_unknown_encoding(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("id,channel,category,received_at\n", encoding="utf-8")
    code, out, err = run(["read", "--encoding", "nonsense", str(path)], monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "error: unknown text encoding 'nonsense'; e.g. utf-8, utf-8-sig, gb18030, or auto (detect)"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["evaluate"],
        ["score"],
        ["what-if", "--set", "reply_time=3 working days"],
        ["watch", "--as-of", "2026-03-10T00:00:00+08:00"],
        ["timeline", "--order", "L1"],
    ],
    ids=lambda command: command[0],
)
def test_each_command_with_a_pack_takes_pack_dir(tmp_path, monkeypatch, capsys, command) -> None:
    write_pack(tmp_path, REPLY_MET, folder="lake")
    orders = tmp_path / "orders.jsonl"
    order = {
        "id": "L1",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2026-03-02T09:00:00+08:00",
        "units": [
            {"id": "zx", "name": "湖畔街道指挥中心", "kind": "dispatch_centre"},
            {"id": "c1", "name": "东岸社区", "kind": "village_community"},
        ],
        "events": [
            {"type": "dispatched", "at": "2026-03-02T10:00:00+08:00", "unit": "zx", "to_unit": "c1"}
        ],
    }
    orders.write_text(json.dumps(order, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run([*command, "--pack-dir", "lake", str(orders)], monkeypatch, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    if command[0] != "timeline":  # the timeline shows rules, not the pack's name
        assert "lakeside" in out
    code, _, err = run([*command, "--pack", "lake", str(orders)], monkeypatch, capsys)
    assert code == 2
    assert "no policy pack 'lake'" in last_line(err)


def test_validation_assesses_orders_so_a_pack_the_engine_cannot_use_is_refused() -> None:
    """A pack that got past loading (built here by copying, as no file could give it)."""
    import dataclasses

    from grievance_rules.cli.packs import assess_trial
    from grievance_rules.errors import PackError
    from grievance_rules.packs import find_pack

    pack = find_pack("xiayang")
    assess_trial(pack)  # the built-in pack assesses its orders
    calendar = pack.manifest.calendar.model_copy(update={"office_hours": "25:00-26:00"})
    broken = dataclasses.replace(
        pack, manifest=pack.manifest.model_copy(update={"calendar": calendar})
    )
    with pytest.raises(PackError) as caught:
        assess_trial(broken)
    message = str(caught.value)
    assert message.startswith("pack xiayang: loads, but ")
    assert "office hours '25:00-26:00': 25:00 is no time of day" in message


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_the_hostile_pack_corpus_through_packs_validate(
    tmp_path, monkeypatch, capsys, case
) -> None:
    """Each pack of tests/packs/test_hostile_packs.py: one line naming file and reason, exit 2."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"rules: [{{id: {SECRET}}}]\n", encoding="utf-8")
    (outside / "params.yaml").write_text(f"parameters: {{{SECRET}: 1}}\n", encoding="utf-8")
    pack = write_pack(tmp_path, REPLY_MET)
    case.breaks(pack, outside)
    code, out, err = run(["packs", "validate", str(pack)], monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert SECRET not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"error: {case.file}: ") or lines[0].startswith(
        f"error: {case.file} "
    )
    for words in case.words:
        assert words in err
    if "not valid YAML" not in err:
        assert len(lines) == 1


def test_what_if_refuses_a_composite_weight_that_is_not_a_number(monkeypatch, capsys) -> None:
    # daye's 三率 composite weighs by parameters; 'two' stopped `score` with a traceback
    code, out, err = run(
        ["what-if", "--pack", "daye", "--set", "weight_completion=two", SAMPLE],
        monkeypatch,
        capsys,
    )
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "error: pack daye: with weight_completion='two': pack.yaml: scoring.composite."
        "completion: a weight must be a number of at least 0, got 'two' (the value of "
        "parameter 'weight_completion' given by the option --set weight_completion=two)"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--pack", "chengdong", SAMPLE, "-o", "{missing}/x.md"],
        ["evaluate", "--pack", "chengdong", SAMPLE, "-o", "{missing}/x.jsonl"],
        ["compare", "--packs", "chengdong,daye", SAMPLE, "--html", "{missing}/c.html"],
        ["read", SAMPLE, "--accepted-out", "{missing}/a.jsonl"],
        ["watch", "--pack", "daye", SAMPLE, "-o", "{missing}/w.csv"],
        ["packs", "diff", "chengdong", "daye", "-o", "{missing}/d.md"],
        ["score", "--pack", "chengdong", SAMPLE, "-o", "{folder}"],
    ],
)
def test_an_output_nowhere_to_be_written_is_a_usage_error_before_any_order_is_read(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # it was a traceback (FileNotFoundError: 'nodir/.x.md.b67eccc11295.part') and exit 1,
    # which says records were rejected, after the whole batch had been assessed
    given = [a.format(missing=tmp_path / "nodir", folder=tmp_path) for a in args]
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    code, out, err = run(given, monkeypatch, capsys)
    assert code == 2
    line = last_line(err)
    if "{folder}" in args:
        assert line.endswith(f"{tmp_path} is a folder; give the name of a file")
    else:
        assert line.endswith(
            f"there is no folder {tmp_path / 'nodir'} to write {Path(given[-1]).name} in"
        )
    assert out == ""
    assert not (tmp_path / "nodir").exists()


def test_a_file_that_cannot_be_written_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # convert and sample write where their format says (a Parquet folder, a file): a
    # missing folder or a folder for a file was a traceback naming the temporary file
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    code, _out, err = run(
        ["convert", SAMPLE, str(tmp_path / "nodir" / "c.jsonl")], monkeypatch, capsys
    )
    assert (code, last_line(err)) == (
        2,
        f"error: {tmp_path / 'nodir' / 'c.jsonl'}: No such file or directory",
    )
    folder = tmp_path / "d"
    folder.mkdir()
    code, _out, err = run(
        ["sample", "--orders", "2", "--seed", "1", "-o", str(folder)], monkeypatch, capsys
    )
    assert (code, last_line(err)) == (2, f"error: {folder}: Is a directory")
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


@pytest.mark.parametrize("name", ["a.jsonl", "a.xlsx"])
def test_an_interrupted_read_leaves_no_part_of_its_accepted_orders(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Ctrl-C after 1.5 s left a.jsonl with 9,106 of 20,000 lines
    from grievance_rules.model import WorkOrder

    real = WorkOrder.model_dump_json
    calls = []

    def interrupted(self: WorkOrder, **kwargs: object) -> str:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkOrder, "model_dump_json", interrupted)
    if name.endswith(".xlsx"):
        from grievance_rules.reading import export

        def stopped(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(export, "long_tables", stopped)
    target = tmp_path / name
    code, _out, _err = run(["read", SAMPLE, "--accepted-out", str(target)], monkeypatch, capsys)
    assert code == 130
    assert list(tmp_path.iterdir()) == []


def test_read_rejects_a_second_record_of_an_order_id_as_evaluate_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # read accepted both (and wrote S-0001 twice to --accepted-out); evaluate rejected one
    lines = Path(SAMPLE).read_text(encoding="utf-8").splitlines()
    doubled = tmp_path / "dup.jsonl"
    doubled.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    code, out, err = run(
        ["read", str(doubled), "--accepted-out", str(tmp_path / "acc.jsonl")], monkeypatch, capsys
    )
    err = out + err
    assert code == 1
    assert (
        f"rejected {doubled}:6 (order S-0001): id: duplicate order id 'S-0001' "
        f"(first at {doubled}:1) [duplicate_order]"
    ) in err
    assert f"{doubled}: 6 records, 5 accepted (0 warnings), 1 rejected" in err
    kept = (tmp_path / "acc.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == [f"S-000{i}" for i in range(1, 6)]
    code, _out, err = run(["evaluate", "--pack", "daye", str(doubled)], monkeypatch, capsys)
    assert f"duplicate order id 'S-0001' (first at {doubled}:1)" in err


def test_a_folder_with_no_dataset_is_said_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "cannot tell the format of 'adir' from its suffix ''"
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    folder = tmp_path / "adir"
    folder.mkdir()
    code, _out, err = run(["score", "--pack", "daye", str(folder)], monkeypatch, capsys)
    assert code == 2
    assert last_line(err) == (
        f"error: '{folder}' is a folder with no Parquet dataset in it (orders.parquet, or a "
        "folder orders/ of partition files); give a file of orders or a dataset"
    )
