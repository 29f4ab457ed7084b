"""A counted noun agrees with its count in English: 1 record, 2 records (never "1 records").

Each message that counts something is checked in English for 1 and for 2, and in
Chinese for 1 (Chinese has no plural: the same words for every count, with the
measure word). Expected strings are written by hand.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result

from grievance_rules.cli import cli
from grievance_rules.cli._output import counts_line
from grievance_rules.cli.convert import written_line
from grievance_rules.cli.evaluate import _table
from grievance_rules.cli.watch import closing_line
from grievance_rules.engine import evaluate
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.packs.discovery import PackLocation
from grievance_rules.reading import read_orders
from grievance_rules.reading.results import read_summary
from tests.operations.conftest import DEMO_PACK, dispatched, order

SAMPLE = resources.files("grievance_rules") / "samples" / "orders.jsonl"
EXAMPLE_PACK = Path(__file__).parents[2] / "docs" / "example-pack"


def _lines(tmp_path: Path, count: int) -> Path:
    """The first ``count`` orders of the sample, as JSON Lines."""
    path = tmp_path / f"orders{count}.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:count]), encoding="utf-8")
    return path


def _run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def _last(text: str) -> str:
    return text.strip().splitlines()[-1]


# --- the closing counts of evaluate, score, read, watch, convert, compare ----------------


def test_counts_line_inputs() -> None:
    with language("en"):
        assert counts_line(1, 1, 0, 0) == "1 input: 1 assessed, 0 rejected"
        assert counts_line(2, 1, 0, 1) == "2 inputs: 1 assessed, 1 rejected"
        assert counts_line(1, 0, 1, 0) == (
            "1 input: 0 assessed, 1 excluded from assessment, 0 rejected"
        )
        assert counts_line(2, 1, 1, 0) == (
            "2 inputs: 1 assessed, 1 excluded from assessment, 0 rejected"
        )
    with language("zh"):
        assert counts_line(1, 1, 0, 0) == "共 1 条记录：已测评 1 件，拒收 0 件"
        assert counts_line(1, 0, 1, 0) == "共 1 条记录：已测评 0 件，不纳入测评 1 件，拒收 0 件"


def test_counts_line_records() -> None:
    with language("en"):
        assert counts_line(1, 0, 0, 1, records=True) == "1 record: 0 assessed, 1 rejected"
        assert counts_line(2, 2, 0, 0, records=True) == "2 records: 2 assessed, 0 rejected"
        assert counts_line(1, 0, 1, 0, records=True) == (
            "1 record: 0 assessed, 1 excluded from assessment, 0 rejected"
        )
        assert counts_line(2, 0, 2, 0, records=True) == (
            "2 records: 0 assessed, 2 excluded from assessment, 0 rejected"
        )
    with language("zh"):
        assert counts_line(1, 0, 0, 1, records=True) == "共 1 条记录：已测评 0 件，拒收 1 件"
        assert counts_line(1, 0, 1, 0, records=True) == (
            "共 1 条记录：已测评 0 件，不纳入测评 1 件，拒收 0 件"
        )


def test_evaluate_and_score_of_one_record(tmp_path: Path) -> None:
    one, two = str(_lines(tmp_path, 1)), str(_lines(tmp_path, 2))
    assert _last(_run("evaluate", "--pack", "daye", one).stderr) == (
        "1 record: 1 assessed, 0 rejected"
    )
    assert _last(_run("evaluate", "--pack", "daye", two).stderr) == (
        "2 records: 2 assessed, 0 rejected"
    )
    assert _last(_run("score", "--pack", "daye", one).stderr) == "1 input: 1 assessed, 0 rejected"
    assert _last(_run("--lang", "zh", "evaluate", "--pack", "daye", one).stderr) == (
        "共 1 条记录：已测评 1 件，拒收 0 件"
    )


def test_watch_closing_line() -> None:
    with language("en"):
        assert closing_line(1, 1, 0, 0, 1) == "1 record: 1 assessed, 0 rejected; 1 item listed"
        assert closing_line(2, 2, 0, 0, 2) == "2 records: 2 assessed, 0 rejected; 2 items listed"
        assert closing_line(1, 0, 1, 0, 0) == (
            "1 record: 0 assessed, 1 received after --as-of (not open then), 0 rejected; "
            "0 items listed"
        )
        assert closing_line(2, 1, 1, 0, 1) == (
            "2 records: 1 assessed, 1 received after --as-of (not open then), 0 rejected; "
            "1 item listed"
        )
    with language("zh"):
        assert closing_line(1, 1, 0, 0, 1) == "共 1 条记录：已测评 1 件，拒收 0 件；列出 1 项"
        assert closing_line(1, 0, 1, 0, 1) == (
            "共 1 条记录：已测评 0 件，--as-of 之后受理 1 件（当时尚无在办事项），拒收 0 件；"
            "列出 1 项"
        )


def test_watch_of_one_order_with_one_item(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    one = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    path.write_text(one.model_dump_json() + "\n", encoding="utf-8")
    args = ("watch", "--pack-dir", str(DEMO_PACK), "--as-of", "2024-06-17T11:00+08:00", str(path))
    assert _last(_run(*args).stderr) == "1 record: 1 assessed, 0 rejected; 1 item listed"
    assert _last(_run("--lang", "zh", *args).stderr) == (
        "共 1 条记录：已测评 1 件，拒收 0 件；列出 1 项"
    )


def test_convert_written_line(tmp_path: Path) -> None:
    with language("en"):
        assert written_line(1, 1, "o.xlsx", 0) == "1 record: 1 order written to o.xlsx, 0 rejected"
        assert written_line(2, 2, "o.xlsx", 0) == (
            "2 records: 2 orders written to o.xlsx, 0 rejected"
        )
        assert written_line(2, 1, "o.xlsx", 1) == "2 records: 1 order written to o.xlsx, 1 rejected"
    with language("zh"):
        assert written_line(1, 1, "o.xlsx", 0) == "共 1 条记录：1 张工单写入 o.xlsx，0 条被拒收"
    out = tmp_path / "out.jsonl"
    result = _run("convert", str(_lines(tmp_path, 1)), str(out))
    assert _last(result.stderr) == f"1 record: 1 order written to {out}, 0 rejected"


def test_read_summary(tmp_path: Path) -> None:
    with language("en"):
        assert read_summary("f.jsonl", 1, 1, 1, 0) == (
            "f.jsonl: 1 record, 1 accepted (1 warning), 0 rejected"
        )
        assert read_summary("f.jsonl", 2, 2, 2, 0) == (
            "f.jsonl: 2 records, 2 accepted (2 warnings), 0 rejected"
        )
    with language("zh"):
        assert read_summary("f.jsonl", 1, 1, 1, 0) == (
            "f.jsonl：共 1 条记录，接收 1 条（提示 1 条），拒收 0 条"
        )
    one = _lines(tmp_path, 1)
    assert _last(_run("read", str(one)).output) == (
        f"{one}: 1 record, 1 accepted (0 warnings), 0 rejected"
    )
    with language("en"):
        assert read_orders(one).summary() == f"{one}: 1 record, 1 accepted (0 warnings), 0 rejected"


def test_compare_closing_line(tmp_path: Path) -> None:
    args = ("compare", "--packs", "chengdong,daye")
    assert _last(_run(*args, str(_lines(tmp_path, 1))).stderr) == (
        "1 input: under chengdong@2024 1 assessed, 0 excluded from assessment; "
        "under daye@2023-05-19 1 assessed, 0 excluded from assessment; 0 rejected"
    )
    assert _last(_run(*args, str(_lines(tmp_path, 2))).stderr) == (
        "2 inputs: under chengdong@2024 2 assessed, 0 excluded from assessment; "
        "under daye@2023-05-19 2 assessed, 0 excluded from assessment; 0 rejected"
    )
    assert _last(_run("--lang", "zh", *args, str(_lines(tmp_path, 1))).stderr) == (
        "共 1 条记录：chengdong@2024 下已测评 1 件、不纳入测评 0 件；"
        "daye@2023-05-19 下已测评 1 件、不纳入测评 0 件；拒收 0 件"
    )


# --- sample, calendar, evaluate's table, demo --------------------------------------------


def test_sample_says_how_many_orders_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "orders.jsonl"
    assert _run("sample", "--orders", "1", "--seed", "1", "-o", str(out)).stderr.strip() == (
        f"wrote 1 order to {out}"
    )
    assert _run("sample", "--orders", "2", "--seed", "1", "-o", str(out)).stderr.strip() == (
        f"wrote 2 orders to {out}"
    )
    csv = tmp_path / "orders.csv"
    assert _run("sample", "--orders", "1", "--seed", "1", "-o", str(csv)).stderr.strip() == (
        f"wrote 1 order to {csv}"
    )
    zh = _run("--lang", "zh", "sample", "--orders", "1", "--seed", "1", "-o", str(out))
    assert zh.stderr.strip() == f"已将 1 件工单写入 {out}"


def test_calendar_add() -> None:
    assert _run("calendar", "add", "2024-05-06", "1").output.splitlines()[0] == (
        "2024-05-06 + 1 working day = 2024-05-07 Tue"
    )
    assert _run("calendar", "add", "2024-05-06", "2").output.splitlines()[0] == (
        "2024-05-06 + 2 working days = 2024-05-08 Wed"
    )
    assert _run("--lang", "zh", "calendar", "add", "2024-05-06", "1").output.splitlines()[0] == (
        "2024-05-06 加 1 个工作日 = 2024-05-07 周二"
    )


def test_the_points_of_an_assessment_in_the_table() -> None:
    # under chengdong, the sample's S-0001 loses 1 point, S-0002 3, S-0003 none; S-0005
    # gains 1 and loses 1 (its gain alone: 1 point)
    first, second, third, _fourth, fifth = read_orders(Path(str(SAMPLE))).orders

    def heading(order: WorkOrder, *, gain_only: bool = False) -> str:
        assessment = evaluate(order, "chengdong")
        if gain_only:
            assessment = assessment.model_copy(update={"deductions": assessment.deductions[:1]})
        as_of = assessment.as_of.isoformat()
        line = _table(assessment)[0]
        prefix = f"order {order.id} under chengdong@2024 as of {as_of}: "
        zh_prefix = f"工单 {order.id}，考核办法 chengdong@2024，截至 {as_of}："
        return line.removeprefix(prefix).removeprefix(zh_prefix)

    with language("en"):
        assert heading(first) == "-1 point"
        assert heading(fifth, gain_only=True) == "1 point"
        assert heading(second) == "-3 points"
        assert heading(third) == "0 points"
    with language("zh"):
        assert heading(first) == "-1 分"
    table = _run("evaluate", "--pack", "chengdong", "--output-format", "table", str(SAMPLE))
    assert "order S-0001 under chengdong@2024 as of 2026-02-25T11:00:00+08:00: -1 point" in (
        table.stdout.splitlines()
    )


def test_demo_counts_its_orders(tmp_path: Path) -> None:
    def demo(count: int, *lang: str) -> list[str]:
        html = str(tmp_path / f"demo{count}{''.join(lang)}.html")
        return _run(*lang, "demo", "--orders", str(count), "--html", html).output.splitlines()

    one = demo(1)
    assert one[0].startswith(
        "1 sample order of one street received in May 2024 (synthetic, seed 2024), "
        "assessed as of its last event under chengdong"
    )
    assert (
        "Where the packs disagree: 1 of 1 order differs somewhere. "
        "Topics on which two or more packs judged and differed:"
    ) in one
    assert any(line.startswith("     1 order   escalation dissatisfied  ") for line in one)
    three = demo(3)
    assert three[0].startswith(
        "3 sample orders of one street received in May 2024 (synthetic, seed 2024), "
        "each assessed as of its last event under chengdong"
    )
    assert (
        "Where the packs disagree: 3 of 3 orders differ somewhere. "
        "Topics on which two or more packs judged and differed:"
    ) in three
    assert any(line.startswith("     2 orders  escalation dissatisfied  ") for line in three)
    zh = demo(1, "--lang", "zh")
    assert zh[0].startswith(
        "某街道 2024年5月 受理的 1 件样例工单（模拟数据，随机种子 2024），"
        "每件按其最后一个流转环节的时间，分别用以下考核办法评估：chengdong"
    )
    assert (
        "各考核办法的分歧：1 件工单中有 1 件结论不一致。"
        "两套及以上考核办法都作出判断但结论不同的事项："
    ) in zh
    assert any(line.startswith("     1 件  ") for line in zh)


# --- packs list, validate, and a pack whose synthetic orders are rejected ----------------


def _pack(folder: Path, count: int) -> Path:
    """A pack of ``count`` clock rules, each reading a parameter of its own given without
    a citation (each value flagged): ``count`` rules, parameters and flags."""
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE_PACK / "pack.yaml", folder / "pack.yaml")
    names = ["transfer", "reply"][:count]
    parameters = "parameters:\n" + "".join(
        f"  {name}_time:\n"
        f'    description: "Time limit ({name})"\n'
        f'    description_zh: "时限（{name}）"\n'
        "    values:\n"
        "      - from: 2024-01-01\n"
        "        value: 1 working day\n"
        for name in names
    )
    (folder / "parameters.yaml").write_text(parameters, encoding="utf-8")
    rules = "rules:\n" + "".join(
        f"  - id: DXH-1.{name}\n"
        "    kind: clock\n"
        f"    title: 时限 {name}\n"
        "    clauses: [DXH-1]\n"
        "    citation:\n"
        "      source: 003_57aee03586ab8c8f.txt\n"
        "      clause: 东西湖区\n"
        "      text: 将群众投诉转办到位纳入全区月度《群众投诉件综合得分即排名情况通报》里\n"
        "    start: {event: dispatched, where: {to_unit_upstream: false}}\n"
        "    stop: {event: replied}\n"
        f"    duration: {{param: {name}_time}}\n"
        "    convention: working_time\n"
        for name in names
    )
    (folder / "rules").mkdir()
    (folder / "rules" / "clocks.yaml").write_text(rules, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("packs")
    return _pack(root / "one", 1), _pack(root / "two", 2)


def test_packs_validate_counts_rules_parameters_and_flags(packs: tuple[Path, Path]) -> None:
    one, two = (str(folder) for folder in packs)
    assert _last(_run("packs", "validate", one).output) == (
        "dongxihu example-1: valid, 1 rule, 1 parameter, 1 flag"
    )
    assert _last(_run("packs", "validate", two).output) == (
        "dongxihu example-1: valid, 2 rules, 2 parameters, 2 flags"
    )
    assert _last(_run("--lang", "zh", "packs", "validate", one).output) == (
        "dongxihu example-1：校验通过，1 条规则，1 个参数，1 条提示"
    )


def test_packs_list_counts_each_packs_rules(
    packs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grievance_rules.cli.packs as packs_cli

    one, two = packs
    monkeypatch.setattr(
        packs_cli,
        "available_packs",
        lambda: [PackLocation("one", one, "path"), PackLocation("two", two, "path")],
    )
    name = "东西湖区群众投诉转办与办理时限提醒（文档示例）"
    assert _run("packs", "list").output.splitlines() == [
        f"dongxihu     example-1      1 rule   path       {name}",
        f"dongxihu     example-1      2 rules  path       {name}",
    ]
    assert _run("--lang", "zh", "packs", "list").output.splitlines()[0] == (
        f"dongxihu     example-1      1 条规则  目录       {name}"
    )


@pytest.mark.parametrize(
    ("rejected", "lang", "expected"),
    [
        (1, "en", "pack daye: loads, but 1 of 40 synthetic orders was rejected: bad"),
        (2, "en", "pack daye: loads, but 2 of 40 synthetic orders were rejected; the first: bad"),
        (1, "zh", "考核办法 daye：可以加载，但 40 件模拟工单中有 1 件被拒收；第一件的原因：bad"),
    ],
)
def test_a_pack_whose_synthetic_orders_are_rejected(
    rejected: int, lang: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grievance_rules.scoring as scoring
    from grievance_rules.cli.packs import assess_trial
    from grievance_rules.errors import PackError

    card = SimpleNamespace(
        rejected=rejected, inputs=40, rejections=[SimpleNamespace(reasons=["bad"])]
    )
    monkeypatch.setattr(scoring, "score", lambda orders, pack: card)
    with language(lang), pytest.raises(PackError) as refused:
        assess_trial(find_pack("daye"))
    assert str(refused.value) == expected
