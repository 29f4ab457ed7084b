"""The language people read: the catalogue is complete and compiled, the CLI speaks it.

The expected Chinese below is written by hand (from the catalogue's intent and the
Chinese terms of the model's enumerations), never produced by the code under test.
"""

from __future__ import annotations

import json
import re
import string
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import click
import pytest
from babel.messages.mofile import read_mo
from click.testing import CliRunner

from grievance_rules import i18n
from grievance_rules.cli import cli, main
from grievance_rules.cli.evaluate import _table
from grievance_rules.engine import evaluate
from grievance_rules.reading import read_orders
from tests.catalogue_tool import catalogue

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


# --- the catalogue -------------------------------------------------------------------


def test_every_message_marked_in_src_has_a_chinese_translation() -> None:
    messages = catalogue.extract()
    assert len(messages) > 150  # the CLI's and the readers' messages at least
    missing = [
        f"{m.where}: {m.id!r} ({why})"
        for m, why in catalogue.untranslated(messages, catalogue.load())
    ]
    assert not missing, "\n".join(missing)


def test_the_cli_and_reader_messages_are_among_those_extracted() -> None:
    ids = {m.key for m in catalogue.extract()}
    for expected in (
        "{inputs} record: {assessed} assessed, {rejected} rejected",
        "field required",
        "id: duplicate order id {order_id} (first at {first})",
        "error: {message}",
        "Usage:",
    ):
        assert expected in ids


def _fields(text: str) -> set[str]:
    """The names a ``str.format`` template asks for (``{month.year}`` asks for ``month``)."""
    names = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[]", field)[0])
    return names


def test_every_translation_asks_only_for_what_its_message_is_given() -> None:
    """A translation may leave a placeholder out, never add one: ``.format`` would fail."""
    wrong = []
    for message in catalogue.load():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, list | tuple) else (message.id,)
        given = set().union(*(_fields(text) for text in ids))
        strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
        for text in strings:
            if not _fields(text) <= given:
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def _entries(catalog: object) -> dict[tuple[object, object], object]:
    return {
        (
            tuple(message.id) if isinstance(message.id, list | tuple) else message.id,
            message.context,
        ): (tuple(message.string) if isinstance(message.string, list | tuple) else message.string)
        for message in catalog  # type: ignore[attr-defined]
        if message.id and not message.fuzzy and message.string
    }


def test_the_committed_mo_is_the_compiled_po() -> None:
    with catalogue.MO.open("rb") as handle:
        committed = read_mo(handle)
    assert _entries(committed) == _entries(catalogue.load())


def test_compiling_is_reproducible() -> None:
    # the same .po gives the same .mo bytes whenever it is compiled: the header's
    # POT-Creation-Date is the .po's own, not the time of compiling (Babel's default)
    assert catalogue.compiled() == catalogue.MO.read_bytes()
    assert b"POT-Creation-Date: 2026-11-30 00:00+0000" in catalogue.MO.read_bytes()


# --- choosing the language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "C"}, "en"),
        ({"LANGUAGE": "zh_CN:en"}, "zh"),
        ({"GRIEVANCE_RULES_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"GRIEVANCE_RULES_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        ({"GRIEVANCE_RULES_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),  # unknown: next source
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from_environment(environ) == expected


def test_use_language_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "zh")
    assert i18n.current_language() == "zh"
    i18n.use_language("en")
    assert i18n.current_language() == "en"
    i18n.use_language(None)
    assert i18n.current_language() == "zh"
    with pytest.raises(ValueError, match=r"^未知的语言 'fr'：可选 zh、en$"):  # the language in use
        i18n.use_language("fr")
    with i18n.language("en"), pytest.raises(ValueError, match=r"^unknown language 'fr': use"):
        i18n.use_language("fr")


def _read(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, [*args, "read", SAMPLE], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_lang_option_over_environment_variable_over_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chinese = "共 5 条记录，接收 5 条（提示 0 条），拒收 0 条"
    english = "5 records, 5 accepted (0 warnings), 0 rejected"
    monkeypatch.delenv("GRIEVANCE_RULES_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert chinese in _read()  # the locale
    i18n.use_language(None)
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    assert english in _read()  # the variable over the locale
    i18n.use_language(None)
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "zh")
    assert chinese in _read()
    i18n.use_language(None)
    assert english in _read("--lang", "en")  # the option over the variable
    i18n.use_language(None)
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    assert chinese in _read("--lang", "zh")


def test_an_unknown_lang_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "read", SAMPLE])
    assert result.exit_code == 2
    assert "'fr' is not one of 'zh', 'en'" in result.output


def test_lang_after_the_command_and_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    # users put options last: `score FILE --pack daye --lang zh` was "No such option"
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "en")
    chinese = "共 5 条记录，接收 5 条（提示 0 条），拒收 0 条"
    english = "5 records, 5 accepted (0 warnings), 0 rejected"
    result = CliRunner().invoke(cli, ["read", SAMPLE, "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert chinese in result.output
    i18n.use_language(None)
    # given twice, the later one counts; a subcommand without it keeps the group's
    twice = CliRunner().invoke(cli, ["--lang", "zh", "read", SAMPLE, "--lang", "en"])
    assert english in twice.output
    i18n.use_language(None)
    assert chinese in _read("--lang", "zh")
    i18n.use_language(None)
    nested = CliRunner().invoke(cli, ["packs", "list", "--lang", "zh"])
    assert nested.exit_code == 0, nested.output
    assert "条规则" in nested.output
    assert "rules" not in nested.output
    i18n.use_language(None)
    refused = CliRunner().invoke(cli, ["read", SAMPLE, "--lang", "fr"])
    assert refused.exit_code == 2
    assert "'fr' is not one of 'zh', 'en'" in refused.output


def test_an_unknown_language_in_the_environment_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIEVANCE_RULES_LANG", "fr")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = CliRunner().invoke(cli, ["read", SAMPLE])
    assert result.exit_code == 0, result.output
    # passed over for the locale, and said once, in the language used
    assert result.output.count("GRIEVANCE_RULES_LANG=fr") == 1
    assert "警告：GRIEVANCE_RULES_LANG=fr 不是本程序的语言（zh、en），改用 zh" in result.output
    i18n.use_language(None)
    chosen = CliRunner().invoke(cli, ["--lang", "en", "read", SAMPLE])
    assert "GRIEVANCE_RULES_LANG" not in chosen.output  # --lang given: the variable is not read


# --- the CLI in Chinese has no English frame text -------------------------------------

ALLOWED_WORDS = frozenset(
    {
        # the program, its commands and the argument names of its usage line
        "grievance",
        "rules",
        "read",
        "evaluate",
        "score",
        "FILE",
        "PATH",
        # file formats, field names and codes the data itself uses
        "json",
        "jsonl",
        "csv",
        "xlsx",
        "html",
        "category",
        "received_at",
        "id",
        "enum",
        "missing",
        "timezone_aware",
        "string_type",
        "tuple_type",
        "units",
        "name",
        "events",
        "UTC",
        "ISO",
    }
)
"""Latin-script words a Chinese page may show: names, not frame text."""

_NOT_WORDS = [
    re.compile(r"(/[\w.\-]+)+"),  # file paths
    re.compile(r"\b[\w\-]+\.txt\b"),  # source documents cited (002_cc7cbe507f08239f.txt)
    re.compile(r"'[^']*'"),  # values quoted from the input
    re.compile(r"\b(utf-8(-sig)?|gb18030|auto)\b"),  # encoding names
    re.compile(r"\b[A-Z]{2}-[\w.#-]+"),  # rule ids (XY-1.accept, DY-7b.return-window#0)
    re.compile(r"\b(chengdong|xiayang|daye)@[\d-]+"),  # pack keys
    re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:.+-]+)?"),  # dates and instants
    re.compile(r"--?[a-z][a-z-]*"),  # options
    re.compile(r"\b(S-\d+|X\d+|c\d+|cgb|dzb)\b"),  # order and unit ids
]


def english_words(text: str) -> set[str]:
    """The Latin-script words of ``text`` once names, ids, dates and options are removed."""
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return {word for word in re.findall(r"[A-Za-z_]+", text) if word not in ALLOWED_WORDS}


def test_english_words_finds_frame_text() -> None:
    assert english_words("工单 S-0001，考核办法 xiayang@2022-06-08：0 分") == set()
    assert english_words("order S-0001 under xiayang@2022-06-08: 0 points") == {
        "order",
        "under",
        "points",
    }


def _zh(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--lang", "zh", *args], prog_name="grievance-rules")
    assert result.exit_code == code, result.output
    return result.output


def test_read_in_chinese() -> None:
    out = _zh("read", SAMPLE)
    assert "共 5 条记录，接收 5 条（提示 0 条），拒收 0 条" in out
    assert english_words(out) == set()


def test_evaluate_table_in_chinese() -> None:
    out = _zh("evaluate", "--pack", "xiayang", "--output-format", "table", SAMPLE)
    assert "工单 S-0001，考核办法 xiayang@2022-06-08，截至 2026-02-25T11:00:00+08:00：0 分" in out
    assert re.search(r"时限\s+XY-1\.accept\s+到期 2026-02-13 10:30\s+按时\s+c07 东风社区", out)
    assert re.search(r"时限\s+XY-1\.accept\s+到期 2026-03-03 09:20\s+超时\s+c11 南湖村", out)
    assert re.search(r"期限\s+XY-5\.return-window\s+截止 2026-03-04 09:20\s+期限内", out)
    assert "计时中" in out
    assert "共 5 条记录：已测评 5 件，拒收 0 件" in out
    assert "None" not in out
    assert english_words(out) == set()


def test_timeline_in_chinese() -> None:
    out = _zh("timeline", "--pack", "daye", "--order", "S-0002", SAMPLE)
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["2026-03-02T09:10:00+08:00", "受理"]
    assert lines[1].split()[:2] == ["2026-03-02T09:20:00+08:00", "派单"]
    assert "DY-7a.signoff#0 亮黄灯" in out
    assert "DY-7a.signoff#0（南湖村） 按时，DY-8b.reply#0（南湖村） 计时中" in out
    assert english_words(out) == set()


def test_packs_list_and_show_in_chinese() -> None:
    listed = _zh("packs", "list")
    assert re.search(r"daye\s+2023-05-19\s+\d+ 条规则\s+内置\s+大冶市", listed)
    shown = _zh("packs", "show", "daye").splitlines()
    assert shown[1] == "适用地区：湖北省大冶市；自 2023-05-19 起施行"
    assert re.fullmatch(
        r"日历：工作时间 09:00-12:00,13:30-17:30（(假定|文件规定)）；"
        r"半个工作日：一天工作时间的一半",
        shown[3],
    )
    assert re.match(r"  DY-7a\.signoff\s+时限\s+及时受理", shown[6])


def test_calendar_in_chinese() -> None:
    lines = _zh("calendar", "add", "2026-02-13", "2").splitlines()
    assert lines[0] == "2026-02-13 加 2 个工作日 = 2026-02-24 周二"
    assert lines[1] == "  计入 2026-02-14 周六：调休上班（春节）"
    assert lines[2] == "  跳过 2026-02-15 周日：节假日（春节）"
    assert len(lines) == 11  # the make-up Saturday and nine days of the Spring Festival
    shown = _zh("calendar", "is-workday", "2026-02-14")
    assert shown.startswith("2026-02-14 周六：调休上班（春节） -> 工作日\n  依据：")


def test_a_rejected_record_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    record = {"id": "X1", "channel": "app", "category": "wish"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = _zh("read", str(path), code=1)
    assert "拒收 " in out
    assert "（工单 X1）" in out
    # the field by its Chinese column name, the field beside it; the Chinese colon
    assert "受理时间（received_at）：必填项缺失 [missing]" in out
    # the allowed values by their Chinese terms, in the order of model/enums.py
    assert (
        "诉求类型（category）：应为以下之一：咨询、求助、投诉、举报、建议（实际为 'wish'） [enum]"
        in out
    )
    assert "共 1 条记录，接收 0 条（提示 0 条），拒收 1 条" in out
    assert english_words(out) == set()
    english = CliRunner().invoke(cli, ["--lang", "en", "read", str(path)]).output
    assert "received_at: field required [missing]" in english
    assert "the Chinese terms are accepted too" in english


def test_pydantic_messages_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    record = {
        "id": "X2",
        "channel": "app",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
        "events": 5,
        "units": [{"id": "c1", "kind": "village_community", "name": 3}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = _zh("read", str(path), code=1)
    assert "units[0].name：应为文字（实际为 3） [string_type]" in out
    assert "流转记录（events）：应为列表（实际为 5） [tuple_type]" in out
    english = CliRunner().invoke(cli, ["read", str(path)]).output
    assert "units[0].name: Input should be a valid string (got 3) [string_type]" in english


def test_a_duplicate_order_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    with open(SAMPLE, encoding="utf-8") as sample:
        first = sample.readline()
    path.write_text(first + first, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "zh", "evaluate", "--pack", "daye", str(path)])
    assert result.exit_code == 1
    (line,) = [text for text in result.stderr.splitlines() if text.startswith("{")]
    reasons = json.loads(line)["rejected"]["reasons"]
    assert reasons == [f"id：工单编号 'S-0001' 重复（首次出现于 {path}:1）"]
    assert "共 2 条记录：已测评 1 件，拒收 1 件" in result.stderr


def test_a_usage_error_in_chinese() -> None:
    out = _zh("score", "--pack", "daye", "--format", "html", SAMPLE, code=2)
    assert "用法： grievance-rules score [选项] FILE" in out
    assert "错误：" in out
    assert "'html' 不是工单文件的格式" in out
    assert "输出格式请用 --output-format html" in out
    assert english_words(out) == set()
    out = _zh("nope", code=2)
    assert "错误：没有 'nope' 这个命令。" in out
    assert english_words(out) == set()


def test_main_error_line_in_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "argv", ["grievance-rules", "--lang", "zh", "read", SAMPLE, "--encoding", "nope"]
    )
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：未知的文字编码 'nope'")
    assert english_words(err) == set()


def test_english_is_english() -> None:
    result = CliRunner().invoke(
        cli, ["--lang", "en", "evaluate", "--pack", "xiayang", "--output-format", "table", SAMPLE]
    )
    assert result.exit_code == 0
    assert "order S-0001 under xiayang@2022-06-08 as of 2026-02-25T11:00:00+08:00: 0 points" in (
        result.output
    )
    clock = r"clock\s+XY-1\.accept\s+due 2026-02-13 10:30\s+met\s+"
    assert re.search(clock + r"c07 东风社区\n", result.output)  # units by id and name
    assert "5 records: 5 assessed, 0 rejected" in result.output
    usage = CliRunner().invoke(cli, ["--lang", "en", "nope"], prog_name="grievance-rules")
    assert "Usage: grievance-rules [OPTIONS] COMMAND [ARGS]..." in usage.output
    assert "Error: No such command 'nope'." in usage.output


# --- the evaluate table: no None, provisional days said -------------------------------


def test_the_table_never_prints_none_and_flags_provisional_deadlines() -> None:
    order = read_orders(SAMPLE).orders[1]
    assessment = evaluate(order, "xiayang")
    clock = assessment.clocks[0]
    provisional = assessment.model_copy(
        update={"clocks": (clock.model_copy(update={"provisional": True}), *assessment.clocks[1:])}
    )
    with i18n.language("en"):
        lines = _table(provisional, order)
        assert lines[1].endswith(
            "  (provisional: the deadline counts a day no holiday notice has set yet)"
        )
        assert not any("provisional" in line for line in lines[2:])
    with i18n.language("zh"):
        assert _table(provisional, order)[1].endswith(
            "（暂定：计算该时限用到了尚无放假通知安排的日期）"
        )
    for pack in ("chengdong", "xiayang", "daye"):
        for each in read_orders(SAMPLE).orders:
            for lang in ("en", "zh"):
                with i18n.language(lang):
                    assert "None" not in "\n".join(_table(evaluate(each, pack), each))


# --- one spelling of the CLI ----------------------------------------------------------


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((prefix + name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_one_spelling_of_every_option(name: str, command: click.Command) -> None:
    options = [p for p in command.params if isinstance(p, click.Option)]
    for option in options:
        names = option.opts + option.secondary_opts
        if "--output" in names:
            assert "-o" in names, f"{name}: --output without -o"
            assert not isinstance(option.type, click.Choice), f"{name}: --output is a format"
        if "-o" in names:
            assert "--output" in names, f"{name}: -o is not --output"
        if "--assume-tz" in names:
            assert option.hidden, f"{name}: --assume-tz is shown"
        assert "--out" not in names
    visible = {n for option in options if not option.hidden for n in option.opts}
    if "--assume-tz" in {n for option in options for n in option.opts}:
        assert "--tz" in visible, f"{name}: a zone option that is not --tz"
    if visible & {"--as-of", "--until"}:  # an instant that may lack an offset: --tz reads it
        assert "--tz" in visible, f"{name}: an instant option without --tz"


def test_score_html_without_a_file_is_refused_before_reading(tmp_path: Path) -> None:
    unreadable = tmp_path / "orders.jsonl"
    unreadable.write_text("this is not JSON\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["score", "--pack", "daye", "--output-format", "html", str(unreadable)]
    )
    assert result.exit_code == 2
    assert "--output-format html needs --output FILE (-o FILE)" in result.output
    assert "inputs" not in result.output  # nothing was read, nothing counted


@pytest.mark.parametrize("command", ["watch", "timeline"])
def test_watch_and_timeline_take_the_format_as_output_format(command: str, tmp_path: Path) -> None:
    extra = (
        ["--order", "S-0002"]
        if command == "timeline"
        else ["--as-of", "2026-03-02T13:00+08:00", "--within", "30d"]
    )
    old = CliRunner().invoke(cli, [command, "--pack", "daye", *extra, "--output", "jsonl", SAMPLE])
    assert old.exit_code == 2
    assert "--output is the file to write; for the format use --output-format jsonl" in (old.output)
    out = tmp_path / "steps.jsonl"
    written = CliRunner().invoke(
        cli, [command, "--pack", "daye", *extra, "--output-format", "jsonl", "-o", str(out), SAMPLE]
    )
    assert written.exit_code == 0, written.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines
    assert all(json.loads(line) for line in lines)


@pytest.mark.parametrize("command", [["read"], ["evaluate", "--pack", "daye"]])
def test_an_unknown_zone_is_refused_naming_tz(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--tz", "Nowhere/X", SAMPLE])
    assert result.exit_code == 2
    assert "Invalid value for --tz: unknown time zone 'Nowhere/X'; e.g. Asia/Shanghai" in (
        result.output
    )


def test_an_instant_without_an_offset_is_refused_naming_its_option() -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "--pack", "daye", "--as-of", "2026-03-01T00:00", SAMPLE]
    )
    assert result.exit_code == 2
    assert "Invalid value for --as-of: '2026-03-01T00:00' has no UTC offset" in result.output
    chinese = _zh("evaluate", "--pack", "daye", "--as-of", "2026-03-01T00:00", SAMPLE, code=2)
    assert "错误：--as-of 的值无效：'2026-03-01T00:00' 未注明时区" in chinese


# --- history checks, calendar explanations and scenario reports in Chinese -------------

_CALLBACK_FIRST = {
    "id": "H1",
    "channel": "12345",
    "category": "投诉",
    "received_at": "2024-05-06T09:00:00+08:00",
    "units": [{"id": "c07", "kind": "属地"}],
    "events": [
        {"type": "dispatched", "at": "2024-05-06T09:10:00+08:00", "to_unit": "c07"},
        {"type": "callback", "at": "2024-05-06T10:00:00+08:00"},
        {"type": "replied", "at": "2024-05-06T11:00:00+08:00", "unit": "c09"},
    ],
}


def test_a_record_with_history_issues_is_rejected_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps(_CALLBACK_FIRST, ensure_ascii=False) + "\n", encoding="utf-8")
    out = _zh("read", str(path), code=1)
    assert out.splitlines()[0] == (
        f"拒收 {path}:1（工单 H1）：events[1]：尚无回复即已回访 [callback_before_reply]；"
        "events[2].unit：单位 'c09' 不在该工单的单位列表中 [unknown_unit]"
    )
    # the order id H1, the field path events[2].unit and the issue codes are names
    assert english_words(out) <= {"H", "unit", "callback_before_reply", "unknown_unit"}
    evaluated = _zh("evaluate", "--pack", "xiayang", str(path), code=1)
    rejected = json.loads(evaluated.splitlines()[0])["rejected"]
    assert rejected["reasons"] == [
        "events[1]：尚无回复即已回访",
        "events[2].unit：单位 'c09' 不在该工单的单位列表中",
    ]
    english = CliRunner().invoke(cli, ["--lang", "en", "read", str(path)]).output
    assert english.splitlines()[0] == (
        f"rejected {path}:1 (order H1): events[1]: callback before any reply "
        "[callback_before_reply]; events[2].unit: unit 'c09' is not among the order's units "
        "[unknown_unit]"
    )


def test_history_issues_and_their_error_in_chinese() -> None:
    from grievance_rules.errors import HistoryError
    from grievance_rules.model import WorkOrder, check_history, ensure_coherent

    order = WorkOrder.model_validate(
        {
            "id": "A2",
            "channel": "app",
            "category": "求助",
            "received_at": "2024-05-06T09:00:00+08:00",
            "units": [{"id": "c07", "kind": "属地"}, {"id": "c07", "kind": "属地"}],
            "events": [
                {"type": "replied", "at": "2024-05-06T08:00:00+08:00", "unit": "c07"},
                {
                    "type": "return_decided",
                    "at": "2024-05-06T10:00:00+08:00",
                    "decision": "refused",
                },
            ],
        }
    )
    with i18n.language("zh"):
        issues = [str(issue) for issue in check_history(order)]
        with pytest.raises(HistoryError) as raised:
            ensure_coherent(order)
    assert issues == [
        "units[1].id：单位编号 'c07' 重复出现 [duplicate_unit]",
        "events[0].at：环节时间 2024-05-06T08:00:00+08:00 早于工单受理时间"
        "（2024-05-06T09:00:00+08:00） [event_before_received]",
        "events[0].unit：单位 'c07' 有办理动作（回复），但工单从未派给该单位 [unit_not_reached]",
        "events[1]：作出了退单审核，但没有待审核的退单申请 [return_decided_without_request]",
    ]
    assert str(raised.value) == "工单 A2：流转记录有 4 处问题：" + "；".join(issues)
    with i18n.language("en"):
        english = [str(issue) for issue in check_history(order)]
    assert english[2] == (
        "events[0].unit: unit 'c07' acts (replied) but the order never reached it "
        "[unit_not_reached]"
    )


def test_calendar_explain_in_chinese() -> None:
    out = _zh("calendar", "explain", "2026-02-13T15:00+08:00", "2 working days")
    lines = out.splitlines()
    assert lines[:5] == [
        "起算时刻  2026-02-13T15:00:00+08:00",
        "期限      2个工作日（按民法典的期间计算方法）",
        "  起算日 2026-02-13 不计入（民法典第二百零一条）",
        "  此后第 2 个工作日：2026-02-24",
        "  至最后一日 24:00 止",
    ]
    assert "  计入 2026-02-14 周六：调休上班（春节）" in lines
    assert lines[-1] == "到期      2026-02-25T00:00:00+08:00"
    assert english_words(out) == set()
    office = _zh(
        "calendar",
        "explain",
        "2026-02-13T15:00+08:00",
        "1 working day",
        "--office-hours",
        "09:00-12:00,13:30-17:30",
    )
    # 7 working hours a day: Fri 15:00 + 420 minutes = Sat 14 (make-up day) 15:00
    assert (
        "  自起算时刻起按工作时间计 420 分钟（每个工作日 420 分钟）：2026-02-14T15:00:00+08:00"
    ) in office.splitlines()
    assert english_words(office) == set()
    # the JSON keeps the stored English steps; English text is as before
    data = json.loads(
        _zh("calendar", "explain", "2026-02-13T15:00+08:00", "2 working days", "--json")
    )
    assert data["steps"][0] == "start day 2026-02-13 not counted (民法典 art. 201)"
    english = CliRunner().invoke(
        cli, ["--lang", "en", "calendar", "explain", "2026-02-13T15:00+08:00", "2 working days"]
    )
    assert english.output.splitlines()[:3] == [
        "start     2026-02-13T15:00:00+08:00",
        "duration  2 working days (civil_code)",
        "  start day 2026-02-13 not counted (民法典 art. 201)",
    ]


def test_pack_test_in_chinese() -> None:
    out = _zh("test", "policies/xiayang")
    lines = out.splitlines()
    assert lines[0].startswith("通过 bimonthly.yaml：")
    assert "通过 71 个，失败 0 个" in lines  # the cases of policies/xiayang/scenarios/*.yaml
    assert lines[-1] == "覆盖情况：每条规则都已检验；每个时限的按时和超时两种情形都有用例"
    # each result line is a mark, a file name and the case's name, the pack's own data
    # (its scenario files, written by the pack's authors: name_zh with the name after
    # it in brackets); the frame around them is Chinese
    frame = "\n".join(line.split(" ", 1)[0] if ".yaml：" in line else line for line in lines)
    assert {line.split(" ", 1)[0] for line in lines if ".yaml：" in line} == {"通过"}
    assert english_words(frame) == set()
    english = CliRunner().invoke(cli, ["--lang", "en", "test", "policies/xiayang"]).output
    assert "71 passed, 0 failed" in english.splitlines()
    assert english.splitlines()[0].startswith("ok   bimonthly.yaml: ")


def test_lists_in_messages_are_joined_with_the_enumeration_comma_in_chinese() -> None:
    """A list inside a message: 「a、b、c」 in Chinese, ``a, b, c`` in English (join_list)."""
    from grievance_rules.engine.matching import get_matcher
    from grievance_rules.engine.periods import unknown_period_kind
    from grievance_rules.errors import GrievanceRulesError
    from grievance_rules.packs import find_pack
    from grievance_rules.reading.formats import format_of

    def said(call: Callable[[], object]) -> str:
        with pytest.raises((GrievanceRulesError, ValueError)) as caught:
            call()
        return str(caught.value)

    with i18n.language("zh"):
        assert str(unknown_period_kind("fortnight")) == (
            "period：未知的周期类型 'fortnight'；应为以下之一："
            "day、week、month、two_months、quarter、half_year、year"
        )
        assert said(lambda: find_pack("nowhere")) == (
            "没有名为 'nowhere' 的规则包；可用：chengdong、daye、xiayang"
        )
        assert said(lambda: format_of("orders.doc")) == (
            "无法从扩展名 '.doc' 判断 'orders.doc' 的格式；请指定以下之一：json、jsonl、csv、xlsx"
        )
        assert said(lambda: get_matcher("rete")) == "未知的引擎 'rete'；可选：native、durable"
    with i18n.language("en"):  # English as it always was
        assert str(unknown_period_kind("fortnight")) == (
            "period: unknown kind of period 'fortnight'; one of "
            "day, week, month, two_months, quarter, half_year, year"
        )
        assert said(lambda: find_pack("nowhere")) == (
            "no policy pack 'nowhere'; available: chengdong, daye, xiayang"
        )
        assert said(lambda: get_matcher("rete")) == "unknown engine 'rete'; one of: native, durable"
    # the CLI: a format of the orders file that is none
    assert (
        _zh("evaluate", "--format", "doc", "orders.doc", code=2)
        .splitlines()[-1]
        .endswith("'doc' 不是工单文件的格式：应为以下之一：json、jsonl、csv、xlsx")
    )


def test_a_list_cut_short_ends_with_an_ellipsis_as_the_language_writes_it() -> None:
    """The first items of a long list, then `` ...`` in English or …… in Chinese."""
    rows = list(range(2, 14))  # 12 rows, 10 shown
    with i18n.language("zh"):
        assert i18n.join_truncated(rows, 10) == "2、3、4、5、6、7、8、9、10、11……"
        assert i18n.join_truncated(rows[:10], 10) == "2、3、4、5、6、7、8、9、10、11"
        assert i18n.join_truncated(["a", "b"], 1) == "a……"
    with i18n.language("en"):
        assert i18n.join_truncated(rows, 10) == "2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ..."
        assert i18n.join_truncated(rows[:10], 10) == "2, 3, 4, 5, 6, 7, 8, 9, 10, 11"
        assert i18n.join_truncated([], 10) == ""


def test_lists_are_joined_by_join_list_not_by_a_catalogue_separator_of_their_own() -> None:
    """``join_list`` is the one place a list's separator is chosen (、 or ``, ``).

    Code that joined with ``pgettext("list", ", ")`` (the same 、 through the catalogue)
    or with its own ``"、" if current_language() == "zh" else ", "`` now calls ``join_list``;
    the catalogue entry is gone with its last use.
    """
    extracted = {(m.context, m.id) for m in catalogue.extract()}
    assert ("list", ", ") not in extracted
    assert catalogue.load().get(", ", context="list") is None
    source = Path(i18n.__file__).parent
    joined_their_own_way = [
        f"{path.relative_to(source)}:{number}"
        for path in sorted(source.rglob("*.py"))
        if path.name != "i18n.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if '"、" if current_language() == "zh" else ", "' in line
    ]
    assert joined_their_own_way == []
