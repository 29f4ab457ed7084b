"""grievance-rules watch reports a rejected record as evaluate does: source, order id, reasons."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from tests.operations.conftest import dispatched, order

AS_OF = "2024-06-15T10:00+08:00"


def _file(tmp_path: Path) -> Path:
    """Line 1 a good order; line 2 not JSON; line 3 order B1 without its receipt instant."""
    good = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    missing = good.model_dump(mode="json") | {"id": "B1"}
    del missing["received_at"]
    path = tmp_path / "orders.jsonl"
    path.write_text(
        good.model_dump_json() + "\n" + "{not json\n" + json.dumps(missing) + "\n",
        encoding="utf-8",
    )
    return path


def _rejections(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1, result.output  # records were rejected
    return [
        json.loads(line)["rejected"]
        for line in result.stderr.splitlines()
        if line.startswith('{"rejected"')
    ]


BAD_JSON = {
    "en": "(record): Invalid JSON: key must be a string at line 1 column 2",
    "zh": "（整条记录）：不是有效的 JSON：该条记录不完整或格式有误",
}
"""The reason given for line 2 of :func:`_file` ({not json)."""


@pytest.mark.parametrize(
    ("lang", "missing"),
    [("en", "received_at: field required"), ("zh", "受理时间（received_at）：必填项缺失")],
)
def test_watch_writes_a_rejected_record_as_evaluate_does(
    tmp_path: Path, lang: str, missing: str
) -> None:
    path = _file(tmp_path)
    common = ("--pack", "chengdong", "--as-of", AS_OF)
    watched = _rejections("--lang", lang, "watch", *common, "--output-format", "jsonl", str(path))
    evaluated = _rejections(
        "--lang", lang, "evaluate", *common, "--output-format", "jsonl", str(path)
    )
    # the same keys, in the same order, and the same wording of each reason (both
    # commands write it with one function: the equality documents that contract, the
    # values below are what can fail)
    assert [list(r) for r in watched] == [["source", "order_id", "reasons"]] * 2
    assert watched == evaluated
    bad_json, no_receipt = watched
    assert bad_json == {"source": f"{path}:2", "order_id": None, "reasons": [BAD_JSON[lang]]}
    assert no_receipt == {"source": f"{path}:3", "order_id": "B1", "reasons": [missing]}


def test_every_output_format_of_watch_rejects_in_the_same_shape(tmp_path: Path) -> None:
    path = _file(tmp_path)
    common = ("--lang", "en", "watch", "--pack", "chengdong", "--as-of", AS_OF)
    expected = {"source": f"{path}:3", "order_id": "B1", "reasons": ["received_at: field required"]}
    for output in ("csv", "html"):
        rejected = _rejections(*common, "--output-format", output, str(path))
        assert rejected[1] == expected, output


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("en", ["rejected {path}:2: " + BAD_JSON["en"],
                "rejected {path}:3 (order B1): received_at: field required"]),
        ("zh", ["拒收 {path}:2：" + BAD_JSON["zh"],
                "拒收 {path}:3（工单 B1）：受理时间（received_at）：必填项缺失"]),
    ],
)  # fmt: skip
def test_watch_as_a_table_says_a_rejected_record_as_evaluate_does_for_people(
    tmp_path: Path, lang: str, lines: list[str]
) -> None:
    # the table is for people: each rejection a line, as evaluate's table writes it
    path = _file(tmp_path)
    common = ("--pack", "chengdong", "--as-of", AS_OF, "--output-format", "table", str(path))
    said = {}
    for command in ("watch", "evaluate"):
        result = CliRunner().invoke(cli, ["--lang", lang, command, *common])
        assert result.exit_code == 1, result.output
        said[command] = [text for text in result.stderr.splitlines() if not text.startswith("{")][
            :2
        ]
    assert said["watch"] == said["evaluate"]  # (one function writes both: see above)
    assert said["watch"] == [line.format(path=path) for line in lines]
    assert not any(text.startswith('{"rejected"') for text in said["watch"])


def test_a_second_record_of_an_id_is_rejected_and_the_others_listed(tmp_path: Path) -> None:
    # it stopped watch with "orders[1]: order id 'Y1' again (first at orders[0])", no list,
    # exit 2; evaluate rejects the record, naming the file's line of the first, and goes on
    good = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    other = order("Y2", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    path = tmp_path / "orders.jsonl"
    path.write_text(
        "\n".join(o.model_dump_json() for o in (good, other, good)) + "\n", encoding="utf-8"
    )
    args = ["watch", "--pack", "daye", "--as-of", AS_OF, str(path)]
    result = CliRunner().invoke(cli, [*args, "--output-format", "jsonl"])
    assert result.exit_code == 1, result.output
    assert f"(first at {path}:1)" in result.stderr
    listed = {json.loads(line)["order_id"] for line in result.stdout.splitlines() if line}
    assert listed == {"Y1", "Y2"}
    assert "3 records: 2 assessed, 1 rejected" in result.stderr


def test_a_horizon_too_long_is_a_usage_error(tmp_path: Path) -> None:
    # 99999999999d was an OverflowError traceback; 100000d said "100000 days, 0:00:00"
    path = _file(tmp_path)
    for within, said in (("99999999999d", "longer than a horizon of 3660 days"),
                         ("3661d", "longer than a horizon of 3660 days")):  # fmt: skip
        result = CliRunner().invoke(
            cli, ["watch", "--pack", "daye", "--as-of", AS_OF, "--within", within, str(path)]
        )
        assert result.exit_code == 2, result.output
        assert said in result.output
    late = CliRunner().invoke(
        cli,
        ["watch", "--pack", "daye", "--as-of", "2199-12-30T10:00+08:00", "--within", "5d",
         str(path)],
    )  # fmt: skip
    assert late.exit_code == 2
    assert "past the years the library reads (to 2199)" in late.output
    chinese = CliRunner().invoke(
        cli, ["--lang", "zh", "watch", "--pack", "daye", "--as-of", AS_OF, "--within",
              "100000d", str(path)],
    )  # fmt: skip
    assert "超过预警时段上限 3660 天" in chinese.output


def test_watch_says_the_file_it_wrote(tmp_path: Path) -> None:
    # every command that writes -o FILE says "wrote FILE"; watch said nothing
    out = tmp_path / "list.csv"
    result = CliRunner().invoke(
        cli,
        ["watch", "--pack", "daye", "--as-of", AS_OF, str(_file(tmp_path)),
         "--output-format", "csv", "-o", str(out)],
    )  # fmt: skip
    assert f"wrote {out}" in result.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("due,")
