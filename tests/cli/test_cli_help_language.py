"""Help texts read in the chosen language: ``--lang zh`` help is Chinese, ``--lang en`` English.

The Chinese expected below is written by hand (the catalogue's wording), never produced
by the code under test. The walk over every command and option makes a new help text
without a Chinese translation fail here.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.cli._language import (
    TranslatedArgument,
    TranslatedCommand,
    TranslatedOption,
    help_msgid,
    wrap_text,
)
from grievance_rules.i18n import gettext, language
from grievance_rules.text_width import display_width
from tests.catalogue_tool import catalogue

WIDTH = 80


def _help(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(
        cli, [*args, "--help"], prog_name="grievance-rules", terminal_width=WIDTH, env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


def _flat(page: str) -> str:
    """The page with its line breaks and indentation as single spaces (English rewrapped)."""
    return re.sub(r"\s+", " ", page)


def _chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


# --- the help pages of some commands, in each language ---------------------------------

PAGES = [
    pytest.param(
        (),
        [
            "12345 市民服务热线工单的可执行规则。",
            "提示、表格和报告可用简体中文或英文：用 --lang zh|en 选择",
            "显示版本号后退出。",
            "显示本帮助后退出。",
        ],
        [
            "Executable rules for 12345 citizen-hotline work orders.",
            "Messages, tables and reports are in 简体中文 or English",
            "Show the version and exit.",
            "Show this message and exit.",
        ],
        id="grievance-rules",
    ),
    pytest.param(
        ("score",),
        [
            "按考核办法生成各单位每个周期的计分表。",
            "考核办法目录（代替 --pack）。",
            "把报告写入此文件（默认：标准输出）。",
            "计分表的周期类型。  [默认：month]",
            "显示进度条（默认：在终端上显示）。",
            "引擎使用的工作进程数。",
        ],
        [
            "Each unit's scorecard per period under a pack",
            "A pack directory (instead of --pack).",
            "Write the report to this file (default: standard output).",
            "Kind of period of the scorecards.",
            "Show a progress bar (default: on a terminal).",
            "Worker processes for the engine.",
        ],
        id="score",
    ),
    pytest.param(
        ("compare",),
        [
            "同一批工单在多套考核办法下的比较。",
            "以逗号分隔的考核办法名称或目录。",
            "完整保留多少件结果不一致的工单。",
            "以 JSON 输出比较结果。",
            "另将各表以 CSV 文件写入此文件夹。",
        ],
        [
            "The same orders under several packs",
            "Comma-separated pack names or directories.",
            "Diverging orders kept in full.",
            "Print the comparison as JSON.",
            "Also write the tables as CSV files into this folder.",
        ],
        id="compare",
    ),
    pytest.param(
        ("evaluate",),
        [
            "按考核办法测评 FILE 中的每件工单。",
            "按此时刻测评（ISO 8601，带时区偏移；",
            "规则匹配后端：native（处处可用）",
            "有记录被拒收时退出状态为 1",
            "写入此文件（默认：标准输出）；JSON Lines 文件",
        ],
        [
            "Assess every order in FILE under a pack",
            "Assess as of this instant (ISO 8601 with offset; a date alone is 00:00",
            "Matching backend: native (everywhere)",
            "Exit status 1 when any record was",
            "Write to this file (default: standard output); a JSON Lines file",
        ],
        id="evaluate",
    ),
    pytest.param(
        ("sample",),
        [
            "以 JSON Lines 写出一个虚构街道的模拟工单（件数由 --orders 给出）。",
            "要写出的工单数。",
            "随机种子：相同的种子生成逐字节相同的工单。",
            "受理的第一天（YYYY-MM-DD）。",
            "受理工单的月数。",
        ],
        [
            "Write synthetic work orders (--orders of them) of a fictional street as JSON Lines.",
            "How many orders to write.",
            "The seed: the same seed gives the same orders, byte for byte.",
            "The first day of receipt (YYYY-MM-DD).",
            "How many months orders are received in.",
        ],
        id="sample",
    ),
    pytest.param(
        ("calendar",),
        [
            "中国工作日日历：节假日、调休上班日、期限。",
            "DAY 是否为工作日，以及原因",
            "哪些年份依据放假通知，哪些年份是推算的",
        ],
        [
            "The China working-day calendar: holidays, make-up days, deadlines.",
            "Whether DAY is a working day, and why.",
            "Which years come from notices and which are projected.",
        ],
        id="calendar",
    ),
    pytest.param(
        ("calendar", "explain"),
        [
            "从 START 起经过 DURATION 何时届满，以及原因。",
            '"2个工作日"、"半个工作日"、"1小时"',
            "半个工作日的含义。",
            '工作时段，例如 "09:00-12:00,13:30-17:30"。',
            "以 JSON 输出期限及其计算说明。",
        ],
        [
            "When DURATION from START ends, and why.",
            '"2 working days", "半个工作日", "1 hour"',
            "What half a working day means.",
            'Working intervals, e.g. "09:00-12:00,13:30-17:30".',
            "Print the explained deadline as JSON.",
        ],
        id="calendar explain",
    ),
    pytest.param(
        ("packs", "validate"),
        [
            "加载考核办法 PACK，用它测评模拟工单，并报告问题。",
            "有任何提示时即拒绝该考核办法。",
        ],
        [
            "Load PACK, assess synthetic orders under it, and report problems.",
            "Refuse the pack when anything is flagged.",
        ],
        id="packs validate",
    ),
]


@pytest.mark.parametrize(("path", "chinese", "english"), PAGES)
def test_help_page_in_chinese(
    path: tuple[str, ...], chinese: list[str], english: list[str]
) -> None:
    page = _help("--lang", "zh", *path)
    for phrase in chinese:
        assert phrase in page
    for phrase in english:
        assert phrase not in _flat(page)


@pytest.mark.parametrize(("path", "chinese", "english"), PAGES)
def test_help_page_in_english(
    path: tuple[str, ...], chinese: list[str], english: list[str]
) -> None:
    page = _flat(_help("--lang", "en", *path))
    for phrase in english:
        assert phrase in page
    for phrase in chinese:
        assert phrase not in page


def test_help_follows_the_environment_variable() -> None:
    assert "计分表的周期类型。" in _help("score", env={"GRIEVANCE_RULES_LANG": "zh"})
    english = _flat(_help("score", env={"GRIEVANCE_RULES_LANG": "en"}))
    assert "Kind of period of the scorecards." in english
    assert "计分表的周期类型。" not in english


def test_the_english_page_is_click_s_own() -> None:
    """In English nothing is rewrapped: the page is what click writes by itself."""
    page = _help("--lang", "en", "score")
    assert page.startswith(
        "Usage: grievance-rules score [OPTIONS] FILE\n\n"
        "  Each unit's scorecard per period under a pack: points, score, rank, rates,\n"
        "  period rules.\n\nOptions:\n"
        "  --pack TEXT                     Pack name (built-in or installed), or a path\n"
        "                                  to a pack directory (with a /).\n"
    )


def test_the_help_option_follows_the_language_of_each_run() -> None:
    """Click keeps its --help option once made; its help is still said in each run's language."""
    for lang, expected, other in [
        ("en", "Show this message and exit.", "显示本帮助后退出。"),
        ("zh", "显示本帮助后退出。", "Show this message and exit."),
        ("en", "Show this message and exit.", "显示本帮助后退出。"),
    ]:
        for path in [(), ("calendar",), ("calendar", "add"), ("score",)]:
            page = _help("--lang", lang, *path)
            assert re.search(rf"-h, --help\s+{re.escape(expected)}", page)
            assert other not in page


# --- the command lists ------------------------------------------------------------------

SHORT_HELP = {
    "calendar": "中国工作日日历：节假日、调休上班日、期限",
    "compare": "同一批工单在多套考核办法下的比较",
    "convert": "把 IN 中的工单转为 OUT：JSON Lines、xlsx、CSV 或 Parquet 数据集",
    "demo": "用三套内置考核办法测评一个月的样例工单，加以比较并写出报告",
    "evaluate": "按考核办法测评 FILE 中的每件工单",
    "packs": "考核办法：内置的、已安装的，或一个目录",
    "read": "读取 PATH 中的工单（json、jsonl、csv、xlsx、Parquet），逐条报告",
    "sample": "以 JSON Lines 写出一个虚构街道的模拟工单（件数由 --orders 给出）",
    "schema": "输出工单及其流转环节的 JSON Schema",
    "score": "按考核办法生成各单位每个周期的计分表",
    "serve": "以 HTTP 服务提供本库（OpenAPI：/openapi.json，文档：/docs）",
    "test": "运行 PACK_DIR 中的场景用例，无需编写 Python",
    "timeline": "回放 FILE 中的工单 ORDER：每个流转环节之后的时限和测评结果",
    "watch": "列出 FILE 中所有计时中的时限和未截止的期限窗口，按到期时刻排序",
    "what-if": "同一批工单分别在考核办法原样和改动部分参数后测评，加以比较",
}
"""Each command's line in ``grievance-rules --lang zh --help``: its first sentence, whole."""


def _command_list(page: str, heading: str) -> dict[str, str]:
    section = page.split(f"\n{heading}:\n", 1)[1]
    rows = {}
    for line in section.splitlines():
        found = re.fullmatch(r"  (\S+)\s+(.*)", line)
        if found:
            rows[found[1]] = found[2]
    return rows


def test_the_command_list_in_chinese() -> None:
    listed = _command_list(_help("--lang", "zh"), "命令")
    assert listed == SHORT_HELP
    english = _command_list(_help("--lang", "en"), "Commands")
    assert set(english) == set(SHORT_HELP)
    assert english["score"] == "Each unit's scorecard per period under a pack: points, score,..."
    assert english["packs"] == "Policy packs: the built-in ones, installed ones, or a directory."


def test_every_short_help_of_every_group_is_chinese() -> None:
    for path, group in _groups():
        listed = _command_list(_help("--lang", "zh", *path), "命令")
        assert set(listed) == set(group.commands), path
        for name, text in listed.items():
            assert _chinese(text), f"{' '.join((*path, name))}: {text!r}"
            assert not text.endswith("..."), text


def test_a_long_short_help_is_cut_by_display_width() -> None:
    command = TranslatedCommand(
        "x", help="Policy packs: the built-in ones, installed ones, or a directory."
    )
    with language("zh"):
        assert command.get_short_help_str(40) == "考核办法：内置的、已安装的，或一个目录"
        cut = command.get_short_help_str(20)
    assert cut == "考核办法：内置的…"
    assert display_width(cut) <= 20


# --- every help of every command is translated ------------------------------------------

UNTRANSLATED: frozenset[str] = frozenset()
"""Help texts that may read the same in Chinese (``command --option``): a help that is
only a code literal or a name would go here. None so far."""


def _walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _walk(sub, (*path, name))


def _groups() -> Iterator[tuple[tuple[str, ...], click.Group]]:
    for path, command in _walk(cli):
        if isinstance(command, click.Group):
            yield path, command


def _texts(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
    """What the help of ``command`` shows, each text with a name for it."""
    formatter = ctx.make_formatter()
    command.format_help_text(ctx, formatter)
    yield "help", formatter.getvalue()
    yield "short help", command.get_short_help_str(WIDTH)
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if getattr(param, "help", None) and record is not None:
            yield f"{'/'.join(param.opts) or param.name}", record[1]


def test_every_command_and_option_is_a_translated_one() -> None:
    wrong = []
    for path, command in _walk(cli):
        if not isinstance(command, TranslatedCommand):
            wrong.append(f"{' '.join(path)}: {type(command).__name__}")
        ctx = click.Context(command, info_name=path[-1] if path else "grievance-rules")
        for param in command.get_params(ctx):
            if not isinstance(param, TranslatedOption | TranslatedArgument):
                wrong.append(f"{' '.join(path)} {param.name}: {type(param).__name__}")
    assert not wrong, "\n".join(wrong)


def test_every_help_text_reads_differently_in_chinese() -> None:
    untranslated = []
    count = 0
    for path, command in _walk(cli):
        ctx = click.Context(command, info_name=path[-1] if path else "grievance-rules")
        with language("en"):
            english = dict(_texts(command, ctx))
        with language("zh"):
            chinese = dict(_texts(command, ctx))
        assert chinese.keys() == english.keys()
        for what, text in english.items():
            where = f"grievance-rules {' '.join(path)} {what}".replace("  ", " ")
            count += 1
            if where in UNTRANSLATED:
                continue
            if not text or chinese[what] == text or not _chinese(chinese[what]):
                untranslated.append(f"{where}: {text!r}")
    assert count > 150  # 26 commands' help and short help, and over a hundred options
    assert not untranslated, "\n".join(untranslated)


def test_hidden_options_have_chinese_help_too() -> None:
    hidden = [
        param
        for _path, command in _walk(cli)
        for param in command.params
        if isinstance(param, click.Option) and param.hidden and param.help
    ]
    assert hidden  # --assume-tz
    with language("zh"):
        assert all(gettext(p.help) != p.help for p in hidden if p.help)


def test_every_command_help_is_extracted_for_the_catalogue() -> None:
    """The catalogue tool extracts each docstring as exactly the text the CLI asks for."""
    extracted = {text for _file, _line, text in catalogue.command_docstrings()}
    for path, command in _walk(cli):
        assert command.help is not None, path
        assert help_msgid(command.help) in extracted, path


def test_a_docstring_is_extracted_as_click_shows_it(tmp_path: Path) -> None:
    module = tmp_path / "commands.py"
    module.write_text(
        textwrap.dedent(
            '''
            import click

            @click.command("x")
            def x() -> None:
                """First line.

                \\b
                kept
                  as is

                Second paragraph.\\f
                Not shown.
                """
            '''
        ),
        encoding="utf-8",
    )
    ((file, _line, text),) = catalogue.command_docstrings(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), namespace)
    command = namespace["x"]
    assert isinstance(command, click.Command)
    assert command.help is not None
    assert file == "commands.py"
    assert (
        text == help_msgid(command.help) == "First line.\n\n\b\nkept\n  as is\n\nSecond paragraph."
    )


# --- Chinese help is wrapped by display width -------------------------------------------


def test_chinese_help_pages_fit_the_width() -> None:
    too_wide = []
    for path, _command in _walk(cli):
        for line in _help("--lang", "zh", *path).splitlines():
            if display_width(line) > WIDTH:
                too_wide.append(f"{' '.join(path)}: {line}")
    assert not too_wide, "\n".join(too_wide)


def test_wrap_text_breaks_between_chinese_characters_not_before_punctuation() -> None:
    assert wrap_text("一二三四五六七八九十", 10) == "一二三四五\n六七八九十"
    assert wrap_text("一二三四，五六", 8) == "一二三\n四，五六"
    assert wrap_text("用 --output-format 选择格式", 14) == "用\n--output-format\n选择格式"
    assert wrap_text("第一段\n接着写\n\n\b\n  原样\n  保留", 20, "  ", "  ") == (
        "  第一段接着写\n\n    原样\n    保留"
    )
